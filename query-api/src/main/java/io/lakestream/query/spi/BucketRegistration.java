package io.lakestream.query.spi;

import static java.util.Objects.requireNonNull;

import java.util.Set;
import java.util.TreeSet;

/**
 * A project that brings its own bucket, as {@code POST /register_project} stored it. The secret key
 * is held encrypted only (AES-GCM, see {@link io.lakestream.catalog.SecretBox}); {@link
 * #toString()} shows neither key.
 *
 * @param projectId the project
 * @param bucket the bucket its tables live in, under {@code projects/{project}/{table}/}
 * @param endpoint the S3 endpoint, e.g. {@code http://minio:9000}
 * @param region the signing region
 * @param accessKey the access key id
 * @param encryptedSecretKey the secret key, encrypted, base64
 * @param tables the registered table types
 * @param registeredAtMillis when the project was first registered
 */
public record BucketRegistration(
    String projectId,
    String bucket,
    String endpoint,
    String region,
    String accessKey,
    String encryptedSecretKey,
    Set<String> tables,
    long registeredAtMillis) {
  public BucketRegistration {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(bucket, "bucket is null");
    requireNonNull(endpoint, "endpoint is null");
    requireNonNull(region, "region is null");
    requireNonNull(accessKey, "accessKey is null");
    requireNonNull(encryptedSecretKey, "encryptedSecretKey is null");
    tables = Set.copyOf(new TreeSet<>(tables));
  }

  /** This registration with one more table type. */
  public BucketRegistration withTable(String table) {
    Set<String> more = new TreeSet<>(tables);
    more.add(table);
    return new BucketRegistration(
        projectId,
        bucket,
        endpoint,
        region,
        accessKey,
        encryptedSecretKey,
        more,
        registeredAtMillis);
  }

  @Override
  public String toString() {
    return "BucketRegistration[project="
        + projectId
        + ", bucket="
        + bucket
        + ", endpoint="
        + endpoint
        + ", tables="
        + new TreeSet<>(tables)
        + "]";
  }
}

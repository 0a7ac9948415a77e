package io.lakestream.storage;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * How the writer reaches an S3 API for an {@code s3://bucket/prefix} warehouse: AWS, MinIO or
 * S3Proxy.
 *
 * <p>{@link #toString()} never shows the secret key.
 *
 * @param endpoint the S3 endpoint, e.g. {@code http://127.0.0.1:9000}; empty for AWS's default
 * @param region the signing region, e.g. {@code us-east-1}
 * @param pathStyle whether buckets are addressed as {@code endpoint/bucket} (MinIO, S3Proxy) rather
 *     than {@code bucket.endpoint}
 * @param accessKey the access key id; empty to use the default AWS credential chain
 * @param secretKey the secret access key; empty to use the default AWS credential chain
 */
public record S3Settings(
    Optional<String> endpoint,
    String region,
    boolean pathStyle,
    Optional<String> accessKey,
    Optional<String> secretKey) {

  public S3Settings {
    requireNonNull(endpoint, "endpoint is null");
    requireNonNull(region, "region is null");
    requireNonNull(accessKey, "accessKey is null");
    requireNonNull(secretKey, "secretKey is null");
    if (accessKey.isPresent() != secretKey.isPresent()) {
      throw new IllegalArgumentException(
          "Invalid S3 settings: give both the access key and the secret key, or neither.");
    }
  }

  /** AWS S3 in {@code us-east-1} with the default credential chain. */
  public static S3Settings aws() {
    return new S3Settings(Optional.empty(), "us-east-1", false, Optional.empty(), Optional.empty());
  }

  /** An S3-compatible server (MinIO, S3Proxy) at {@code endpoint}, path-style, with static keys. */
  public static S3Settings compatible(
      String endpoint, String region, String accessKey, String secretKey) {
    return new S3Settings(
        Optional.of(endpoint), region, true, Optional.of(accessKey), Optional.of(secretKey));
  }

  @Override
  public String toString() {
    return "S3Settings[endpoint="
        + endpoint.orElse("(aws)")
        + ", region="
        + region
        + ", pathStyle="
        + pathStyle
        + ", accessKey="
        + accessKey.orElse("(default chain)")
        + ", secretKey="
        + (secretKey.isPresent() ? "****" : "(default chain)")
        + "]";
  }
}

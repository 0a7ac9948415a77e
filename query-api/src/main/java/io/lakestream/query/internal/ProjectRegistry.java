package io.lakestream.query.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.catalog.SecretBox;
import io.lakestream.query.spi.BucketRegistration;
import io.lakestream.query.spi.BucketValidator;
import io.lakestream.query.spi.BucketValidator.BucketUnreachableException;
import io.lakestream.query.spi.RegistrationStore;
import io.lakestream.reader.QueryErrors;
import io.lakestream.reader.QueryException;
import io.lakestream.schema.ProjectIds;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers projects that bring their own bucket: checks the request, checks the bucket with the
 * given credentials, encrypts the secret key and stores the registration. Secrets never appear in
 * results, exceptions or logs.
 */
public final class ProjectRegistry {
  private static final Logger log = LoggerFactory.getLogger(ProjectRegistry.class);
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /** A signing region: AWS names ({@code eu-central-1}) and other stores' ({@code auto}). */
  private static final Pattern REGION = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?");

  private final RegistrationStore store;
  private final SecretBox cipher;
  private final BucketValidator validator;
  private final RegistrationEndpoints endpoints;
  private final Set<String> tableTypes;
  private final Clock clock;

  public ProjectRegistry(
      RegistrationStore store,
      SecretBox cipher,
      BucketValidator validator,
      boolean allowPrivateEndpoints,
      Set<String> tableTypes,
      Clock clock) {
    this.store = requireNonNull(store, "store is null");
    this.cipher = requireNonNull(cipher, "cipher is null");
    this.validator = requireNonNull(validator, "validator is null");
    this.endpoints = new RegistrationEndpoints(allowPrivateEndpoints);
    this.tableTypes = Set.copyOf(tableTypes);
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * What {@code POST /register_project} carries. {@link #toString()} hides the secret key.
   *
   * @param region the signing region; null means {@code us-east-1}
   */
  public record Request(
      String projectId,
      String bucket,
      String accessKey,
      String secretKey,
      String endpoint,
      String tableName,
      String region) {
    @Override
    public String toString() {
      return "Request[project=" + projectId + ", bucket=" + bucket + ", endpoint=" + endpoint + "]";
    }
  }

  /**
   * Registers a project's table in its bucket; registering again adds the table type (and replaces
   * bucket and credentials). Every field is checked before the endpoint is contacted; the project
   * id is stored in lower case.
   *
   * @throws QueryException (bad request) when a field is missing or invalid, the endpoint is not
   *     allowed, or the bucket is not reachable with the credentials (one message for every cause)
   */
  public BucketRegistration register(Request request) {
    String project = ProjectIds.normalize(required("project_id", request.projectId()));
    String bucket = required("bucket", request.bucket());
    String accessKey = required("access_key", request.accessKey());
    String secretKey = required("secret_key", request.secretKey());
    String endpoint = required("endpoint", request.endpoint());
    String table = required("table_name", request.tableName());
    String region =
        request.region() == null || request.region().isBlank()
            ? "us-east-1"
            : request.region().strip();
    if (!ProjectIds.isValid(project)) {
      throw QueryErrors.badRegistration(
          "project_id "
              + ProjectIds.quote(project)
              + " is not a project id: use 1 to 64 letters, digits, '_' or '-' (case-insensitive,"
              + " stored in lower case)");
    }
    if (!BUCKET.matcher(bucket).matches()) {
      throw QueryErrors.badRegistration(
          "bucket '"
              + bucket
              + "' is not a valid S3 bucket name (3-63 lower-case letters, digits, '.', '-')");
    }
    if (!REGION.matcher(region).matches()) {
      throw QueryErrors.badRegistration(
          "region "
              + ProjectIds.quote(region)
              + " is not a region name: use lower-case letters, digits and '-', e.g. eu-central-1");
    }
    if (!tableTypes.contains(table)) {
      throw QueryErrors.badRegistration(
          "table_name '"
              + table
              + "' is not a table type here; use one of "
              + String.join(", ", tableTypes.stream().sorted().toList()));
    }
    try {
      endpoints.check(endpoint);
      validator.check(endpoint, region, bucket, accessKey, secretKey);
    } catch (RegistrationEndpoints.Unresolvable | BucketUnreachableException e) {
      log.info(
          "Registering project '{}': bucket '{}' at {} is not reachable: {}",
          project,
          bucket,
          endpoint,
          e.getMessage());
      throw QueryErrors.bucketUnreachable(project, bucket, endpoint);
    }
    BucketRegistration existing =
        store
            .get(project)
            .filter(r -> r.bucket().equals(bucket) && r.endpoint().equals(endpoint))
            .orElse(null);
    Set<String> tables = new java.util.TreeSet<>(Set.of(table));
    if (existing != null) {
      tables.addAll(existing.tables());
    }
    BucketRegistration registration =
        new BucketRegistration(
            project,
            bucket,
            endpoint,
            region,
            accessKey,
            cipher.encrypt(secretKey),
            tables,
            existing != null ? existing.registeredAtMillis() : clock.millis());
    store.put(registration);
    log.info(
        "Registered project '{}' table '{}' in bucket '{}' at {}",
        project,
        table,
        bucket,
        endpoint);
    return registration;
  }

  /** Every registration. */
  public List<BucketRegistration> all() {
    return store.all();
  }

  /** The secret key of a registration, decrypted; for building storage clients only. */
  String secretKey(BucketRegistration registration) {
    return cipher.decrypt(registration.encryptedSecretKey());
  }

  private static String required(String field, String value) {
    if (value == null || value.isBlank()) {
      throw QueryErrors.badRegistration("the field '" + field + "' is missing");
    }
    return value.strip();
  }
}

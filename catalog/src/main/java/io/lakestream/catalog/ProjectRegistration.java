package io.lakestream.catalog;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A registered project. A project may bring its own bucket: its tables then live at {@code
 * s3://<bucket>/projects/<project>/<table>/} behind {@code endpoint}, reached with its own
 * credentials. The secret key is held encrypted ({@link SecretBox}); it is never returned by an
 * endpoint nor written to a log.
 *
 * @param projectId the project, matching {@link io.lakestream.schema.ProjectIds#isValid}
 * @param bucket the project's own bucket, if it brings one
 * @param endpoint the S3 endpoint of that bucket; empty means the default (AWS)
 * @param region the bucket's region
 * @param accessKey the access key of the project's credentials
 * @param encryptedSecretKey the secret key, encrypted by {@link SecretBox#encrypt}
 * @param tables the table types registered for the project's bucket
 * @param registeredAt when the registration was made
 * @param retention the project's own retention per table type, overriding the type's ({@code
 *     otel_logs_and_spans} → 7 days): table maintenance expires this project's rows of that type by
 *     it
 */
public record ProjectRegistration(
    String projectId,
    Optional<String> bucket,
    Optional<String> endpoint,
    Optional<String> region,
    Optional<String> accessKey,
    Optional<String> encryptedSecretKey,
    Set<String> tables,
    Instant registeredAt,
    Map<String, Duration> retention) {
  public ProjectRegistration {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(bucket, "bucket is null");
    requireNonNull(endpoint, "endpoint is null");
    requireNonNull(region, "region is null");
    requireNonNull(accessKey, "accessKey is null");
    requireNonNull(encryptedSecretKey, "encryptedSecretKey is null");
    tables = Set.copyOf(new TreeSet<>(requireNonNull(tables, "tables is null")));
    requireNonNull(registeredAt, "registeredAt is null");
    retention =
        Collections.unmodifiableSortedMap(
            new TreeMap<>(requireNonNull(retention, "retention is null")));
  }

  /** The project's own retention for its tables of type {@code table}, if it overrides it. */
  public Optional<Duration> retention(String table) {
    return Optional.ofNullable(retention.get(table));
  }

  /** This registration with {@code retention} as its retention overrides (replacing them all). */
  public ProjectRegistration withRetention(Map<String, Duration> retention) {
    return new ProjectRegistration(
        projectId,
        bucket,
        endpoint,
        region,
        accessKey,
        encryptedSecretKey,
        tables,
        registeredAt,
        retention);
  }

  /** A project that uses the shared warehouse. */
  public static ProjectRegistration shared(String projectId, Instant registeredAt) {
    return new ProjectRegistration(
        projectId,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Set.of(),
        registeredAt,
        Map.of());
  }

  /** Masks the secret in every string form, so a registration can be logged. */
  @Override
  public String toString() {
    return "ProjectRegistration[projectId="
        + projectId
        + ", bucket="
        + bucket.orElse("(shared)")
        + ", endpoint="
        + endpoint.orElse("(default)")
        + ", accessKey="
        + accessKey.map(k -> "****").orElse("(none)")
        + ", secretKey="
        + encryptedSecretKey.map(k -> "****").orElse("(none)")
        + ", tables="
        + new TreeSet<>(tables)
        + (retention.isEmpty() ? "" : ", retention=" + retention)
        + "]";
  }
}

package io.lakestream.query.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.catalog.Catalog;
import io.lakestream.catalog.ProjectRegistration;
import io.lakestream.query.spi.BucketRegistration;
import io.lakestream.query.spi.RegistrationStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Project registrations kept in the catalog ({@code lakestream.catalog}), so every role and every
 * query sidecar instance sees the same projects. Secrets arrive here already encrypted.
 */
public final class CatalogRegistrationStore implements RegistrationStore {
  private final Catalog catalog;

  public CatalogRegistrationStore(Catalog catalog) {
    this.catalog = requireNonNull(catalog, "catalog is null");
  }

  @Override
  public Optional<BucketRegistration> get(String projectId) {
    return catalog.project(projectId).flatMap(CatalogRegistrationStore::fromCatalog);
  }

  @Override
  public List<BucketRegistration> all() {
    return catalog.projects().values().stream()
        .map(CatalogRegistrationStore::fromCatalog)
        .flatMap(Optional::stream)
        .toList();
  }

  /** Keeps the project's own retention (set through {@code POST /v1/projects}). */
  @Override
  public void put(BucketRegistration registration) {
    Map<String, Duration> retention =
        catalog
            .project(registration.projectId())
            .map(ProjectRegistration::retention)
            .orElse(Map.of());
    catalog.registerProject(
        new ProjectRegistration(
            registration.projectId(),
            Optional.of(registration.bucket()),
            Optional.of(registration.endpoint()),
            Optional.of(registration.region()),
            Optional.of(registration.accessKey()),
            Optional.of(registration.encryptedSecretKey()),
            registration.tables(),
            Instant.ofEpochMilli(registration.registeredAtMillis()),
            retention));
  }

  /** A registration with its own bucket; projects registered without one are not served here. */
  private static Optional<BucketRegistration> fromCatalog(ProjectRegistration registration) {
    if (registration.bucket().isEmpty() || registration.encryptedSecretKey().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new BucketRegistration(
            registration.projectId(),
            registration.bucket().get(),
            registration.endpoint().orElse(""),
            registration.region().orElse("us-east-1"),
            registration.accessKey().orElse(""),
            registration.encryptedSecretKey().get(),
            registration.tables(),
            registration.registeredAt().toEpochMilli()));
  }
}

package io.lakestream.cli;

import static java.util.Objects.requireNonNull;

import io.lakestream.catalog.Catalog;
import io.lakestream.catalog.ProjectRegistration;
import io.lakestream.catalog.SecretBox;
import io.lakestream.maintenance.OwnBuckets;
import io.lakestream.storage.S3Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The projects with a bucket of their own, as the catalog holds their registrations ({@code POST
 * /register_project}), with their secrets decrypted by the key the query sidecar encrypts them with
 * ({@code query.encryption.key}). A project whose secret cannot be decrypted (no key, or another
 * key) is left out and said once in the log; the others are maintained.
 */
final class CatalogOwnBuckets implements OwnBuckets {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogOwnBuckets.class);

  private final Catalog catalog;
  private final Optional<SecretBox> secrets;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  CatalogOwnBuckets(Catalog catalog, Optional<SecretBox> secrets) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.secrets = requireNonNull(secrets, "secrets is null");
  }

  @Override
  public List<OwnBucket> all() {
    List<OwnBucket> buckets = new ArrayList<>();
    for (ProjectRegistration project : catalog.projects().values()) {
      if (project.bucket().isEmpty() || project.encryptedSecretKey().isEmpty()) {
        continue;
      }
      if (secrets.isEmpty()) {
        warnOnce(
            project.projectId(),
            "no encryption key is set (query.encryption.key): set the key the query sidecar uses");
        continue;
      }
      String secret;
      try {
        secret = secrets.get().decrypt(project.encryptedSecretKey().get());
      } catch (IllegalArgumentException e) {
        warnOnce(
            project.projectId(),
            e.getMessage() + " Set query.encryption.key to the key the query sidecar uses");
        continue;
      }
      warned.remove(project.projectId());
      buckets.add(
          new OwnBucket(
              project.projectId(),
              project.bucket().get(),
              S3Settings.compatible(
                  project.endpoint().orElse(""),
                  project.region().orElse("us-east-1"),
                  project.accessKey().orElse(""),
                  secret),
              project.tables()));
    }
    return buckets;
  }

  private void warnOnce(String project, String why) {
    if (warned.add(project)) {
      LOG.warn(
          "The tables of project '{}' in its own bucket are not maintained: its secret cannot be"
              + " decrypted; {}.",
          project,
          why);
    }
  }
}

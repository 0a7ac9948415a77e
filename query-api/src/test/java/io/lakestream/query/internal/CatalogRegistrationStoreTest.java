package io.lakestream.query.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.catalog.Catalog;
import io.lakestream.query.spi.BucketRegistration;
import io.lakestream.schema.TableDefinitions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CatalogRegistrationStoreTest {
  private final Catalog catalog = Catalog.inMemory(TableDefinitions.builtIns());
  private final CatalogRegistrationStore store = new CatalogRegistrationStore(catalog);

  @Test
  void registrationsRoundTripThroughTheCatalog() {
    BucketRegistration acme =
        new BucketRegistration(
            "acme",
            "acme-bucket",
            "http://127.0.0.1:9000",
            "us-east-1",
            "AK",
            "sealed",
            Set.of("events", "metrics"),
            1_795_000_000_000L);
    store.put(acme);
    assertThat(store.get("acme")).contains(acme);
    assertThat(store.all()).containsExactly(acme);
    assertThat(catalog.project("acme").orElseThrow().bucket()).contains("acme-bucket");
  }

  @Test
  void registeringTheBucketAgainKeepsTheProjectsOwnRetention() {
    catalog.overrideRetention("acme", Map.of("events", "7d"), Instant.EPOCH);

    store.put(
        new BucketRegistration(
            "acme",
            "acme-bucket",
            "http://127.0.0.1:9000",
            "us-east-1",
            "AK",
            "sealed",
            Set.of("events"),
            1_795_000_000_000L));

    assertThat(catalog.project("acme").orElseThrow().retention("events"))
        .contains(Duration.ofDays(7));
    assertThat(catalog.project("acme").orElseThrow().bucket()).contains("acme-bucket");
  }

  @Test
  void projectsWithoutTheirOwnBucketAreNotBucketRegistrations() {
    catalog.registerProject(
        io.lakestream.catalog.ProjectRegistration.shared("globex", Instant.EPOCH));
    assertThat(store.get("globex")).isEmpty();
    assertThat(store.all()).isEmpty();
  }
}

package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.catalog.Catalog;
import io.lakestream.catalog.ProjectRegistration;
import io.lakestream.catalog.SecretBox;
import io.lakestream.maintenance.OwnBuckets.OwnBucket;
import io.lakestream.schema.TableDefinitions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CatalogOwnBucketsTest {
  private static final SecretBox KEY = SecretBox.random();

  private static Catalog catalog() {
    Catalog catalog = Catalog.inMemory(Map.of("events", TableDefinitions.builtIn("events")));
    catalog.registerProject(
        new ProjectRegistration(
            "acme",
            Optional.of("acme-own"),
            Optional.of("http://minio:9000"),
            Optional.of("eu-west-1"),
            Optional.of("AKIA-ACME"),
            Optional.of(KEY.encrypt("acme-secret")),
            Set.of("events"),
            Instant.EPOCH,
            Map.of()));
    catalog.registerProject(ProjectRegistration.shared("globex", Instant.EPOCH));
    return catalog;
  }

  @Test
  void aProjectWithItsOwnBucketComesWithItsDecryptedCredentials() {
    List<OwnBucket> buckets = new CatalogOwnBuckets(catalog(), Optional.of(KEY)).all();

    assertThat(buckets).hasSize(1);
    OwnBucket acme = buckets.get(0);
    assertThat(acme.project()).isEqualTo("acme");
    assertThat(acme.bucket()).isEqualTo("acme-own");
    assertThat(acme.tables()).containsExactly("events");
    assertThat(acme.s3().endpoint()).contains("http://minio:9000");
    assertThat(acme.s3().region()).isEqualTo("eu-west-1");
    assertThat(acme.s3().pathStyle()).isTrue();
    assertThat(acme.s3().accessKey()).contains("AKIA-ACME");
    assertThat(acme.s3().secretKey()).contains("acme-secret");
    assertThat(acme.toString()).doesNotContain("acme-secret");
  }

  @Test
  void withoutTheSidecarsKeyTheBucketIsLeftOutRatherThanFailingEveryone() {
    assertThat(new CatalogOwnBuckets(catalog(), Optional.of(SecretBox.random())).all()).isEmpty();
    assertThat(new CatalogOwnBuckets(catalog(), Optional.empty()).all()).isEmpty();
  }
}

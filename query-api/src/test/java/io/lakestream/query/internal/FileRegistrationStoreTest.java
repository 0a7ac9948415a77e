package io.lakestream.query.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.query.spi.BucketRegistration;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRegistrationStoreTest {
  @TempDir Path dataDir;

  @Test
  void registrationsSurviveAReopenAndPrintWithoutKeys() {
    BucketRegistration registration =
        new BucketRegistration(
            "acme", "bucket", "http://s3", "us-east-1", "AK", "ENC", Set.of("events"), 42);
    new FileRegistrationStore(dataDir).put(registration);
    new FileRegistrationStore(dataDir).put(registration.withTable("metrics"));
    FileRegistrationStore reopened = new FileRegistrationStore(dataDir);
    assertThat(reopened.all()).hasSize(1);
    assertThat(reopened.get("acme").orElseThrow().tables())
        .containsExactlyInAnyOrder("events", "metrics");
    assertThat(reopened.get("acme").orElseThrow().toString())
        .doesNotContain("AK")
        .doesNotContain("ENC");
    assertThat(reopened.get("nobody")).isEmpty();
  }
}

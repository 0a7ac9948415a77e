package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QueryConfigTest {
  private static QueryConfig.Builder valid() {
    return QueryConfig.builder().warehouse("s3://bucket/prefix").adminToken("admin-token");
  }

  @Test
  void defaults() {
    QueryConfig config = valid().build();
    assertThat(config.pollInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.defaultLimit()).isEqualTo(1000);
    assertThat(config.maxLimit()).isEqualTo(100_000);
    assertThat(config.tables()).containsKeys("otel_logs_and_spans", "metrics", "events");
    assertThat(config.warehouseOnS3()).isTrue();
    assertThat(config.toString()).doesNotContain("admin-token");
    assertThat(config.sqlFileScanMinRows()).isEqualTo(100_000);
    assertThat(QueryConfig.builder().warehouse("/tmp/w").open(true).build().warehouse().getScheme())
        .isEqualTo("file");
  }

  @Test
  void invalidSettingsAreNamed() {
    assertThatThrownBy(() -> QueryConfig.builder().adminToken("x").build())
        .hasMessageContaining("'warehouse'");
    assertThatThrownBy(() -> valid().warehouse("hdfs://x/y").build())
        .hasMessageContaining("hdfs://x/y");
    assertThatThrownBy(() -> QueryConfig.builder().warehouse("/tmp/w").build())
        .hasMessageContaining("'tokens'");
    assertThatThrownBy(() -> valid().maxLimit(10).build())
        .hasMessageContaining("defaultLimit <= maxLimit");
    assertThatThrownBy(() -> valid().encryptionKey("c2hvcnQ=").build())
        .hasMessageContaining("not 5 bytes");
    assertThatThrownBy(() -> valid().sqlFileScanMinRows(-1).build())
        .hasMessage(
            "Invalid query configuration 'sqlFileScanMinRows': must be at least 0, not -1.");
    assertThatThrownBy(() -> valid().pollInterval(Duration.ofMillis(1)).build())
        .hasMessageContaining("at least 10 ms");
  }

  @Test
  void projectTokensAreKeptUnderLowerCaseProjectIds() {
    QueryConfig config = valid().projectToken("ACME", "t1").projectToken("acme", "t2").build();
    assertThat(config.projectTokens()).containsOnlyKeys("acme");
    assertThat(config.projectTokens().get("acme")).containsExactlyInAnyOrder("t1", "t2");
    assertThat(valid().metricsToken("m").build().toString()).doesNotContain("=m,");
    assertThatThrownBy(() -> valid().projectToken("a.b", "t").build())
        .hasMessage(
            "Invalid query configuration 'projectTokens': project 'a.b' is not a project id (1 to"
                + " 64 letters, digits, '_' or '-').");
  }
}

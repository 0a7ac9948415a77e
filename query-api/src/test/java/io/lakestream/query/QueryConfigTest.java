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
    assertThatThrownBy(() -> valid().pollInterval(Duration.ofMillis(1)).build())
        .hasMessageContaining("at least 10 ms");
  }
}

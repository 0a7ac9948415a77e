package io.lakestream.query;

import io.lakestream.writer.WriterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The set-up the commit feed and live tail tests share: a writer with {@code dev}'s settings and a
 * sidecar that follows the commit feed, over one warehouse and one broker.
 */
final class FeedFixtures {
  private FeedFixtures() {}

  /** A writer with {@code dev}'s settings that flushes every {@code flushAge}. */
  static WriterConfig devWriter(String bootstrapServers, Path warehouse, Duration flushAge) {
    return WriterConfig.devBuilder()
        .bootstrapServers(bootstrapServers)
        .warehouse(warehouse.toUri())
        .flushAge(flushAge)
        .build();
  }

  /**
   * A sidecar on 127.0.0.1, any free port, admin token {@code admin}, that follows the commit feed
   * with the fallback sweep off, so a test sees what the feed alone does.
   */
  static QueryConfig.Builder sidecarOnFeed(String bootstrapServers, Path warehouse) {
    return QueryConfig.builder()
        .warehouse(warehouse.toUri())
        .httpHost("127.0.0.1")
        .httpPort(0)
        .adminToken("admin")
        .kafka(bootstrapServers, Map.of())
        .commitFeed(true)
        .fallbackInterval(Duration.ZERO);
  }
}

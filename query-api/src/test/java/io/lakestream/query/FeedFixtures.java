package io.lakestream.query;

import io.lakestream.writer.WriterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The set-up the ITs with a broker share: a writer with {@code dev}'s settings and a sidecar that
 * follows the commit feed (or polls the logs), over one warehouse and one broker (with {@link
 * Sidecar} to call it, and {@link ClosesHadoopFileSystems} after a class that runs a writer).
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

  /**
   * A sidecar on 127.0.0.1, any free port, admin token {@code admin}, that polls each Delta log
   * every 100 ms and looks for new tables every 200 ms (no commit feed).
   */
  static QueryConfig.Builder pollingSidecar(Path warehouse) {
    return QueryConfig.builder()
        .warehouse(warehouse.toUri())
        .httpHost("127.0.0.1")
        .httpPort(0)
        .pollInterval(Duration.ofMillis(100))
        .discoveryInterval(Duration.ofMillis(200))
        .adminToken("admin");
  }

  /** {@link #sidecarOnFeed} that also serves the live tail. */
  static QueryConfig.Builder sidecarWithTail(String bootstrapServers, Path warehouse) {
    return sidecarOnFeed(bootstrapServers, warehouse).tailEnabled(true);
  }
}

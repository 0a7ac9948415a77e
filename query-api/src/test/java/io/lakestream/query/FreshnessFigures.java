package io.lakestream.query;

import io.lakestream.reader.TestRows;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.lakestream.testkit.EmbeddedKafka;
import io.lakestream.writer.WriterConfig;
import io.lakestream.writer.WriterRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Figures for docs/benchmarks.md (never asserted): produce → readable over HTTP, per row, with the
 * real writer and the sidecar on the commit feed, with or without the live tail.
 *
 * <pre>
 * java -cp $CP io.lakestream.query.FreshnessFigures SAMPLES FLUSH_AGE_MS TAIL(true|false)
 * </pre>
 *
 * Each sample produces one row of {@code events} to {@code lakestream.rows.events} (as the router
 * would) and polls its point get until it answers, ~every 2 ms.
 */
public final class FreshnessFigures {
  private FreshnessFigures() {}

  public static void main(String[] args) throws Exception {
    int samples = Integer.parseInt(args[0]);
    Duration flushAge = Duration.ofMillis(Long.parseLong(args[1]));
    boolean tail = Boolean.parseBoolean(args[2]);
    TableDefinition events = TableDefinitions.builtIn("events");
    Path warehouse = Files.createTempDirectory("freshness");
    long base = 1_795_000_000_000_000L;
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(Topics.rows(events.name()), 2);
      WriterConfig writerConfig =
          FeedFixtures.devWriter(kafka.bootstrapServers(), warehouse, flushAge);
      QueryConfig queryConfig =
          QueryConfig.builder()
              .warehouse(warehouse.toUri())
              .httpHost("127.0.0.1")
              .httpPort(0)
              .open(true)
              .kafka(kafka.bootstrapServers(), Map.of())
              .commitFeed(true)
              .tailEnabled(tail)
              .build();
      try (WriterRole writer = WriterRole.start(writerConfig, new SimpleMeterRegistry());
          QueryRole query = QueryRole.start(queryConfig, new SimpleMeterRegistry());
          KafkaProducer<byte[], byte[]> producer =
              KafkaToQueryIT.producer(kafka.bootstrapServers())) {
        String origin = "http://127.0.0.1:" + query.port();
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < samples + 3; i++) {
          long key = base + i * 1_000L;
          long produced = System.nanoTime();
          producer.send(
              KafkaToQueryIT.record(events, "acme", new TestRows(events, i).row("acme", key)));
          producer.flush();
          String row = origin + "/v1/projects/acme/tables/events/rows/" + key;
          org.awaitility.Awaitility.await()
              .atMost(java.time.Duration.ofMinutes(5))
              .pollDelay(java.time.Duration.ZERO)
              .pollInterval(java.time.Duration.ofMillis(2))
              .until(() -> found(row));
          if (i >= 3) { // the first rows create the table
            millis.add((System.nanoTime() - produced) / 1_000_000);
          }
        }
        millis.sort(null);
        System.out.printf(
            "FRESHNESS flush age %s, live tail %s: produce → readable over HTTP, %d rows: p50 %d ms,"
                + " p99 %d ms, max %d ms%n",
            flushAge,
            tail ? "on" : "off",
            millis.size(),
            millis.get(millis.size() / 2),
            millis.get((int) Math.ceil(millis.size() * 0.99) - 1),
            millis.get(millis.size() - 1));
      }
    }
    System.exit(0);
  }

  private static boolean found(String url) throws Exception {
    HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
    try {
      if (connection.getResponseCode() != 200) {
        return false;
      }
      String body = new String(connection.getInputStream().readAllBytes());
      return body.startsWith("[{");
    } finally {
      connection.disconnect();
    }
  }
}

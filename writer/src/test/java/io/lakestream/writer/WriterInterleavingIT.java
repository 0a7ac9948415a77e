package io.lakestream.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.schema.RecordHeaders;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.Topics;
import io.lakestream.testkit.EmbeddedKafkaExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several producers writing one routed partition, as two routers, {@code ingest.threads} above 1 or
 * a replay beside the live router do: a source record's rows are written whole and once, whatever
 * other transactions are open or interleaved with them.
 */
class WriterInterleavingIT {
  @RegisterExtension static EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Duration FLUSH_AGE = Duration.ofMillis(300);

  @TempDir Path dir;

  private WriterConfig config(String prefix) {
    // One routed partition: every row of every producer lands in it, interleaved.
    return TestWriters.onPrefixedTables(kafka, dir, prefix, 1).flushAge(FLUSH_AGE).build();
  }

  /**
   * Rows {@code from} (inclusive) to {@code to} (exclusive) of a source record of {@code count}.
   */
  private static List<RoutedProducer.Routed> rows(
      TableDefinition table,
      String source,
      int partition,
      long offset,
      int from,
      int to,
      int count) {
    List<RoutedProducer.Routed> rows = new ArrayList<>();
    for (int i = from; i < to; i++) {
      String id = source + "-" + partition + "@" + offset + "#" + i;
      rows.add(
          new RoutedProducer.Routed(
              table,
              "soak2",
              TestRows.row(table, "soak2", 1_700_000_000_000_000L + i, id),
              source,
              partition,
              offset,
              i,
              count));
    }
    return rows;
  }

  private static Set<String> ids(List<RoutedProducer.Routed> rows) {
    Set<String> ids = new TreeSet<>();
    rows.forEach(r -> ids.add(r.row().get(TestRows.idColumn(r.table())).toString()));
    return ids;
  }

  /**
   * The soak's case: router A's committed record (100 rows) is interleaved with router B's
   * transaction, which stays open while the writer reads. With {@code read_committed} the writer
   * first sees only A's first 48 rows and a lag of 0; it must not write them alone.
   */
  @Test
  void aRecordInterleavedWithAnotherProducersOpenTransactionIsWrittenWholeAndOnce() {
    WriterConfig config = config("open");
    TableDefinition logs = config.tables().get("open_otel_logs_and_spans");
    Lake lake = new Lake(config);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<RoutedProducer.Routed> a = rows(logs, "otlp_logs", 4, 0, 0, 100, 100);
    List<RoutedProducer.Routed> b = rows(logs, "otlp_logs", 1, 0, 0, 98, 98);

    try (RoutedProducer routerA = new RoutedProducer(kafka.bootstrapServers());
        RoutedProducer routerB = new RoutedProducer(kafka.bootstrapServers());
        WriterRole writer = WriterRole.start(config, registry)) {
      routerA.begin();
      routerA.send(a.subList(0, 48)); // offsets 0-47
      routerB.begin();
      routerB.send(b.subList(0, 49)); // offsets 48-96, B's transaction stays open
      routerA.send(a.subList(48, 96)); // offsets 97-144
      routerB.send(b.subList(49, 98)); // offsets 145-193
      routerA.send(a.subList(96, 100)); // offsets 194-197
      routerA.commit();

      await()
          .atMost(TIMEOUT)
          .until(() -> registry.get("lakestream.writer.buffered.rows").gauge().value() == 48);
      // Many flush ages pass with A's first 48 rows buffered and the partition read "to its end".
      await()
          .during(FLUSH_AGE.multipliedBy(10))
          .atMost(TIMEOUT)
          .until(() -> lake.version("soak2", "open_otel_logs_and_spans") == -1);

      routerB.commit();
      Set<String> expected = new TreeSet<>(ids(a));
      expected.addAll(ids(b));
      lake.awaitExactly(
          Map.of(new Workload.TableId("soak2", "open_otel_logs_and_spans"), expected), TIMEOUT);
    }
  }

  /**
   * A replay beside the live router sends the same source records again, interleaved with the live
   * copies: each row is written once.
   */
  @Test
  void theSameRecordsFromTwoProducersInterleavedAreWrittenOnce() {
    WriterConfig config = config("twice");
    TableDefinition events = config.tables().get("twice_events");
    Lake lake = new Lake(config);
    List<RoutedProducer.Routed> first = rows(events, "app", 0, 7, 0, 30, 30);
    List<RoutedProducer.Routed> second = rows(events, "app", 0, 8, 0, 20, 20);

    try (RoutedProducer live = new RoutedProducer(kafka.bootstrapServers());
        RoutedProducer replay = new RoutedProducer(kafka.bootstrapServers());
        WriterRole writer = WriterRole.start(config, new SimpleMeterRegistry())) {
      live.begin();
      replay.begin();
      for (int i = 0; i < 30; i += 10) {
        live.send(first.subList(i, i + 10));
        replay.send(first.subList(i, i + 10));
      }
      live.send(second.subList(0, 20));
      replay.send(second.subList(0, 5));
      live.commit();
      replay.send(second.subList(5, 20));
      replay.commit();

      Set<String> expected = new TreeSet<>(ids(first));
      expected.addAll(ids(second));
      lake.awaitExactly(Map.of(new Workload.TableId("soak2", "twice_events"), expected), TIMEOUT);
    }
  }

  /**
   * A producer that wrote only part of a record (3 of 5 rows): after {@code
   * incompleteRecordTimeout} the rows go to the DLQ, and the source partition's later records are
   * written.
   */
  @Test
  void rowsOfARecordThatNeverCompletesGoToTheDeadLettersAfterTheTimeout() {
    WriterConfig config =
        config("partial").toBuilder().incompleteRecordTimeout(Duration.ofSeconds(2)).build();
    TableDefinition events = config.tables().get("partial_events");
    Lake lake = new Lake(config);
    List<RoutedProducer.Routed> partial = rows(events, "partial_app", 0, 3, 0, 3, 5);
    List<RoutedProducer.Routed> later = rows(events, "partial_app", 0, 4, 0, 2, 2);

    try (RoutedProducer producer = new RoutedProducer(kafka.bootstrapServers());
        KafkaChecks checks = new KafkaChecks(kafka.bootstrapServers());
        WriterRole writer = WriterRole.start(config, new SimpleMeterRegistry())) {
      List<RoutedProducer.Routed> sent = new ArrayList<>(partial);
      sent.addAll(later);
      producer.sendInTransaction(sent);

      lake.awaitExactly(
          Map.of(new Workload.TableId("soak2", "partial_events"), ids(later)), TIMEOUT);
      List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                dead.clear();
                checks.readAtLeast(Topics.DEAD_LETTER, 3, TIMEOUT).stream()
                    .filter(r -> "partial_app".equals(header(r, RecordHeaders.SOURCE_TOPIC)))
                    .forEach(dead::add);
                assertThat(dead).hasSize(3);
              });
      assertThat(dead)
          .allSatisfy(
              r -> {
                assertThat(header(r, RecordHeaders.DLQ_REASON)).isEqualTo("incomplete_record");
                assertThat(header(r, RecordHeaders.DLQ_MESSAGE))
                    .contains("Only part of the rows of source record partial_app-0@3");
                assertThat(header(r, RecordHeaders.SOURCE_COUNT)).isEqualTo("5");
              });
      checks.awaitCommittedToEnd("partial-writer", Set.of(Topics.rows("partial_events")), TIMEOUT);
    }
  }

  /** Rows routed before {@code lakestream.source.count} existed are still written exactly once. */
  @Test
  void rowsWithoutARowCountAreWrittenExactlyOnceByTheOlderRule() {
    WriterConfig config = config("legacy");
    Workload workload =
        Workload.generate(
                config.tables().values(), List.of("acme", "globex"), "otlp_logs", 2, 0, 60, 9)
            .withoutRowCounts();
    Lake lake = new Lake(config);
    try (RoutedProducer producer = new RoutedProducer(kafka.bootstrapServers());
        WriterRole writer = WriterRole.start(config, new SimpleMeterRegistry())) {
      workload.produce(producer, 25);
      lake.awaitExactly(workload.expected(), TIMEOUT);
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}

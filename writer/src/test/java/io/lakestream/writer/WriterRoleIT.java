package io.lakestream.writer;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The writer on a local warehouse, read back by Delta Kernel. */
class WriterRoleIT {
  @RegisterExtension static EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  private static final List<String> PROJECTS = List.of("acme", "globex", "initech");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private WriterConfig config(String prefix, String groupId) {
    return TestWriters.onPrefixedTables(kafka, dir, prefix, 3)
        .groupId(groupId)
        .flushAge(Duration.ofMillis(300))
        .build();
  }

  private static Set<String> rowTopics(WriterConfig config) {
    return config.tables().keySet().stream().map(Topics::rows).collect(Collectors.toSet());
  }

  @Test
  void writesEveryRowExactlyOncePerProjectAndTable() {
    WriterConfig config = config("exact", "exact-writer");
    Workload workload =
        Workload.generate(config.tables().values(), PROJECTS, "otlp_logs", 2, 0, 150, 1);
    Lake lake = new Lake(config);

    try (RoutedProducer producer = new RoutedProducer(kafka.bootstrapServers());
        WriterRole writer = WriterRole.start(config, new SimpleMeterRegistry())) {
      workload.produce(producer, 40);
      lake.awaitExactly(workload.expected(), TIMEOUT);
    }
    long written =
        workload.expected().keySet().stream()
            .mapToLong(t -> lake.rowCountFromStats(t.project(), t.table()))
            .sum();
    assertThat(written)
        .as("rows in all nine tables, by their statistics")
        .isEqualTo(workload.rowCount());
  }

  /**
   * Nine tables through a writer that keeps the state of two: tables are given back and read again
   * from their logs all the time, and every row still lands once.
   */
  @Test
  void writesEveryRowExactlyOnceWhileTableStateIsGivenBack() {
    WriterConfig config = config("evict", "evict-writer").toBuilder().tableCache(2).build();
    Workload workload =
        Workload.generate(config.tables().values(), PROJECTS, "otlp_logs", 2, 0, 120, 5);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Lake lake = new Lake(config);

    try (RoutedProducer producer = new RoutedProducer(kafka.bootstrapServers());
        WriterRole writer = WriterRole.start(config, registry)) {
      workload.produce(producer, 20);
      lake.awaitExactly(workload.expected(), TIMEOUT);
    }
    assertThat(registry.get("lakestream.writer.table.states.evicted").counter().count())
        .as("table states given back")
        .isGreaterThan(0);
  }

  @Test
  void replayingTheRoutedTopicsFromTheStartChangesNoTable() {
    WriterConfig first = config("replay", "replay-first");
    Workload workload =
        Workload.generate(first.tables().values(), PROJECTS, "otlp_spans", 2, 0, 80, 2);
    Lake lake = new Lake(first);
    try (RoutedProducer producer = new RoutedProducer(kafka.bootstrapServers());
        WriterRole writer = WriterRole.start(first, new SimpleMeterRegistry())) {
      workload.produce(producer, 30);
      lake.awaitExactly(workload.expected(), TIMEOUT);
    }
    Map<Workload.TableId, Long> versions = lake.versions(workload.expected());

    WriterConfig replay = first.toBuilder().groupId("replay-second").build();
    try (KafkaChecks checks = new KafkaChecks(kafka.bootstrapServers());
        WriterRole writer = WriterRole.start(replay, new SimpleMeterRegistry())) {
      checks.awaitCommittedToEnd("replay-second", rowTopics(replay), TIMEOUT);
    }

    assertThat(lake.versions(workload.expected())).isEqualTo(versions);
    lake.assertExactly(workload.expected());
  }

  @Test
  void sendsRowsItCannotWriteToTheDeadLetterQueueAndMovesOn() {
    WriterConfig config = config("dlq", "dlq-writer");
    kafka.createTopic(Topics.rows("dlq_unknown"), 1);
    TableDefinition events = config.tables().get("dlq_events");
    Workload workload = Workload.generate(List.of(events), List.of("acme"), "app", 1, 0, 20, 3);
    Lake lake = new Lake(config);

    try (RoutedProducer producer = new RoutedProducer(kafka.bootstrapServers());
        KafkaChecks checks = new KafkaChecks(kafka.bootstrapServers());
        WriterRole writer = WriterRole.start(config, new SimpleMeterRegistry())) {
      List<ProducerRecord<byte[], byte[]>> bad = new ArrayList<>();
      bad.add(
          new ProducerRecord<>(Topics.rows("dlq_events"), utf8("acme"), utf8("not avro at all")));
      bad.add(
          producer.record(
              new RoutedProducer.Routed(
                  events, "acme", TestRows.row(events, "globex", 1, "x1"), "app", 0, 999, 0, 1)));
      bad.add(new ProducerRecord<>(Topics.rows("dlq_unknown"), utf8("acme"), utf8("whatever")));
      producer.sendRawInTransaction(bad);
      workload.produce(producer, 10);

      // the dead-letter topic is shared with the other tests of this class
      List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
      org.awaitility.Awaitility.await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                dead.clear();
                checks.readAtLeast(Topics.DEAD_LETTER, 3, TIMEOUT).stream()
                    .filter(r -> !header(r, RecordHeaders.DLQ_MESSAGE).contains("'drop_events'"))
                    .forEach(dead::add);
                assertThat(dead).hasSize(3);
              });
      assertThat(dead)
          .extracting(r -> header(r, RecordHeaders.DLQ_REASON))
          .containsExactlyInAnyOrder("undecodable", "invalid_project", "unknown_table");
      assertThat(dead)
          .filteredOn(r -> header(r, RecordHeaders.DLQ_REASON).equals("undecodable"))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(new String(r.value(), StandardCharsets.UTF_8))
                    .isEqualTo("not avro at all");
                assertThat(header(r, RecordHeaders.SOURCE_TOPIC))
                    .isEqualTo(Topics.rows("dlq_events"));
                assertThat(header(r, RecordHeaders.DLQ_MESSAGE)).contains("dlq_events row");
              });
      lake.awaitExactly(workload.expected(), TIMEOUT);
      Set<String> topics = rowTopics(config);
      topics.add(Topics.rows("dlq_unknown"));
      checks.awaitCommittedToEnd("dlq-writer", topics, TIMEOUT);
    }
  }

  @Test
  void rowsBufferedWhenTheirTableTypeIsDroppedGoToTheDeadLettersAndCreateNoTable() {
    WriterConfig base = config("drop", "drop-writer");
    TableDefinition events = base.tables().get("drop_events");
    Map<String, TableDefinition> live = new java.util.concurrent.ConcurrentHashMap<>(base.tables());
    WriterConfig config =
        base.toBuilder()
            .liveTables(
                new io.lakestream.schema.TableLookup() {
                  @Override
                  public java.util.Optional<TableDefinition> table(String name) {
                    return java.util.Optional.ofNullable(live.get(name));
                  }

                  @Override
                  public Map<String, TableDefinition> tables() {
                    return Map.copyOf(live);
                  }
                })
            .flushAge(Duration.ofSeconds(3))
            .build();
    Workload workload = Workload.generate(List.of(events), List.of("acme"), "app", 1, 0, 12, 4);
    int rows = workload.expected().values().stream().mapToInt(Set::size).sum();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Lake lake = new Lake(config);

    try (RoutedProducer producer = new RoutedProducer(kafka.bootstrapServers());
        KafkaChecks checks = new KafkaChecks(kafka.bootstrapServers());
        WriterRole writer = WriterRole.start(config, registry)) {
      workload.produce(producer, 12);
      org.awaitility.Awaitility.await()
          .atMost(TIMEOUT)
          .until(() -> registry.get("lakestream.writer.buffered.rows").gauge().value() == rows);

      live.remove("drop_events");

      List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
      org.awaitility.Awaitility.await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                dead.clear();
                checks.readAtLeast(Topics.DEAD_LETTER, rows, TIMEOUT).stream()
                    .filter(r -> header(r, RecordHeaders.DLQ_MESSAGE).contains("'drop_events'"))
                    .forEach(dead::add);
                assertThat(dead).hasSize(rows);
              });
      assertThat(dead)
          .allSatisfy(
              r -> {
                assertThat(header(r, RecordHeaders.DLQ_REASON)).isEqualTo("unknown_table");
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("acme");
                assertThat(header(r, RecordHeaders.SOURCE_TOPIC)).isEqualTo("app");
                assertThat(header(r, RecordHeaders.SOURCE_INDEX)).isNotNull();
              });
      checks.awaitCommittedToEnd("drop-writer", Set.of(Topics.rows("drop_events")), TIMEOUT);
    }
    assertThat(
            java.nio.file.Files.exists(
                Path.of(java.net.URI.create(lake.tablePath("acme", "drop_events")))))
        .as("no table was created")
        .isFalse();
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}

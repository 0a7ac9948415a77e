package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.maintenance.Maintainer;
import io.lakestream.maintenance.MaintenanceConfig;
import io.lakestream.maintenance.TableReport;
import io.lakestream.reader.IndexedFile;
import io.lakestream.reader.TableId;
import io.lakestream.reader.TableSnapshot;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.CommitAnnouncement;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.TableLookup;
import io.lakestream.schema.Topics;
import io.lakestream.tables.TableRegistry;
import io.lakestream.testkit.EmbeddedKafka;
import io.lakestream.testkit.KernelTables;
import io.lakestream.writer.WriterConfig;
import io.lakestream.writer.WriterRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compaction announced on the commit feed: the writer commits small files, the sidecar follows
 * the feed with no fallback sweep (so nothing but an announcement can tell it of the compaction),
 * and {@code maintain} compacts the table. Its announcement carries the removed and added files and
 * the table's unchanged txn watermarks; the sidecar applies it without reading the log, and then
 * serves exactly the files, rows and version that Delta Kernel reads, every row once.
 */
@ExtendWith(ClosesHadoopFileSystems.class)
class CompactionFeedIT {
  /** The built-in events type, with a retention far enough back that no row expires. */
  private static final TableDefinition EVENTS =
      TableDefinitions.builtIn("events").withRetention("test", Duration.ofDays(3650));

  private static final TableId TABLE = new TableId("acme", EVENTS.name());
  private static final long BASE = 1_795_000_000_000_000L;

  @TempDir Path warehouse;
  private final Random random = new Random(15);
  private final List<GenericRecord> sent = new ArrayList<>();

  @Test
  void theSidecarAppliesAnAnnouncedCompactionWithoutReadingTheLog() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(Topics.rows(EVENTS.name()), 2);
      WriterConfig writerConfig =
          FeedFixtures.devWriter(kafka.bootstrapServers(), warehouse, Duration.ofMillis(200));
      QueryConfig queryConfig =
          FeedFixtures.sidecarOnFeed(kafka.bootstrapServers(), warehouse)
              .tables(Map.of(EVENTS.name(), EVENTS))
              .smallFileBytes(16L * 1024 * 1024)
              .build();
      MaintenanceConfig maintenanceConfig =
          MaintenanceConfig.builder()
              .warehouse(warehouse.toUri())
              .tables(TableLookup.of(Map.of(EVENTS.name(), EVENTS)))
              .targetFileBytes(16L * 1024 * 1024)
              .commitFeed(kafka.bootstrapServers(), Map.of())
              .build();
      String tablePath = warehouse.resolve("projects/acme/events").toUri().toString();
      KernelTables kernel = new KernelTables(new org.apache.hadoop.conf.Configuration());
      try (WriterRole writer = WriterRole.start(writerConfig, new SimpleMeterRegistry());
          KafkaProducer<byte[], byte[]> producer =
              KafkaToQueryIT.producer(kafka.bootstrapServers());
          QueryRole query = QueryRole.start(queryConfig, new SimpleMeterRegistry())) {
        Sidecar sidecar = Sidecar.of(query);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> query.commitFeed().map(f -> f.isPositioned()).orElse(false));
        produceFiles(producer, sidecar, 6);
        TableRegistry tables = query.tables();
        TableSnapshot before = tables.snapshot(TABLE).orElseThrow();
        assertThat(before.fileCount()).isGreaterThanOrEqualTo(6);
        assertThat(before.version()).isEqualTo(kernel.version(tablePath));
        TableRegistry.FeedCounts countsBefore = tables.feedCounts();
        var statusBefore = sidecar.servedStatus(TABLE);
        assertThat(statusBefore.get("small_files").asLong()).isEqualTo(before.fileCount());
        assertThat(statusBefore.has("last_compaction")).as(statusBefore.toString()).isFalse();
        assertThat(statusBefore.get("retention").asText()).isEqualTo("3650d");

        TableReport report;
        try (Maintainer maintainer = new Maintainer(maintenanceConfig)) {
          report = maintainer.runOnce().get(0);
        }
        assertThat(report.failed()).as(report.summary()).isFalse();
        assertThat(report.filesRewritten()).isEqualTo(before.fileCount());
        assertThat(report.filesAfter()).isEqualTo(1);
        long compactedVersion = kernel.version(tablePath);
        assertThat(compactedVersion).isEqualTo(before.version() + 1);

        // The announcement: the writer's record, with the files swapped and the watermarks kept.
        CommitAnnouncement announcement = announcement(kafka, compactedVersion);
        assertThat(announcement.location())
            .isEqualTo(announcement(kafka, before.version()).location());
        assertThat(announcement.removed())
            .containsExactlyInAnyOrderElementsOf(
                before.files().stream().map(IndexedFile::logPath).toList());
        assertThat(announcement.added()).hasSize(1);
        CommitAnnouncement.AddedFile added = announcement.added().get(0);
        assertThat(added.rows()).isEqualTo(sent.size());
        assertThat(added.tags())
            .containsKeys("lakestream.keyModel", "lakestream.key.min", "lakestream.key.max");
        assertThat(announcement.watermarks()).isNotEmpty().isEqualTo(before.watermarks());
        Map<String, Long> kernelWatermarks = new HashMap<>();
        for (String appId : announcement.watermarks().keySet()) {
          kernelWatermarks.put(appId, kernel.transactionVersion(tablePath, appId).orElse(-1L));
        }
        assertThat(announcement.watermarks()).isEqualTo(kernelWatermarks);

        // The sidecar: the compacted table's files, rows and version, from the announcement alone.
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> tables.snapshot(TABLE).orElseThrow().version() == compactedVersion);
        TableSnapshot after = tables.snapshot(TABLE).orElseThrow();
        assertThat(after.files().stream().map(IndexedFile::logPath).sorted().toList())
            .isEqualTo(kernel.fileNames(tablePath))
            .containsExactly(added.path());
        assertThat(after.rows())
            .isEqualTo(sent.size())
            .isEqualTo(kernel.rowsAsText(tablePath, List.of(EVENTS.primaryKey())).size());
        assertThat(tables.feedCounts().applied()).isEqualTo(countsBefore.applied() + 1);
        assertThat(tables.feedCounts().readFromLog()).isEqualTo(countsBefore.readFromLog());
        assertThat(tables.feedCounts().fallbackSweeps()).isZero();

        // The table's status: one small file left (below the 16 MiB target), compacted when the
        // announcement says.
        var statusAfter = sidecar.servedStatus(TABLE);
        assertThat(statusAfter.get("small_files").asLong()).isEqualTo(1);
        assertThat(statusAfter.get("last_compaction").asText())
            .isEqualTo(Instant.ofEpochMilli(announcement.committedAtMillis()).toString());
        assertThat(statusAfter.get("retention").asText()).isEqualTo("3650d");

        // Every row readable exactly once, in key order, through the query API.
        KafkaToQueryIT.assertSameRowsInKeyOrder(
            EVENTS,
            sidecar.readAll(TABLE),
            KafkaToQueryIT.expected(EVENTS, sent, Long.MIN_VALUE, Long.MAX_VALUE));
        assertThat(writer.failure()).isEmpty();
      }
    }
  }

  /**
   * Without the commit feed the sidecar finds the compaction in the log: the status shows it as
   * {@code last_compaction} (the commit's time in the log) and the files left as small ones.
   */
  @Test
  void theStatusShowsACompactionReadFromTheLog() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(Topics.rows(EVENTS.name()), 1);
      WriterConfig writerConfig =
          FeedFixtures.devWriter(kafka.bootstrapServers(), warehouse, Duration.ofMillis(200));
      QueryConfig queryConfig =
          FeedFixtures.pollingSidecar(warehouse)
              .pollInterval(Duration.ofMillis(200))
              .tables(Map.of(EVENTS.name(), EVENTS))
              .smallFileBytes(1024)
              .build();
      String tablePath = warehouse.resolve("projects/acme/events").toUri().toString();
      KernelTables kernel = new KernelTables(new org.apache.hadoop.conf.Configuration());
      try (WriterRole writer = WriterRole.start(writerConfig, new SimpleMeterRegistry());
          KafkaProducer<byte[], byte[]> producer =
              KafkaToQueryIT.producer(kafka.bootstrapServers());
          QueryRole query = QueryRole.start(queryConfig, new SimpleMeterRegistry())) {
        Sidecar sidecar = Sidecar.of(query);
        produceFiles(producer, sidecar, 3);
        var before = sidecar.servedStatus(TABLE);
        assertThat(before.has("last_compaction")).as(before.toString()).isFalse();
        // Every file is above the 1 KiB the sidecar counts as small.
        assertThat(before.get("small_files").asLong()).isZero();

        try (Maintainer maintainer =
            new Maintainer(
                MaintenanceConfig.builder()
                    .warehouse(warehouse.toUri())
                    .tables(TableLookup.of(Map.of(EVENTS.name(), EVENTS)))
                    .targetFileBytes(16L * 1024 * 1024)
                    .build())) {
          assertThat(maintainer.runOnce().get(0).filesAfter()).isEqualTo(1);
        }
        long compactedVersion = kernel.version(tablePath);
        var after =
            await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(
                    () -> sidecar.status(TABLE),
                    status -> status.path("delta_version").asLong() == compactedVersion);
        assertThat(Instant.parse(after.get("last_compaction").asText()))
            .isEqualTo(Instant.parse(after.get("last_commit_at").asText()));
        assertThat(after.get("files").asLong()).isEqualTo(1);
        assertThat(after.get("retention").asText()).isEqualTo("3650d");
        assertThat(writer.failure()).isEmpty();
      }
    }
  }

  /** The announcement of {@code version} of acme/events on {@code lakestream.commits}. */
  private static CommitAnnouncement announcement(EmbeddedKafka kafka, long version) {
    Map<String, Object> properties = new HashMap<>();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.COMMITS).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<CommitAnnouncement> found = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<byte[], byte[]> record :
                    consumer.poll(Duration.ofMillis(200))) {
                  String key = new String(record.key(), StandardCharsets.UTF_8);
                  if (key.equals(TABLE.project() + "/" + TABLE.table())) {
                    CommitAnnouncement announcement = CommitAnnouncement.fromJson(record.value());
                    if (announcement.version() == version) {
                      found.add(announcement);
                    }
                  }
                }
                return !found.isEmpty();
              });
      return found.get(0);
    }
  }

  /**
   * Sends {@code files} batches of 50 rows, each served (so committed, in a file of its own) before
   * the next is sent.
   */
  private void produceFiles(KafkaProducer<byte[], byte[]> producer, Sidecar sidecar, int files) {
    for (int file = 0; file < files; file++) {
      produce(producer, 50);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> sidecar.rowCount(TABLE) == sent.size());
    }
  }

  private void produce(KafkaProducer<byte[], byte[]> producer, int rows) {
    TestRows testRows = new TestRows(EVENTS, random.nextLong());
    long[] keys = new long[rows];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = BASE + random.nextInt(5_000) * 1_000L;
    }
    for (GenericRecord row : testRows.rows(TABLE.project(), keys)) {
      producer.send(KafkaToQueryIT.record(EVENTS, TABLE.project(), row));
      sent.add(row);
    }
    producer.flush();
  }
}

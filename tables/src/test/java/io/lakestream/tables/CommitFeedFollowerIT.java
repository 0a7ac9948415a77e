package io.lakestream.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.reader.TableId;
import io.lakestream.reader.TableSnapshot;
import io.lakestream.reader.internal.ParquetFiles;
import io.lakestream.schema.CommitAnnouncement;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.lakestream.tables.DeltaCommitFiles.Added;
import io.lakestream.tables.internal.StandaloneDeltaLogReader;
import io.lakestream.tables.internal.WarehouseTableSource;
import io.lakestream.testkit.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query sidecar's tables on the commit feed: announced commits are applied without reading the
 * tables' Delta logs (requests to {@code _delta_log} counted by {@link CountingFileSystem}), the
 * log is read only when an announcement is not enough, and the fallback sweep finds what other
 * tools commit without any announcement.
 */
class CommitFeedFollowerIT {
  private static final String TABLE = "events";
  private static final TableDefinition EVENTS = TableDefinitions.builtIn(TABLE);
  private static final Duration NO_SWEEP_DURING_TEST = Duration.ofHours(1);

  private static EmbeddedKafka kafka;
  private static KafkaProducer<String, byte[]> producer;

  @TempDir Path warehouse;

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafka.start();
    kafka.createTopic(Topics.COMMITS, 4);
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG,
                5),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  @AfterAll
  static void stopKafka() {
    if (producer != null) {
      producer.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @BeforeEach
  void forgetCounts() {
    CountingFileSystem.reset();
  }

  @Test
  void aThousandTablesCommitWithoutOneRequestToTheirLogs() throws Exception {
    int tables = 1_000;
    for (int t = 0; t < tables; t++) {
      DeltaCommitFiles.write(
          folder(project(t)), EVENTS, 0, List.of(DeltaCommitFiles.file(0, 0, 10)), true);
    }
    try (Sidecar sidecar = new Sidecar(NO_SWEEP_DURING_TEST)) {
      await().atMost(Duration.ofMinutes(3)).until(sidecar.follower::isPositioned);
      for (int t = 0; t < tables; t++) {
        assertThat(sidecar.version(project(t))).isZero();
      }
      assertThat(CountingFileSystem.logRequests())
          .as("loading reads every log (the counter sees Delta's requests)")
          .hasSize(tables);
      CountingFileSystem.reset();

      for (int t = 0; t < tables; t++) {
        List<Added> added = List.of(DeltaCommitFiles.file(1, 100, 10));
        DeltaCommitFiles.write(folder(project(t)), EVENTS, 1, added, true);
        announce(DeltaCommitFiles.announcement(project(t), TABLE, location(project(t)), 1, added));
      }
      String newcomer = project(tables);
      List<Added> first = List.of(DeltaCommitFiles.file(0, 0, 7));
      DeltaCommitFiles.write(folder(newcomer), EVENTS, 0, first, true);
      announce(DeltaCommitFiles.announcement(newcomer, TABLE, location(newcomer), 0, first));
      producer.flush();

      await()
          .atMost(Duration.ofMinutes(2))
          .untilAsserted(
              () -> {
                for (int t = 0; t < tables; t++) {
                  assertThat(sidecar.version(project(t))).as(project(t)).isEqualTo(1);
                }
                assertThat(sidecar.version(newcomer)).isZero();
              });
      for (int t = 0; t < tables; t++) {
        TableSnapshot snapshot = sidecar.snapshot(project(t));
        assertThat(snapshot.rows()).isEqualTo(20);
        assertThat(snapshot.maxKey()).isEqualTo(109);
      }
      assertThat(sidecar.snapshot(newcomer).rows()).isEqualTo(7);
      assertThat(CountingFileSystem.logRequests().size())
          .as("tables whose _delta_log was requested while 1,001 commits were applied")
          .isZero();
      assertThat(sidecar.registry.feedCounts().applied()).isEqualTo(tables + 1);
      assertThat(sidecar.registry.feedCounts().readFromLog()).isZero();
    }
  }

  @Test
  void aGapInVersionsOrAnAnnouncementWithoutKeyModelsIsReadFromTheLog() throws Exception {
    String project = "gappy";
    DeltaCommitFiles.write(
        folder(project), EVENTS, 0, List.of(DeltaCommitFiles.file(0, 0, 5)), true);
    try (Sidecar sidecar = new Sidecar(NO_SWEEP_DURING_TEST)) {
      await().atMost(Duration.ofMinutes(1)).until(sidecar.follower::isPositioned);
      CountingFileSystem.reset();

      // commit 1's announcement is lost; commit 2's shows the gap
      List<Added> one = List.of(DeltaCommitFiles.file(1, 10, 5));
      List<Added> two = List.of(DeltaCommitFiles.file(2, 20, 5));
      DeltaCommitFiles.write(folder(project), EVENTS, 1, one, true);
      DeltaCommitFiles.write(folder(project), EVENTS, 2, two, true);
      announce(DeltaCommitFiles.announcement(project, TABLE, location(project), 2, two));
      producer.flush();
      await().atMost(Duration.ofMinutes(1)).until(() -> sidecar.version(project) == 2);
      assertThat(sidecar.snapshot(project).rows()).isEqualTo(15);
      assertThat(CountingFileSystem.logRequests()).containsKey(folder(project).toString());

      // an announced file without its key model: the log has it
      List<Added> three = List.of(DeltaCommitFiles.file(3, 30, 5));
      DeltaCommitFiles.write(folder(project), EVENTS, 3, three, true);
      CommitAnnouncement full =
          DeltaCommitFiles.announcement(project, TABLE, location(project), 3, three);
      announce(
          new CommitAnnouncement(
              full.format(),
              full.project(),
              full.table(),
              full.location(),
              full.version(),
              full.committedAtMillis(),
              List.of(
                  new CommitAnnouncement.AddedFile(
                      three.get(0).path(), 1005, 5, Map.of("other.tag", "x"))),
              full.removed(),
              full.watermarks()));
      producer.flush();
      await().atMost(Duration.ofMinutes(1)).until(() -> sidecar.version(project) == 3);
      assertThat(sidecar.snapshot(project).rows()).isEqualTo(20);
      assertThat(sidecar.registry.feedCounts().readFromLog()).isEqualTo(2);
      assertThat(sidecar.registry.feedCounts().applied()).isZero();

      // a repeated announcement changes nothing
      announce(full);
      producer.flush();
      List<Added> four = List.of(DeltaCommitFiles.file(4, 40, 5));
      DeltaCommitFiles.write(folder(project), EVENTS, 4, four, true);
      announce(DeltaCommitFiles.announcement(project, TABLE, location(project), 4, four));
      producer.flush();
      await().atMost(Duration.ofMinutes(1)).until(() -> sidecar.version(project) == 4);
      assertThat(sidecar.snapshot(project).rows()).isEqualTo(25);
      assertThat(sidecar.registry.feedCounts().applied()).isEqualTo(1);
    }
  }

  @Test
  void commitsAndTablesOtherToolsWriteWithoutAnnouncementAreFoundByTheFallbackSweep()
      throws Exception {
    String project = "spark";
    DeltaCommitFiles.write(
        folder(project), EVENTS, 0, List.of(DeltaCommitFiles.file(0, 0, 5)), true);
    try (Sidecar sidecar = new Sidecar(Duration.ofMillis(300))) {
      await().atMost(Duration.ofMinutes(1)).until(sidecar.follower::isPositioned);

      DeltaCommitFiles.write(
          folder(project), EVENTS, 1, List.of(DeltaCommitFiles.file(1, 10, 3)), true);
      String other = "restored";
      DeltaCommitFiles.write(
          folder(other), EVENTS, 0, List.of(DeltaCommitFiles.file(0, 0, 4)), true);

      await()
          .atMost(Duration.ofMinutes(1))
          .untilAsserted(
              () -> {
                assertThat(sidecar.version(project)).isEqualTo(1);
                assertThat(sidecar.version(other)).isZero();
              });
      assertThat(sidecar.snapshot(project).rows()).isEqualTo(8);
      assertThat(sidecar.snapshot(other).rows()).isEqualTo(4);
      assertThat(sidecar.registry.feedCounts().fallbackSweeps()).isPositive();
    }
  }

  private static String project(int t) {
    return String.format("p%04d", t);
  }

  private Path folder(String project) {
    return warehouse.resolve(WarehouseTableSource.PROJECTS_FOLDER).resolve(project).resolve(TABLE);
  }

  /** The table folder as a writer on this warehouse announces it. */
  private String location(String project) {
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(warehouse.toUri());
    return new org.apache.hadoop.fs.Path(
            new org.apache.hadoop.fs.Path(
                new org.apache.hadoop.fs.Path(root, WarehouseTableSource.PROJECTS_FOLDER), project),
            TABLE)
        .toString();
  }

  private static void announce(CommitAnnouncement announcement) {
    producer.send(new ProducerRecord<>(Topics.COMMITS, announcement.key(), announcement.toJson()));
  }

  /** The sidecar's table side: a registry on the counting file system, following the feed. */
  private final class Sidecar implements AutoCloseable {
    final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
    final ParquetFiles files;
    final TableRegistry registry;
    final CommitFeedFollower follower;

    Sidecar(Duration fallbackInterval) {
      Configuration conf = CountingFileSystem.install(new Configuration());
      files = new ParquetFiles(conf, 16);
      registry =
          new TableRegistry(
              name -> Optional.ofNullable(TableDefinitions.builtIns().get(name)),
              List.of(
                  new WarehouseTableSource(new org.apache.hadoop.fs.Path(warehouse.toUri()), conf)),
              new StandaloneDeltaLogReader(conf),
              files,
              executor,
              Duration.ofMillis(100),
              Clock.systemUTC());
      registry.followFeed(fallbackInterval);
      follower = CommitFeedFollower.start(kafka.bootstrapServers(), Map.of(), registry);
    }

    long version(String project) {
      return registry.snapshot(new TableId(project, TABLE)).map(TableSnapshot::version).orElse(-2L);
    }

    TableSnapshot snapshot(String project) {
      return registry.snapshot(new TableId(project, TABLE)).orElseThrow();
    }

    @Override
    public void close() {
      follower.close();
      registry.close();
      executor.shutdownNow();
      files.close();
    }
  }
}

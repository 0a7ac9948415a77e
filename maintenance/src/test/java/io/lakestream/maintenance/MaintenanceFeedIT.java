package io.lakestream.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.maintenance.internal.GroupOwnership;
import io.lakestream.schema.CommitAnnouncement;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableLookup;
import io.lakestream.schema.Topics;
import io.lakestream.testkit.EmbeddedKafka;
import io.lakestream.writer.internal.CommitFeed;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What maintenance announces on {@code lakestream.commits}, and what it does when it cannot. */
class MaintenanceFeedIT {
  private static final long DAY_MICROS = 86_400_000_000L;

  @TempDir Path folder;

  @Test
  void aRetentionCommitIsAnnouncedWithTheFilesItRemovesAndTheFileItRewrites() throws Exception {
    TableDefinition events = CompactionIT.EVENTS.withRetention("test", Duration.ofDays(5));
    Instant now = Instant.parse("2026-12-06T08:00:00Z");
    long boundary = (now.toEpochMilli() - Duration.ofDays(5).toMillis()) * 1000;
    SmallFileTable table = new SmallFileTable(folder.toUri(), CompactionIT.NO_S3, events, "acme");
    table.append(0, boundary - 2 * DAY_MICROS, 40); // wholly older
    table.append(1, boundary - DAY_MICROS, 40); // wholly older
    table.append(2, boundary - 60, 40); // straddles: 20 rows older, 20 kept
    long lastAppend = table.append(3, boundary + DAY_MICROS, 40); // newer
    Set<String> before = names(table.livePaths());

    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        Maintainer maintainer =
            new Maintainer(
                MaintenanceConfig.builder()
                    .warehouse(folder.toUri())
                    .tables(TableLookup.of(Map.of(events.name(), events)))
                    .targetFileBytes(1024) // every file is above it: retention only
                    .clock(Clock.fixed(now, ZoneOffset.UTC))
                    .commitFeed(kafka.bootstrapServers(), Map.of())
                    .build())) {
      TableReport report = maintainer.runOnce().get(0);
      assertThat(report.failed()).as(report.summary()).isFalse();
      assertThat(report.rowsExpired()).isEqualTo(100);
      maintainer.close(); // sends what is buffered

      List<ConsumerRecord<byte[], byte[]>> records = records(kafka);
      assertThat(records).hasSize(1);
      CommitAnnouncement retention = CommitAnnouncement.fromJson(records.get(0).value());
      // The partition the maintenance group gives the table is the one its announcements go to.
      assertThat(records.get(0).partition())
          .isEqualTo(GroupOwnership.partition("acme/events", CommitFeed.PARTITIONS));
      Set<String> after = names(table.livePaths());
      assertThat(retention.key()).isEqualTo("acme/events");
      assertThat(retention.location()).isEqualTo(table.path());
      assertThat(retention.version()).isEqualTo(lastAppend + 1);
      assertThat(names(retention.removed()))
          .hasSize(3)
          .isEqualTo(before.stream().filter(f -> !after.contains(f)).collect(Collectors.toSet()));
      assertThat(retention.added()).hasSize(1);
      CommitAnnouncement.AddedFile rewritten = retention.added().get(0);
      assertThat(after).contains(name(rewritten.path()));
      assertThat(rewritten.rows()).isEqualTo(20);
      assertThat(rewritten.tags()).containsKeys("lakestream.key.min", "lakestream.key.max");
      assertThat(retention.watermarks()).containsValue(table.watermark());
    }
  }

  @Test
  void aFailedAnnouncementIsCountedAndMaintenanceGoesOn() throws Exception {
    SmallFileTable acme =
        new SmallFileTable(folder.toUri(), CompactionIT.NO_S3, CompactionIT.EVENTS, "acme");
    SmallFileTable globex =
        new SmallFileTable(folder.toUri(), CompactionIT.NO_S3, CompactionIT.EVENTS, "globex");
    CompactionIT.appendFiles(acme, 0, 4);
    CompactionIT.appendFiles(globex, 0, 4);
    int noBroker;
    try (ServerSocket socket = new ServerSocket(0)) {
      noBroker = socket.getLocalPort();
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Maintainer maintainer =
        new Maintainer(
            CompactionIT.config(folder.toUri(), CompactionIT.NO_S3)
                .interval(Duration.ofMillis(200))
                .commitFeed(
                    "localhost:" + noBroker,
                    Map.of(
                        "max.block.ms", "500",
                        "request.timeout.ms", "500",
                        "default.api.timeout.ms", "1000"))
                .build());

    try (MaintenanceRole role = MaintenanceRole.start(maintainer, registry)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> acme.livePaths().size() == 1 && globex.livePaths().size() == 1);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  registry
                          .get("lakestream.maintenance.commit.announcements.failed")
                          .functionCounter()
                          .count()
                      >= 2);
      assertThat(maintainer.announcementsFailed()).isGreaterThanOrEqualTo(2);
      assertThat(role.failure()).isEmpty();
    }
    assertThat(acme.readIds()).doesNotHaveDuplicates().hasSameElementsAs(acme.allIds());
    assertThat(globex.readIds()).doesNotHaveDuplicates().hasSameElementsAs(globex.allIds());
  }

  private static List<ConsumerRecord<byte[], byte[]>> records(EmbeddedKafka kafka) {
    Map<String, Object> properties =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "feed-reader",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    List<ConsumerRecord<byte[], byte[]>> announced = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.COMMITS));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<byte[], byte[]> record :
                    consumer.poll(Duration.ofMillis(200))) {
                  announced.add(record);
                }
                return !announced.isEmpty();
              });
      // Anything sent after the first record arrives within a few more polls.
      for (int i = 0; i < 5; i++) {
        consumer.poll(Duration.ofMillis(200)).forEach(announced::add);
      }
    }
    return announced;
  }

  private static Set<String> names(java.util.Collection<String> paths) {
    return paths.stream().map(MaintenanceFeedIT::name).collect(Collectors.toSet());
  }

  private static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}

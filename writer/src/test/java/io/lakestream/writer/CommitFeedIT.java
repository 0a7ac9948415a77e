package io.lakestream.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.schema.CommitAnnouncement;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.Topics;
import io.lakestream.testkit.EmbeddedKafkaExtension;
import io.lakestream.testkit.KernelTables;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commit feed: every Delta commit announced once on lakestream.commits, as it is in the log.
 */
class CommitFeedIT {
  @RegisterExtension static EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void announcesEveryCommitOnceWithItsFilesRowsAndWatermarks() {
    WriterConfig config =
        TestWriters.onPrefixedTables(kafka, dir, "feed", 3)
            .flushAge(Duration.ofMillis(200))
            .build();
    Map<String, TableDefinition> tables = config.tables();
    Workload workload =
        Workload.generate(tables.values(), List.of("acme", "globex"), "otlp_logs", 2, 0, 80, 11);
    Lake lake = new Lake(config);
    KernelTables kernel =
        new KernelTables(io.lakestream.writer.internal.Warehouse.of(config).hadoopConf());

    try (RoutedProducer producer = new RoutedProducer(kafka.bootstrapServers());
        KafkaChecks checks = new KafkaChecks(kafka.bootstrapServers());
        WriterRole writer = WriterRole.start(config, new SimpleMeterRegistry())) {
      workload.produce(producer, 15);
      lake.awaitExactly(workload.expected(), TIMEOUT);
      Map<Workload.TableId, Long> versions = lake.versions(workload.expected());
      int commits = versions.values().stream().mapToInt(v -> (int) (v + 1)).sum();

      List<ConsumerRecord<byte[], byte[]>> records =
          checks.readAtLeast(Topics.COMMITS, commits, TIMEOUT);
      assertThat(checks.endOffsets(List.of(Topics.COMMITS)))
          .as("created by the writer (not by the broker on first use)")
          .hasSize(io.lakestream.writer.internal.CommitFeed.PARTITIONS);
      assertThat(records).hasSize(commits);
      Map<String, List<CommitAnnouncement>> byKey = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> record : records) {
        CommitAnnouncement announcement = CommitAnnouncement.fromJson(record.value());
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(announcement.key());
        byKey.computeIfAbsent(announcement.key(), k -> new ArrayList<>()).add(announcement);
      }

      for (Map.Entry<Workload.TableId, Long> table : versions.entrySet()) {
        String project = table.getKey().project();
        String name = table.getKey().table();
        String path = lake.tablePath(project, name);
        List<CommitAnnouncement> announced = byKey.get(project + "/" + name);
        assertThat(announced)
            .extracting(CommitAnnouncement::version)
            .as("one announcement per version of %s, in order", table.getKey())
            .containsExactlyElementsOf(
                LongStream.rangeClosed(0, table.getValue()).boxed().toList());
        Set<String> announcedFiles = new TreeSet<>();
        long announcedRows = 0;
        for (CommitAnnouncement a : announced) {
          assertThat(a.location()).endsWith("projects/" + project + "/" + name);
          assertThat(a.removed()).isEmpty();
          for (CommitAnnouncement.AddedFile file : a.added()) {
            announcedFiles.add(file.path());
            announcedRows += file.rows();
            assertThat(file.tags())
                .containsKeys(
                    KeyModelEncoder.MODEL_TAG, "lakestream.key.min", "lakestream.key.max");
          }
        }
        assertThat(kernel.filePaths(path).stream().map(p -> p.substring(p.lastIndexOf('/') + 1)))
            .containsExactlyInAnyOrderElementsOf(announcedFiles);
        assertThat(announcedRows).isEqualTo(lake.rowCountFromStats(project, name));
        Map<String, Long> last = announced.get(announced.size() - 1).watermarks();
        assertThat(last).isNotEmpty();
        last.forEach(
            (appId, offset) ->
                assertThat(kernel.transactionVersion(path, appId)).as(appId).contains(offset));
        assertThat(last.keySet())
            .containsAll(
                workload.rows().stream()
                    .filter(r -> r.project().equals(project) && r.table().name().equals(name))
                    .map(r -> r.sourceTopic() + "-" + r.sourcePartition())
                    .collect(Collectors.toSet()));
      }
    }
  }
}

package io.lakestream.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.testkit.EmbeddedKafkaExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The writer killed between the steps of a flush, then restarted: every row lands exactly once. */
class WriterCrashIT {
  @RegisterExtension static EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  private static final List<String> PROJECTS = List.of("acme", "globex", "initech");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private WriterConfig config(String prefix) {
    return TestWriters.onPrefixedTables(kafka, dir, prefix, 3)
        .flushAge(Duration.ofMillis(500))
        .build();
  }

  /** Produces a workload, runs a writer until it crashes, and returns the workload. */
  private Workload crashOnce(WriterConfig config, FaultInjector crash, long seed) {
    Workload workload =
        Workload.generate(config.tables().values(), PROJECTS, "otlp_logs", 2, 0, 60, seed);
    try (RoutedProducer producer = new RoutedProducer(kafka.bootstrapServers())) {
      workload.produce(producer, 1_000);
    }
    WriterRole doomed =
        WriterRole.start(config, new SimpleMeterRegistry(), KeyModelEncoder.learned(), crash);
    await().atMost(TIMEOUT).until(() -> !doomed.isRunning());
    assertThat(doomed.failure()).get().isInstanceOf(CrashAt.SimulatedCrash.class);
    doomed.close();
    return workload;
  }

  /** Restarts the writer on the same group and checks every table; returns its meters. */
  private SimpleMeterRegistry restartAndCheck(WriterConfig config, Workload workload) {
    try (KafkaChecks checks = new KafkaChecks(kafka.bootstrapServers())) {
      assertThat(checks.committed(config.groupId())).isEmpty();
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (WriterRole survivor = WriterRole.start(config, registry)) {
      new Lake(config).awaitExactly(workload.expected(), TIMEOUT);
    }
    return registry;
  }

  @Test
  void crashAfterTheDataFileIsWrittenBeforeItsCommit() throws IOException {
    WriterConfig config = config("crash_a");
    Workload workload = crashOnce(config, new CrashAt(CrashPoint.AFTER_DATA_FILE_WRITTEN, 1), 11);
    Lake lake = new Lake(config);
    assertThat(parquetFiles()).hasSize(1); // the orphan: written, never committed
    assertThat(lake.versions(workload.expected()).values()).containsOnly(-1L);

    restartAndCheck(config, workload);
  }

  @Test
  void crashAfterTheDeltaCommitsBeforeTheOffsetCommit() {
    WriterConfig config = config("crash_b");
    Workload workload = crashOnce(config, new CrashAt(CrashPoint.BEFORE_OFFSET_COMMIT, 1), 12);
    Lake lake = new Lake(config);
    Map<Workload.TableId, Long> versions = lake.versions(workload.expected());
    List<Workload.TableId> landed =
        workload.expected().keySet().stream()
            .filter(
                t -> lake.ids(t.project(), t.table()).size() == workload.expected().get(t).size())
            .toList();
    assertThat(versions.values()).anyMatch(version -> version >= 0);

    SimpleMeterRegistry meters = restartAndCheck(config, workload);

    // The re-read rows of tables that had them all were dropped by the watermarks: no new commit.
    for (Workload.TableId table : landed) {
      assertThat(lake.version(table.project(), table.table()))
          .as("version of %s", table)
          .isEqualTo(versions.get(table));
    }
    assertThat(meters.find("lakestream.writer.rows.skipped").counters())
        .isNotEmpty()
        .allSatisfy(counter -> assertThat(counter.count()).isPositive());
  }

  @Test
  void crashInTheMiddleOfAFlushThatSpansSeveralTables() {
    WriterConfig config = config("crash_c");
    Workload workload = crashOnce(config, new CrashAt(CrashPoint.AFTER_DELTA_COMMIT, 3), 13);
    Lake lake = new Lake(config);
    Map<Workload.TableId, Long> versions = lake.versions(workload.expected());
    assertThat(versions.values().stream().mapToLong(v -> v + 1).sum())
        .as("commits made before the crash")
        .isEqualTo(3);
    assertThat(versions.values()).contains(-1L); // and some tables not written at all

    restartAndCheck(config, workload);
  }

  private List<Path> parquetFiles() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".parquet")).toList();
    }
  }
}

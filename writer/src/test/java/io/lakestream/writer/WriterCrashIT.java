package io.lakestream.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.schema.Topics;
import io.lakestream.testkit.EmbeddedKafkaExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer killed between the steps of a flush, then restarted: every row lands exactly once.
 *
 * <p>Flushes of several tables run at once ({@code writer.flush.threads}), so a crash in one
 * table's flush may find another's anywhere: the checks of the state at the crash say what must
 * hold whatever the others did (at most one step more each, since a crash stops every other flush
 * at its next step).
 */
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
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (WriterRole survivor = WriterRole.start(config, registry)) {
      new Lake(config).awaitExactly(workload.expected(), TIMEOUT);
    }
    return registry;
  }

  @Test
  void crashAfterTheDataFileIsWrittenBeforeItsCommit() throws IOException {
    WriterConfig config = config("crash_a");
    CrashAt crash = new CrashAt(CrashPoint.AFTER_DATA_FILE_WRITTEN, 1);
    Workload workload = crashOnce(config, crash, 11);
    Lake lake = new Lake(config);
    Workload.TableId crashed = crash.crashedIn();
    assertThat(lake.version(crashed.project(), crashed.table())).isEqualTo(-1);
    assertThat(parquetFiles(crashed)).hasSize(1); // the orphan: written, never committed

    restartAndCheck(config, workload);
  }

  @Test
  void crashAfterTheDeltaCommitsBeforeTheOffsetCommit() {
    WriterConfig config = config("crash_b");
    Workload workload = crashOnce(config, new CrashAt(CrashPoint.BEFORE_OFFSET_COMMIT, 1), 12);
    try (KafkaChecks checks = new KafkaChecks(kafka.bootstrapServers())) {
      assertThat(checks.committed(config.groupId())).isEmpty();
    }
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
    // the crashed flush's commit is the third; another flush may have been past its last check
    assertThat(versions.values().stream().mapToLong(v -> v + 1).sum())
        .as("commits made before the crash")
        .isBetween(3L, 2L + config.flushThreads());
    assertThat(versions.values()).contains(-1L); // and some tables not written at all

    restartAndCheck(config, workload);
  }

  /**
   * One poll's rows go to several tables: one table's flush is committed and handed back, and the
   * writer dies there while another table's flush of the same poll (initech's events, held after
   * its file is written) has not committed.
   */
  @Test
  void crashBetweenTwoTablesCommitsOfTheSamePoll() {
    WriterConfig config = config("crash_d");
    Workload.TableId held = new Workload.TableId("initech", "crash_d_events");
    CountDownLatch never = new CountDownLatch(1);
    FaultInjector crash =
        (point, project, table) -> {
          if (point == CrashPoint.AFTER_DATA_FILE_WRITTEN
              && held.equals(new Workload.TableId(project, table))) {
            try {
              never.await(); // until the crashed writer's pool interrupts it
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException("interrupted", e);
            }
          }
          if (point == CrashPoint.FLUSH_APPLIED) {
            throw new CrashAt.SimulatedCrash("simulated crash after " + project + "/" + table);
          }
        };
    Workload workload = crashOnce(config, crash, 14);
    Lake lake = new Lake(config);
    Map<Workload.TableId, Long> versions = lake.versions(workload.expected());
    assertThat(versions.values()).as("tables committed").anyMatch(version -> version >= 0);
    assertThat(versions).as("the held table").containsEntry(held, -1L);

    restartAndCheck(config, workload);
  }

  /**
   * acme's and the other projects' rows share one routed partition. acme's flush is slow (blocked
   * after its file is written) while the others' flushes finish: the group's committed offset moves
   * up to acme's first row and no further. Then the writer dies in acme's flush, and a restart
   * writes every row once.
   */
  @Test
  void crashWhileOneTablesFlushIsSlowAndAnothersHasFinished() throws InterruptedException {
    WriterConfig config =
        TestWriters.onPrefixedTables(kafka, dir, "crash_e", 1)
            .flushAge(Duration.ofMillis(300))
            .build();
    String events = "crash_e_events";
    Workload workload =
        Workload.generate(
            List.of(config.tables().get(events)), PROJECTS, "otlp_logs", 2, 0, 40, 15);
    TopicPartition routed = new TopicPartition(Topics.rows(events), 0);
    Lake lake = new Lake(config);
    CountDownLatch othersLanded = new CountDownLatch(1);
    FaultInjector slowAcme =
        (point, project, table) -> {
          if (point == CrashPoint.AFTER_DATA_FILE_WRITTEN && project.equals("acme")) {
            try {
              othersLanded.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            throw new CrashAt.SimulatedCrash("simulated crash in acme's slow flush");
          }
        };
    try (RoutedProducer producer = new RoutedProducer(kafka.bootstrapServers());
        KafkaChecks checks = new KafkaChecks(kafka.bootstrapServers())) {
      workload.produce(producer, 50);
      long acmeFirst =
          checks.readAtLeast(routed.topic(), workload.rowCount(), TIMEOUT).stream()
              .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("acme"))
              .mapToLong(ConsumerRecord::offset)
              .min()
              .orElseThrow();
      Map<Workload.TableId, Set<String>> others = new HashMap<>(workload.expected());
      others.remove(new Workload.TableId("acme", events));

      WriterRole doomed =
          WriterRole.start(config, new SimpleMeterRegistry(), KeyModelEncoder.learned(), slowAcme);
      try {
        lake.awaitExactly(others, TIMEOUT);
        await()
            .atMost(TIMEOUT)
            .until(() -> checks.committed(config.groupId()).getOrDefault(routed, -1L) == acmeFirst);
      } finally {
        othersLanded.countDown();
      }
      await().atMost(TIMEOUT).until(() -> !doomed.isRunning());
      assertThat(doomed.failure()).get().isInstanceOf(CrashAt.SimulatedCrash.class);
      doomed.close();

      assertThat(checks.committed(config.groupId())).containsEntry(routed, acmeFirst);
      assertThat(lake.version("acme", events)).isEqualTo(-1);
    }

    restartAndCheck(config, workload);
  }

  /**
   * The writer dies right after it wrote a table's second log entry itself, on top of the version
   * it held, before it holds the new version: the commit is in the table, its offsets are not
   * committed, and the restarted writer drops its rows by the table's watermark.
   */
  @Test
  void crashAfterAnAppendIsInTheLogBeforeTheWriterHoldsIt() {
    WriterConfig config = config("crash_f");
    Workload first =
        Workload.generate(config.tables().values(), PROJECTS, "otlp_logs", 2, 0, 30, 16);
    Workload second =
        Workload.generate(config.tables().values(), PROJECTS, "otlp_logs", 2, 30, 30, 17);
    Map<String, AtomicInteger> entries = new ConcurrentHashMap<>();
    AtomicReference<Workload.TableId> crashedIn = new AtomicReference<>();
    FaultInjector crash =
        (point, project, table) -> {
          if (point == CrashPoint.AFTER_COMMIT_FILE_WRITTEN
              && entries
                      .computeIfAbsent(project + "/" + table, t -> new AtomicInteger())
                      .incrementAndGet()
                  == 2
              && crashedIn.compareAndSet(null, new Workload.TableId(project, table))) {
            throw new CrashAt.SimulatedCrash("simulated crash in " + project + "/" + table);
          }
        };
    Lake lake = new Lake(config);
    try (RoutedProducer producer = new RoutedProducer(kafka.bootstrapServers())) {
      first.produce(producer, 1_000);
      WriterRole doomed =
          WriterRole.start(config, new SimpleMeterRegistry(), KeyModelEncoder.learned(), crash);
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  !doomed.isRunning()
                      || first.expected().entrySet().stream()
                          .filter(e -> !e.getValue().isEmpty())
                          .allMatch(
                              e -> lake.version(e.getKey().project(), e.getKey().table()) >= 0));
      second.produce(producer, 1_000);
      await().atMost(TIMEOUT).until(() -> !doomed.isRunning());
      assertThat(doomed.failure()).get().isInstanceOf(CrashAt.SimulatedCrash.class);
      doomed.close();
    }
    Workload.TableId crashed = crashedIn.get();
    assertThat(lake.version(crashed.project(), crashed.table()))
        .as("the crashed commit is in the table")
        .isEqualTo(1);

    Map<Workload.TableId, Set<String>> expected = new HashMap<>(first.expected());
    second
        .expected()
        .forEach(
            (table, ids) ->
                expected.merge(
                    table,
                    ids,
                    (a, b) -> {
                      Set<String> both = new java.util.TreeSet<>(a);
                      both.addAll(b);
                      return both;
                    }));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (WriterRole survivor = WriterRole.start(config, registry)) {
      lake.awaitExactly(expected, TIMEOUT);
    }
    assertThat(registry.find("lakestream.writer.rows.skipped").counters())
        .as("the crashed commit's rows, read again and dropped by the watermark")
        .anyMatch(counter -> counter.count() > 0);
  }

  private List<Path> parquetFiles(Workload.TableId table) throws IOException {
    Path folder = dir.resolve("projects").resolve(table.project()).resolve(table.table());
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(f -> f.toString().endsWith(".parquet")).toList();
    }
  }
}

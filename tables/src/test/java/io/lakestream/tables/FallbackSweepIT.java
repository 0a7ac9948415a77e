package io.lakestream.tables;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.standalone.DeltaLog;
import io.delta.standalone.Operation;
import io.delta.standalone.OptimisticTransaction;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.actions.Metadata;
import io.lakestream.reader.TableId;
import io.lakestream.reader.TableSnapshot;
import io.lakestream.reader.internal.ParquetFiles;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.convert.DeltaSchemas;
import io.lakestream.tables.DeltaCommitFiles.Added;
import io.lakestream.tables.internal.StandaloneDeltaLogReader;
import io.lakestream.tables.internal.WarehouseTableSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the commit feed's fallback sweep costs and finds, one sweep at a time ({@link
 * TableRegistry#sweep}), with file system requests counted by {@link CountingFileSystem}: an idle
 * table costs one existence check of its next commit; the warehouse listing does not look into the
 * folders of tables already served; commits and tables other tools write are still found, also past
 * a checkpoint and a log cleanup.
 */
class FallbackSweepIT {
  private static final String TABLE = "events";
  private static final TableDefinition EVENTS = TableDefinitions.builtIn(TABLE);
  private static final Map<String, TableDefinition> DEFINITIONS = TableDefinitions.builtIns();

  @TempDir Path warehouse;

  private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
  private Configuration conf;
  private ParquetFiles files;
  private TableRegistry registry;

  @BeforeEach
  void startRegistry() {
    conf = CountingFileSystem.install(new Configuration());
    files = new ParquetFiles(conf, 16);
    registry =
        new TableRegistry(
            name -> Optional.ofNullable(DEFINITIONS.get(name)),
            List.of(
                new WarehouseTableSource(new org.apache.hadoop.fs.Path(warehouse.toUri()), conf)),
            new StandaloneDeltaLogReader(conf),
            files,
            executor,
            Duration.ofHours(1),
            Clock.systemUTC());
  }

  @AfterEach
  void stopRegistry() {
    registry.close();
    executor.shutdownNow();
    files.close();
  }

  @Test
  void aSweepOfAThousandIdleTablesCostsOneCheckOfEachTablesNextCommitAndTheListing() {
    int tables = 1_000;
    for (int t = 0; t < tables; t++) {
      DeltaCommitFiles.write(
          folder(project(t)), EVENTS, 0, List.of(DeltaCommitFiles.file(0, 0, 10)), true);
    }
    registry.loadAll();
    assertThat(registry.tables()).hasSize(tables);
    CountingFileSystem.reset();

    registry.sweep();

    Map<String, Long> logRequests = CountingFileSystem.logRequests();
    assertThat(logRequests).hasSize(tables);
    assertThat(Set.copyOf(logRequests.values()))
        .as("requests to a table's _delta_log in one sweep")
        .containsExactly(1L);
    assertThat(CountingFileSystem.allRequests())
        .as("the projects folder, each project folder, each table's next commit")
        .isEqualTo(1 + tables + tables);
    for (int t = 0; t < tables; t++) {
      assertThat(version(project(t))).isZero();
    }
  }

  @Test
  void aSweepFindsCommitsAndTablesOtherToolsWroteAndLooksIntoNewFoldersOnly() {
    DeltaCommitFiles.write(folder("a"), EVENTS, 0, List.of(DeltaCommitFiles.file(0, 0, 5)), true);
    DeltaCommitFiles.write(folder("b"), EVENTS, 0, List.of(DeltaCommitFiles.file(0, 0, 5)), true);
    registry.loadAll();
    List<Added> two = List.of(DeltaCommitFiles.file(1, 5, 3), DeltaCommitFiles.file(1, 8, 4));
    DeltaCommitFiles.write(folder("a"), EVENTS, 1, two, true);
    DeltaCommitFiles.write(folder("a"), EVENTS, 2, List.of(DeltaCommitFiles.file(2, 20, 1)), true);
    DeltaCommitFiles.write(folder("new"), EVENTS, 0, List.of(DeltaCommitFiles.file(0, 0, 6)), true);
    DeltaCommitFiles.write(
        warehouse.resolve("projects").resolve("b").resolve("otel_logs_and_spans"),
        TableDefinitions.builtIn("otel_logs_and_spans"),
        0,
        List.of(DeltaCommitFiles.file(0, 0, 2)),
        true);
    CountingFileSystem.reset();

    registry.sweep();

    assertThat(version("a")).isEqualTo(2);
    assertThat(registry.snapshot(new TableId("a", TABLE)).orElseThrow().rows()).isEqualTo(13);
    assertThat(version("b")).isZero();
    assertThat(version("new")).isZero();
    assertThat(registry.snapshot(new TableId("b", "otel_logs_and_spans")).orElseThrow().rows())
        .isEqualTo(2);
    assertThat(CountingFileSystem.logRequests().get(folderPath("b")))
        .as("requests to b/events/_delta_log: its next commit only")
        .isEqualTo(1);

    CountingFileSystem.reset();
    registry.sweep();
    assertThat(CountingFileSystem.logRequests())
        .as("a second sweep: one check per table, the new ones included")
        .hasSize(4)
        .containsValues(1L)
        .doesNotContainValue(2L);
  }

  @Test
  void aSweepReadsOnPastACheckpointAndALogCleanup() throws IOException {
    Path table = folder("spark");
    DeltaLog deltaLog = DeltaLog.forTable(conf, table.toString());
    commitWithDelta(deltaLog, 0, 0);
    commitWithDelta(deltaLog, 1, 10);
    registry.loadAll();
    assertThat(version("spark")).isEqualTo(1);
    for (int version = 2; version <= 7; version++) {
      commitWithDelta(deltaLog, version, version * 10L);
    }
    Path log = table.resolve("_delta_log");
    assertThat(log.resolve(String.format("%020d.checkpoint.parquet", 6))).exists();
    // a cleanup of the log entries the sidecar has read (a shorter retention than Delta's default)
    try (Stream<Path> entries = Files.list(log)) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (name.matches("\\.?0{19}[01]\\..*")) {
          Files.delete(entry);
        }
      }
    }

    registry.sweep();

    TableSnapshot snapshot = registry.snapshot(new TableId("spark", TABLE)).orElseThrow();
    assertThat(snapshot.version()).isEqualTo(7);
    assertThat(snapshot.rows()).isEqualTo(8 * 10);
    assertThat(snapshot.maxKey()).isEqualTo(79);
    assertThat(registry.failing()).isEmpty();
  }

  /** Commits one file of 10 keys from {@code firstKey} through Delta Standalone. */
  private static void commitWithDelta(DeltaLog deltaLog, long version, long firstKey) {
    Added file = DeltaCommitFiles.file(version, firstKey, 10);
    OptimisticTransaction transaction = deltaLog.startTransaction();
    if (version == 0) {
      transaction.updateMetadata(
          Metadata.builder()
              .schema(DeltaSchemas.structType(EVENTS))
              .configuration(Map.of("delta.checkpointInterval", "3"))
              .build());
    }
    AddFile add =
        new AddFile(
            file.path(),
            Map.of(),
            1010,
            System.currentTimeMillis(),
            true,
            "\"{\\\"numRecords\\\":10}\"", // quoted: Standalone writes stats raw
            file.tags());
    transaction.commit(List.of(add), new Operation(Operation.Name.WRITE), "another-tool");
  }

  private long version(String project) {
    return registry.snapshot(new TableId(project, TABLE)).map(TableSnapshot::version).orElse(-2L);
  }

  private static String project(int t) {
    return String.format("p%04d", t);
  }

  private Path folder(String project) {
    return warehouse.resolve(WarehouseTableSource.PROJECTS_FOLDER).resolve(project).resolve(TABLE);
  }

  /** The table folder as {@link CountingFileSystem#logRequests()} names it. */
  private String folderPath(String project) {
    return folder(project).toString();
  }
}

package io.lakestream.tables.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.standalone.DeltaLog;
import io.delta.standalone.Operation;
import io.delta.standalone.OptimisticTransaction;
import io.delta.standalone.actions.Action;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.actions.Metadata;
import io.lakestream.index.KeyModel;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.convert.DeltaSchemas;
import io.lakestream.tables.DeltaLogReader.LogFile;
import io.lakestream.tables.DeltaLogReader.LogSnapshot;
import io.lakestream.tables.DeltaLogReader.TableLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table's latest snapshot as a loading sidecar reads it (Delta Kernel) is the one Delta
 * Standalone reads: the same version, commit time and live files (statistics and key models
 * included), past checkpoints, a compaction's removed files and a log cleanup.
 */
class LatestSnapshotIT {
  private static final String APP_ID = "otlp_logs-0";

  @TempDir Path folder;

  private final Configuration conf = new Configuration();
  private final StandaloneDeltaLogReader reader = new StandaloneDeltaLogReader(conf);

  @Test
  void aTableWithCheckpointsACompactionAndLaterCommitsLoadsAsStandaloneReadsIt()
      throws IOException {
    Path table = folder.resolve("events");
    DeltaLog deltaLog = DeltaLog.forTable(conf, table.toString());
    List<AddFile> added = new ArrayList<>();
    for (int version = 0; version <= 4; version++) {
      added.add(commitFile(deltaLog, version, version * 10L, version != 2));
    }
    // version 5: a compaction of the first three files into one (no data change)
    AddFile compacted = file(5, 0, 30, true);
    List<Action> compaction = new ArrayList<>(List.of(compacted));
    for (AddFile file : added.subList(0, 3)) {
      compaction.add(file.remove(System.currentTimeMillis(), false));
    }
    deltaLog.startTransaction().commit(compaction, new Operation(Operation.Name.WRITE), "test");
    for (int version = 6; version <= 7; version++) {
      commitFile(deltaLog, version, version * 10L, true);
    }
    Path log = table.resolve("_delta_log");
    assertThat(log.resolve(String.format("%020d.checkpoint.parquet", 6))).exists();
    // the log cleanup of the entries a checkpoint covers
    Files.delete(log.resolve(String.format("%020d.json", 0)));
    Files.delete(log.resolve(String.format("%020d.json", 1)));

    LogSnapshot loaded = sorted(reader.open(table.toUri().toString()).snapshot());
    LogSnapshot standalone = sorted(standaloneSnapshot(table));

    assertThat(loaded.version()).isEqualTo(7);
    assertThat(loaded.timestampMillis())
        .isEqualTo(deltaLog.getCommitInfoAt(7).getTimestamp().getTime());
    assertThat(loaded.files())
        .extracting(LogFile::path)
        .containsExactlyInAnyOrder(
            compacted.getPath(),
            added.get(3).getPath(),
            added.get(4).getPath(),
            "part-6.parquet",
            "part-7.parquet");
    assertThat(file(loaded, added.get(2).getPath())).isNull(); // removed by the compaction
    LogFile fourth = file(loaded, added.get(3).getPath());
    assertThat(fourth.sizeBytes()).isEqualTo(1010);
    assertThat(fourth.modificationTime()).isEqualTo(added.get(3).getModificationTime());
    assertThat(fourth.stats()).isEqualTo("{\"numRecords\":10}");
    assertThat(fourth.tags()).isEqualTo(added.get(3).getTags());
    assertThat(loaded.transactions()).isEmpty();

    assertThat(loaded.version()).isEqualTo(standalone.version());
    assertThat(loaded.timestampMillis()).isEqualTo(standalone.timestampMillis());
    assertThat(loaded.files()).isEqualTo(standalone.files());
  }

  @Test
  void aFileWithoutStatisticsOrTagsLoadsWithout() {
    Path table = folder.resolve("bare");
    DeltaLog deltaLog = DeltaLog.forTable(conf, table.toString());
    commitFile(deltaLog, 0, 0, false);

    LogSnapshot loaded = reader.open(table.toUri().toString()).snapshot();

    assertThat(loaded.version()).isZero();
    assertThat(loaded.files()).singleElement().satisfies(f -> assertThat(f.tags()).isEmpty());
    assertThat(loaded.files()).isEqualTo(standaloneSnapshot(table).files());
  }

  @Test
  void aTableWhoseLogHasNoCommitYetIsAtVersionMinusOne() throws IOException {
    Path table = folder.resolve("new");
    Files.createDirectories(table.resolve("_delta_log"));

    LogSnapshot loaded = reader.open(table.toUri().toString()).snapshot();

    assertThat(loaded.version()).isEqualTo(-1);
    assertThat(loaded.files()).isEmpty();
    assertThat(standaloneSnapshot(table).version()).isEqualTo(-1);
  }

  /** The snapshot read through Delta Standalone: the one asked with a transaction version. */
  private LogSnapshot standaloneSnapshot(Path table) {
    TableLog tableLog = new StandaloneDeltaLogReader(conf).open(table.toUri().toString());
    LogSnapshot snapshot = tableLog.snapshot(Set.of(APP_ID));
    return new LogSnapshot(
        snapshot.version(), snapshot.timestampMillis(), snapshot.files(), Map.of());
  }

  private static LogSnapshot sorted(LogSnapshot snapshot) {
    List<LogFile> files = new ArrayList<>(snapshot.files());
    files.sort(Comparator.comparing(LogFile::path));
    return new LogSnapshot(
        snapshot.version(), snapshot.timestampMillis(), files, snapshot.transactions());
  }

  private static LogFile file(LogSnapshot snapshot, String path) {
    return snapshot.files().stream().filter(f -> f.path().equals(path)).findFirst().orElse(null);
  }

  /**
   * Commits one file of 10 keys from {@code firstKey} (with its statistics and key model when
   * {@code described}) through Delta Standalone, checkpointing every 3 versions.
   */
  private static AddFile commitFile(
      DeltaLog deltaLog, long version, long firstKey, boolean described) {
    AddFile add = file(version, firstKey, 10, described);
    OptimisticTransaction transaction = deltaLog.startTransaction();
    if (version == 0) {
      transaction.updateMetadata(
          Metadata.builder()
              .schema(DeltaSchemas.structType(TableDefinitions.builtIn("events")))
              .configuration(Map.of("delta.checkpointInterval", "3"))
              .build());
    }
    transaction.commit(List.of(add), new Operation(Operation.Name.WRITE), "another-tool");
    return add;
  }

  private static AddFile file(long version, long firstKey, int rows, boolean described) {
    long[] keys = new long[rows];
    for (int i = 0; i < rows; i++) {
      keys[i] = firstKey + i;
    }
    return new AddFile(
        "part-" + version + ".parquet",
        Map.of(),
        1000 + rows,
        System.currentTimeMillis() - 1000 + version,
        true,
        described ? "\"{\\\"numRecords\\\":" + rows + "}\"" : null, // Standalone writes it raw
        described ? Map.of(KeyModel.TAG_NAME, KeyModel.build(keys).toTag()) : null);
  }
}

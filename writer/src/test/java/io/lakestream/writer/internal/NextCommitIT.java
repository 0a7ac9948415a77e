package io.lakestream.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.standalone.DeltaLog;
import io.delta.standalone.Operation;
import io.delta.standalone.OptimisticTransaction;
import io.delta.standalone.actions.Action;
import io.delta.standalone.actions.AddFile;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.storage.S3Settings;
import io.lakestream.testkit.KernelTables;
import io.lakestream.writer.TestRows;
import io.lakestream.writer.internal.DeltaTables.CommitOutcome;
import io.lakestream.writer.internal.DeltaTables.Committed;
import io.lakestream.writer.internal.DeltaTables.Conflict;
import io.lakestream.writer.internal.DeltaTables.SourceRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table's appends after its first are written by the writer as version N + 1 on top of the
 * version it holds (no log read), and commits by others in between (maintenance's compactions, a
 * zombie writer) are neither lost nor doubled: Delta Kernel reads every version.
 */
class NextCommitIT {
  private static final TableDefinition EVENTS = TableDefinitions.builtIn("events");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long BASE_KEY = 1_700_000_000_000_000L;

  @TempDir Path dir;

  private Warehouse warehouse() {
    return Warehouse.of(dir.toUri(), S3Settings.aws());
  }

  private Path logFolder() {
    return dir.resolve("projects/acme/events/_delta_log");
  }

  /** A file of the rows with keys {@code BASE_KEY + k} and ids {@code "e" + k}, k in {@code ks}. */
  private static DataFile writeFile(Warehouse warehouse, String tablePath, long... ks)
      throws Exception {
    DataFileWriter writer =
        new DataFileWriter(
            EVENTS, warehouse.hadoopConf(), "zstd", keys -> Map.of("lakestream.test", "m"));
    List<GenericRecord> rows = new ArrayList<>();
    long[] keys = new long[ks.length];
    for (int i = 0; i < ks.length; i++) {
      keys[i] = BASE_KEY + ks[i];
      rows.add(TestRows.row(EVENTS, "acme", keys[i], "e" + ks[i]));
    }
    return writer.write(
        new org.apache.hadoop.fs.Path(tablePath), writer.newFileName(), rows.iterator(), keys);
  }

  /** Appends rows {@code 2i, 2i+1} as source offsets {@code 2i, 2i+1} of {@code src-0}. */
  private static CommitOutcome append(Warehouse warehouse, DeltaTables.Table table, long i)
      throws Exception {
    return table.commit(
        List.of(writeFile(warehouse, table.path(), 2 * i, 2 * i + 1)),
        Map.of("src-0", new SourceRange(2 * i, 2 * i + 1)));
  }

  private List<JsonNode> entry(long version) throws Exception {
    List<JsonNode> actions = new ArrayList<>();
    for (String line :
        Files.readAllLines(logFolder().resolve(String.format("%020d.json", version)))) {
      actions.add(JSON.readTree(line));
    }
    return actions;
  }

  private static Set<String> ids(List<Map<String, Object>> rows) {
    Set<String> ids = new HashSet<>();
    for (Map<String, Object> row : rows) {
      assertThat(ids.add((String) row.get("event_id"))).as("row %s once", row).isTrue();
    }
    return ids;
  }

  private static Set<String> expectedIds(long appends) {
    Set<String> ids = new TreeSet<>();
    for (long k = 0; k < 2 * appends; k++) {
      ids.add("e" + k);
    }
    return ids;
  }

  @Test
  void appendsEachVersionStraightToTheLogWithCheckpointsThatKernelReadsThrough() throws Exception {
    Warehouse warehouse = warehouse();
    warehouse.hadoopConf().set("delta.logStore.file.impl", CountingLogStore.class.getName());
    DeltaTables.Table table =
        new StandaloneDeltaTables(warehouse, 10, Duration.ofDays(7)).open("acme", EVENTS);
    CountingLogStore.reads.set(0);
    int readsAtTheFirstCheckpoint = -1;
    for (int i = 0; i < 25; i++) {
      assertThat(append(warehouse, table, i)).isEqualTo(new Committed(i));
      if (i == 9) {
        // versions 0 to 9 were written without reading or listing the log, and no checkpoint
        assertThat(CountingLogStore.reads).hasValue(0);
        try (var names = Files.list(logFolder())) {
          assertThat(names.map(p -> p.getFileName().toString()))
              .noneMatch(name -> name.contains("checkpoint"));
        }
      } else if (i == 10) {
        readsAtTheFirstCheckpoint = CountingLogStore.reads.get(); // read to checkpoint
        assertThat(readsAtTheFirstCheckpoint).isPositive();
      } else if (i == 19) {
        assertThat(CountingLogStore.reads).hasValue(readsAtTheFirstCheckpoint);
      }
    }

    assertThat(logFolder().resolve("00000000000000000010.checkpoint.parquet")).exists();
    assertThat(logFolder().resolve("00000000000000000020.checkpoint.parquet")).exists();
    assertThat(
            JSON.readTree(logFolder().resolve("_last_checkpoint").toFile()).get("version").asLong())
        .isEqualTo(20);
    List<JsonNode> actions = entry(7);
    assertThat(actions).hasSize(3);
    JsonNode commitInfo = actions.get(0).get("commitInfo");
    assertThat(commitInfo.get("operation").asText()).isEqualTo("WRITE");
    assertThat(commitInfo.get("readVersion").asLong()).isEqualTo(6);
    assertThat(commitInfo.get("isBlindAppend").asBoolean()).isTrue();
    JsonNode add = actions.get(1).get("add");
    assertThat(add.get("dataChange").asBoolean()).isTrue();
    assertThat(add.get("stats").isTextual()).isTrue();
    assertThat(JSON.readTree(add.get("stats").asText()).get("numRecords").asLong()).isEqualTo(2);
    assertThat(add.at("/tags/lakestream.test").asText()).isEqualTo("m");
    assertThat(add.at("/tags/lakestream.key.min").asLong()).isEqualTo(BASE_KEY + 14);
    JsonNode txn = actions.get(2).get("txn");
    assertThat(txn.get("appId").asText()).isEqualTo("src-0");
    assertThat(txn.get("version").asLong()).isEqualTo(15);
    assertThat(txn.get("lastUpdated").asLong()).isEqualTo(commitInfo.get("timestamp").asLong());

    KernelTables kernel = new KernelTables(warehouse.hadoopConf());
    for (long version = 0; version < 25; version++) {
      assertThat(ids(kernel.rows(table.path(), version)))
          .as("rows at version %d", version)
          .isEqualTo(expectedIds(version + 1));
    }
    assertThat(kernel.transactionVersion(table.path(), "src-0")).contains(49L);
    DeltaLog log = DeltaLog.forTable(warehouse.hadoopConf(), table.path());
    assertThat(log.snapshot().getVersion()).isEqualTo(24);
    assertThat(log.snapshot().getAllFiles()).hasSize(25);
    // a writer that opens the table afterwards reads the watermark and goes on at version 25
    DeltaTables.Table reopened =
        new StandaloneDeltaTables(warehouse, 10, Duration.ofDays(7)).open("acme", EVENTS);
    assertThat(reopened.transactionVersion("src-0")).isEqualTo(49);
    assertThat(append(warehouse, reopened, 25)).isEqualTo(new Committed(25));
  }

  /**
   * Maintenance-like commits interleave with the writer's appends: compactions (dataChange=false,
   * no txn) made through Standalone between two appends (the writer's next version exists; it reads
   * the log and appends on top) and around one (maintenance's transaction was opened before the
   * append; Standalone retries it on top). Every row is in the table once at every version, and no
   * compaction is lost.
   */
  @Test
  void compactionsCommittedBetweenAndAroundAppendsStayAndEveryRowIsThereOnce() throws Exception {
    Warehouse warehouse = warehouse();
    DeltaTables.Table table =
        new StandaloneDeltaTables(warehouse, 4, Duration.ofDays(7)).open("acme", EVENTS);
    DeltaLog maintenance = DeltaLog.forTable(warehouse.hadoopConf(), table.path());
    KernelTables kernel = new KernelTables(warehouse.hadoopConf());
    List<Long> compactions = new ArrayList<>();
    java.util.TreeMap<Long, Long> appendsAt = new java.util.TreeMap<>(); // version -> appends
    long appends = 0;
    for (int round = 0; round < 12; round++) {
      if (round % 3 == 2) {
        compactions.add(compactTheFirstTwoFiles(warehouse, maintenance, null));
        appendsAt.put(compactions.get(compactions.size() - 1), appends);
      }
      OptimisticTransaction around = null;
      if (round % 4 == 3) {
        around = maintenance.startTransaction(); // opened before the append below
      }
      CommitOutcome outcome = append(warehouse, table, appends);
      assertThat(outcome).isInstanceOf(Committed.class);
      appends++;
      appendsAt.put(((Committed) outcome).version(), appends);
      if (around != null) {
        compactions.add(compactTheFirstTwoFiles(warehouse, maintenance, around));
        appendsAt.put(compactions.get(compactions.size() - 1), appends);
      }
    }

    assertThat(compactions).hasSize(7);
    long latest = maintenance.update().getVersion();
    assertThat(latest).isEqualTo(12 + 7 - 1);
    for (long version = 0; version <= latest; version++) {
      long expected = appendsAt.floorEntry(version).getValue();
      assertThat(ids(kernel.rows(table.path(), version)))
          .as("rows at version %d", version)
          .isEqualTo(expectedIds(expected));
    }
    for (long version : compactions) {
      List<JsonNode> actions = entry(version);
      assertThat(actions)
          .as("compaction at version %d", version)
          .filteredOn(a -> a.has("remove"))
          .hasSize(2)
          .allSatisfy(a -> assertThat(a.at("/remove/dataChange").asBoolean()).isFalse());
      assertThat(actions).noneMatch(a -> a.has("txn"));
    }
    assertThat(kernel.transactionVersion(table.path(), "src-0")).contains(2 * appends - 1);
    assertThat(kernel.filePaths(table.path())).hasSize((int) (appends - compactions.size()));
  }

  /**
   * Two writers hold the same table (a zombie and the partition's new owner): the new owner commits
   * source offsets the zombie also holds; the zombie's append, on top of the version it holds,
   * finds that version taken, reads the log and is refused with the owner's watermark. Nothing of
   * it is in the table.
   */
  @Test
  void aZombieWritersAppendIsRefusedByTheWatermarkItDidNotKnow() throws Exception {
    Warehouse warehouse = warehouse();
    DeltaTables.Table zombie =
        new StandaloneDeltaTables(warehouse, 10, Duration.ofDays(7)).open("acme", EVENTS);
    assertThat(append(warehouse, zombie, 0)).isEqualTo(new Committed(0));
    assertThat(append(warehouse, zombie, 1)).isEqualTo(new Committed(1));
    DeltaTables.Table owner =
        new StandaloneDeltaTables(warehouse, 10, Duration.ofDays(7)).open("acme", EVENTS);
    assertThat(owner.transactionVersion("src-0")).isEqualTo(3);
    assertThat(append(warehouse, owner, 2)).isEqualTo(new Committed(2));
    assertThat(append(warehouse, owner, 3)).isEqualTo(new Committed(3));

    CommitOutcome outcome = append(warehouse, zombie, 2);

    assertThat(outcome).isInstanceOf(Conflict.class);
    assertThat(((Conflict) outcome).versions()).containsEntry("src-0", 7L);
    KernelTables kernel = new KernelTables(warehouse.hadoopConf());
    assertThat(kernel.snapshot(zombie.path()).getVersion()).isEqualTo(3);
    assertThat(ids(kernel.rows(zombie.path()))).isEqualTo(expectedIds(4));
    // offsets of another source partition are still accepted, on top of the owner's commits
    assertThat(
            zombie.commit(
                List.of(writeFile(warehouse, zombie.path(), 100)),
                Map.of("src-1", new SourceRange(0, 0))))
        .isEqualTo(new Committed(4));
  }

  /**
   * A compaction of the table's two first live files by key (rewritten as one, same rows),
   * committed through Standalone with {@code dataChange=false} and no txn, as maintenance does; in
   * {@code opened} when given (a transaction started earlier). Returns its version.
   */
  private long compactTheFirstTwoFiles(
      Warehouse warehouse, DeltaLog log, OptimisticTransaction opened) throws Exception {
    OptimisticTransaction txn = opened != null ? opened : log.startTransaction();
    List<AddFile> oldest =
        log.update().getAllFiles().stream()
            .sorted(
                java.util.Comparator.comparing(
                    (AddFile f) -> Long.parseLong(f.getTags().get("lakestream.key.min"))))
            .limit(2)
            .toList();
    assertThat(oldest).hasSize(2);
    // the two files of the smallest keys hold contiguous key ranges: the merged file's
    List<Long> ks = new ArrayList<>();
    for (AddFile file : oldest) {
      long min = Long.parseLong(file.getTags().get("lakestream.key.min")) - BASE_KEY;
      long max = Long.parseLong(file.getTags().get("lakestream.key.max")) - BASE_KEY;
      for (long k = min; k <= max; k++) {
        ks.add(k);
      }
    }
    java.util.Collections.sort(ks);
    DataFile merged =
        writeFile(
            warehouse, log.getPath().toString(), ks.stream().mapToLong(Long::longValue).toArray());
    long now = System.currentTimeMillis();
    List<Action> actions = new ArrayList<>();
    for (AddFile file : oldest) {
      actions.add(file.remove(now, false));
    }
    actions.add(
        new AddFile(
            merged.path(),
            Map.of(),
            merged.sizeBytes(),
            merged.modificationTime(),
            false,
            StandaloneDeltaTables.quotedJson(merged.statsJson()),
            merged.tags()));
    return txn.commit(
            actions,
            new Operation(
                Operation.Name.MANUAL_UPDATE,
                Map.of("operation", "\"compaction\""),
                Map.of(),
                Optional.of("test compaction")),
            "test-maintenance")
        .getVersion();
  }

  /** The writer's local log store, counting the reads and listings of logs. */
  public static final class CountingLogStore extends io.delta.storage.HadoopFileSystemLogStore {
    static final java.util.concurrent.atomic.AtomicInteger reads =
        new java.util.concurrent.atomic.AtomicInteger();
    private final LocalAtomicLogStore store;

    public CountingLogStore(org.apache.hadoop.conf.Configuration conf) {
      super(conf);
      this.store = new LocalAtomicLogStore(conf);
    }

    @Override
    public void write(
        org.apache.hadoop.fs.Path path,
        java.util.Iterator<String> actions,
        Boolean overwrite,
        org.apache.hadoop.conf.Configuration conf)
        throws java.io.IOException {
      store.write(path, actions, overwrite, conf);
    }

    @Override
    public io.delta.storage.CloseableIterator<String> read(
        org.apache.hadoop.fs.Path path, org.apache.hadoop.conf.Configuration conf)
        throws java.io.IOException {
      reads.incrementAndGet();
      return store.read(path, conf);
    }

    @Override
    public java.util.Iterator<org.apache.hadoop.fs.FileStatus> listFrom(
        org.apache.hadoop.fs.Path path, org.apache.hadoop.conf.Configuration conf)
        throws java.io.IOException {
      reads.incrementAndGet();
      return store.listFrom(path, conf);
    }

    @Override
    public Boolean isPartialWriteVisible(
        org.apache.hadoop.fs.Path path, org.apache.hadoop.conf.Configuration conf) {
      return true;
    }
  }
}

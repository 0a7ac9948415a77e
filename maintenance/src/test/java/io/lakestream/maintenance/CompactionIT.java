package io.lakestream.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.maintenance.internal.Compaction;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.TableLookup;
import io.lakestream.storage.S3Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compaction and vacuum on Delta tables on the local file system, written the way the writer writes
 * them and read back by Delta Kernel.
 */
class CompactionIT {
  static final TableDefinition EVENTS = TableDefinitions.builtIn("events");
  static final S3Settings NO_S3 =
      new S3Settings(Optional.empty(), "us-east-1", true, Optional.empty(), Optional.empty());

  @TempDir Path folder;

  static MaintenanceConfig.Builder config(URI warehouse, S3Settings s3) {
    return MaintenanceConfig.builder()
        .warehouse(warehouse)
        .s3(s3)
        .tables(TableLookup.of(Map.of(EVENTS.name(), EVENTS)))
        .targetFileBytes(128 * 1024);
  }

  /** Appends {@code files} files of 40 rows; neighbouring files overlap in key range. */
  static void appendFiles(SmallFileTable table, int from, int files) {
    for (int flush = from; flush < from + files; flush++) {
      table.append(flush, 100L * flush, 40);
    }
  }

  @Test
  void compactsHundredsOfSmallFilesWhileAWriterKeepsAppending() throws Exception {
    SmallFileTable table = new SmallFileTable(folder.toUri(), NO_S3, EVENTS, "acme");
    appendFiles(table, 0, 200);
    Maintainer maintainer = new Maintainer(config(folder.toUri(), NO_S3).build());

    AtomicBoolean stop = new AtomicBoolean();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<List<String>> reads = new CopyOnWriteArrayList<>();
    int[] appended = {200};
    Thread writer =
        new Thread(
            () -> {
              try {
                while (!stop.get()) {
                  table.append(appended[0], 100L * appended[0], 40);
                  appended[0]++;
                }
              } catch (Throwable e) {
                failures.add(e);
              }
            });
    Thread reader =
        new Thread(
            () -> {
              try {
                while (!stop.get()) {
                  reads.add(table.readIds());
                }
              } catch (Throwable e) {
                failures.add(e);
              }
            });
    List<TableReport> reports = new ArrayList<>();
    writer.start();
    reader.start();
    try {
      for (int pass = 0; pass < 3; pass++) {
        reports.addAll(maintainer.runOnce());
      }
    } finally {
      stop.set(true);
      writer.join();
      reader.join();
    }
    reports.addAll(maintainer.runOnce());

    assertThat(failures).isEmpty();
    assertThat(reports).allSatisfy(report -> assertThat(report.failed()).isFalse());
    TableReport first = reports.get(0);
    assertThat(first.filesBefore()).isGreaterThanOrEqualTo(200);
    assertThat(first.filesRewritten()).isGreaterThanOrEqualTo(190);
    assertThat(first.filesAfter()).isLessThan(first.filesBefore() / 10);
    // After: exactly the rows written, each once; fewer, larger files, each sorted by key.
    assertThat(table.readIds()).doesNotHaveDuplicates().hasSameElementsAs(table.allIds());
    assertThat(table.allIds()).hasSize(40 * appended[0]);
    assertThat(table.livePaths().size()).isLessThan(appended[0] / 10);
    assertFilesSortedByKey(table);
    // Writers' exactly-once watermark is untouched by compaction commits.
    assertThat(table.watermark()).isEqualTo(appended[0] - 1);
    // During: every read saw exactly the rows of some committed version.
    assertThat(reads).isNotEmpty();
    for (List<String> read : reads) {
      assertThat(read).doesNotHaveDuplicates();
      assertThat(new TreeSet<>(read)).isEqualTo(idsOfSomeVersion(table, read.size()));
    }
    assertCompactionCommitsChangeNoData(folder.resolve("projects/acme/events/_delta_log"));
  }

  /**
   * Compaction rewrites rows, it must not change one value: every column of every row, lists
   * (metrics' histogram buckets and quantiles), JSON, bytes and floats included, reads the same
   * through Delta Kernel after as before.
   */
  @ParameterizedTest
  @ValueSource(strings = {"metrics", "otel_logs_and_spans", "events"})
  void compactionKeepsEveryValueOfEveryColumn(String type) throws Exception {
    TableDefinition definition = TableDefinitions.builtIn(type);
    SmallFileTable table = new SmallFileTable(folder.toUri(), NO_S3, definition, "acme");
    appendFiles(table, 0, 30);
    Map<String, Map<String, Object>> before = rowsById(table);
    Maintainer maintainer =
        new Maintainer(
            config(folder.toUri(), NO_S3)
                .tables(TableLookup.of(Map.of(definition.name(), definition)))
                .build());

    List<TableReport> reports = maintainer.runOnce();

    assertThat(reports).allSatisfy(report -> assertThat(report.failed()).isFalse());
    assertThat(reports.get(0).filesRewritten()).isGreaterThanOrEqualTo(30);
    assertThat(table.livePaths()).hasSizeLessThan(30);
    Map<String, Map<String, Object>> after = rowsById(table);
    assertThat(after.keySet()).isEqualTo(before.keySet());
    for (String id : before.keySet()) {
      assertThat(after.get(id)).as("row %s", id).isEqualTo(before.get(id));
    }
    assertThat(before.values())
        .as("the rows hold what the comparison is about")
        .anySatisfy(row -> assertThat(row.values()).anySatisfy(v -> assertThat(v).isNotNull()));
  }

  private static Map<String, Map<String, Object>> rowsById(SmallFileTable table) {
    Map<String, Map<String, Object>> rows = new java.util.TreeMap<>();
    String id = io.lakestream.writer.TestRows.idColumn(table.table());
    for (Map<String, Object> row : table.kernel().rows(table.path())) {
      rows.put((String) row.get(id), row);
    }
    return rows;
  }

  @Test
  void aCrashBeforeTheCommitLeavesTheTableUnchangedAndVacuumDeletesTheOrphansAfterTheGrace()
      throws Exception {
    SmallFileTable table = new SmallFileTable(folder.toUri(), NO_S3, EVENTS, "acme");
    appendFiles(table, 0, 60);
    long version = table.version();
    Set<String> live = table.livePaths();
    Compaction.BeforeCommit crash =
        (project, name, files) -> {
          throw new Crash();
        };
    Maintainer crashing = new Maintainer(config(folder.toUri(), NO_S3).build(), crash);

    assertThatThrownBy(() -> crashing.runOnce()).isInstanceOf(Crash.class);

    assertThat(table.version()).isEqualTo(version);
    assertThat(table.livePaths()).isEqualTo(live);
    assertThat(table.readIds()).doesNotHaveDuplicates().hasSameElementsAs(table.allIds());
    Path tableFolder = folder.resolve("projects/acme/events");
    List<String> orphans = dataFiles(tableFolder).stream().filter(f -> !live.contains(f)).toList();
    assertThat(orphans).isNotEmpty();

    // Within the grace the orphans stay (a writer's upload waiting for its commit looks the same).
    Maintainer vacuumOnly =
        new Maintainer(config(folder.toUri(), NO_S3).targetFileBytes(1024).build());
    assertThat(vacuumOnly.runOnce().get(0).filesDeleted()).isZero();
    assertThat(dataFiles(tableFolder)).containsAll(orphans);

    // After the grace they go, and nothing the table references does.
    Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC);
    Maintainer afterGrace =
        new Maintainer(config(folder.toUri(), NO_S3).targetFileBytes(1024).clock(later).build());
    TableReport report = afterGrace.runOnce().get(0);

    assertThat(report.filesDeleted()).isEqualTo(orphans.size());
    assertThat(dataFiles(tableFolder)).doesNotContainAnyElementsOf(orphans).containsAll(live);
    assertThat(table.readIds()).doesNotHaveDuplicates().hasSameElementsAs(table.allIds());
  }

  @Test
  void vacuumKeepsEveryFileALiveSnapshotReferencesAndDeletesRemovedFilesAfterTheGrace()
      throws Exception {
    SmallFileTable table = new SmallFileTable(folder.toUri(), NO_S3, EVENTS, "acme");
    appendFiles(table, 0, 50);
    long before = table.version();
    Set<String> removed = table.livePaths();
    Path tableFolder = folder.resolve("projects/acme/events");
    // Every data file looks old: only the log can tell which ones readers may still need.
    for (String file : dataFiles(tableFolder)) {
      Files.setLastModifiedTime(
          tableFolder.resolve(file),
          java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofDays(3))));
    }

    TableReport compacted =
        new Maintainer(config(folder.toUri(), NO_S3).vacuumGrace(Duration.ofHours(1)).build())
            .runOnce()
            .get(0);

    assertThat(compacted.filesRewritten()).isEqualTo(50);
    assertThat(compacted.filesDeleted()).isZero();
    assertThat(dataFiles(tableFolder)).containsAll(removed);
    // A reader still on the version before the compaction reads all its rows.
    assertThat(table.readIds(before)).doesNotHaveDuplicates().hasSameElementsAs(table.allIds());

    Clock later = Clock.fixed(Instant.now().plus(Duration.ofHours(2)), ZoneOffset.UTC);
    TableReport vacuumed =
        new Maintainer(
                config(folder.toUri(), NO_S3)
                    .targetFileBytes(1024)
                    .vacuumGrace(Duration.ofHours(1))
                    .clock(later)
                    .build())
            .runOnce()
            .get(0);

    assertThat(vacuumed.filesDeleted()).isEqualTo(50);
    assertThat(dataFiles(tableFolder)).doesNotContainAnyElementsOf(removed);
    assertThat(dataFiles(tableFolder)).containsAll(table.livePaths());
    assertThat(table.readIds()).doesNotHaveDuplicates().hasSameElementsAs(table.allIds());
  }

  /** The ids committed up to the version whose cumulative row count is {@code size}. */
  private static Set<String> idsOfSomeVersion(SmallFileTable table, int size) {
    for (long version = 0; version <= table.version(); version++) {
      Set<String> ids = table.idsUpTo(version);
      if (ids.size() == size) {
        return ids;
      }
    }
    return Set.of();
  }

  static List<String> dataFiles(Path tableFolder) throws IOException {
    try (Stream<Path> files = Files.list(tableFolder)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(name -> name.endsWith(".parquet"))
          .sorted()
          .toList();
    }
  }

  /** Every live file holds its rows in key order, within the key range its tags state. */
  static void assertFilesSortedByKey(SmallFileTable table) throws IOException {
    for (String file : table.livePaths()) {
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(table.root(), file);
      List<Long> keys = new ArrayList<>();
      try (ParquetReader<GenericRecord> reader =
          AvroParquetReader.<GenericRecord>builder(
                  HadoopInputFile.fromPath(path, table.warehouse().hadoopConf()))
              .withDataModel(GenericData.get())
              .build()) {
        for (GenericRecord row = reader.read(); row != null; row = reader.read()) {
          keys.add((Long) row.get(EVENTS.primaryKey()));
        }
      }
      assertThat(keys).as("keys of %s", file).isSorted();
    }
  }

  /** Every commit that removes files adds and removes with dataChange=false and sets no txn. */
  static void assertCompactionCommitsChangeNoData(Path log) throws IOException {
    ObjectMapper json = new ObjectMapper();
    int compactions = 0;
    for (Path commit : Files.list(log).filter(p -> p.toString().endsWith(".json")).toList()) {
      List<JsonNode> actions = new ArrayList<>();
      for (String line : Files.readAllLines(commit)) {
        actions.add(json.readTree(line));
      }
      if (actions.stream().noneMatch(a -> a.has("remove"))) {
        continue;
      }
      compactions++;
      for (JsonNode action : actions) {
        assertThat(action.has("txn")).as("txn in %s", commit).isFalse();
        if (action.has("add")) {
          assertThat(action.get("add").get("dataChange").asBoolean()).isFalse();
        }
        if (action.has("remove")) {
          assertThat(action.get("remove").get("dataChange").asBoolean()).isFalse();
        }
      }
    }
    assertThat(compactions).isPositive();
  }

  /** Stops a compaction on the spot, as a killed process would. */
  static final class Crash extends Error {
    Crash() {
      super("crash before commit");
    }
  }
}

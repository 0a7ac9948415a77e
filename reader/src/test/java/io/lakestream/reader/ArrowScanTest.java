package io.lakestream.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.index.KeyModel;
import io.lakestream.reader.internal.ParquetFiles;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinition.ColumnSpec;
import io.lakestream.schema.convert.AvroSchemas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL engine's scan ({@link RangeReader#scan}) against the paged, merged read the HTTP API
 * serves ({@link RangeReader#plan} then {@link RangeReader#fetch}) over the same snapshot: two
 * overlapping files with runs of equal keys, in small pages and row groups, plus live tail rows,
 * some with keys the files hold too. Every row of a key range must come exactly once, with the same
 * values (nulls, timestamps, dates, json, binary, lists), in any order; equalities leave out just
 * the rows that differ (models with a wide error, so that reads start before the range); the Arrow
 * buffers are all released once the scan is closed.
 */
class ArrowScanTest {
  private static final TableDefinition TABLE =
      TableDefinition.validate(
          "test",
          "all_types",
          "every column type",
          List.of(
              new ColumnSpec("id", "bigint", false, null),
              new ColumnSpec("i", "int", true, null),
              new ColumnSpec("d", "double", true, null),
              new ColumnSpec("f", "float", true, null),
              new ColumnSpec("b", "boolean", true, null),
              new ColumnSpec("s", "string", true, null),
              new ColumnSpec("ts", "timestamp", true, null),
              new ColumnSpec("dt", "date", true, null),
              new ColumnSpec("bin", "binary", true, null),
              new ColumnSpec("j", "json", true, null),
              new ColumnSpec("al", "array<long>", true, null),
              new ColumnSpec("ad", "array<double>", true, null),
              new ColumnSpec("as", "array<string>", true, null)),
          "id",
          List.of(),
          List.of());

  @TempDir Path dir;
  private final BufferAllocator allocator = new RootAllocator();
  private final ParquetFiles files = new ParquetFiles(new Configuration(), 4);
  private final RangeReader reader = new RangeReader(files);

  @AfterEach
  void close() {
    files.close();
    allocator.close();
  }

  @Test
  void everyRowOfTheRangeOnceWithTheValuesThePagedReadServes() throws IOException {
    TableSnapshot snapshot = snapshotWithTail();
    List<KeyRange> ranges =
        List.of(
            KeyRange.ALL,
            KeyRange.fromTo(1_000_100L, 1_000_300L), // inside both files, edges in runs of keys
            KeyRange.fromTo(1_000_390L, 1_000_700L), // the end of one file, the tail, the other
            KeyRange.of(1_000_200L),
            KeyRange.fromTo(2_000_000L, null)); // past every row: nothing
    List<String> columns = TABLE.columnNames();
    for (KeyRange range : ranges) {
      List<String> expected = paged(snapshot, range, columns, Map.of());
      assertThat(scanned(snapshot, range, columns, Map.of()))
          .as("range %s", range)
          .containsExactlyInAnyOrderElementsOf(expected);
      if (range.equals(KeyRange.ALL)) {
        assertThat(expected).hasSize(400 + 300 + 40);
      }
    }
    List<String> projection = List.of("s", "ts", "as");
    assertThat(scanned(snapshot, KeyRange.ALL, projection, Map.of()))
        .containsExactlyInAnyOrderElementsOf(paged(snapshot, KeyRange.ALL, projection, Map.of()));
    assertThat(allocator.getAllocatedMemory()).isZero();
  }

  @Test
  void equalitiesLeaveOutExactlyTheRowsThatDiffer() throws IOException {
    TableSnapshot snapshot = snapshotWithTail();
    List<String> columns = List.of("id", "s", "i", "j");
    List<String> all = paged(snapshot, KeyRange.ALL, columns, Map.of());
    for (KeyRange range : List.of(KeyRange.ALL, KeyRange.fromTo(1_000_101L, 1_000_650L))) {
      List<String> inRange = paged(snapshot, range, columns, Map.of());
      String word =
          inRange.subList(inRange.size() / 2, inRange.size()).stream()
              .map(r -> r.split("\\|", -1)[1])
              .filter(s -> !s.equals("null"))
              .findFirst()
              .orElseThrow();
      Map<String, Object> equalities = Map.of("s", word);
      List<String> expected = paged(snapshot, range, columns, equalities);
      assertThat(expected).isNotEmpty().hasSizeLessThan(inRange.size());
      assertThat(scanned(snapshot, range, columns, equalities))
          .as("range %s", range)
          .containsExactlyInAnyOrderElementsOf(expected);
    }
    long anInt =
        all.stream()
            .map(r -> r.split("\\|", -1)[2])
            .filter(s -> !s.equals("null"))
            .mapToLong(Long::parseLong)
            .findFirst()
            .orElseThrow();
    Map<String, Object> onInt = Map.of("i", anInt);
    assertThat(scanned(snapshot, KeyRange.ALL, columns, onInt))
        .isNotEmpty()
        .containsExactlyInAnyOrderElementsOf(paged(snapshot, KeyRange.ALL, columns, onInt));
  }

  @Test
  void equalitiesGiveWholeRowsOfEveryTypeFromSortedAndUnsortedFiles() throws IOException {
    // the compared columns are read first, the others from the pages of the rows that meet them
    TableSnapshot sorted = snapshotWithTail();
    IndexedFile shuffled = write("u", 4, 1_000_200L, 500, 10, false);
    TableSnapshot withUnsorted =
        TableSnapshot.of(
            new TableId("p", TABLE.name()),
            TABLE,
            4,
            1000,
            List.of(sorted.files().get(0), sorted.files().get(1), shuffled));
    List<String> columns = TABLE.columnNames();
    for (TableSnapshot snapshot : List.of(sorted, withUnsorted)) {
      List<String> all = paged(snapshot, KeyRange.ALL, columns, Map.of());
      // a rare value (one row of a run), a common one, the key, and two columns at once
      String[] rare =
          all.subList(all.size() / 3, all.size()).stream()
              .map(r -> r.split("\\|", -1))
              .filter(r -> !r[1].equals("null") && !r[5].equals("null"))
              .findFirst()
              .orElseThrow();
      Map<String, Object> onKey = Map.of("id", Long.parseLong(rare[0]));
      Map<String, Object> onText = Map.of("s", rare[5]);
      Map<String, Object> onTwo = Map.of("s", rare[5], "i", Long.parseLong(rare[1]));
      for (Map<String, Object> equalities : List.of(onKey, onText, onTwo)) {
        for (KeyRange range : List.of(KeyRange.ALL, KeyRange.fromTo(1_000_101L, 1_000_650L))) {
          List<String> expected = paged(snapshot, range, columns, equalities);
          assertThat(scanned(snapshot, range, columns, equalities))
              .as("%s in %s of %s", equalities, range, snapshot.files())
              .containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(paged(snapshot, KeyRange.ALL, columns, equalities)).isNotEmpty();
      }
      // only compared columns read
      assertThat(scanned(snapshot, KeyRange.ALL, List.of("s", "id"), onText))
          .containsExactlyInAnyOrderElementsOf(
              paged(snapshot, KeyRange.ALL, List.of("s", "id"), onText));
    }
    assertThat(allocator.getAllocatedMemory()).isZero();
  }

  @Test
  void theFirstRowsOfARangeInKeyOrderWithEveryRowOfTheirKeys() throws IOException {
    // two overlapping files of runs of four equal keys, and tail rows among them: more rows than
    // one window, so that a rare value takes several
    IndexedFile first = write("big-a", 1, 1_000_000L, 3_000, 7);
    IndexedFile second = write("big-b", 2, 1_002_000L, 2_500, 8);
    TableSnapshot snapshot =
        TableSnapshot.of(new TableId("p", TABLE.name()), TABLE, 2, 1000, List.of(first, second))
            .withTail(snapshotWithTail().tail());
    List<String> columns = List.of("id", "s", "i");
    List<String> all = paged(snapshot, KeyRange.ALL, columns, Map.of());
    String common = all.get(all.size() / 2).split("\\|", -1)[1];
    long rareInt =
        all.stream()
            .map(r -> r.split("\\|", -1)[2])
            .filter(v -> !v.equals("null"))
            .mapToLong(Long::parseLong)
            .findFirst()
            .orElseThrow();
    List<Map<String, Object>> conditions =
        List.of(Map.of(), Map.of("s", common), Map.of("i", rareInt));
    List<KeyRange> ranges =
        List.of(KeyRange.ALL, KeyRange.fromTo(1_000_500L, 1_004_000L), KeyRange.of(1_002_100L));
    int windowsOfRareRows = 0;
    for (Map<String, Object> equalities : conditions) {
      for (KeyRange range : ranges) {
        List<String> inRange = paged(snapshot, range, columns, equalities);
        for (boolean descending : List.of(true, false)) {
          for (long wanted : List.of(1L, 5L, 20L, 1_500L, 100_000L)) {
            List<String> got = new ArrayList<>();
            int windows;
            try (FirstRowsScan scan =
                reader.scanFirst(
                    snapshot, range, columns, equalities, wanted, descending, allocator)) {
              got.addAll(described(scan, columns));
              windows = scan.windows();
            }
            String what =
                equalities + " in " + range + ", " + wanted + (descending ? " desc" : " asc");
            // the first rows in key order, with every row sharing the last one's key
            List<Long> keys =
                inRange.stream().map(r -> Long.parseLong(r.split("\\|", -1)[0])).sorted().toList();
            List<String> needed = new ArrayList<>();
            if (!keys.isEmpty()) {
              int last = (int) Math.min(wanted, keys.size()) - 1;
              long bound = descending ? keys.get(keys.size() - 1 - last) : keys.get(last);
              for (String row : inRange) {
                long key = Long.parseLong(row.split("\\|", -1)[0]);
                if (descending ? key >= bound : key <= bound) {
                  needed.add(row);
                }
              }
            }
            assertThat(got).as(what).containsAll(needed);
            // nothing outside the range or differing from the equalities, each row once
            List<String> unclaimed = new ArrayList<>(inRange);
            for (String row : got) {
              assertThat(unclaimed.remove(row)).as("%s: %s", what, row).isTrue();
            }
            if (equalities.isEmpty() && range.equals(KeyRange.ALL)) {
              // one window, of about the rows wanted: a few more where a window's first key
              // falls inside a file (the index's error, 40 here, at both ends of two files)
              assertThat(windows).as(what).isEqualTo(1);
              assertThat((long) got.size())
                  .as(what)
                  .isLessThanOrEqualTo(wanted + wanted / 8 + 2 * 4 * 40 + 8);
            }
            if (equalities.containsKey("i") && range.equals(KeyRange.ALL) && wanted == 5) {
              windowsOfRareRows = windows;
            }
          }
        }
      }
    }
    assertThat(windowsOfRareRows).isGreaterThan(1);
    assertThat(allocator.getAllocatedMemory()).isZero();
  }

  /** Two overlapping files with runs of equal keys, and 40 tail rows with keys among theirs. */
  private TableSnapshot snapshotWithTail() throws IOException {
    IndexedFile first = write("a", 1, 1_000_000L, 400, 7);
    IndexedFile second = write("b", 2, 1_000_500L, 300, 8);
    TableSnapshot files =
        TableSnapshot.of(new TableId("p", TABLE.name()), TABLE, 2, 1000, List.of(first, second));
    // tail rows: the boxed rows of a third file, keys among the files' and between them
    IndexedFile third = write("c", 3, 1_000_380L, 160, 9);
    TableSnapshot source =
        TableSnapshot.of(new TableId("p", TABLE.name()), TABLE, 3, 1000, List.of(third));
    List<TailRows.Row> tail = new ArrayList<>();
    ReadPlan plan = reader.plan(source, KeyRange.ALL, false, null, 10_000);
    reader.fetch(
        plan,
        TABLE.columnNames(),
        values -> {
          if (tail.size() < 40 && ((Long) values[0]) % 4 == 0) {
            tail.add(
                new TailRows.Row(
                    Keys.encode(ColumnType.LONG, values[0]),
                    values.clone(),
                    "t-0",
                    tail.size(),
                    0,
                    0,
                    0,
                    1));
          }
        });
    assertThat(tail).hasSize(40);
    return files.withTail(TailRows.empty().with(tail));
  }

  private IndexedFile write(String name, long modified, long start, int rows, long seed)
      throws IOException {
    return write(name, modified, start, rows, seed, true);
  }

  /** A file of rows with runs of equal keys, in key order or shuffled (with its row order). */
  private IndexedFile write(
      String name, long modified, long start, int rows, long seed, boolean inKeyOrder)
      throws IOException {
    long[] keys = new long[rows];
    for (int i = 0; i < rows; i++) {
      keys[i] = start + i - i % 4 + (long) i * i / 100; // runs of four equal keys, uneven gaps
    }
    List<GenericRecord> sorted = new TestRows(TABLE, seed).rows("p", keys);
    int[] rowOrder = null; // rank → row
    if (!inKeyOrder) {
      List<Integer> rowOfRank = new ArrayList<>();
      for (int i = 0; i < rows; i++) {
        rowOfRank.add(i);
      }
      java.util.Collections.shuffle(rowOfRank, new java.util.Random(seed));
      GenericRecord[] written = new GenericRecord[rows];
      for (int rank = 0; rank < rows; rank++) {
        written[rowOfRank.get(rank)] = sorted.get(rank);
      }
      // ties in row order: ranks of equal keys are renumbered by the rows holding them
      for (int i = 0; i < rows; ) {
        int j = i;
        while (j < rows && keys[j] == keys[i]) {
          j++;
        }
        List<Integer> run = new ArrayList<>(rowOfRank.subList(i, j));
        java.util.Collections.sort(run);
        for (int k = i; k < j; k++) {
          written[run.get(k - i)] = sorted.get(k);
          rowOfRank.set(k, run.get(k - i));
        }
        i = j;
      }
      sorted = Arrays.asList(written);
      rowOrder = rowOfRank.stream().mapToInt(Integer::intValue).toArray();
    }
    Path path = dir.resolve(name + ".parquet");
    Configuration conf = new Configuration();
    try (ParquetWriter<GenericRecord> writer =
        AvroParquetWriter.<GenericRecord>builder(
                HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(path.toUri()), conf))
            .withSchema(AvroSchemas.rowSchema(TABLE))
            .withDataModel(GenericData.get())
            .withConf(conf)
            .withCompressionCodec(CompressionCodecName.ZSTD)
            .withRowGroupSize(16 << 10)
            .withPageRowCountLimit(25)
            .build()) {
      for (GenericRecord row : sorted) {
        writer.write(row);
      }
    }
    long[] encoded = Arrays.stream(keys).map(k -> Keys.encode(ColumnType.LONG, k)).toArray();
    return new IndexedFile(
        name,
        path.toUri().toString(),
        Files.size(path),
        modified,
        KeyModel.buildWithEpsilon(encoded, 40),
        true,
        rowOrder);
  }

  /** The rows the paged, merged read serves, described. */
  private List<String> paged(
      TableSnapshot snapshot, KeyRange range, List<String> columns, Map<String, Object> equal)
      throws IOException {
    List<String> rows = new ArrayList<>();
    ReadPlan plan = reader.plan(snapshot, range, false, null, 100_000);
    reader.fetch(
        plan,
        columns,
        values -> {
          List<String> row = new ArrayList<>();
          for (int c = 0; c < columns.size(); c++) {
            row.add(describe(values[c], type(columns.get(c))));
          }
          for (Map.Entry<String, Object> e : equal.entrySet()) {
            if (!row.get(columns.indexOf(e.getKey())).equals(String.valueOf(e.getValue()))) {
              return;
            }
          }
          rows.add(String.join("|", row));
        });
    return rows;
  }

  /** The rows of the Arrow scan, described as {@link #paged} describes them. */
  private List<String> scanned(
      TableSnapshot snapshot, KeyRange range, List<String> columns, Map<String, Object> equal)
      throws IOException {
    try (ArrowScan scan = reader.scan(snapshot, range, columns, equal, allocator)) {
      return described(scan, columns);
    }
  }

  /** The rows of an Arrow reader, described as {@link #paged} describes them. */
  private static List<String> described(
      org.apache.arrow.vector.ipc.ArrowReader scan, List<String> columns) throws IOException {
    List<String> rows = new ArrayList<>();
    while (scan.loadNextBatch()) {
      VectorSchemaRoot root = scan.getVectorSchemaRoot();
      assertThat(root.getRowCount()).isBetween(1, ArrowScan.MAX_BATCH_ROWS);
      for (int r = 0; r < root.getRowCount(); r++) {
        List<String> row = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
          row.add(describe(root.getVector(c).getObject(r), type(columns.get(c))));
        }
        rows.add(String.join("|", row));
      }
    }
    return rows;
  }

  private static ColumnType type(String column) {
    return TABLE.column(column).orElseThrow().type();
  }

  /** A value as text, whether boxed by the paged read or by Arrow's {@code getObject}. */
  private static String describe(Object value, ColumnType type) {
    if (value == null) {
      return "null";
    }
    if (value instanceof List<?> list) {
      List<String> items = new ArrayList<>();
      list.forEach(v -> items.add(describe(v, type.elementType().orElseThrow())));
      return items.toString();
    }
    if (value instanceof ByteSlice slice) {
      return type == ColumnType.BYTES
          ? Arrays.toString(slice.toByteArray())
          : new String(slice.toByteArray(), StandardCharsets.UTF_8);
    }
    if (value instanceof byte[] bytes) {
      return Arrays.toString(bytes);
    }
    if (value instanceof java.time.LocalDateTime time) { // Arrow's timestamps without zone
      return String.valueOf(
          java.time.temporal.ChronoUnit.MICROS.between(
              java.time.LocalDateTime.of(1970, 1, 1, 0, 0), time));
    }
    return value.toString(); // numbers, booleans, Arrow's Text
  }
}

package io.lakestream.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.index.KeyModel;
import io.lakestream.reader.internal.ParquetFiles;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinition.ColumnSpec;
import io.lakestream.schema.convert.AvroSchemas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scan's equality on a text column ({@code trace_id = '…'} within a time range), which finds the
 * rows on the column's encoded pages and reads the key for those rows only: over files where the
 * column is dictionary-encoded, PLAIN after its dictionary overflowed, PLAIN only, and unsorted;
 * with nulls among the values (one inside a run of the wanted value), values sharing a prefix, a
 * suffix, a length and last byte with the wanted one, and runs of it straddling both ends of the
 * key range (the rows just outside must not come out); and on a column in key order, whose pages
 * the column index mostly rules out. Rows come in key order, exactly those expected.
 */
class EqualityScanTest {
  private static final TableDefinition TABLE =
      TableDefinition.validate(
          "test",
          "spans",
          "a text column compared by equality",
          List.of(
              new ColumnSpec("id", "bigint", false, null),
              new ColumnSpec("s", "string", true, null),
              new ColumnSpec("other", "string", true, null)),
          "id",
          List.of(),
          List.of());

  private static final String WANTED = "trace-42";

  /** Values near the wanted one: prefixes, suffixes, one of the same length and last byte. */
  private static final String[] NEAR = {
    "trace-4", "trace-420", "xtrace-42", "trace-52", "Trace-42", "trace-42 ", "", "trace-43"
  };

  private static final int ROWS = 2000;
  private static final long FIRST_KEY = 10_000L;

  /** Rows holding the wanted value: runs across both ends of the range, one with a null inside. */
  private static final Set<Integer> HOLDING =
      Set.of(
          96, 97, 98, 99, 100, 101, 102, 500, 501, 503, 504, 1500, 1501, 1502, 1897, 1898, 1899,
          1900, 1901, 1902);

  /** Rows 100 to 1899. */
  private static final KeyRange RANGE = KeyRange.fromTo(FIRST_KEY + 100, FIRST_KEY + 1900);

  /** How a file stores column {@code s}. */
  private enum Layout {
    /** Few distinct values: every page dictionary-encoded. */
    DICTIONARY,
    /** A distinct value in most rows: the dictionary overflows, later pages PLAIN. */
    FALLBACK,
    /** No dictionary. */
    PLAIN
  }

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
  void findsTheRowsOfTheRangeHoldingTheValueWhateverTheColumnsEncoding() throws IOException {
    List<Long> expected =
        HOLDING.stream()
            .sorted()
            .map(i -> FIRST_KEY + i)
            .filter(k -> k >= RANGE.lo() && k <= RANGE.hi())
            .toList();
    assertThat(expected).hasSize(13).doesNotContain(FIRST_KEY + 99, FIRST_KEY + 1900);
    for (Layout layout : Layout.values()) {
      for (boolean sorted : new boolean[] {true, false}) {
        TableSnapshot snapshot = snapshot(write(layout, sorted));
        String file = layout + (sorted ? "" : ", unsorted");
        assertThat(keys(snapshot, RANGE, List.of("id", "s", "other"), Map.of("s", WANTED)))
            .as(file)
            .containsExactlyElementsOf(expected);
        // the key read for the trim only, after the projection's columns
        assertThat(scanned(snapshot, RANGE, List.of("other", "s"), Map.of("s", WANTED)))
            .as(file)
            .containsExactlyElementsOf(expected.stream().map(k -> "row-" + k).toList());
        // a second equality checked on the rows the first one found
        long middle = FIRST_KEY + 501;
        assertThat(keys(snapshot, RANGE, List.of("id", "s"), Map.of("s", WANTED, "id", middle)))
            .as(file)
            .containsExactly(middle);
        assertThat(
                keys(
                    snapshot,
                    RANGE,
                    List.of("id", "s", "other"),
                    Map.of("s", WANTED, "other", "row-" + (FIRST_KEY + 1502))))
            .as(file)
            .containsExactly(FIRST_KEY + 1502);
        // a column in key order: pages with narrow bounds, most of them left unread by the column
        // index
        for (long key : new long[] {FIRST_KEY + 99, FIRST_KEY + 100, FIRST_KEY + 1502}) {
          assertThat(keys(snapshot, RANGE, List.of("id", "other"), Map.of("other", "row-" + key)))
              .as("row-%s in %s", key, file)
              .isEqualTo(key == FIRST_KEY + 99 ? List.of() : List.of(key));
        }
        // values near the wanted one are found as themselves only
        for (String near : NEAR) {
          List<Long> holding =
              IntStream.range(100, 1900)
                  .filter(i -> near.equals(value(layout, i)))
                  .mapToObj(i -> FIRST_KEY + i)
                  .toList();
          assertThat(holding).as(near).isNotEmpty();
          assertThat(keys(snapshot, RANGE, List.of("id", "s"), Map.of("s", near)))
              .as("%s in %s", near, file)
              .containsExactlyElementsOf(holding);
        }
        assertThat(keys(snapshot, RANGE, List.of("id", "s"), Map.of("s", "trace-99"))).isEmpty();
      }
    }
    assertThat(allocator.getAllocatedMemory()).isZero();
  }

  @Test
  void aRunOfTheValueAcrossTwoReadsOfAFileComesOnce() throws IOException {
    // the file inside the range: read from its first row, 65,536 rows at a time; the second read
    // starts inside a page (of 25 rows) and inside the run
    int boundary = ArrowScan.MAX_BATCH_ROWS;
    List<Integer> run =
        IntStream.range(boundary - 9, boundary + 9).filter(i -> i != boundary + 1).boxed().toList();
    Set<Integer> holding = Set.copyOf(run);
    List<Long> expected = run.stream().map(i -> FIRST_KEY + i).toList();
    for (Layout layout : List.of(Layout.DICTIONARY, Layout.FALLBACK)) {
      TableSnapshot snapshot = snapshot(write(layout, true, boundary + 2000, holding));
      assertThat(keys(snapshot, KeyRange.ALL, List.of("id", "s"), Map.of("s", WANTED)))
          .as("%s", layout)
          .containsExactlyElementsOf(expected);
    }
    assertThat(allocator.getAllocatedMemory()).isZero();
  }

  @Test
  void theFilesHoldTheEncodingsTheTestClaims() throws IOException {
    // the wanted value in dictionary pages at the range's start, in PLAIN pages later
    Path fallback = write(Layout.FALLBACK, true).location;
    assertThat(encodingOfRow(fallback, 100).usesDictionary()).isTrue();
    assertThat(encodingOfRow(fallback, 1500)).isEqualTo(Encoding.PLAIN);
    Path dictionary = write(Layout.DICTIONARY, true).location;
    assertThat(encodingOfRow(dictionary, 1500).usesDictionary()).isTrue();
    assertThat(encodingOfRow(write(Layout.PLAIN, true).location, 100)).isEqualTo(Encoding.PLAIN);
  }

  /** The value of column {@code s} in row {@code i} (of key {@code FIRST_KEY + i}). */
  private static String value(Layout layout, int i) {
    return value(layout, i, HOLDING);
  }

  private static String value(Layout layout, int i, Set<Integer> holding) {
    if (holding.contains(i)) {
      return WANTED;
    }
    if (i % 7 == 3 || i == 502) {
      return null;
    }
    if (i % 5 == 0) {
      return NEAR[(i / 5) % NEAR.length];
    }
    return "v-" + (layout == Layout.DICTIONARY ? i % 40 : i);
  }

  private record Written(Path location, IndexedFile file) {}

  /** The rows in key order, or shuffled (with their row order). */
  private Written write(Layout layout, boolean sorted) throws IOException {
    return write(layout, sorted, ROWS, HOLDING);
  }

  /** {@code rows} rows, the wanted value in rows {@code holding}. */
  private Written write(Layout layout, boolean sorted, int rows, Set<Integer> holding)
      throws IOException {
    Schema schema = AvroSchemas.rowSchema(TABLE);
    List<Integer> rowOfRank = new ArrayList<>(IntStream.range(0, rows).boxed().toList());
    if (!sorted) {
      Collections.shuffle(rowOfRank, new Random(7));
    }
    GenericRecord[] written = new GenericRecord[rows];
    for (int rank = 0; rank < rows; rank++) {
      GenericRecord row = new GenericData.Record(schema);
      row.put(TableDefinition.PROJECT_COLUMN, "p");
      row.put("id", FIRST_KEY + rank);
      row.put("s", value(layout, rank, holding));
      row.put("other", "row-" + (FIRST_KEY + rank));
      written[rowOfRank.get(rank)] = row;
    }
    String name = layout + (sorted ? "" : "-unsorted") + "-" + rows;
    Path path = dir.resolve(name + ".parquet");
    Configuration conf = new Configuration();
    try (ParquetWriter<GenericRecord> writer =
        AvroParquetWriter.<GenericRecord>builder(
                HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(path.toUri()), conf))
            .withSchema(schema)
            .withDataModel(GenericData.get())
            .withConf(conf)
            .withCompressionCodec(CompressionCodecName.ZSTD)
            .withPageRowCountLimit(25)
            .withDictionaryEncoding(layout != Layout.PLAIN)
            .withDictionaryPageSize(layout == Layout.FALLBACK ? 2048 : 1 << 20)
            .build()) {
      for (GenericRecord row : written) {
        writer.write(row);
      }
    }
    IndexedFile file =
        new IndexedFile(
            name,
            path.toUri().toString(),
            Files.size(path),
            1,
            KeyModel.buildWithEpsilon(encodedKeys(rows), 40),
            true,
            sorted ? null : rowOfRank.stream().mapToInt(Integer::intValue).toArray());
    return new Written(path, file);
  }

  /** The encoded keys of the rows, in key order. */
  private static long[] encodedKeys(int rows) {
    long[] keys = new long[rows];
    for (int i = 0; i < rows; i++) {
      keys[i] = Keys.encode(ColumnType.LONG, FIRST_KEY + i);
    }
    return keys;
  }

  private static TableSnapshot snapshot(Written written) {
    return TableSnapshot.of(new TableId("p", TABLE.name()), TABLE, 1, 1000, List.of(written.file));
  }

  /** The encoding of the page of column {@code s} holding a row of a file in key order. */
  private static Encoding encodingOfRow(Path path, long row) throws IOException {
    try (ParquetFileReader file =
        ParquetFileReader.open(
            HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(path.toUri()), new Configuration()))) {
      ColumnDescriptor column =
          file.getFooter().getFileMetaData().getSchema().getColumnDescription(new String[] {"s"});
      long first = 0;
      for (PageReadStore group = file.readNextRowGroup();
          group != null;
          group = file.readNextRowGroup()) {
        PageReader pages = group.getPageReader(column);
        for (DataPage page = pages.readPage(); page != null; page = pages.readPage()) {
          if (row < first + page.getValueCount()) {
            return ((DataPageV1) page).getValueEncoding();
          }
          first += page.getValueCount();
        }
      }
    }
    throw new IllegalArgumentException("no row " + row);
  }

  /** The keys of the scan's rows, in the order they come (the projection starts with the key). */
  private List<Long> keys(
      TableSnapshot snapshot, KeyRange range, List<String> columns, Map<String, Object> equal)
      throws IOException {
    return scanned(snapshot, range, columns, equal).stream().map(Long::parseLong).toList();
  }

  /**
   * The first column of the scan's rows, as text, in the order they come; each row's {@code s},
   * when read and compared, checked to be the wanted value.
   */
  private List<String> scanned(
      TableSnapshot snapshot, KeyRange range, List<String> columns, Map<String, Object> equal)
      throws IOException {
    List<String> firsts = new ArrayList<>();
    try (ArrowScan scan = reader.scan(snapshot, range, columns, equal, allocator)) {
      while (scan.loadNextBatch()) {
        VectorSchemaRoot root = scan.getVectorSchemaRoot();
        for (int r = 0; r < root.getRowCount(); r++) {
          firsts.add(String.valueOf(root.getVector(0).getObject(r)));
          int s = columns.indexOf("s");
          if (s >= 0 && equal.get("s") != null) {
            assertThat(String.valueOf(root.getVector(s).getObject(r))).isEqualTo(equal.get("s"));
          }
        }
      }
    }
    return firsts;
  }
}

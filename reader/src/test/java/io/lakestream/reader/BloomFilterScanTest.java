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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lookup of one id among many ({@code trace_id = '…'}, or an integer such as an order number,
 * over the whole table) skips the row groups that cannot hold the id: those whose Bloom filter of
 * the column refuses it (where the column chunk's values outgrew its dictionary, as in compacted
 * files of random ids), and those whose every page is dictionary-encoded and whose dictionary lacks
 * it (small files: writers keep no Bloom filter of such a chunk). Random ids: the pages' bounds
 * admit nearly every page, so without either the lookup reads the column's pages of every row
 * group. The rows found are the same in sorted and unsorted files, with the id as the only equality
 * or beside another. What a lookup learns of a file's filters and dictionaries is kept, so that the
 * next lookups do not open the files that cannot hold their id.
 */
class BloomFilterScanTest {
  private static final TableDefinition TABLE =
      TableDefinition.validate(
          "test",
          "spans",
          "ids looked up by one value",
          List.of(
              new ColumnSpec("id", "bigint", false, null),
              new ColumnSpec("trace", "string", true, null),
              new ColumnSpec("kind", "string", true, null),
              new ColumnSpec("order", "bigint", true, null)),
          "id",
          List.of(),
          List.of());

  private static final int FILES = 6;
  private static final int ROWS_PER_FILE = 12_000;

  /** Rows a row group has: 6 row groups a file. */
  private static final int ROW_GROUP_ROWS = 2_000;

  /** Rows a trace has, one after the other. */
  private static final int TRACE_ROWS = 4;

  /** How the files store the columns looked up by one value: the trace and the order number. */
  private enum Layout {
    /**
     * As Lakestream's writer writes it: dictionary-encoded, with a Bloom filter where the values
     * outgrow the dictionary. In files in key order a row group holds a few hundred traces and its
     * chunk is all dictionary (no filter written); shuffled, every row group holds every trace and
     * falls back to plain pages, with a filter.
     */
    DICTIONARY,
    /** Without a dictionary, with a Bloom filter per row group. */
    BLOOM_FILTER,
    /** Without either: every row group's pages are read. */
    NEITHER
  }

  @TempDir Path dir;
  private final BufferAllocator allocator = new RootAllocator();

  /** No reader kept open between reads: a file read is a file opened (its footer read). */
  private final ParquetFiles files = new ParquetFiles(new Configuration(), 0);

  private final RangeReader reader = new RangeReader(files);

  @AfterEach
  void close() {
    files.close();
    allocator.close();
  }

  @Test
  void aLookupOfOneIdReadsOnlyTheRowGroupsThatMayHoldIt() throws IOException {
    lookups("trace", BloomFilterScanTest::trace);
  }

  /**
   * The same with an integer: a trace's order number, a random long (the pages' bounds hold all).
   */
  @Test
  void aLookupOfOneNumberReadsOnlyTheRowGroupsThatMayHoldIt() throws IOException {
    lookups("order", BloomFilterScanTest::order);
  }

  /** Lookups of {@code column}, whose value in trace {@code n}'s rows is {@code valueOf(n)}. */
  private void lookups(String column, java.util.function.LongFunction<Object> valueOf)
      throws IOException {
    for (boolean sorted : new boolean[] {true, false}) {
      TableSnapshot neither = snapshot(sorted, Layout.NEITHER);
      for (Layout layout : List.of(Layout.DICTIONARY, Layout.BLOOM_FILTER)) {
        TableSnapshot skipping = snapshot(sorted, layout);
        String files = layout + (sorted ? "" : ", unsorted");
        // the first lookup reads the dictionaries or filters, which are kept (ids no row has,
        // inside
        // the pages' bounds); the next opens no file
        assertThat(keys(skipping, Map.of(column, valueOf.apply(-1)))).as(files).isEmpty();
        long before = bytesRead();
        assertThat(keys(skipping, Map.of(column, valueOf.apply(-2)))).as(files).isEmpty();
        assertThat(bytesRead() - before).as("%s: bytes read for an absent id", files).isZero();
        // ids of rows in the first, a middle and the last file
        for (long row : new long[] {5, FILES * ROWS_PER_FILE / 2 + 1, FILES * ROWS_PER_FILE - 2}) {
          Object value = valueOf.apply(row / TRACE_ROWS);
          List<Long> expected =
              IntStream.range(0, TRACE_ROWS)
                  .mapToObj(i -> row / TRACE_ROWS * TRACE_ROWS + i)
                  .toList();
          before = bytesRead();
          List<Long> found = keys(skipping, Map.of(column, value));
          long skipped = bytesRead() - before;
          before = bytesRead();
          List<Long> foundReadingAll = keys(neither, Map.of(column, value));
          long all = bytesRead() - before;
          assertThat(found).as("%s, row %d", files, row).containsExactlyElementsOf(expected);
          assertThat(foundReadingAll).as("%s, row %d", files, row).isEqualTo(found);
          // in a file out of key order the compared columns of a file that may hold the value
          // are read whole: one file of six
          assertThat(skipped)
              .as("%s: bytes read for row %d's trace, against %d without", files, row, all)
              .isLessThan(sorted ? all / 4 : all / 3);
          // beside another equality, checked on the rows the id finds
          long kindRow = expected.get(1);
          assertThat(keys(skipping, Map.of(column, value, "kind", kind(kindRow))))
              .as(files)
              .contains(kindRow)
              .isSubsetOf(expected);
        }
      }
    }
    assertThat(allocator.getAllocatedMemory()).isZero();
  }

  @Test
  void theFilesHoldTheLayoutsTheTestClaims() throws IOException {
    IndexedFile dictionary = write(0, true, Layout.DICTIONARY);
    IndexedFile shuffled = write(0, false, Layout.DICTIONARY);
    IndexedFile bloomFilter = write(0, true, Layout.BLOOM_FILTER);
    IndexedFile neither = write(0, true, Layout.NEITHER);
    for (String column : List.of("trace", "order")) {
      // sorted, as the writer writes: every chunk all dictionary, without a filter
      assertThat(chunks(dictionary, column))
          .as(column)
          .isNotEmpty()
          .allMatch(c -> !c.getEncodingStats().hasNonDictionaryEncodedPages())
          .allMatch(c -> c.getBloomFilterOffset() < 0);
      // shuffled: plain pages after the dictionary, and a filter
      assertThat(chunks(shuffled, column))
          .as(column)
          .allMatch(c -> c.getEncodingStats().hasNonDictionaryEncodedPages())
          .allMatch(c -> c.getBloomFilterOffset() >= 0);
      assertThat(chunks(bloomFilter, column))
          .as(column)
          .hasSize(ROWS_PER_FILE / ROW_GROUP_ROWS)
          .allMatch(c -> !c.getEncodingStats().hasDictionaryPages())
          .allMatch(c -> c.getBloomFilterOffset() >= 0);
      assertThat(chunks(neither, column))
          .as(column)
          .allMatch(c -> !c.getEncodingStats().hasDictionaryPages())
          .allMatch(c -> c.getBloomFilterOffset() < 0);
    }
  }

  /** A column's chunks of a file, one per row group. */
  private static List<ColumnChunkMetaData> chunks(IndexedFile file, String column)
      throws IOException {
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(java.net.URI.create(file.location())),
                new Configuration()))) {
      return reader.getRowGroups().stream()
          .flatMap(group -> group.getColumns().stream())
          .filter(chunk -> chunk.getPath().toDotString().equals(column))
          .toList();
    }
  }

  /** Trace {@code n}'s id: 32 random hex digits, as OpenTelemetry's are. */
  private static String trace(long n) {
    byte[] bytes = new byte[16];
    new Random(n * 31 + 7).nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Trace {@code n}'s order number: a random long. */
  private static Long order(long n) {
    return new Random(n * 17 + 3).nextLong();
  }

  private static String kind(long row) {
    return "kind-" + row % 3;
  }

  /** Bytes read from local files so far, by every reader in this JVM. */
  private static long bytesRead() {
    return FileSystem.getAllStatistics().stream()
        .filter(s -> s.getScheme().equals("file"))
        .mapToLong(FileSystem.Statistics::getBytesRead)
        .sum();
  }

  /** The table's files (rows in key order, or each file's shuffled), laid out as {@code layout}. */
  private TableSnapshot snapshot(boolean sorted, Layout layout) throws IOException {
    List<IndexedFile> written = new ArrayList<>();
    for (int f = 0; f < FILES; f++) {
      written.add(write(f, sorted, layout));
    }
    return TableSnapshot.of(new TableId("p", TABLE.name()), TABLE, 1, 1000, written);
  }

  /** File {@code f}: rows f × ROWS_PER_FILE onwards, in row groups of {@value #ROW_GROUP_ROWS}. */
  private IndexedFile write(int f, boolean sorted, Layout layout) throws IOException {
    Schema schema = AvroSchemas.rowSchema(TABLE);
    List<Integer> rowOfRank = new ArrayList<>(IntStream.range(0, ROWS_PER_FILE).boxed().toList());
    if (!sorted) {
      Collections.shuffle(rowOfRank, new Random(f));
    }
    GenericRecord[] rows = new GenericRecord[ROWS_PER_FILE];
    long first = (long) f * ROWS_PER_FILE;
    for (int rank = 0; rank < ROWS_PER_FILE; rank++) {
      GenericRecord row = new GenericData.Record(schema);
      long id = first + rank;
      row.put(TableDefinition.PROJECT_COLUMN, "p");
      row.put("id", id);
      row.put("trace", trace(id / TRACE_ROWS));
      row.put("kind", kind(id));
      row.put("order", order(id / TRACE_ROWS));
      rows[rowOfRank.get(rank)] = row;
    }
    String name = f + (sorted ? "" : "-unsorted") + "-" + layout;
    Path path = dir.resolve(name + ".parquet");
    Configuration conf = new Configuration();
    ParquetWriter.Builder<GenericRecord, ?> builder =
        AvroParquetWriter.<GenericRecord>builder(
                HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(path.toUri()), conf))
            .withSchema(schema)
            .withDataModel(GenericData.get())
            .withConf(conf)
            .withCompressionCodec(CompressionCodecName.ZSTD)
            .withPageRowCountLimit(100)
            .withRowGroupRowCountLimit(ROW_GROUP_ROWS)
            .withDictionaryEncoding("trace", layout == Layout.DICTIONARY)
            .withDictionaryEncoding("order", layout == Layout.DICTIONARY);
    for (String column : List.of("trace", "order")) {
      if (layout != Layout.NEITHER) {
        builder
            .withBloomFilterEnabled(column, true)
            .withBloomFilterNDV(column, 3_000)
            .withBloomFilterFPP(column, 0.001);
      }
    }
    try (ParquetWriter<GenericRecord> writer = builder.build()) {
      for (GenericRecord row : rows) {
        writer.write(row);
      }
    }
    long[] keys = new long[ROWS_PER_FILE];
    for (int i = 0; i < ROWS_PER_FILE; i++) {
      keys[i] = Keys.encode(ColumnType.LONG, first + i);
    }
    return new IndexedFile(
        name,
        path.toUri().toString(),
        Files.size(path),
        1,
        KeyModel.buildWithEpsilon(keys, 40),
        true,
        sorted ? null : rowOfRank.stream().mapToInt(Integer::intValue).toArray());
  }

  /** The keys of the rows of the whole table meeting the equalities, as the scan gives them. */
  private List<Long> keys(TableSnapshot snapshot, Map<String, Object> equal) throws IOException {
    List<Long> keys = new ArrayList<>();
    try (ArrowScan scan =
        reader.scan(
            snapshot, KeyRange.ALL, List.of("id", "trace", "kind", "order"), equal, allocator)) {
      while (scan.loadNextBatch()) {
        VectorSchemaRoot root = scan.getVectorSchemaRoot();
        for (int r = 0; r < root.getRowCount(); r++) {
          keys.add((Long) root.getVector(0).getObject(r));
          for (Map.Entry<String, Object> e : equal.entrySet()) {
            assertThat(root.getVector(e.getKey()).getObject(r).toString())
                .isEqualTo(e.getValue().toString());
          }
        }
      }
    }
    return keys;
  }
}

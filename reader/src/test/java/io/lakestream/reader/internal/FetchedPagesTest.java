package io.lakestream.reader.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.reader.internal.ColumnDecoderTest.Layout;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinition.ColumnSpec;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.convert.AvroSchemas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveComparator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads of a few selected rows ({@link ParquetFiles.FileReader#readSelected}), whose pages are
 * fetched directly by the offset index ({@link FetchedPages}): the same rows as the record assembly
 * for every table and layout of {@link ColumnDecoderTest} (dictionary pages, fallback to PLAIN
 * mid-chunk, v2 pages, lists, several row groups), rows in the first and last pages of chunks and
 * spread over many; only the pages holding the rows read, one range read per run of them, no
 * dictionary page once cached; an equality's select ({@link ParquetFiles.FileReader#select})
 * reading only the compared column's pages in the range that its column index admits, likewise; and
 * a file without offset indexes read by parquet-mr, same rows.
 */
class FetchedPagesTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}, {2}")
  @MethodSource("io.lakestream.reader.internal.ColumnDecoderTest#tablesAndLayouts")
  void readsSelectedRowsAsTheRecordAssemblyDid(String name, TableDefinition table, Layout layout)
      throws IOException {
    int rows = 1_000;
    org.apache.hadoop.fs.Path file = ColumnDecoderTest.write(dir, table, layout, rows, 7);
    assertSelectedRowsAsRecordAssembly(file, file, table, rows, layout.pageRows());
  }

  @ParameterizedTest(name = "vectored reads: {0}")
  @ValueSource(booleans = {true, false})
  void aLookupReadsOnlyThePagesHoldingItsRowsOneRangeEachRun(boolean vectored) throws IOException {
    TableDefinition logs = TableDefinitions.builtIn("otel_logs_and_spans");
    org.apache.hadoop.fs.Path file = hundredRowPages(logs);
    Configuration conf = countingConf(vectored);
    String location = CountingFileSystem.SCHEME + "://" + file.toUri().getPath();
    long size = file.getFileSystem(new Configuration()).getFileStatus(file).getLen();
    List<String> columns = logs.columnNames();
    int[] warm = {1_000, 1_001};
    int[] lookup = {12_345, 12_346, 12_420, 12_470}; // in two consecutive pages of 100 rows
    List<Object[]> expected = ColumnDecoderTest.recordAssembly(file, logs, columns, 12_345, 12_471);
    try (ParquetFiles files = new ParquetFiles(conf, 4);
        ParquetFiles.FileReader reader = files.open(location, size, logs, columns)) {
      reader.readSelected(0, warm, warm.length); // offset indexes read, dictionaries cached
      CountingFileSystem.reset();
      ColumnBatch batch = reader.readSelected(0, lookup, lookup.length);
      long reads = CountingFileSystem.RANGE_READS.get();
      long bytes = CountingFileSystem.BYTES_READ.get();
      for (int row : lookup) {
        assertThat(ColumnDecoderTest.describe(List.<Object[]>of(batch.row(row - lookup[0]))))
            .as("row %d", row)
            .isEqualTo(
                ColumnDecoderTest.describe(List.<Object[]>of(expected.get(row - lookup[0]))));
      }
      long[] wanted = pagesHolding(file, lookup);
      assertThat(wanted[0]).as("runs of pages").isGreaterThanOrEqualTo(columns.size() - 1);
      assertThat(reads).as("range reads").isEqualTo(wanted[0]);
      assertThat(bytes).as("bytes read").isEqualTo(wanted[1]);
    }
  }

  @ParameterizedTest(name = "vectored reads: {0}")
  @ValueSource(booleans = {true, false})
  void aSelectReadsOnlyTheComparedColumnsAdmittedPagesOneRangeEachRun(boolean vectored)
      throws IOException {
    TableDefinition logs = TableDefinitions.builtIn("otel_logs_and_spans");
    org.apache.hadoop.fs.Path file = hundredRowPages(logs);
    Configuration conf = countingConf(vectored);
    String location = CountingFileSystem.SCHEME + "://" + file.toUri().getPath();
    long size = file.getFileSystem(new Configuration()).getFileStatus(file).getLen();
    List<String> columns = logs.columnNames();
    int slot = columns.indexOf("trace_id");
    int from = 12_050;
    int to = 12_950; // rows of ten pages, the first and last in part
    List<Object[]> range = ColumnDecoderTest.recordAssembly(file, logs, columns, from, to);
    int holding = 12_345 - from;
    while (range.get(holding)[slot] == null) {
      holding++;
    }
    String wanted = range.get(holding)[slot].toString();
    List<Integer> expected = new ArrayList<>();
    for (int row = from; row < to; row++) {
      if (range.get(row - from)[slot] != null
          && wanted.equals(range.get(row - from)[slot].toString())) {
        expected.add(row - from);
      }
    }
    BytesEquality equality = new BytesEquality(wanted.getBytes(StandardCharsets.UTF_8));
    try (ParquetFiles files = new ParquetFiles(conf, 4);
        ParquetFiles.FileReader reader = files.open(location, size, logs, columns)) {
      reader.select(0, 1_000, slot, equality); // offset indexes read, dictionary cached
      CountingFileSystem.reset();
      int[] found = reader.select(from, to, slot, equality);
      long reads = CountingFileSystem.RANGE_READS.get();
      long bytes = CountingFileSystem.BYTES_READ.get();
      assertThat(found).containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
      long[] admitted = pagesAdmitting(file, "trace_id", wanted, from, to);
      assertThat(admitted[0]).as("runs of pages").isGreaterThanOrEqualTo(1);
      assertThat(reads).as("range reads").isEqualTo(admitted[0]);
      assertThat(bytes).as("bytes read").isEqualTo(admitted[1]);
    }
  }

  /**
   * A dictionary cached when a lookup was planned (so not fetched with its pages) and evicted
   * before its column was decoded, by the dictionaries the same lookup decoded first: read again
   * from the file after the planned reads, and the rows the same as the record assembly's. Six text
   * columns whose dictionaries (about 12.6 MB each as cached) do not fit the cache (64 MB)
   * together: the first lookup leaves the last ones cached; the second fetches the others' with the
   * pages, and decoding those evicts the next column's, whose decoding (its dictionary read again)
   * evicts the one after, and so on.
   */
  @Test
  void aDictionaryEvictedBetweenPlanningAndDecodingIsReadAgain() throws IOException {
    List<ColumnSpec> specs = new ArrayList<>();
    specs.add(new ColumnSpec("id", "bigint", false, null));
    int textColumns = 6;
    for (int c = 0; c < textColumns; c++) {
      specs.add(new ColumnSpec("s" + c, "string", false, null));
    }
    TableDefinition table =
        TableDefinition.validate(
            "test",
            "large_dictionaries",
            "text columns of many values",
            specs,
            "id",
            List.of(),
            List.of());
    int rows = 150_000;
    org.apache.hadoop.fs.Path file = largeDictionaries(table, rows, textColumns);
    Configuration conf = countingConf(false);
    String location = CountingFileSystem.SCHEME + "://" + file.toUri().getPath();
    long size = file.getFileSystem(new Configuration()).getFileStatus(file).getLen();
    List<String> columns = table.columnNames();
    int[] first = {1_000};
    int[] second = {120_050, 120_051}; // in one page of each column, not its first
    List<Object[]> expected =
        ColumnDecoderTest.recordAssembly(file, table, columns, 120_050, 120_052);
    Map<String, Long> chunkStarts = chunkStarts(file);
    try (ParquetFiles files = new ParquetFiles(conf, 4);
        ParquetFiles.FileReader reader = files.open(location, size, table, columns)) {
      reader.readSelected(0, first, first.length);
      CountingFileSystem.reset();
      ColumnBatch batch = reader.readSelected(0, second, second.length);
      List<Long> starts = List.copyOf(CountingFileSystem.RANGE_STARTS);
      for (int row : second) {
        assertThat(ColumnDecoderTest.describe(List.<Object[]>of(batch.row(row - second[0]))))
            .as("row %d", row)
            .isEqualTo(
                ColumnDecoderTest.describe(List.<Object[]>of(expected.get(row - second[0]))));
      }
      // the planned reads come in file order; the reads of evicted dictionaries after them
      int planned = 1;
      while (planned < starts.size() && starts.get(planned) > starts.get(planned - 1)) {
        planned++;
      }
      List<Long> readAgain = starts.subList(planned, starts.size());
      assertThat(readAgain)
          .as("dictionaries read after the planned reads %s", starts.subList(0, planned))
          .isSubsetOf(chunkStarts.values())
          .contains(chunkStarts.get("s" + (textColumns - 1)));
      assertThat(starts.subList(0, planned)).doesNotContainAnyElementsOf(readAgain);
    }
  }

  /**
   * {@code rows} rows of {@code table} (a key, then {@code textColumns} text columns, each value
   * twice, 24 characters), one row group, pages of 100 rows, dictionaries up to 8 MB.
   */
  private org.apache.hadoop.fs.Path largeDictionaries(
      TableDefinition table, int rows, int textColumns) throws IOException {
    org.apache.hadoop.fs.Path file =
        new org.apache.hadoop.fs.Path(dir.resolve("large-dictionaries.parquet").toUri());
    Configuration conf = new Configuration();
    Schema schema = AvroSchemas.rowSchema(table);
    try (ParquetWriter<GenericRecord> writer =
        AvroParquetWriter.<GenericRecord>builder(HadoopOutputFile.fromPath(file, conf))
            .withSchema(schema)
            .withDataModel(GenericData.get())
            .withConf(conf)
            .withCompressionCodec(CompressionCodecName.ZSTD)
            .withRowGroupSize(1L << 30)
            .withPageRowCountLimit(100)
            .withDictionaryEncoding(true)
            .withDictionaryPageSize(8 << 20)
            .build()) {
      for (int row = 0; row < rows; row++) {
        GenericRecord record = new GenericData.Record(schema);
        record.put(TableDefinition.PROJECT_COLUMN, "p");
        record.put("id", (long) row);
        for (int c = 0; c < textColumns; c++) {
          record.put("s" + c, String.format("column %d value %012d", c, row / 2));
        }
        writer.write(record);
      }
    }
    return file;
  }

  /**
   * Of the file's only row group, where each column chunk starts (its dictionary page, if any), by
   * column.
   */
  private static Map<String, Long> chunkStarts(org.apache.hadoop.fs.Path file) throws IOException {
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromPath(file, new Configuration()))) {
      assertThat(reader.getRowGroups()).hasSize(1);
      Map<String, Long> starts = new java.util.HashMap<>();
      for (ColumnChunkMetaData chunk : reader.getRowGroups().get(0).getColumns()) {
        starts.put(chunk.getPath().toDotString(), chunk.getStartingPos());
      }
      return starts;
    }
  }

  @Test
  void aFileWithoutOffsetIndexesIsReadByParquetMrWithTheSameRows() throws IOException {
    TableDefinition logs = TableDefinitions.builtIn("otel_logs_and_spans");
    int rows = 1_000;
    Layout layout =
        new Layout("30-row pages", 30, 64 << 10, true, 512, WriterVersion.PARQUET_1_0, false);
    org.apache.hadoop.fs.Path file = ColumnDecoderTest.write(dir, logs, layout, rows, 5);
    org.apache.hadoop.fs.Path copy =
        new org.apache.hadoop.fs.Path(dir.resolve("copy.parquet").toUri());
    Configuration conf = new Configuration();
    try (ParquetFileReader original =
        ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
      ParquetFileWriter writer =
          new ParquetFileWriter(
              HadoopOutputFile.fromPath(copy, conf),
              original.getFooter().getFileMetaData().getSchema(),
              ParquetFileWriter.Mode.CREATE,
              64 << 10,
              0);
      writer.start();
      writer.appendFile(HadoopInputFile.fromPath(file, conf)); // copies no page index
      writer.end(Map.of());
    }
    try (ParquetFileReader copied = ParquetFileReader.open(HadoopInputFile.fromPath(copy, conf))) {
      assertThat(copied.getRowGroups()).hasSizeGreaterThan(1);
      for (BlockMetaData block : copied.getRowGroups()) {
        for (ColumnChunkMetaData chunk : block.getColumns()) {
          assertThat(chunk.getOffsetIndexReference()).as("%s", chunk.getPath()).isNull();
        }
      }
    }
    assertSelectedRowsAsRecordAssembly(copy, file, logs, rows, layout.pageRows());
  }

  /**
   * Sets of rows of {@code read} (first and last rows, rows either side of page edges, runs, rows
   * spread over many pages, random few) read by {@code readSelected}, each row equal to the same
   * row of {@code expected} read by the record assembly.
   */
  private static void assertSelectedRowsAsRecordAssembly(
      org.apache.hadoop.fs.Path read,
      org.apache.hadoop.fs.Path expected,
      TableDefinition table,
      int rows,
      int pageRows)
      throws IOException {
    List<String> columns = table.columnNames();
    List<String> all =
        ColumnDecoderTest.describe(
            ColumnDecoderTest.recordAssembly(expected, table, columns, 0, rows));
    List<int[]> sets = new ArrayList<>();
    sets.add(new int[] {0});
    sets.add(new int[] {rows - 1});
    sets.add(new int[] {0, rows - 1});
    sets.add(new int[] {pageRows - 1, pageRows, 3 * pageRows - 1});
    sets.add(new int[] {rows - pageRows - 1, rows - pageRows, rows - 2});
    sets.add(range(30, 61, 1));
    sets.add(range(5, rows, 37));
    Random random = new Random(13);
    for (int i = 0; i < 8; i++) {
      TreeSet<Integer> set = new TreeSet<>();
      for (int n = 1 + random.nextInt(6); set.size() < n; ) {
        set.add(random.nextInt(rows));
      }
      sets.add(set.stream().mapToInt(Integer::intValue).toArray());
    }
    try (ParquetFiles files = new ParquetFiles(new Configuration(), 4)) {
      for (int[] edges : sets) {
        int[] set = java.util.Arrays.stream(edges).filter(row -> row >= 0 && row < rows).toArray();
        if (set.length == 0) {
          continue; // page edges past the file's rows
        }
        ColumnBatch batch;
        try (ParquetFiles.FileReader reader = ColumnDecoderTest.open(files, read, table, columns)) {
          batch = reader.readSelected(0, set, set.length);
        }
        for (int row : set) {
          assertThat(ColumnDecoderTest.describe(List.<Object[]>of(batch.row(row - set[0]))))
              .as("row %d of %s", row, java.util.Arrays.toString(set))
              .containsExactly(all.get(row));
        }
      }
    }
  }

  private static int[] range(int from, int to, int step) {
    List<Integer> rows = new ArrayList<>();
    for (int row = from; row < to; row += step) {
      rows.add(row);
    }
    return rows.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Of the file's only row group, the runs of consecutive pages holding the rows, over all columns,
   * and the bytes of those pages, from the offset indexes.
   */
  private static long[] pagesHolding(org.apache.hadoop.fs.Path file, int[] rows)
      throws IOException {
    long runs = 0;
    long bytes = 0;
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromPath(file, new Configuration()))) {
      assertThat(reader.getRowGroups()).hasSize(1);
      for (ColumnChunkMetaData chunk : reader.getRowGroups().get(0).getColumns()) {
        OffsetIndex index = reader.readOffsetIndex(chunk);
        int previous = -2;
        for (int page = 0; page < index.getPageCount(); page++) {
          long first = index.getFirstRowIndex(page);
          long end =
              page + 1 < index.getPageCount() ? index.getFirstRowIndex(page + 1) : Long.MAX_VALUE;
          boolean holds = false;
          for (int row : rows) {
            holds |= row >= first && row < end;
          }
          if (holds) {
            runs += page == previous + 1 ? 0 : 1;
            bytes += index.getCompressedPageSize(page);
            previous = page;
          }
        }
      }
    }
    return new long[] {runs, bytes};
  }

  /** 20,000 rows of {@code table} in pages of 100 rows, one row group, dictionaries on. */
  private org.apache.hadoop.fs.Path hundredRowPages(TableDefinition table) throws IOException {
    return ColumnDecoderTest.write(
        dir,
        table,
        new Layout(
            "100-row pages", 100, 256 << 20, true, 1 << 20, WriterVersion.PARQUET_1_0, false),
        20_000,
        3);
  }

  /** A configuration reading files of {@link CountingFileSystem}, by vectored reads or not. */
  private static Configuration countingConf(boolean vectored) {
    Configuration conf = new Configuration();
    conf.setClass(
        "fs." + CountingFileSystem.SCHEME + ".impl", CountingFileSystem.class, FileSystem.class);
    conf.setBoolean("fs." + CountingFileSystem.SCHEME + ".impl.disable.cache", true);
    conf.setBoolean("parquet.hadoop.vectored.io.enabled", vectored); // as on S3, or not
    return conf;
  }

  /**
   * Of the file's only row group, the runs of consecutive pages of column {@code column} holding
   * rows of {@code [from, to)} whose bounds in the column index admit {@code value}, and the bytes
   * of those pages.
   */
  private static long[] pagesAdmitting(
      org.apache.hadoop.fs.Path file, String column, String value, long from, long to)
      throws IOException {
    long runs = 0;
    long bytes = 0;
    Binary wanted = Binary.fromString(value);
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromPath(file, new Configuration()))) {
      assertThat(reader.getRowGroups()).hasSize(1);
      ColumnChunkMetaData chunk =
          reader.getRowGroups().get(0).getColumns().stream()
              .filter(c -> c.getPath().toDotString().equals(column))
              .findFirst()
              .orElseThrow();
      OffsetIndex pages = reader.readOffsetIndex(chunk);
      ColumnIndex bounds = reader.readColumnIndex(chunk);
      PrimitiveComparator<Binary> order = chunk.getPrimitiveType().comparator();
      int previous = -2;
      for (int page = 0; page < pages.getPageCount(); page++) {
        long first = pages.getFirstRowIndex(page);
        long end =
            page + 1 < pages.getPageCount() ? pages.getFirstRowIndex(page + 1) : Long.MAX_VALUE;
        boolean admits =
            !bounds.getNullPages().get(page)
                && order.compare(
                        Binary.fromConstantByteBuffer(bounds.getMinValues().get(page)), wanted)
                    <= 0
                && order.compare(
                        Binary.fromConstantByteBuffer(bounds.getMaxValues().get(page)), wanted)
                    >= 0;
        if (first < to && end > from && admits) {
          runs += page == previous + 1 ? 0 : 1;
          bytes += pages.getCompressedPageSize(page);
          previous = page;
        }
      }
    }
    return new long[] {runs, bytes};
  }
}

package io.lakestream.reader.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import io.lakestream.reader.ByteSlice;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinition.ColumnSpec;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.convert.AvroSchemas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.filter2.columnindex.RowRanges;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The column-at-a-time decoder against the record-assembly path it replaced ({@link
 * RowMaterializer} over parquet-mr's {@link RecordReader}): every table type and a user table of
 * every column type, nullable, written with dictionaries and plain pages, dictionaries that fall
 * back to plain mid-chunk, v1 and v2 pages, three- and two-level lists, many small pages and row
 * groups; read over random ranges (partial pages, across pages and row groups), with projections,
 * through filtered (offset index) and whole row group reads. Rows must be equal value for value,
 * type for type; JSON written from the column vectors, or from the rows, must equal what Jackson's
 * generator wrote from the old rows.
 */
class ColumnDecoderTest {
  private static final TableDefinition ALL_TYPES =
      TableDefinition.validate(
          "test",
          "all_types",
          "every column type",
          List.of(
              new ColumnSpec("id", "bigint", false, null),
              new ColumnSpec("i", "int", true, null),
              new ColumnSpec("l", "bigint", true, null),
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
              new ColumnSpec("as", "array<string>", true, null),
              new ColumnSpec("required_s", "string", false, null),
              new ColumnSpec("required_i", "int", false, null)),
          "id",
          List.of(),
          List.of());

  @TempDir Path dir;

  /** How a test file is written. */
  record Layout(
      String name,
      int pageRows,
      long rowGroupBytes,
      boolean dictionary,
      int dictionaryPageBytes,
      WriterVersion version,
      boolean twoLevelLists) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> tablesAndLayouts() {
    List<Layout> layouts =
        List.of(
            new Layout(
                "dictionary, 7-row pages",
                7,
                8 << 20,
                true,
                1 << 20,
                WriterVersion.PARQUET_1_0,
                false),
            new Layout(
                "plain, 50-row pages",
                50,
                8 << 20,
                false,
                1 << 20,
                WriterVersion.PARQUET_1_0,
                false),
            new Layout(
                "small row groups", 100, 8 << 10, true, 1 << 20, WriterVersion.PARQUET_1_0, false),
            new Layout(
                "dictionary falls back to plain",
                30,
                8 << 20,
                true,
                512,
                WriterVersion.PARQUET_1_0,
                false),
            new Layout("v2 pages", 40, 128 << 10, true, 2048, WriterVersion.PARQUET_2_0, false),
            new Layout(
                "two-level lists", 60, 8 << 20, true, 1 << 20, WriterVersion.PARQUET_1_0, true),
            new Layout(
                "writer's layout",
                1000,
                32 << 20,
                true,
                1 << 20,
                WriterVersion.PARQUET_1_0,
                false));
    List<TableDefinition> tables =
        List.of(
            ALL_TYPES,
            TableDefinitions.builtIn("events"),
            TableDefinitions.builtIn("metrics"),
            TableDefinitions.builtIn("otel_logs_and_spans"));
    List<Arguments> arguments = new ArrayList<>();
    for (TableDefinition table : tables) {
      for (Layout layout : layouts) {
        arguments.add(Arguments.of(table.name(), table, layout));
      }
    }
    return arguments.stream();
  }

  @ParameterizedTest(name = "{0}, {2}")
  @MethodSource("tablesAndLayouts")
  void decodesEveryRangeAsTheRecordAssemblyDid(String name, TableDefinition table, Layout layout)
      throws IOException {
    int rows = 1_000;
    org.apache.hadoop.fs.Path file = write(table, layout, rows, 7);
    Random random = new Random(11);
    List<List<String>> projections =
        List.of(
            table.columnNames(),
            reversedHalf(table),
            List.of(table.primaryKey()),
            List.of(TableDefinition.PROJECT_COLUMN, table.primaryKey()));
    try (ParquetFiles files = new ParquetFiles(new Configuration(), 4)) {
      for (List<String> columns : projections) {
        List<long[]> ranges = new ArrayList<>();
        ranges.add(new long[] {0, rows});
        ranges.add(new long[] {0, 1});
        ranges.add(new long[] {rows - 1, rows});
        ranges.add(new long[] {rows - 3, rows + 50}); // past the end: cut at the row count
        for (int i = 0; i < 12; i++) {
          long from = random.nextInt(rows);
          long to = Math.min(rows, from + 1 + random.nextInt(random.nextBoolean() ? 40 : 400));
          ranges.add(new long[] {from, to});
        }
        for (long[] range : ranges) {
          List<Object[]> expected = recordAssembly(file, table, columns, range[0], range[1]);
          ColumnBatch batch;
          try (ParquetFiles.FileReader reader = open(files, file, table, columns)) {
            batch = reader.read(range[0], range[1]);
          }
          assertThat(describe(rowsOf(batch)))
              .as("rows [%d, %d) of %s", range[0], range[1], columns)
              .containsExactlyElementsOf(describe(expected));
          for (boolean lines : new boolean[] {false, true}) {
            String jackson = JacksonRows.json(table, columns, expected, lines);
            assertThat(json(table, columns, batch, lines, true)).isEqualTo(jackson);
            assertThat(json(table, columns, batch, lines, false)).isEqualTo(jackson);
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}, {2}")
  @MethodSource("tablesAndLayouts")
  void decodesWholeRowGroupReadsAsFilteredOnes(String name, TableDefinition table, Layout layout)
      throws IOException {
    int rows = 500;
    org.apache.hadoop.fs.Path file = write(table, layout, rows, 3);
    Random random = new Random(5);
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromPath(file, new Configuration()))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      String createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
      List<BlockMetaData> blocks = reader.getRowGroups();
      if (layout.rowGroupBytes() < 64 << 10) {
        assertThat(blocks).as("row groups").hasSizeGreaterThan(1);
      }
      long start = 0;
      for (int block = 0; block < blocks.size(); block++) {
        long groupRows = blocks.get(block).getRowCount();
        for (int attempt = 0; attempt < 4; attempt++) {
          long first = random.nextInt((int) groupRows);
          long last = first + 1 + random.nextInt((int) (groupRows - first));
          List<Object[]> expected =
              recordAssembly(file, table, table.columnNames(), start + first, start + last);
          ColumnVector[] vectors = new ColumnVector[schema.getFieldCount()];
          DictionaryCache dictionaries = new DictionaryCache(1 << 20);
          try (PageReadStore pages = reader.readRowGroup(block)) {
            for (int c = 0; c < vectors.length; c++) {
              Type field = schema.getType(c);
              ColumnType type = table.column(field.getName()).orElseThrow().type();
              ColumnDecoder decoder = new ColumnDecoder(schema, field, type, createdBy);
              vectors[c] = decoder.newVector((int) (last - first));
              var columnPages = pages.getPageReader(decoder.descriptor());
              decoder.decode(
                  columnPages,
                  dictionaries.dictionary("f", block, decoder.descriptor(), columnPages),
                  first,
                  last,
                  vectors[c],
                  0);
            }
          }
          // The file's columns are in the table's order.
          assertThat(describe(rowsOf(new ColumnBatch(vectors, (int) (last - first)))))
              .as("row group %d, rows [%d, %d)", block, first, last)
              .containsExactlyElementsOf(describe(expected));
        }
        start += groupRows;
      }
    }
  }

  @Test
  void columnsTheFileLacksAreNull() throws IOException {
    org.apache.hadoop.fs.Path file = write(ALL_TYPES, tablesAndLayoutsFirst(), 100, 1);
    List<ColumnSpec> specs = new ArrayList<>();
    for (Column column : ALL_TYPES.columns()) {
      specs.add(new ColumnSpec(column.name(), column.type().typeName(), column.nullable(), null));
    }
    specs.add(new ColumnSpec("added_later", "string", true, null));
    TableDefinition wider =
        TableDefinition.validate("test", "all_types", "", specs, "id", List.of(), List.of());
    List<String> columns = List.of("added_later", "s", "id");
    try (ParquetFiles files = new ParquetFiles(new Configuration(), 0);
        ParquetFiles.FileReader reader = open(files, file, wider, columns)) {
      ColumnBatch batch = reader.read(10, 20);
      List<Object[]> expected = recordAssembly(file, wider, columns, 10, 20);
      assertThat(describe(rowsOf(batch))).containsExactlyElementsOf(describe(expected));
      assertThat(batch.column(0)).isNull();
      assertThat(batch.row(0)[0]).isNull();
    }
  }

  @Test
  void dictionaryValuesAreDecodedOncePerColumnChunk() throws IOException {
    TableDefinition events = TableDefinitions.builtIn("events");
    org.apache.hadoop.fs.Path file = write(events, tablesAndLayoutsFirst(), 300, 4);
    List<String> columns = List.of("event_type", "attributes");
    try (ParquetFiles files = new ParquetFiles(new Configuration(), 0)) {
      ColumnBatch first;
      try (ParquetFiles.FileReader reader = open(files, file, events, columns)) {
        first = reader.read(100, 200);
      }
      ColumnBatch second;
      try (ParquetFiles.FileReader reader = open(files, file, events, columns)) {
        second = reader.read(150, 250);
      }
      for (int slot = 0; slot < columns.size(); slot++) {
        for (int row = 50; row < 100; row++) {
          if (!first.isNull(slot, row)) {
            assertThat(second.value(slot, row - 50)).isSameAs(first.value(slot, row));
          }
        }
      }
    }
  }

  @Test
  void readsAllKeysAsTheRecordAssemblyDid() throws IOException {
    TableDefinition logs = TableDefinitions.builtIn("otel_logs_and_spans");
    org.apache.hadoop.fs.Path file =
        write(
            logs,
            new Layout("", 33, 128 << 10, true, 1 << 20, WriterVersion.PARQUET_1_0, false),
            900,
            2);
    List<Object[]> expected = recordAssembly(file, logs, List.of(logs.primaryKey()), 0, 900);
    try (ParquetFiles files = new ParquetFiles(new Configuration(), 0)) {
      long[] keys =
          files.readAllKeys(
              file.toString(),
              file.getFileSystem(new Configuration()).getFileStatus(file).getLen(),
              logs);
      assertThat(keys).hasSize(900);
      for (int i = 0; i < keys.length; i++) {
        assertThat(keys[i]).isEqualTo((Long) expected.get(i)[0]);
      }
    }
  }

  @Test
  void escapesStringsAsJacksonDoes() throws IOException {
    List<byte[]> values = new ArrayList<>();
    for (int b = 0; b < 256; b++) {
      values.add(new byte[] {'a', (byte) b, 'z'});
    }
    values.add("ünïcødé \"q\" \\ / \n\r\t\b\f \u2028 😀".getBytes(StandardCharsets.UTF_8));
    values.add(new byte[0]);
    for (byte[] value : values) {
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      try (JsonGenerator json = JsonValues.FACTORY.createGenerator(expected)) {
        json.writeUTF8String(value, 0, value.length);
      }
      byte[] padded = new byte[value.length + 4];
      System.arraycopy(value, 0, padded, 2, value.length);
      assertThat(JsonValues.quoted(new ByteSlice(padded, 2, value.length)))
          .as(HexFormat.of().formatHex(value))
          .isEqualTo(expected.toByteArray());
    }
  }

  private static Layout tablesAndLayoutsFirst() {
    return new Layout("", 7, 8 << 20, true, 1 << 20, WriterVersion.PARQUET_1_0, false);
  }

  private static List<String> reversedHalf(TableDefinition table) {
    List<String> columns = new ArrayList<>();
    List<String> all = table.columnNames();
    for (int i = all.size() - 1; i >= 0; i -= 2) {
      columns.add(all.get(i));
    }
    return columns;
  }

  private org.apache.hadoop.fs.Path write(TableDefinition table, Layout layout, int rows, long seed)
      throws IOException {
    return write(dir, table, layout, rows, seed);
  }

  /**
   * {@code rows} random rows of {@code table} in key order (keys repeat) in a file of {@code dir}.
   */
  static org.apache.hadoop.fs.Path write(
      Path dir, TableDefinition table, Layout layout, int rows, long seed) throws IOException {
    TestRows generator = new TestRows(table, seed);
    long[] keys = new long[rows];
    for (int i = 0; i < rows; i++) {
      keys[i] = 1_000_000L + i - i % 4; // duplicates
    }
    List<GenericRecord> sorted = generator.rows("p", keys);
    Configuration conf = new Configuration();
    conf.setBoolean(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, layout.twoLevelLists());
    org.apache.hadoop.fs.Path file =
        new org.apache.hadoop.fs.Path(
            dir.resolve(table.name() + "-" + layout.hashCode() + "-" + seed + ".parquet").toUri());
    try (ParquetWriter<GenericRecord> writer =
        AvroParquetWriter.<GenericRecord>builder(HadoopOutputFile.fromPath(file, conf))
            .withSchema(AvroSchemas.rowSchema(table))
            .withDataModel(GenericData.get())
            .withConf(conf)
            .withCompressionCodec(CompressionCodecName.ZSTD)
            .withRowGroupSize(layout.rowGroupBytes())
            .withPageSize(64 * 1024)
            .withPageRowCountLimit(layout.pageRows())
            .withDictionaryEncoding(layout.dictionary())
            .withDictionaryPageSize(layout.dictionaryPageBytes())
            .withWriterVersion(layout.version())
            .build()) {
      for (GenericRecord row : sorted) {
        writer.write(row);
      }
    }
    return file;
  }

  static ParquetFiles.FileReader open(
      ParquetFiles files,
      org.apache.hadoop.fs.Path file,
      TableDefinition table,
      List<String> columns)
      throws IOException {
    long size = file.getFileSystem(new Configuration()).getFileStatus(file).getLen();
    return files.open(file.toString(), size, table, columns);
  }

  /** Rows {@code [from, to)} read as the query sidecar read them before: record assembly. */
  static List<Object[]> recordAssembly(
      org.apache.hadoop.fs.Path file,
      TableDefinition table,
      List<String> columns,
      long from,
      long to)
      throws IOException {
    List<Object[]> rows = new ArrayList<>();
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromPath(file, new Configuration()))) {
      MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
      List<Type> fields = new ArrayList<>();
      List<Integer> slots = new ArrayList<>();
      List<ColumnType> types = new ArrayList<>();
      for (Type field : fileSchema.getFields()) {
        int slot = columns.indexOf(field.getName());
        if (slot >= 0) {
          fields.add(field);
          slots.add(slot);
          types.add(table.column(field.getName()).orElseThrow().type());
        }
      }
      MessageType requested = new MessageType(fileSchema.getName(), fields);
      reader.setRequestedSchema(requested);
      MessageColumnIO columnIO = new ColumnIOFactory().getColumnIO(requested, fileSchema);
      RowMaterializer materializer =
          new RowMaterializer(
              requested,
              slots.stream().mapToInt(Integer::intValue).toArray(),
              types.toArray(new ColumnType[0]),
              columns.size());
      long blockStart = 0;
      long end = Math.min(to, reader.getRecordCount());
      for (int i = 0; i < reader.getRowGroups().size(); i++) {
        long blockEnd = blockStart + reader.getRowGroups().get(i).getRowCount();
        if (blockEnd > from && blockStart < end) {
          long first = Math.max(from, blockStart) - blockStart;
          long last = Math.min(end, blockEnd) - blockStart;
          try (PageReadStore pages =
              reader.readFilteredRowGroup(
                  i, RowRanges.builder().addSelectedRange(first, last - 1).build())) {
            RecordReader<Object[]> records =
                columnIO.getRecordReader(pages, materializer, FilterCompat.NOOP);
            for (long n = pages.getRowCount(); n > 0; n--) {
              rows.add(records.read());
            }
          }
        }
        blockStart = blockEnd;
      }
    }
    return rows;
  }

  static List<Object[]> rowsOf(ColumnBatch batch) {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < batch.rowCount(); i++) {
      rows.add(batch.row(i));
    }
    return rows;
  }

  /** Rows as text that shows every value with its Java type, bytes in hex. */
  static List<String> describe(List<Object[]> rows) {
    List<String> texts = new ArrayList<>();
    for (Object[] row : rows) {
      StringBuilder text = new StringBuilder();
      for (Object value : row) {
        text.append(describe(value)).append(" | ");
      }
      texts.add(text.toString());
    }
    return texts;
  }

  private static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof ByteSlice slice) {
      return "bytes:" + HexFormat.of().formatHex(slice.toByteArray());
    }
    if (value instanceof List<?> list) {
      List<String> items = new ArrayList<>();
      list.forEach(item -> items.add(describe(item)));
      return "list:" + items;
    }
    return value.getClass().getSimpleName() + ":" + value;
  }

  /** The batch written as JSON (or NDJSON), from its column vectors or from boxed rows. */
  private static String json(
      TableDefinition table,
      List<String> columns,
      ColumnBatch batch,
      boolean lines,
      boolean columnar) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonRowWriter writer = new JsonRowWriter(table, columns, out, lines);
    try {
      writer.begin();
      for (int i = 0; i < batch.rowCount(); i++) {
        if (columnar) {
          writer.accept(batch, i);
        } else {
          writer.accept(batch.row(i));
        }
      }
      writer.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}

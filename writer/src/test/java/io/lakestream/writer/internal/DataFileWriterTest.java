package io.lakestream.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.index.KeyModel;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.convert.ParquetSchemas;
import io.lakestream.schema.parquet.ZstdContexts;
import io.lakestream.storage.S3Settings;
import io.lakestream.writer.KeyModelEncoder;
import io.lakestream.writer.TestRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFileWriterTest {
  private static final TableDefinition METRICS = TableDefinitions.builtIn("metrics");

  @TempDir Path dir;

  @Test
  void writesAFileLaidOutForRangeReadsWithItsModelTags() throws Exception {
    Warehouse warehouse = Warehouse.of(dir.toUri(), S3Settings.aws());
    DataFileWriter writer =
        new DataFileWriter(METRICS, warehouse.hadoopConf(), "zstd", KeyModelEncoder.learned());
    int count = 5_000;
    List<GenericRecord> rows = new ArrayList<>();
    long[] keys = new long[count];
    for (int i = 0; i < count; i++) {
      keys[i] = 1_000L * i;
      rows.add(TestRows.row(METRICS, "acme", keys[i], "m" + i));
    }
    String name = writer.newFileName();

    DataFile file =
        writer.write(new org.apache.hadoop.fs.Path(dir.toUri()), name, rows.iterator(), keys);

    assertThat(file.numRecords()).isEqualTo(count);
    assertThat(file.sizeBytes()).isEqualTo(Files.size(dir.resolve(name)));
    assertThat(name).endsWith(".zstd.parquet");
    KeyModel model = KeyModel.fromTag(file.tags().get(KeyModelEncoder.MODEL_TAG));
    assertThat(model.size()).isEqualTo(count);
    assertThat(file.tags())
        .containsEntry(DataFileWriter.MIN_KEY_TAG, "0")
        .containsEntry(DataFileWriter.MAX_KEY_TAG, Long.toString(1_000L * (count - 1)));
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(dir.resolve(name).toUri()),
                warehouse.hadoopConf()))) {
      assertThat(reader.getFooter().getFileMetaData().getSchema())
          .isEqualTo(ParquetSchemas.messageType(METRICS));
      BlockMetaData rowGroup = reader.getRowGroups().get(0);
      ColumnChunkMetaData timestamps = rowGroup.getColumns().get(0);
      assertThat(timestamps.getCodec()).isEqualTo(CompressionCodecName.ZSTD);
      assertThat(timestamps.getColumnIndexReference()).isNotNull();
      assertThat(timestamps.getOffsetIndexReference()).isNotNull();
      var offsetIndex = reader.readOffsetIndex(timestamps);
      assertThat(offsetIndex.getPageCount())
          .isGreaterThanOrEqualTo(count / DataFileWriter.PAGE_ROW_LIMIT);
    }
  }

  /**
   * Each row group keeps a Bloom filter of each of the table's bloom_filter_columns (events:
   * event_id) sized to its distinct values: every written id is admitted, nearly every other value
   * refused, and a file of a few thousand ids holds a filter of a few kilobytes, not the megabyte a
   * row group of a million ids needs.
   */
  @Test
  void eachRowGroupKeepsABloomFilterOfTheTablesBloomFilterColumnsSizedToItsValues()
      throws Exception {
    TableDefinition events = TableDefinitions.builtIn("events");
    assertThat(events.bloomFilterColumns()).containsExactly("event_id");
    Warehouse warehouse = Warehouse.of(dir.toUri(), S3Settings.aws());
    DataFileWriter writer =
        new DataFileWriter(events, warehouse.hadoopConf(), "zstd", KeyModelEncoder.none());
    long small = bloomFilterBytes(writer, warehouse, events, 4_000);
    long large = bloomFilterBytes(writer, warehouse, events, 400_000);
    assertThat(small).isLessThanOrEqualTo(8 << 10);
    assertThat(large).isGreaterThan(8 * small).isLessThanOrEqualTo(1 << 20);
  }

  /** Writes {@code count} events with ids e0…, checks their filters; the filters' total bytes. */
  private long bloomFilterBytes(
      DataFileWriter writer, Warehouse warehouse, TableDefinition events, int count)
      throws Exception {
    List<GenericRecord> rows = new ArrayList<>();
    long[] keys = new long[count];
    for (int i = 0; i < count; i++) {
      keys[i] = i;
      rows.add(TestRows.row(events, "acme", i, "e" + i));
    }
    String name = writer.newFileName();
    writer.write(new org.apache.hadoop.fs.Path(dir.toUri()), name, rows.iterator(), keys);
    long bytes = 0;
    int admittedOthers = 0;
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(dir.resolve(name).toUri()),
                warehouse.hadoopConf()))) {
      for (BlockMetaData rowGroup : reader.getRowGroups()) {
        ColumnChunkMetaData ids =
            rowGroup.getColumns().stream()
                .filter(c -> c.getPath().toDotString().equals("event_id"))
                .findFirst()
                .orElseThrow();
        var filter = reader.getBloomFilterDataReader(rowGroup).readBloomFilter(ids);
        assertThat(filter).as("the event_id Bloom filter of a row group").isNotNull();
        bytes += filter.getBitsetSize();
        for (int i = 0; i < count; i += 7) {
          var id = org.apache.parquet.io.api.Binary.fromString("e" + i);
          long first = rowGroup.getRowIndexOffset();
          if (i >= first && i < first + rowGroup.getRowCount()) {
            assertThat(filter.findHash(filter.hash(id))).as("e%d is admitted", i).isTrue();
          }
        }
        for (int i = 0; i < 1_000; i++) {
          var other = org.apache.parquet.io.api.Binary.fromString("other" + i);
          admittedOthers += filter.findHash(filter.hash(other)) ? 1 : 0;
        }
      }
    }
    assertThat(admittedOthers).as("absent ids admitted, per 1,000").isLessThan(30);
    return bytes;
  }

  /**
   * The pages of every file are compressed on contexts shared by the writer's threads ({@link
   * PageCompressors}): files written at once from several threads read back row for row through
   * parquet-mr's own ZSTD decompression.
   */
  @Test
  void filesWrittenAtOnceFromSeveralThreadsReadBackRowForRow() throws Exception {
    Warehouse warehouse = Warehouse.of(dir.toUri(), S3Settings.aws());
    DataFileWriter writer =
        new DataFileWriter(METRICS, warehouse.hadoopConf(), "zstd", KeyModelEncoder.none());
    int files = 8;
    java.util.Map<String, List<GenericRecord>> written =
        new java.util.concurrent.ConcurrentHashMap<>();
    onFourThreads(
        files,
        file -> {
          int count = 500 + 700 * file; // one page to several
          List<GenericRecord> rows = new ArrayList<>();
          long[] keys = new long[count];
          for (int i = 0; i < count; i++) {
            keys[i] = 1_000L * i + file;
            rows.add(TestRows.row(METRICS, "acme", keys[i], "m" + file + "-" + i));
          }
          String name = writer.newFileName();
          writer.write(new org.apache.hadoop.fs.Path(dir.toUri()), name, rows.iterator(), keys);
          written.put(name, rows);
        });

    assertThat(written).hasSize(files);
    for (var file : written.entrySet()) {
      List<GenericRecord> read = new ArrayList<>();
      try (org.apache.parquet.hadoop.ParquetReader<GenericRecord> reader =
          org.apache.parquet.avro.AvroParquetReader.<GenericRecord>builder(
                  HadoopInputFile.fromPath(
                      new org.apache.hadoop.fs.Path(dir.resolve(file.getKey()).toUri()),
                      warehouse.hadoopConf()))
              .withDataModel(org.apache.avro.generic.GenericData.get())
              .build()) {
        for (GenericRecord row = reader.read(); row != null; row = reader.read()) {
          read.add(row);
        }
      }
      assertThat(read).as(file.getKey()).hasSameSizeAs(file.getValue());
      for (int i = 0; i < read.size(); i++) {
        assertThat(read.get(i).toString())
            .as("row %s of %s", i, file.getKey())
            .isEqualTo(file.getValue().get(i).toString());
      }
    }
  }

  /**
   * Maintenance makes a writer per compaction: their ZSTD contexts (native memory the garbage
   * collector does not free) come from one pool of the process, which stays bounded.
   */
  @Test
  void writersMadeOneAfterAnotherShareABoundedPoolOfCompressionContexts() throws Exception {
    Warehouse warehouse = Warehouse.of(dir.toUri(), S3Settings.aws());
    onFourThreads(
        40,
        w -> {
          DataFileWriter writer =
              new DataFileWriter(METRICS, warehouse.hadoopConf(), "zstd", KeyModelEncoder.none());
          long[] keys = {w};
          writer.write(
              new org.apache.hadoop.fs.Path(dir.toUri()),
              writer.newFileName(),
              List.of(TestRows.row(METRICS, "acme", w, "m" + w)).iterator(),
              keys);
        });

    assertThat(ZstdContexts.idleCompressors())
        .isPositive()
        .isLessThanOrEqualTo(ZstdContexts.MAX_IDLE);
  }

  /** A task given its number. */
  interface Task {
    void run(int number) throws Exception;
  }

  /** Runs tasks 0 to {@code tasks - 1} on four threads and waits for all; rethrows a failure. */
  private static void onFourThreads(int tasks, Task task) throws Exception {
    java.util.concurrent.ExecutorService threads =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int t = 0; t < tasks; t++) {
        int number = t;
        done.add(
            threads.submit(
                () -> {
                  task.run(number);
                  return null;
                }));
      }
      for (java.util.concurrent.Future<?> future : done) {
        future.get();
      }
    } finally {
      threads.shutdownNow();
    }
  }
}

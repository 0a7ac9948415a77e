package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.reader.TestRows;
import io.lakestream.reader.internal.BytesEquality;
import io.lakestream.reader.internal.ColumnBatch;
import io.lakestream.reader.internal.ParquetFiles;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.convert.AvroSchemas;
import io.lakestream.storage.HadoopWarehouse;
import io.lakestream.storage.S3Settings;
import io.lakestream.testkit.EmbeddedS3Extension;
import io.lakestream.writer.internal.DataFileWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few selected rows of a file on S3 (served by S3Proxy, read through s3a), whose pages the reader
 * fetches itself by the offset index in one vectored read (parallel ranged GETs): the same rows as
 * the same file read locally, for rows in the first and last pages, in one page, and spread over
 * many; and the rows an equality selects on a text column's pages, fetched the same way, the same
 * as locally.
 */
class S3SelectedRowsIT {
  private static final Logger log = LoggerFactory.getLogger(S3SelectedRowsIT.class);

  @RegisterExtension static EmbeddedS3Extension s3 = new EmbeddedS3Extension();

  @TempDir java.nio.file.Path dir;

  @Test
  void readsTheSelectedRowsOfAFileOnS3AsLocally() throws IOException {
    TableDefinition logs = TableDefinitions.builtIn("otel_logs_and_spans");
    int rows = 5_000;
    Configuration conf = s3Conf();
    Copy copy = copied(logs, rows, "pages", conf);
    Path local = copy.local();
    Path remote = copy.remote();
    long size = copy.size();
    int[][] sets = {
      {0}, {rows - 1}, {0, rows - 1}, {1_234, 1_235, 1_299}, {7, 777, 1_777, 2_777, 3_777, 4_777}
    };
    List<String> columns = logs.columnNames();
    try (ParquetFiles onS3 = new ParquetFiles(conf, 4);
        ParquetFiles onDisk = new ParquetFiles(new Configuration(), 4)) {
      for (int[] set : sets) {
        assertThat(rowsOf(onS3, remote.toString(), size, logs, set))
            .as(Arrays.toString(set))
            .isEqualTo(rowsOf(onDisk, local.toString(), size, logs, set));
      }
    }
  }

  @Test
  void selectsTheRowsHoldingAValueOnS3AsLocally() throws IOException {
    TableDefinition logs = TableDefinitions.builtIn("otel_logs_and_spans");
    int rows = 5_000;
    Configuration conf = s3Conf();
    Copy copy = copied(logs, rows, "select", conf);
    Path local = copy.local();
    Path remote = copy.remote();
    long size = copy.size();
    List<String> columns = logs.columnNames();
    int slot = columns.indexOf("trace_id");
    try (ParquetFiles onS3 = new ParquetFiles(conf, 4);
        ParquetFiles onDisk = new ParquetFiles(new Configuration(), 4);
        ParquetFiles.FileReader remoteReader = onS3.open(remote.toString(), size, logs, columns);
        ParquetFiles.FileReader localReader = onDisk.open(local.toString(), size, logs, columns)) {
      for (int row : new int[] {0, 1_234, rows - 1}) {
        Object value = localReader.readSelected(0, new int[] {row}, 1).row(0)[slot];
        if (value == null) {
          continue;
        }
        BytesEquality equality =
            new BytesEquality(value.toString().getBytes(StandardCharsets.UTF_8));
        for (int[] range : new int[][] {{0, rows}, {Math.max(0, row - 150), row + 150}}) {
          int[] selected = remoteReader.select(range[0], range[1], slot, equality);
          assertThat(selected)
              .as("row %d in [%d, %d)", row, range[0], range[1])
              .contains(row - range[0])
              .isEqualTo(localReader.select(range[0], range[1], slot, equality));
        }
      }
    }
  }

  /**
   * What a lookup costs someone paying S3 per request, counted by the server (GET Object requests
   * and the bytes they return), for a warm reader (footer, offset and column indexes, dictionaries
   * read) of a 100,000-row file: a lookup of 4 rows in two contiguous pages of each of the file's
   * 27 columns takes at most one GET per column, and a tenth of the bytes of parquet-mr's filtered
   * read of the same rows (taken when page checksums are verified), which reads every column's
   * dictionary page again (s3a merging it with the pages less than 128 KB away: about as many GETs,
   * much larger); a select of one compared column's rows takes one or two GETs, where parquet-mr's
   * reads the pages of every column of the projection. Through s3a's classic input stream, which
   * asks for the ranges it is given; the analytics stream (Hadoop 3.5's default) prefetches and
   * caches blocks of its own choosing.
   */
  @Test
  void aLookupOfAFewRowsCostsFewGetRequestsOnS3() throws IOException {
    TableDefinition logs = TableDefinitions.builtIn("otel_logs_and_spans");
    int rows = 100_000;
    String bucket = "requests";
    Configuration direct = s3Conf();
    direct.set("fs.s3a.input.stream.type", "classic");
    Copy copy = copied(logs, rows, bucket, direct);
    Path local = copy.local();
    Path remote = copy.remote();
    Configuration parquetMr = new Configuration(direct);
    parquetMr.setBoolean("parquet.page.verify-checksum.enabled", true); // no direct page fetch
    long size = copy.size();
    List<String> columns = logs.columnNames();
    int slot = columns.indexOf("trace_id");
    Lookup lookup = new Lookup(new int[] {50_045, 50_046, 50_120, 50_170}, 50_050, 50_950);
    Costs viaDirect;
    Costs viaParquetMr;
    try (ParquetFiles onDisk = new ParquetFiles(new Configuration(), 4);
        ParquetFiles.FileReader localReader = onDisk.open(local.toString(), size, logs, columns);
        ParquetFiles onS3 = new ParquetFiles(direct, 4);
        ParquetFiles onS3ByParquetMr = new ParquetFiles(parquetMr, 4)) {
      Object value = localReader.readSelected(0, new int[] {50_400}, 1).row(0)[slot];
      assertThat(value).isNotNull();
      BytesEquality equality = new BytesEquality(value.toString().getBytes(StandardCharsets.UTF_8));
      ColumnBatch expected = localReader.readSelected(0, lookup.rows(), lookup.rows().length);
      int[] selected = localReader.select(lookup.from(), lookup.to(), slot, equality);
      assertThat(selected).contains(50_400 - lookup.from());
      viaDirect = costs(onS3, remote, size, logs, bucket, lookup, equality, expected, selected);
      viaParquetMr =
          costs(onS3ByParquetMr, remote, size, logs, bucket, lookup, equality, expected, selected);
    }
    String figures = "direct fetch " + viaDirect + ", parquet-mr " + viaParquetMr;
    log.info("S3 costs of a warm lookup and select: {}", figures);
    assertThat(viaDirect.lookupGets())
        .as("GETs of a lookup: %s", figures)
        .isBetween(1L, (long) columns.size());
    assertThat(viaDirect.lookupBytes())
        .as("bytes of a lookup: %s", figures)
        .isLessThan(viaParquetMr.lookupBytes() / 10);
    assertThat(viaDirect.selectGets()).as("GETs of a select: %s", figures).isBetween(1L, 2L);
    assertThat(viaParquetMr.selectGets())
        .as("GETs of parquet-mr's select: %s", figures)
        .isGreaterThanOrEqualTo(columns.size() / 2L);
    assertThat(viaDirect.selectBytes())
        .as("bytes of a select: %s", figures)
        .isLessThan(viaParquetMr.selectBytes() / 10);
  }

  /**
   * A lookup of a value no row has (inside the pages' bounds) in a file on S3 written as the writer
   * writes, whose row group keeps a Bloom filter of {@code trace_id} (its values outgrew the
   * dictionary): the first look reads the filter (one GET), the select then reads no page at all,
   * and from then on the file is known to lack the value without a request, so that a scan does not
   * even open it ({@code ParquetFiles.refusesEverywhere}); a value the file has is not refused.
   */
  @Test
  void aValueNoRowHasIsRefusedByTheBloomFilterThenWithoutARequest() throws IOException {
    TableDefinition logs = TableDefinitions.builtIn("otel_logs_and_spans");
    String bucket = "absent";
    Configuration conf = s3Conf();
    conf.set("fs.s3a.input.stream.type", "classic");
    Copy copy = copied(logs, 100_000, bucket, conf, true);
    String location = copy.remote().toString();
    List<String> columns = List.of("timestamp", "trace_id");
    try (ParquetFiles onS3 = new ParquetFiles(conf, 0)) {
      BytesEquality present;
      BytesEquality absent;
      try (ParquetFiles.FileReader reader = onS3.open(location, copy.size(), logs, columns)) {
        Object value = reader.readSelected(0, new int[] {50_400}, 1).row(0)[1];
        present = new BytesEquality(value.toString().getBytes(StandardCharsets.UTF_8));
        absent = new BytesEquality((value + "x").getBytes(StandardCharsets.UTF_8));
        assertThat(onS3.refusesEverywhere(location, "trace_id", absent.lookedUp()))
            .isFalse(); // not known
        long gets = s3.objectGets(bucket);
        assertThat(reader.rowsMayHold(0, reader.rowCount(), 1, absent.lookedUp()).isEmpty())
            .isTrue();
        assertThat(s3.objectGets(bucket) - gets).as("GETs of the first look").isEqualTo(1);
        assertThat(reader.rowsMayHold(0, reader.rowCount(), 1, present.lookedUp()).isEmpty())
            .isFalse();
        gets = s3.objectGets(bucket);
        assertThat(reader.select(0, reader.rowCount(), 1, absent)).isEmpty();
        assertThat(s3.objectGets(bucket) - gets).as("GETs of the select").isZero();
        assertThat(reader.select(0, reader.rowCount(), 1, present)).contains(50_400);
      }
      long gets = s3.objectGets(bucket);
      assertThat(onS3.refusesEverywhere(location, "trace_id", absent.lookedUp())).isTrue();
      assertThat(onS3.refusesEverywhere(location, "trace_id", present.lookedUp())).isFalse();
      assertThat(s3.objectGets(bucket) - gets).isZero();
    }
  }

  /** A lookup's rows, and the rows of a select. */
  private record Lookup(int[] rows, int from, int to) {}

  /** GET requests and bytes of a warm reader's lookup and select. */
  private record Costs(long lookupGets, long lookupBytes, long selectGets, long selectBytes) {}

  /**
   * The GETs and bytes the server serves for a lookup of {@code lookup}'s rows and a select of
   * {@code equality} in its range by a reader of {@code files}, warmed by a lookup and a select
   * elsewhere (footer, offset and column indexes, dictionaries read); the rows checked.
   */
  private static Costs costs(
      ParquetFiles files,
      Path remote,
      long size,
      TableDefinition table,
      String bucket,
      Lookup lookup,
      BytesEquality equality,
      ColumnBatch expected,
      int[] selected)
      throws IOException {
    List<String> columns = table.columnNames();
    int slot = columns.indexOf("trace_id");
    int[] rows = lookup.rows();
    try (ParquetFiles.FileReader reader = files.open(remote.toString(), size, table, columns)) {
      reader.readSelected(0, new int[] {1_000, 1_001}, 2);
      reader.select(0, 1_000, slot, equality);
      long gets = s3.objectGets(bucket);
      long bytes = s3.objectBytesServed(bucket);
      ColumnBatch batch = reader.readSelected(0, rows, rows.length);
      long lookupGets = s3.objectGets(bucket) - gets;
      long lookupBytes = s3.objectBytesServed(bucket) - bytes;
      gets = s3.objectGets(bucket);
      bytes = s3.objectBytesServed(bucket);
      int[] found = reader.select(lookup.from(), lookup.to(), slot, equality);
      long selectGets = s3.objectGets(bucket) - gets;
      long selectBytes = s3.objectBytesServed(bucket) - bytes;
      for (int row : rows) {
        assertThat(Arrays.asList(batch.row(row - rows[0])))
            .as("row %d", row)
            .isEqualTo(Arrays.asList(expected.row(row - rows[0])));
      }
      assertThat(found).isEqualTo(selected);
      return new Costs(lookupGets, lookupBytes, selectGets, selectBytes);
    }
  }

  /** A file written locally and its copy on S3, of {@code size} bytes. */
  private record Copy(Path local, Path remote, long size) {}

  /** {@code rows} rows written to a local file ({@link #write}), copied into a new bucket. */
  private Copy copied(TableDefinition table, int rows, String bucket, Configuration conf)
      throws IOException {
    return copied(table, rows, bucket, conf, false);
  }

  /** As {@link #copied}; with the table's Bloom filters as the writer keeps them, or none. */
  private Copy copied(
      TableDefinition table, int rows, String bucket, Configuration conf, boolean bloomFilters)
      throws IOException {
    Path local = new Path(dir.resolve("logs.parquet").toUri());
    write(table, rows, local, bloomFilters);
    s3.createBucket(bucket);
    Path remote = new Path("s3a://" + bucket + "/logs.parquet");
    try (var out = remote.getFileSystem(conf).create(remote)) {
      java.nio.file.Files.copy(dir.resolve("logs.parquet"), out);
    }
    return new Copy(
        local, remote, local.getFileSystem(new Configuration()).getFileStatus(local).getLen());
  }

  private static Configuration s3Conf() {
    Configuration conf = new Configuration();
    HadoopWarehouse.configureS3(
        conf, S3Settings.compatible(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey()));
    return conf;
  }

  private static List<List<Object>> rowsOf(
      ParquetFiles files, String location, long size, TableDefinition table, int[] set)
      throws IOException {
    List<List<Object>> rows = new ArrayList<>();
    try (ParquetFiles.FileReader reader = files.open(location, size, table, table.columnNames())) {
      ColumnBatch batch = reader.readSelected(0, set, set.length);
      for (int row : set) {
        rows.add(Arrays.asList(batch.row(row - set[0])));
      }
    }
    assertThat(rows).hasSize(set.length);
    return rows;
  }

  /** Random rows in key order, in pages of 100 rows, dictionaries on, as the writer's files. */
  private static void write(TableDefinition table, int rows, Path file) throws IOException {
    write(table, rows, file, false);
  }

  private static void write(TableDefinition table, int rows, Path file, boolean bloomFilters)
      throws IOException {
    long[] keys = new long[rows];
    for (int i = 0; i < rows; i++) {
      keys[i] = 1_700_000_000_000_000L + i * 1_000L;
    }
    Configuration conf = new Configuration();
    var builder = AvroParquetWriter.<GenericRecord>builder(HadoopOutputFile.fromPath(file, conf));
    if (bloomFilters) {
      builder = DataFileWriter.withBloomFilters(builder, table, rows);
    }
    try (ParquetWriter<GenericRecord> writer =
        builder
            .withSchema(AvroSchemas.rowSchema(table))
            .withDataModel(GenericData.get())
            .withConf(conf)
            .withCompressionCodec(CompressionCodecName.ZSTD)
            .withPageRowCountLimit(100)
            .withDictionaryEncoding(true)
            .build()) {
      for (GenericRecord row : new TestRows(table, 9).rows("p", keys)) {
        writer.write(row);
      }
    }
  }
}

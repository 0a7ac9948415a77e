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

/**
 * A few selected rows of a file on S3 (served by S3Proxy, read through s3a), whose pages the reader
 * fetches itself by the offset index in one vectored read (parallel ranged GETs): the same rows as
 * the same file read locally, for rows in the first and last pages, in one page, and spread over
 * many; and the rows an equality selects on a text column's pages, fetched the same way, the same
 * as locally.
 */
class S3SelectedRowsIT {
  @RegisterExtension static EmbeddedS3Extension s3 = new EmbeddedS3Extension();

  @TempDir java.nio.file.Path dir;

  @Test
  void readsTheSelectedRowsOfAFileOnS3AsLocally() throws IOException {
    TableDefinition logs = TableDefinitions.builtIn("otel_logs_and_spans");
    int rows = 5_000;
    Path local = new Path(dir.resolve("logs.parquet").toUri());
    write(logs, rows, local);
    s3.createBucket("pages");
    Configuration conf = new Configuration();
    HadoopWarehouse.configureS3(
        conf, S3Settings.compatible(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey()));
    Path remote = new Path("s3a://pages/logs.parquet");
    try (var out = remote.getFileSystem(conf).create(remote)) {
      java.nio.file.Files.copy(dir.resolve("logs.parquet"), out);
    }
    long size = local.getFileSystem(new Configuration()).getFileStatus(local).getLen();
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
    Path local = new Path(dir.resolve("logs.parquet").toUri());
    write(logs, rows, local);
    s3.createBucket("select");
    Configuration conf = new Configuration();
    HadoopWarehouse.configureS3(
        conf, S3Settings.compatible(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey()));
    Path remote = new Path("s3a://select/logs.parquet");
    try (var out = remote.getFileSystem(conf).create(remote)) {
      java.nio.file.Files.copy(dir.resolve("logs.parquet"), out);
    }
    long size = local.getFileSystem(new Configuration()).getFileStatus(local).getLen();
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
    long[] keys = new long[rows];
    for (int i = 0; i < rows; i++) {
      keys[i] = 1_700_000_000_000_000L + i * 1_000L;
    }
    Configuration conf = new Configuration();
    try (ParquetWriter<GenericRecord> writer =
        AvroParquetWriter.<GenericRecord>builder(HadoopOutputFile.fromPath(file, conf))
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

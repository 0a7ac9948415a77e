package io.lakestream.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.index.KeyModel;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.convert.ParquetSchemas;
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
}

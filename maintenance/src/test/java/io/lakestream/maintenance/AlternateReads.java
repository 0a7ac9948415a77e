package io.lakestream.maintenance;

import java.util.Arrays;
import java.util.Locale;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Reads two Parquet files whole, alternately, 30 times each after 5 warm-ups, and prints the median
 * and p10 of each: a like-for-like check of two files (docs/benchmarks.md). Arguments: two paths.
 */
public final class AlternateReads {
  private AlternateReads() {}

  public static void main(String[] args) throws Exception {
    Configuration conf = new Configuration();
    Path[] files = {new Path(args[0]), new Path(args[1])};
    double[][] millis = new double[2][30];
    for (int i = 0; i < 35; i++) {
      for (int f = 0; f < 2; f++) {
        long start = System.nanoTime();
        try (ParquetReader<GenericRecord> reader =
            AvroParquetReader.<GenericRecord>builder(HadoopInputFile.fromPath(files[f], conf))
                .withDataModel(GenericData.get())
                .build()) {
          while (reader.read() != null) {
            // every row, every column
          }
        }
        if (i >= 5) {
          millis[f][i - 5] = (System.nanoTime() - start) / 1e6;
        }
      }
    }
    for (int f = 0; f < 2; f++) {
      Arrays.sort(millis[f]);
      System.out.printf(
          Locale.ROOT, "%s: median %.1f ms, p10 %.1f ms%n", args[f], millis[f][15], millis[f][3]);
    }
  }
}

package io.lakestream.writer.internal;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.writer.KeyModelEncoder;
import io.lakestream.writer.TestRows;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.fs.Path;

/**
 * Milliseconds to write one small data file of {@code otel_logs_and_spans} (20 rows, 28 columns:
 * the first file of a new tenant's table), in rounds of {@code files} files each on one thread with
 * one {@link DataFileWriter}, so the later rounds show the JIT-compiled cost.
 *
 * <p>{@code java -cp … io.lakestream.writer.internal.SmallFileFigures [files a round (1000)]
 * [rounds (12)] [zstd|snappy]}
 */
public final class SmallFileFigures {
  private SmallFileFigures() {}

  public static void main(String[] args) throws Exception {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    String compression = args.length > 2 ? args[2] : "zstd";
    TableDefinition t = TableDefinitions.builtIn("otel_logs_and_spans");
    java.nio.file.Path dir = Files.createTempDirectory("small-files");
    Warehouse warehouse = Warehouse.of(dir.toUri(), io.lakestream.storage.S3Settings.aws());
    DataFileWriter writer =
        new DataFileWriter(t, warehouse.hadoopConf(), args[2], KeyModelEncoder.learned());
    if (args.length > 3) {
      new Path(dir.toUri()).getFileSystem(warehouse.hadoopConf()).setWriteChecksum(false);
    }
    List<GenericRecord> rows = new ArrayList<>();
    long[] keys = new long[20];
    for (int i = 0; i < 20; i++) {
      keys[i] = 1_700_000_000_000_000L + i * 1000;
      rows.add(TestRows.row(t, "p", keys[i], "s" + i));
    }
    for (int r = 0; r < rounds; r++) {
      long start = System.nanoTime();
      for (int f = 0; f < files; f++) {
        Path root = new Path(dir.toString(), "projects/p" + r + "-" + f + "/otel_logs_and_spans");
        writer.write(root, writer.newFileName(), rows.iterator(), keys);
      }
      System.out.printf("round %d: %.2f ms a file%n", r, (System.nanoTime() - start) / 1e6 / files);
    }
    try (java.util.stream.Stream<java.nio.file.Path> written = Files.walk(dir)) {
      for (java.nio.file.Path path : written.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}

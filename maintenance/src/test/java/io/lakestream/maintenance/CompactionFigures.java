package io.lakestream.maintenance;

import io.lakestream.schema.TableDefinition;
import io.lakestream.storage.S3Settings;
import io.lakestream.testkit.EmbeddedS3;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Figures for docs/benchmarks.md (printed, never asserted): the same rows as many small files (one
 * per writer flush) and as one file, a whole-table read of each by Delta Kernel, then one
 * compaction pass, its throughput, and the read again.
 *
 * <p>Arguments: {@code [local|s3] [files] [rowsPerFile] [reads]}, default {@code local 763 40 15}.
 */
public final class CompactionFigures {
  private CompactionFigures() {}

  public static void main(String[] args) throws Exception {
    String storage = args.length > 0 ? args[0] : "local";
    int files = args.length > 1 ? Integer.parseInt(args[1]) : 763;
    int rowsPerFile = args.length > 2 ? Integer.parseInt(args[2]) : 40;
    int reads = args.length > 3 ? Integer.parseInt(args[3]) : 15;
    TableDefinition table = CompactionIT.EVENTS;
    Path folder = Files.createTempDirectory("compaction-figures");
    EmbeddedS3 s3 = null;
    try {
      URI warehouse = folder.toUri();
      S3Settings settings = CompactionIT.NO_S3;
      if (storage.equals("s3")) {
        s3 = EmbeddedS3.builder().dataDir(folder.resolve("s3")).start();
        s3.createBucket("figures");
        warehouse = URI.create("s3://figures/lake");
        settings =
            S3Settings.compatible(
                s3.endpoint(), EmbeddedS3.REGION, EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY);
      }
      SmallFileTable small = new SmallFileTable(warehouse, settings, table, "small");
      SmallFileTable one = new SmallFileTable(warehouse, settings, table, "one");
      long started = System.nanoTime();
      // One commit of many files: the read below depends on the files, not on how many commits
      // added them, and 763 commits take minutes on a loaded machine.
      small.appendInOneCommit(files, rowsPerFile);
      System.out.printf(
          Locale.ROOT,
          "%s: wrote %d files of %d rows in %.1f s%n",
          storage,
          files,
          rowsPerFile,
          (System.nanoTime() - started) / 1e9);
      // The same rows in one file sorted by key, as one large flush would have written them.
      one.appendAsOneFile(files, rowsPerFile);

      double smallBefore = medianReadMillis(small, reads);
      double oneFile = medianReadMillis(one, reads);
      double smallFilesBefore = medianFileReadMillis(small, reads);
      double oneFileFiles = medianFileReadMillis(one, reads);

      Maintainer maintainer =
          new Maintainer(
              CompactionIT.config(warehouse, settings).targetFileBytes(128L << 20).build());
      long compactionStart = System.nanoTime();
      TableReport report = null;
      for (TableReport r : maintainer.runOnce()) {
        if (r.project().equals("small")) {
          report = r;
        }
      }
      double seconds = (System.nanoTime() - compactionStart) / 1e9;
      double smallAfter = medianReadMillis(small, reads);
      double smallFilesAfter = medianFileReadMillis(small, reads);

      System.out.println(report.summary());
      System.out.printf(
          Locale.ROOT,
          "| storage | files | rows | whole-table read, %d small files | after compaction (%d"
              + " file) | same rows written as 1 file | compaction |%n",
          files,
          report.filesAfter());
      System.out.printf(
          Locale.ROOT,
          "| %s | %d → %d | %d | %.0f ms (%.1f×) | %.0f ms (%.2f×) | %.0f ms | %.2f s: %.0f"
              + " rows/s, %.2f MB/s read (%.2f MB in, %.2f MB out) |%n",
          storage,
          report.filesBefore(),
          report.filesAfter(),
          report.rowsRewritten(),
          smallBefore,
          smallBefore / oneFile,
          smallAfter,
          smallAfter / oneFile,
          oneFile,
          seconds,
          report.rowsRewritten() / seconds,
          report.bytesRewritten() / 1e6 / seconds,
          report.bytesRewritten() / 1e6,
          (report.bytesAfter() - (report.bytesBefore() - report.bytesRewritten())) / 1e6);
      System.out.printf(
          Locale.ROOT,
          "| %s, data files only (file list held, as the sidecar holds it) | | | %.0f ms (%.1f×) |"
              + " %.0f ms (%.2f×) | %.0f ms | |%n",
          storage,
          smallFilesBefore,
          smallFilesBefore / oneFileFiles,
          smallFilesAfter,
          smallFilesAfter / oneFileFiles,
          oneFileFiles);
    } finally {
      if (s3 != null) {
        s3.close();
      }
    }
  }

  /** The median time of {@code reads} whole-table reads by Delta Kernel, after two warm-ups. */
  private static double medianReadMillis(SmallFileTable table, int reads) {
    int expected = table.allIds().size();
    for (int i = 0; i < 2; i++) {
      check(table.readIds().size(), expected);
    }
    double[] millis = new double[reads];
    for (int i = 0; i < reads; i++) {
      long start = System.nanoTime();
      check(table.readIds().size(), expected);
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(millis);
    return millis[reads / 2];
  }

  /**
   * The median time of {@code reads} reads of every row of every live file (parquet-avro, all
   * columns), the file list taken from the log once beforehand: what a reader that keeps the
   * table's snapshot in memory, as the query sidecar does, pays per file.
   */
  private static double medianFileReadMillis(SmallFileTable table, int reads) throws IOException {
    int expected = table.allIds().size();
    List<org.apache.hadoop.fs.Path> files = new ArrayList<>();
    for (String file : table.livePaths()) {
      files.add(new org.apache.hadoop.fs.Path(table.root(), file));
    }
    Configuration conf = table.warehouse().hadoopConf();
    double[] millis = new double[reads + 2];
    for (int i = 0; i < reads + 2; i++) {
      long start = System.nanoTime();
      int rows = 0;
      for (org.apache.hadoop.fs.Path file : files) {
        try (ParquetReader<GenericRecord> reader =
            AvroParquetReader.<GenericRecord>builder(HadoopInputFile.fromPath(file, conf))
                .withDataModel(GenericData.get())
                .build()) {
          while (reader.read() != null) {
            rows++;
          }
        }
      }
      check(rows, expected);
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    double[] measured = Arrays.copyOfRange(millis, 2, reads + 2);
    Arrays.sort(measured);
    return measured[reads / 2];
  }

  private static void check(int rows, int expected) {
    if (rows != expected) {
      throw new IllegalStateException("read " + rows + " rows, expected " + expected);
    }
  }
}

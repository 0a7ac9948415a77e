package io.lakestream.writer.bench;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.storage.S3Settings;
import io.lakestream.testkit.EmbeddedS3;
import io.lakestream.writer.KeyModelEncoder;
import io.lakestream.writer.TestRows;
import io.lakestream.writer.internal.DataFile;
import io.lakestream.writer.internal.DataFileWriter;
import io.lakestream.writer.internal.DeltaTables;
import io.lakestream.writer.internal.StandaloneDeltaTables;
import io.lakestream.writer.internal.Warehouse;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commit latency of one table as it grows: commits 1..N of 100-row files to a table (local disk or
 * an in-process S3Proxy), with the writer's Delta layer (checkpoint every 10), printing the latency
 * around commits 10, 100 and 1000.
 *
 * <p>{@code java -cp … io.lakestream.writer.bench.CommitLatencyFigures [commits] [local|s3]}
 */
public final class CommitLatencyFigures {
  private static final Logger LOG = LoggerFactory.getLogger(CommitLatencyFigures.class);

  public static void main(String[] args) throws Exception {
    int commits = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    TableDefinition events = TableDefinitions.builtIn("events");
    boolean onS3 = args.length > 1 && args[1].equals("s3");
    EmbeddedS3 s3 = onS3 ? EmbeddedS3.start() : null;
    Warehouse warehouse;
    if (onS3) {
      s3.createBucket("latency");
      warehouse =
          Warehouse.of(
              URI.create("s3://latency/lake"),
              S3Settings.compatible(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey()));
    } else {
      Path dir = Files.createTempDirectory("commit-latency");
      warehouse = Warehouse.of(dir.toUri(), S3Settings.aws());
    }
    DeltaTables.Table table =
        new StandaloneDeltaTables(warehouse, 10, Duration.ofDays(7)).open("bench", events);
    DataFileWriter files =
        new DataFileWriter(events, warehouse.hadoopConf(), "zstd", KeyModelEncoder.learned());
    long[] latencies = new long[commits];
    for (int c = 0; c < commits; c++) {
      List<GenericRecord> rows = new ArrayList<>();
      long[] keys = new long[100];
      for (int i = 0; i < 100; i++) {
        keys[i] = c * 100L + i;
        rows.add(TestRows.row(events, "bench", keys[i], "e" + keys[i]));
      }
      DataFile file =
          files.write(
              new org.apache.hadoop.fs.Path(table.path()),
              files.newFileName(),
              rows.iterator(),
              keys);
      long start = System.nanoTime();
      table.commit(
          List.of(file), Map.of("bench-0", new DeltaTables.SourceRange(c * 100L, c * 100L + 99)));
      latencies[c] = System.nanoTime() - start;
    }
    LOG.info(onS3 ? "on S3Proxy:" : "on local disk:");
    for (int at : new int[] {10, 100, 1000}) {
      if (at <= commits) {
        LOG.info(
            String.format(
                "commit %5d: %6.1f ms (median of commits %d..%d: %6.1f ms)",
                at,
                latencies[at - 1] / 1e6,
                Math.max(1, at - 4),
                Math.min(commits, at + 5),
                median(latencies, Math.max(0, at - 5), Math.min(commits, at + 5)) / 1e6));
      }
    }
    if (s3 != null) {
      s3.close();
    }
    System.exit(0);
  }

  private static double median(long[] values, int from, int to) {
    long[] window = java.util.Arrays.copyOfRange(values, from, to);
    java.util.Arrays.sort(window);
    return window[window.length / 2];
  }
}

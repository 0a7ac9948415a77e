package io.lakestream.writer.bench;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.storage.S3Settings;
import io.lakestream.writer.KeyModelEncoder;
import io.lakestream.writer.TestRows;
import io.lakestream.writer.internal.DataFile;
import io.lakestream.writer.internal.DataFileWriter;
import io.lakestream.writer.internal.DeltaTables;
import io.lakestream.writer.internal.StandaloneDeltaTables;
import io.lakestream.writer.internal.Warehouse;
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
 * What the writer holds per table it keeps (its Delta log object after a commit, as the writer's
 * table cache holds it): creates N tables of {@code events} with {@code commits} small commits
 * each, keeps them open, and prints the heap they take after a full GC, per table; then drops them
 * and prints the heap again. Also prints the time a new table's first commit takes.
 *
 * <p>{@code java -Xmx4g -cp … io.lakestream.writer.bench.TableStateFigures [tables] [commits]}
 */
public final class TableStateFigures {
  private static final Logger LOG = LoggerFactory.getLogger(TableStateFigures.class);

  public static void main(String[] args) throws Exception {
    int tables = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int commits = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    TableDefinition events = TableDefinitions.builtIn("events");
    Path dir = Files.createTempDirectory("table-state");
    Warehouse warehouse = Warehouse.of(dir.toUri(), S3Settings.aws());
    StandaloneDeltaTables delta = new StandaloneDeltaTables(warehouse, 10, Duration.ofDays(7));
    DataFileWriter files =
        new DataFileWriter(events, warehouse.hadoopConf(), "zstd", KeyModelEncoder.learned());
    long before = usedAfterGc();
    List<DeltaTables.Table> held = new ArrayList<>(tables);
    long firstCommitNanos = 0;
    for (int t = 0; t < tables; t++) {
      DeltaTables.Table table = delta.open("p" + t, events);
      for (int c = 0; c < commits; c++) {
        long[] keys = {c * 10L, c * 10L + 1};
        List<GenericRecord> rows = new ArrayList<>();
        for (long key : keys) {
          rows.add(TestRows.row(events, "p" + t, key, "id-" + key));
        }
        DataFile file =
            files.write(
                new org.apache.hadoop.fs.Path(table.path()),
                files.newFileName(),
                rows.iterator(),
                keys);
        long started = System.nanoTime();
        table.commit(
            List.of(file),
            Map.of("app-0@0", new DeltaTables.SourceRange(t * 100L + c, t * 100L + c)));
        if (c == 0) {
          firstCommitNanos += System.nanoTime() - started;
        }
      }
      table.transactionVersion("app-0@0"); // as the writer reads its watermark
      held.add(table);
    }
    long holding = usedAfterGc();
    LOG.info(
        "{} tables of {} commits held: {} bytes per table; a new table's first commit took {} ms"
            + " on average",
        tables,
        commits,
        (holding - before) / tables,
        firstCommitNanos / 1_000_000.0 / tables);
    held.clear();
    long released = usedAfterGc();
    LOG.info(
        "given back: heap {} MB holding, {} MB after (before: {} MB)",
        holding >> 20,
        released >> 20,
        before >> 20);
  }

  /** Heap in use after full collections (System.gc() collects before it returns). */
  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}

package io.lakestream.query;

import io.lakestream.maintenance.Maintainer;
import io.lakestream.maintenance.MaintenanceConfig;
import io.lakestream.maintenance.TableReport;
import io.lakestream.reader.TableSnapshot;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.TableLookup;
import io.lakestream.schema.convert.AvroSchemas;
import io.lakestream.storage.S3Settings;
import io.lakestream.writer.KeyModelEncoder;
import io.lakestream.writer.internal.DataFile;
import io.lakestream.writer.internal.DataFileWriter;
import io.lakestream.writer.internal.DeltaTables;
import io.lakestream.writer.internal.StandaloneDeltaTables;
import io.lakestream.writer.internal.Warehouse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Figures for docs/benchmarks.md (printed, never asserted): what one table of many small files
 * costs the query sidecar at start-up, before and after maintenance compacts it. Three steps, each
 * its own JVM, so that every load is a sidecar's first:
 *
 * <ul>
 *   <li>{@code write DIR FILES ROWS_PER_FILE PER_COMMIT}: an {@code events} table of {@code FILES}
 *       real Parquet files (the writer's {@link DataFileWriter}, key model tags included), {@code
 *       PER_COMMIT} files per Delta commit, checkpoints every 10 commits;
 *   <li>{@code load DIR FILES}: builds the sidecar's parts ({@link QueryRole#create}) and loads the
 *       table as at start-up (discover the warehouse, read the log, index every file from its
 *       AddFile tags); prints the load's time, the JVM's time from its start to the table loaded,
 *       the snapshot's model bytes and the heap the loaded sidecar holds (used heap after full
 *       collections, against the same before the sidecar was built);
 *   <li>{@code compact DIR}: one {@link Maintainer} pass.
 * </ul>
 */
public final class CompactedStartupFigures {
  private static final TableDefinition EVENTS = TableDefinitions.builtIn("events");

  private CompactedStartupFigures() {}

  public static void main(String[] args) throws Exception {
    Path folder = Path.of(args[1]);
    switch (args[0]) {
      case "write" -> {
        int files = Integer.parseInt(args[2]);
        int rowsPerFile = Integer.parseInt(args[3]);
        int perCommit = Integer.parseInt(args[4]);
        long started = System.nanoTime();
        Files.createDirectories(folder);
        write(folder, files, rowsPerFile, perCommit);
        System.out.printf(
            Locale.ROOT,
            "wrote %d files of %d rows in %d commits in %.1f s, load average %.1f%n",
            files,
            rowsPerFile,
            (files + perCommit - 1) / perCommit,
            (System.nanoTime() - started) / 1e9,
            load());
      }
      case "load" -> load(folder, Integer.parseInt(args[2]));
      case "compact" -> {
        double loadBefore = load();
        long start = System.nanoTime();
        TableReport report =
            new Maintainer(
                    MaintenanceConfig.builder()
                        .warehouse(folder.toUri())
                        .tables(TableLookup.of(Map.of(EVENTS.name(), EVENTS)))
                        .build())
                .runOnce()
                .get(0);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println(report.summary());
        System.out.printf(
            Locale.ROOT,
            "compaction %.1f s (%.0f rows/s, %.0f files/s), load average %.1f → %.1f%n",
            seconds,
            report.rowsRewritten() / seconds,
            report.filesRewritten() / seconds,
            loadBefore,
            load());
      }
      default -> throw new IllegalArgumentException("write, load or compact, not " + args[0]);
    }
  }

  private static void load(Path folder, int files) throws Exception {
    QueryConfig config =
        QueryConfig.builder()
            .warehouse(folder.toUri())
            .open(true)
            .tables(Map.of(EVENTS.name(), EVENTS))
            .build();
    long baseline = usedAfterGc();
    try (QueryRole role =
        QueryRole.create(config, new SimpleMeterRegistry(), (e, r, b, a, s) -> {})) {
      long start = System.nanoTime();
      role.tables().discover();
      role.tables().pollAll();
      double millis = (System.nanoTime() - start) / 1e6;
      long sinceJvmStart = ManagementFactory.getRuntimeMXBean().getUptime();
      TableSnapshot snapshot = role.tables().snapshots().get(0);
      if (snapshot.fileCount() != files) {
        throw new IllegalStateException("loaded " + snapshot.fileCount() + " files, not " + files);
      }
      long retained = usedAfterGc() - baseline;
      System.out.printf(
          Locale.ROOT,
          "| %d files | %.0f ms | %d ms | %d B (%.0f per file) | %.1f MiB | %.1f |%n",
          files,
          millis,
          sinceJvmStart,
          snapshot.indexBytes(),
          snapshot.indexBytes() / (double) files,
          retained / (double) (1 << 20),
          load());
    }
  }

  /** Heap in use after full collections (three, so finalizable garbage is gone too). */
  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  private static void write(Path folder, int files, int rowsPerFile, int perCommit)
      throws Exception {
    Warehouse warehouse =
        Warehouse.of(
            folder.toUri(),
            new S3Settings(
                Optional.empty(), "us-east-1", true, Optional.empty(), Optional.empty()));
    DeltaTables.Table delta =
        new StandaloneDeltaTables(warehouse, 10, Duration.ofDays(30)).open("acme", EVENTS);
    DataFileWriter writer =
        new DataFileWriter(EVENTS, warehouse.hadoopConf(), "zstd", KeyModelEncoder.learned());
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(delta.path());
    Schema schema = AvroSchemas.rowSchema(EVENTS);
    long key = 1_795_000_000_000_000L;
    List<DataFile> pending = new ArrayList<>();
    long offset = 0;
    for (int f = 0; f < files; f++) {
      long[] keys = new long[rowsPerFile];
      List<GenericRecord> rows = new ArrayList<>();
      for (int i = 0; i < rowsPerFile; i++) {
        key += 100_000; // 10 rows a second, one file a second: the dev flush
        keys[i] = key;
        GenericData.Record row = new GenericData.Record(schema);
        row.put("timestamp", key);
        row.put("event_id", "f" + f + "-r" + i);
        row.put("event_type", "user.signup");
        row.put("payload", "{\"plan\":\"pro\",\"n\":" + i + "}");
        row.put("project_id", "acme");
        rows.add(row);
      }
      pending.add(writer.write(root, writer.newFileName(), rows.iterator(), keys));
      if (pending.size() == perCommit || f == files - 1) {
        long source = offset++;
        DeltaTables.CommitOutcome outcome =
            delta.commit(
                pending,
                Map.of("lakestream.ingest.events-0", new DeltaTables.SourceRange(source, source)));
        if (!(outcome instanceof DeltaTables.Committed)) {
          throw new IllegalStateException("append not committed: " + outcome);
        }
        pending.clear();
      }
    }
  }

  private static double load() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}

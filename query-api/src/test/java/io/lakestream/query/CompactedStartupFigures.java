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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Figures for docs/benchmarks.md (printed, never asserted): what one table of many small files
 * costs the query sidecar at start-up, before and after maintenance compacts it. Writes an {@code
 * events} table of {@code files} real Parquet files of {@code rowsPerFile} rows each (the writer's
 * {@link DataFileWriter}, key model tags included; {@code perCommit} files per Delta commit,
 * checkpoints every 10 commits), then, {@code rounds} times each, builds the sidecar's parts
 * ({@link QueryRole#create}) and loads the table as at start-up (discover the warehouse, read the
 * log, index every file from its AddFile tags), timing the load and measuring the index: the
 * snapshot's model bytes and the heap the loaded role retains (used heap after a full GC, against
 * the same before the role). Then one {@link Maintainer} pass compacts the table, and the same is
 * measured again. The first load of the JVM is a warm-up, left out.
 *
 * <p>Arguments: {@code [files] [rowsPerFile] [perCommit] [rounds]}, default {@code 10000 10 100 3}.
 */
public final class CompactedStartupFigures {
  private static final TableDefinition EVENTS = TableDefinitions.builtIn("events");

  private CompactedStartupFigures() {}

  public static void main(String[] args) throws Exception {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int rowsPerFile = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int perCommit = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    Path folder = Files.createTempDirectory("compacted-startup-figures");
    System.out.printf(
        Locale.ROOT,
        "max heap %d MiB, load average %.1f, warehouse %s%n",
        Runtime.getRuntime().maxMemory() >> 20,
        load(),
        folder);
    long started = System.nanoTime();
    write(folder, files, rowsPerFile, perCommit);
    System.out.printf(
        Locale.ROOT,
        "wrote %d files of %d rows in %d commits in %.1f s%n",
        files,
        rowsPerFile,
        (files + perCommit - 1) / perCommit,
        (System.nanoTime() - started) / 1e9);
    QueryConfig config =
        QueryConfig.builder()
            .warehouse(folder.toUri())
            .open(true)
            .tables(Map.of(EVENTS.name(), EVENTS))
            .build();

    load(config, files); // warm-up
    Load before = measure(config, files, rounds);

    double loadBefore = load();
    long compactionStart = System.nanoTime();
    TableReport report =
        new Maintainer(
                MaintenanceConfig.builder()
                    .warehouse(folder.toUri())
                    .tables(TableLookup.of(Map.of(EVENTS.name(), EVENTS)))
                    .build())
            .runOnce()
            .get(0);
    double compactionSeconds = (System.nanoTime() - compactionStart) / 1e9;
    System.out.println(report.summary());
    System.out.printf(
        Locale.ROOT,
        "compaction %.1f s (%.0f rows/s, %.0f files/s), load average %.1f → %.1f%n",
        compactionSeconds,
        report.rowsRewritten() / compactionSeconds,
        report.filesRewritten() / compactionSeconds,
        loadBefore,
        load());
    Load after = measure(config, report.filesAfter(), rounds);

    System.out.println(
        "| table | files | table load at start-up, median (runs) | index: model bytes |"
            + " heap retained by the loaded sidecar |");
    print("before maintain", before);
    print("after maintain", after);
    System.out.printf(Locale.ROOT, "load average at the end %.1f%n", load());
  }

  /** The loads of {@code rounds} fresh sidecars, and the index of the last. */
  private record Load(int files, double[] millis, long modelBytes, long retainedBytes) {}

  private static Load measure(QueryConfig config, int files, int rounds) throws Exception {
    double[] millis = new double[rounds];
    Load last = null;
    for (int round = 0; round < rounds; round++) {
      last = load(config, files);
      millis[round] = last.millis()[0];
    }
    Arrays.sort(millis);
    return new Load(last.files(), millis, last.modelBytes(), last.retainedBytes());
  }

  private static Load load(QueryConfig config, int files) throws Exception {
    long baseline = usedAfterGc();
    try (QueryRole role =
        QueryRole.create(config, new SimpleMeterRegistry(), (e, r, b, a, s) -> {})) {
      long start = System.nanoTime();
      role.tables().discover();
      role.tables().pollAll();
      double millis = (System.nanoTime() - start) / 1e6;
      TableSnapshot snapshot = role.tables().snapshots().get(0);
      if (snapshot.fileCount() != files) {
        throw new IllegalStateException("loaded " + snapshot.fileCount() + " files, not " + files);
      }
      long retained = usedAfterGc() - baseline;
      return new Load(files, new double[] {millis}, snapshot.indexBytes(), retained);
    }
  }

  private static void print(String name, Load load) {
    System.out.printf(
        Locale.ROOT,
        "| %s | %d | %.0f ms %s | %d B (%.0f per file) | %.1f MiB |%n",
        name,
        load.files(),
        load.millis()[load.millis().length / 2],
        Arrays.toString(Arrays.stream(load.millis()).map(Math::rint).toArray()),
        load.modelBytes(),
        load.modelBytes() / (double) load.files(),
        load.retainedBytes() / (double) (1 << 20));
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

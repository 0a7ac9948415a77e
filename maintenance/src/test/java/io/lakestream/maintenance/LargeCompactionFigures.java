package io.lakestream.maintenance;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableLookup;
import io.lakestream.schema.convert.AvroSchemas;
import io.lakestream.writer.KeyModelEncoder;
import io.lakestream.writer.internal.DataFile;
import io.lakestream.writer.internal.DataFileWriter;
import io.lakestream.writer.internal.DeltaTables;
import io.lakestream.writer.internal.StandaloneDeltaTables;
import io.lakestream.writer.internal.Warehouse;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Figures for docs/benchmarks.md (printed, never asserted): the memory one compaction pass uses on
 * a table far larger than the heap, and its throughput. Writes an {@code events} table of about
 * {@code totalMiB} of Parquet in files of about {@code fileMiB} (below the 128 MiB target, so every
 * file is compacted), each row carrying {@code payloadBytes} random bytes (base64, so the files do
 * not compress to nothing), the files' key ranges following one another as the writer's flushes do;
 * then runs one {@link Maintainer} pass with a rewrite limit above the table's size, so the whole
 * table is merged in one turn. The heap in use after each garbage collection is recorded (GC
 * notifications): its largest value during the compaction is the memory the merge holds. Run it
 * with a small {@code -Xmx} to show that the table is streamed, not loaded.
 *
 * <p>Arguments: {@code [totalMiB] [fileMiB] [payloadBytes]}, default {@code 1024 32 1024}.
 */
public final class LargeCompactionFigures {
  private static final long MIB = 1024L * 1024;
  private static final AtomicLong maxAfterGc = new AtomicLong();

  private LargeCompactionFigures() {}

  public static void main(String[] args) throws Exception {
    long totalMiB = args.length > 0 ? Long.parseLong(args[0]) : 1024;
    long fileMiB = args.length > 1 ? Long.parseLong(args[1]) : 32;
    int payloadBytes = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
    watchGarbageCollections();
    TableDefinition events = CompactionIT.EVENTS;
    Path folder = Files.createTempDirectory("large-compaction-figures");
    System.out.printf(
        Locale.ROOT,
        "max heap %d MiB, load average %.1f, table in %s%n",
        Runtime.getRuntime().maxMemory() / MIB,
        load(),
        folder);
    Warehouse warehouse = Warehouse.of(folder.toUri(), CompactionIT.NO_S3);
    DeltaTables.Table delta =
        new StandaloneDeltaTables(warehouse, 10, Duration.ofDays(30)).open("large", events);
    DataFileWriter writer =
        new DataFileWriter(events, warehouse.hadoopConf(), "zstd", KeyModelEncoder.learned());
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(delta.path());
    Schema schema = AvroSchemas.rowSchema(events);
    Random random = new Random(15);
    long key = 1_795_000_000_000_000L;
    long bytes = 0;
    long rows = 0;
    int files = 0;
    long offset = 0;
    int rowsPerFile = (int) (fileMiB * MIB / (payloadBytes * 4 / 3 + 60));
    long writeStart = System.nanoTime();
    List<DataFile> pending = new ArrayList<>();
    while (bytes < totalMiB * MIB) {
      long[] keys = new long[rowsPerFile];
      for (int i = 0; i < rowsPerFile; i++) {
        key += 1 + random.nextInt(2_000);
        keys[i] = key;
      }
      DataFile file =
          writer.write(root, writer.newFileName(), rows(schema, keys, payloadBytes, random), keys);
      pending.add(file);
      bytes += file.sizeBytes();
      rows += file.numRecords();
      files++;
      // aim the next files at the size asked for
      rowsPerFile = (int) Math.max(1, (long) rowsPerFile * fileMiB * MIB / file.sizeBytes());
      if (pending.size() == 8 || bytes >= totalMiB * MIB) {
        long source = offset++;
        DeltaTables.CommitOutcome outcome =
            delta.commit(
                pending,
                Map.of(SmallFileTable.APP_ID, new DeltaTables.SourceRange(source, source)));
        if (!(outcome instanceof DeltaTables.Committed)) {
          throw new IllegalStateException("append not committed: " + outcome);
        }
        pending.clear();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "wrote %d files, %d rows, %.1f MiB in %.1f s; largest heap after a GC while writing: %d"
            + " MiB%n",
        files,
        rows,
        bytes / (double) MIB,
        (System.nanoTime() - writeStart) / 1e9,
        maxAfterGc.get() / MIB);

    System.gc();
    maxAfterGc.set(0);
    double loadBefore = load();
    Maintainer maintainer =
        new Maintainer(
            MaintenanceConfig.builder()
                .warehouse(folder.toUri())
                .tables(TableLookup.of(Map.of(events.name(), events)))
                .targetFileBytes(128 * MIB)
                .maxRewriteBytes(Math.max(1024 * MIB, 2 * bytes))
                .build());
    long start = System.nanoTime();
    TableReport report = maintainer.runOnce().get(0);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.println(report.summary());
    long bytesOut = report.bytesAfter() - (report.bytesBefore() - report.bytesRewritten());
    System.out.printf(
        Locale.ROOT,
        "| table | compaction | rows/s | MB/s read | MB/s written | largest heap after a GC |"
            + " -Xmx | load average |%n"
            + "| %d files, %d rows, %.0f MiB → %d files | %.1f s | %.0f | %.1f | %.1f | %d MiB |"
            + " %d MiB | %.1f → %.1f |%n",
        report.filesBefore(),
        report.rowsRewritten(),
        report.bytesBefore() / (double) MIB,
        report.filesAfter(),
        seconds,
        report.rowsRewritten() / seconds,
        report.bytesRewritten() / 1e6 / seconds,
        bytesOut / 1e6 / seconds,
        maxAfterGc.get() / MIB,
        Runtime.getRuntime().maxMemory() / MIB,
        loadBefore,
        load());
    if (report.failed() || report.rowsRewritten() != rows) {
      throw new IllegalStateException("compaction did not rewrite every row: " + report.summary());
    }
    delete(folder);
  }

  /** The rows of one file, made as the writer asks for them (never all held at once). */
  private static Iterator<GenericRecord> rows(
      Schema schema, long[] keys, int payloadBytes, Random random) {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < keys.length;
      }

      @Override
      public GenericRecord next() {
        byte[] payload = new byte[payloadBytes];
        random.nextBytes(payload);
        GenericData.Record row = new GenericData.Record(schema);
        row.put("timestamp", keys[next]);
        row.put("event_id", "e" + keys[next]);
        row.put("event_type", "bench.large");
        row.put("payload", "{\"d\":\"" + Base64.getEncoder().encodeToString(payload) + "\"}");
        row.put("project_id", "large");
        next++;
        return row;
      }
    };
  }

  /** Records the heap in use after every collection, the largest in {@link #maxAfterGc}. */
  private static void watchGarbageCollections() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc)
          .addNotificationListener(
              (notification, handback) -> {
                if (!notification
                    .getType()
                    .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                  return;
                }
                GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from(
                        (CompositeData) notification.getUserData());
                long used = 0;
                for (MemoryUsage usage : info.getGcInfo().getMemoryUsageAfterGc().values()) {
                  used += usage.getUsed();
                }
                // non-heap pools (metaspace, code cache) are in the map too: leave them out
                for (Map.Entry<String, MemoryUsage> pool :
                    info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                  if (!isHeap(pool.getKey())) {
                    used -= pool.getValue().getUsed();
                  }
                }
                maxAfterGc.accumulateAndGet(used, Math::max);
              },
              null,
              null);
    }
  }

  private static boolean isHeap(String poolName) {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getName().equals(poolName)) {
        return pool.getType() == MemoryType.HEAP;
      }
    }
    return false;
  }

  private static double load() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static void delete(Path folder) throws java.io.IOException {
    try (var paths = Files.walk(folder)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

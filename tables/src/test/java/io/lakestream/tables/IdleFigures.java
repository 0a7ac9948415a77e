package io.lakestream.tables;

import io.lakestream.reader.internal.ParquetFiles;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.tables.internal.StandaloneDeltaLogReader;
import io.lakestream.tables.internal.WarehouseTableSource;
import io.lakestream.testkit.EmbeddedKafka;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;

/**
 * Figures for docs/benchmarks.md (never asserted): what an idle sidecar costs with N tables loaded,
 * following the commit feed or polling every table's log. Run the broker in a process of its own so
 * that the sidecar's process CPU is the sidecar's alone:
 *
 * <pre>
 * java -cp $CP io.lakestream.tables.IdleFigures broker              # prints the bootstrap servers
 * java -cp $CP io.lakestream.tables.IdleFigures feed 1000 60 HOST:PORT [fallback seconds]
 * java -cp $CP io.lakestream.tables.IdleFigures poll 1000 60 HOST:PORT [poll ms]
 * </pre>
 *
 * Creates N tables (one commit, one file with its key model) in a temporary warehouse, loads them,
 * then measures over the given seconds of idleness: process CPU (percent of one core) and file
 * system requests (all, and those to {@code _delta_log} folders), counted by {@link
 * CountingFileSystem}.
 */
public final class IdleFigures {
  private IdleFigures() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("broker")) {
      EmbeddedKafka kafka = EmbeddedKafka.start();
      kafka.createTopic(io.lakestream.schema.Topics.COMMITS, 12); // as a writer creates it
      System.out.println(kafka.bootstrapServers());
      Thread.currentThread().join();
      return;
    }
    String mode = args[0];
    int tables = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    String bootstrap = args[3];
    TableDefinition events = TableDefinitions.builtIn("events");
    Path warehouse = Files.createTempDirectory("idle-figures");
    for (int t = 0; t < tables; t++) {
      DeltaCommitFiles.write(
          warehouse.resolve("projects").resolve(String.format("p%05d", t)).resolve("events"),
          events,
          0,
          List.of(DeltaCommitFiles.file(0, 0, 100)),
          true);
    }
    // parsed once, as the catalog does (a parse per lookup would be most of a sweep's CPU)
    Map<String, TableDefinition> definitions = TableDefinitions.builtIns();
    Configuration conf = CountingFileSystem.install(new Configuration());
    ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
    ParquetFiles files = new ParquetFiles(conf, 16);
    Duration interval =
        Duration.ofMillis(
            args.length > 4
                ? Long.parseLong(args[4]) * (mode.equals("feed") ? 1000 : 1)
                : mode.equals("feed") ? 60_000 : 500);
    TableRegistry registry =
        new TableRegistry(
            name -> Optional.ofNullable(definitions.get(name)), // a map lookup, as the catalog
            List.of(
                new WarehouseTableSource(new org.apache.hadoop.fs.Path(warehouse.toUri()), conf)),
            new StandaloneDeltaLogReader(conf),
            files,
            executor,
            interval,
            Clock.systemUTC());
    CommitFeedFollower follower = null;
    long started = System.nanoTime();
    if (mode.equals("feed")) {
      registry.followFeed(interval);
      follower = CommitFeedFollower.start(bootstrap, Map.of(), registry);
      while (!follower.isPositioned()) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
    } else {
      registry.start(Duration.ofSeconds(5));
      while (!registry.ready() || registry.tables().size() < tables) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
    long loadedMillis = (System.nanoTime() - started) / 1_000_000;
    TimeUnit.SECONDS.sleep(5); // the start-up's tail (JIT, first polls) out of the window
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    CountingFileSystem.reset();
    long cpuBefore = os.getProcessCpuTime();
    long wallBefore = System.nanoTime();
    TimeUnit.SECONDS.sleep(seconds);
    long cpu = os.getProcessCpuTime() - cpuBefore;
    long wall = System.nanoTime() - wallBefore;
    long all = CountingFileSystem.allRequests();
    long logRequests =
        CountingFileSystem.logRequests().values().stream().mapToLong(Long::longValue).sum();
    System.out.printf(
        "IDLE %s (%s %s): %d tables loaded in %d ms; over %d s idle: CPU %.2f %% of one core;"
            + " file system requests %d (%.0f per minute), to _delta_log %d (%.0f per minute)%n",
        mode,
        mode.equals("feed") ? "fallback sweep every" : "poll every",
        interval,
        registry.tables().size(),
        loadedMillis,
        seconds,
        100.0 * cpu / wall,
        all,
        all * 60.0 / seconds,
        logRequests,
        logRequests * 60.0 / seconds);
    if (follower != null) {
      follower.close();
    }
    registry.close();
    executor.shutdownNow();
    files.close();
    System.exit(0);
  }
}

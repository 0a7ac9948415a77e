package io.lakestream.maintenance;

import static org.awaitility.Awaitility.await;

import io.lakestream.testkit.EmbeddedKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Figures for docs/benchmarks.md (printed, never asserted): one maintenance pass over many small
 * tables by one {@code maintain} instance, then by several in one consumer group, each on a fresh
 * copy of the same warehouse: the time from the instances' start (joining the group included) until
 * every small file of every table is compacted, and the tables per second.
 *
 * <p>Arguments: {@code [tables] [filesPerTable] [instances…]}, default {@code 200 4 1 2}.
 */
public final class MaintenanceGroupFigures {
  private MaintenanceGroupFigures() {}

  public static void main(String[] args) throws Exception {
    int tables = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int files = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    List<Integer> counts = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      counts.add(Integer.parseInt(args[i]));
    }
    if (counts.isEmpty()) {
      counts = List.of(1, 2);
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      for (int instances : counts) {
        run(kafka, tables, files, instances);
      }
    }
    System.exit(0);
  }

  private static void run(EmbeddedKafka kafka, int tables, int files, int instances)
      throws Exception {
    Path folder = Files.createTempDirectory("maintenance-group-figures");
    long writing = System.nanoTime();
    for (int i = 0; i < tables; i++) {
      new SmallFileTable(
              folder.toUri(), CompactionIT.NO_S3, CompactionIT.EVENTS, String.format("p%04d", i))
          .appendInOneCommit(files, 40);
    }
    System.out.printf(
        Locale.ROOT,
        "%d instance(s): wrote %d tables of %d files in %.1f s%n",
        instances,
        tables,
        files,
        (System.nanoTime() - writing) / 1e9);

    List<MaintenanceRole> roles = new ArrayList<>();
    List<SimpleMeterRegistry> registries = new ArrayList<>();
    String group = "figures-" + instances + "-" + System.nanoTime();
    try {
      long started = System.nanoTime();
      for (int i = 0; i < instances; i++) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registries.add(registry);
        MaintenanceConfig.Builder config =
            CompactionIT.config(folder.toUri(), CompactionIT.NO_S3)
                .interval(Duration.ofHours(1))
                .commitFeed(kafka.bootstrapServers(), Map.of());
        // One instance joins the group too, so that both figures include joining it.
        config.group(group).sessionTimeout(Duration.ofSeconds(10));
        roles.add(MaintenanceRole.start(new Maintainer(config.build()), registry));
      }
      long expected = (long) tables * files;
      await()
          .atMost(Duration.ofMinutes(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> rewritten(registries) >= expected);
      double seconds = (System.nanoTime() - started) / 1e9;
      StringBuilder turns = new StringBuilder();
      for (MaintenanceRole role : roles) {
        turns.append(turns.length() == 0 ? "" : " + ").append(role.tablesMaintained());
      }
      System.out.printf(
          Locale.ROOT,
          "%d instance(s): %d tables compacted (%d files) in %.1f s: %.1f tables/s; turns %s%n",
          instances,
          tables,
          expected,
          seconds,
          tables / seconds,
          turns);
    } finally {
      roles.forEach(MaintenanceRole::close);
    }
  }

  private static double rewritten(List<SimpleMeterRegistry> registries) {
    double sum = 0;
    for (SimpleMeterRegistry registry : registries) {
      sum +=
          registry.find("lakestream.maintenance.files.rewritten").counters().stream()
              .mapToDouble(c -> c.count())
              .sum();
    }
    return sum;
  }
}

package io.lakestream.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.maintenance.internal.GroupOwnership;
import io.lakestream.testkit.EmbeddedKafka;
import io.lakestream.writer.internal.CommitFeed;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code maintain} instances split the tables of one warehouse through the Kafka consumer
 * group over {@code lakestream.commits}: every table is maintained, never by two instances at once,
 * each by the instance assigned its feed partition; the tables of an instance that crashes or stops
 * move to the others.
 */
class MaintenanceGroupIT {
  private static final int TABLES = 30;
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(2);

  @TempDir Path folder;

  private EmbeddedKafka kafka;
  private final List<MaintenanceRole> roles = new ArrayList<>();
  private final Turns turns = new Turns();

  @BeforeEach
  void startKafka() {
    kafka = EmbeddedKafka.builder().brokerProperty("group.min.session.timeout.ms", "1000").start();
  }

  @AfterEach
  void stop() {
    try {
      roles.forEach(MaintenanceRole::close);
    } finally {
      kafka.close();
    }
  }

  @Test
  void instancesSplitTheTablesAndTakeOverTheTablesOfOneThatStops() {
    List<SmallFileTable> tables =
        IntStream.range(0, TABLES)
            .mapToObj(
                i ->
                    new SmallFileTable(
                        folder.toUri(),
                        CompactionIT.NO_S3,
                        CompactionIT.EVENTS,
                        String.format("p%02d", i)))
            .toList();
    tables.forEach(table -> CompactionIT.appendFiles(table, 0, 3));

    // One instance starts alone and takes every table; two more join while it works, so tables
    // move between instances in the middle of turns.
    MaintenanceRole a = start();
    await().atMost(Duration.ofSeconds(60)).until(() -> turns.count() >= 1);
    MaintenanceRole b = start();
    MaintenanceRole c = start();
    awaitEveryTableCompacted(tables);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                roles.stream().allMatch(role -> !role.ownedPartitions().isEmpty())
                    && roles.stream().mapToInt(role -> role.ownedPartitions().size()).sum()
                        == CommitFeed.PARTITIONS);

    // Steady state: each table is maintained by the instance assigned its feed partition only.
    int mark = turns.count();
    appendOneFile(tables, 3);
    awaitEveryTableCompacted(tables);
    Map<String, Set<String>> workedOn = turns.byTableSince(mark);
    for (SmallFileTable table : tables) {
      String key = table.project() + "/events";
      int partition = GroupOwnership.partition(key, CommitFeed.PARTITIONS);
      String owner =
          roles.stream()
              .filter(role -> role.ownedPartitions().contains(partition))
              .findFirst()
              .orElseThrow()
              .memberName()
              .orElseThrow();
      assertThat(workedOn.get(key)).as(key).containsExactly(owner);
    }
    assertThat(workedOn.values().stream().flatMap(Set::stream).collect(Collectors.toSet()))
        .as("every instance maintains some tables")
        .containsExactlyInAnyOrder(name(a), name(b), name(c));

    // C crashes (no leave): after the session timeout its tables move to A and B.
    Set<Integer> ofC = c.ownedPartitions();
    c.halt();
    roles.remove(c);
    mark = turns.count();
    appendOneFile(tables, 4);
    awaitEveryTableCompacted(tables);
    workedOn = turns.byTableSince(mark);
    for (SmallFileTable table : tables) {
      String key = table.project() + "/events";
      assertThat(workedOn.get(key)).as(key).isSubsetOf(name(a), name(b)).isNotEmpty();
    }
    assertThat(a.ownedPartitions().size() + b.ownedPartitions().size())
        .isEqualTo(CommitFeed.PARTITIONS);
    assertThat(ofC).isNotEmpty();

    // B stops (leaves the group): A takes every table.
    b.close();
    roles.remove(b);
    mark = turns.count();
    appendOneFile(tables, 5);
    awaitEveryTableCompacted(tables);
    workedOn = turns.byTableSince(mark);
    for (SmallFileTable table : tables) {
      String key = table.project() + "/events";
      assertThat(workedOn.get(key)).as(key).containsExactly(name(a));
    }

    assertThat(turns.overlaps()).as("two instances on one table at once").isEmpty();
    for (SmallFileTable table : tables) {
      assertThat(table.readIds()).doesNotHaveDuplicates().hasSameElementsAs(table.allIds());
    }
  }

  private MaintenanceRole start() {
    Maintainer maintainer =
        new Maintainer(
            CompactionIT.config(folder.toUri(), CompactionIT.NO_S3)
                .interval(Duration.ofSeconds(1))
                .commitFeed(kafka.bootstrapServers(), Map.of())
                .group(MaintenanceConfig.DEFAULT_GROUP)
                .sessionTimeout(SESSION_TIMEOUT)
                .build());
    MaintenanceRole role = MaintenanceRole.start(maintainer, new SimpleMeterRegistry(), turns);
    roles.add(role);
    return role;
  }

  private static String name(MaintenanceRole role) {
    return role.memberName().orElseThrow();
  }

  private static void appendOneFile(List<SmallFileTable> tables, int flush) {
    tables.forEach(table -> CompactionIT.appendFiles(table, flush, 1));
  }

  private static void awaitEveryTableCompacted(List<SmallFileTable> tables) {
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> tables.stream().allMatch(table -> table.livePaths().size() == 1));
  }

  /** Every turn of every instance, in order; an overlap is two instances in one table's turn. */
  private static final class Turns implements MaintenanceRole.TurnObserver {
    private record Turn(String instance, String table) {}

    private final List<Turn> started = new CopyOnWriteArrayList<>();
    private final Map<String, Set<String>> active = new ConcurrentHashMap<>();
    private final List<String> overlaps = new CopyOnWriteArrayList<>();
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public void turn(String instance, String table, boolean starts) {
      Set<String> on = active.computeIfAbsent(table, t -> ConcurrentHashMap.newKeySet());
      synchronized (on) {
        if (starts) {
          if (!on.isEmpty()) {
            overlaps.add(table + ": " + instance + " started while " + on + " worked on it");
          }
          on.add(instance);
          started.add(new Turn(instance, table));
          count.incrementAndGet();
        } else {
          on.remove(instance);
        }
      }
    }

    int count() {
      return count.get();
    }

    List<String> overlaps() {
      return overlaps;
    }

    Map<String, Set<String>> byTableSince(int mark) {
      Map<String, Set<String>> byTable = new ConcurrentHashMap<>();
      for (Turn turn : started.subList(mark, started.size())) {
        byTable.computeIfAbsent(turn.table(), t -> new HashSet<>()).add(turn.instance());
      }
      return byTable;
    }
  }
}

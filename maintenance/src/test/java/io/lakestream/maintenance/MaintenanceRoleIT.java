package io.lakestream.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduled role: it finds every table, compacts each in turn, and counts what it did. */
class MaintenanceRoleIT {
  @TempDir Path folder;

  @Test
  void compactsEveryTableOnItsScheduleAndCountsTheWork() {
    SmallFileTable acme =
        new SmallFileTable(folder.toUri(), CompactionIT.NO_S3, CompactionIT.EVENTS, "acme");
    SmallFileTable globex =
        new SmallFileTable(folder.toUri(), CompactionIT.NO_S3, CompactionIT.EVENTS, "globex");
    CompactionIT.appendFiles(acme, 0, 20);
    CompactionIT.appendFiles(globex, 0, 10);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    try (MaintenanceRole role =
        MaintenanceRole.start(
            CompactionIT.config(folder.toUri(), CompactionIT.NO_S3)
                .interval(Duration.ofMillis(200))
                .build(),
            registry)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> acme.livePaths().size() == 1 && globex.livePaths().size() == 1);
      // New small files are picked up by a later turn.
      CompactionIT.appendFiles(acme, 20, 5);
      await().atMost(Duration.ofSeconds(60)).until(() -> acme.livePaths().size() == 1);
      // A turn counts its work once it has also vacuumed, just after its commit is visible.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count(registry, "lakestream.maintenance.files.rewritten") >= 20 + 10 + 6);
      assertThat(role.failure()).isEmpty();
    }

    assertThat(acme.readIds()).doesNotHaveDuplicates().hasSameElementsAs(acme.allIds());
    assertThat(globex.readIds()).doesNotHaveDuplicates().hasSameElementsAs(globex.allIds());
    // Each table's first turn merged all its files; later turns merged the new ones (with the
    // compacted file, still below the target) in one turn or more.
    assertThat(count(registry, "lakestream.maintenance.files.rewritten"))
        .isGreaterThanOrEqualTo(20 + 10 + 6);
    assertThat(count(registry, "lakestream.maintenance.rows.rewritten"))
        .isGreaterThanOrEqualTo(40 * (20 + 10 + 25));
    assertThat(count(registry, "lakestream.maintenance.bytes.rewritten")).isPositive();
  }

  @Test
  void aQuietTableIsCheckedNotMaintainedAgainUntilItHasACommit() {
    SmallFileTable quiet =
        new SmallFileTable(folder.toUri(), CompactionIT.NO_S3, CompactionIT.EVENTS, "quiet");
    CompactionIT.appendFiles(quiet, 0, 1); // one file: nothing to compact
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    try (MaintenanceRole role =
        MaintenanceRole.start(
            CompactionIT.config(folder.toUri(), CompactionIT.NO_S3)
                .interval(Duration.ofMillis(100))
                .quietInterval(Duration.ofHours(1))
                .build(),
            registry)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> role.quietTurns() >= 5);
      // One full turn found nothing to do; every later turn only checked for a new commit.
      assertThat(role.tablesMaintained()).isEqualTo(1);

      CompactionIT.appendFiles(quiet, 1, 3); // a commit: the next turn maintains it
      await().atMost(Duration.ofSeconds(60)).until(() -> quiet.livePaths().size() == 1);
      // (a turn counts once it has also vacuumed, just after its commit is visible)
      await().atMost(Duration.ofSeconds(60)).until(() -> role.tablesMaintained() >= 2);
      // After the compaction's own commit a full turn finds nothing to do; then quiet again.
      long checked = role.quietTurns();
      await().atMost(Duration.ofSeconds(60)).until(() -> role.quietTurns() >= checked + 3);
      long maintained = role.tablesMaintained();
      await().atMost(Duration.ofSeconds(60)).until(() -> role.quietTurns() >= checked + 8);
      assertThat(role.tablesMaintained()).isEqualTo(maintained);
      assertThat(role.failure()).isEmpty();
    }
    assertThat(quiet.readIds()).doesNotHaveDuplicates().hasSameElementsAs(quiet.allIds());
  }

  @Test
  void aTableThatIsGoneLeavesNoStateBehind() throws Exception {
    SmallFileTable kept =
        new SmallFileTable(folder.toUri(), CompactionIT.NO_S3, CompactionIT.EVENTS, "kept");
    SmallFileTable purged =
        new SmallFileTable(folder.toUri(), CompactionIT.NO_S3, CompactionIT.EVENTS, "purged");
    CompactionIT.appendFiles(kept, 0, 1);
    CompactionIT.appendFiles(purged, 0, 1);

    try (MaintenanceRole role =
        MaintenanceRole.start(
            CompactionIT.config(folder.toUri(), CompactionIT.NO_S3)
                .interval(Duration.ofMillis(100))
                .build(),
            new SimpleMeterRegistry())) {
      await().atMost(Duration.ofSeconds(60)).until(() -> role.quietTurns() >= 4);
      assertThat(role.tablesTracked()).isEqualTo(2);

      // as DELETE /v1/tables/{name}?purge=true leaves it: the table's folder gone
      try (var files = java.nio.file.Files.walk(folder.resolve("projects").resolve("purged"))) {
        files
            .sorted(java.util.Comparator.reverseOrder())
            .map(Path::toFile)
            .forEach(f -> f.delete());
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> role.tablesTracked() == 1);
      long checked = role.quietTurns();
      await().atMost(Duration.ofSeconds(60)).until(() -> role.quietTurns() >= checked + 3);
      assertThat(role.tablesTracked()).isEqualTo(1);
      assertThat(role.failure()).isEmpty();
    }
  }

  @Test
  void aNewTableWaitsOneIntervalForItsFirstTurn() throws Exception {
    SmallFileTable fresh =
        new SmallFileTable(folder.toUri(), CompactionIT.NO_S3, CompactionIT.EVENTS, "fresh");
    CompactionIT.appendFiles(fresh, 0, 1); // version 0, just now
    SmallFileTable aged =
        new SmallFileTable(folder.toUri(), CompactionIT.NO_S3, CompactionIT.EVENTS, "aged");
    CompactionIT.appendFiles(aged, 0, 1); // version 0, two hours ago
    Files.setLastModifiedTime(
        logEntry(aged, 0), FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    SmallFileTable twice =
        new SmallFileTable(folder.toUri(), CompactionIT.NO_S3, CompactionIT.EVENTS, "twice");
    CompactionIT.appendFiles(twice, 0, 2); // versions 0 and 1, just now

    try (MaintenanceRole role =
        MaintenanceRole.start(
            CompactionIT.config(folder.toUri(), CompactionIT.NO_S3)
                .interval(Duration.ofHours(1))
                .build(),
            new SimpleMeterRegistry())) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> role.deferredTurns() >= 1 && role.tablesMaintained() >= 2);
      // The first planning maintained the table committed twice and the one committed two hours
      // ago; the new table's first turn waits for the next planning, an hour later.
      assertThat(role.deferredTurns()).isEqualTo(1);
      assertThat(role.tablesMaintained()).isEqualTo(2);
      assertThat(role.failure()).isEmpty();
    }
    assertThat(twice.livePaths()).hasSize(1); // its two files compacted
    assertThat(Files.exists(checkpoint(aged))).isTrue(); // its turn checkpointed its log
    assertThat(Files.exists(checkpoint(fresh))).isFalse(); // no turn yet
    assertThat(fresh.readIds()).hasSameElementsAs(fresh.allIds());
  }

  private static java.nio.file.Path logEntry(SmallFileTable table, long version) {
    return java.nio.file.Path.of(
        URI.create(table.path() + "/_delta_log/" + String.format("%020d.json", version)));
  }

  private static java.nio.file.Path checkpoint(SmallFileTable table) {
    return java.nio.file.Path.of(
        URI.create(table.path() + "/_delta_log/00000000000000000000.checkpoint.parquet"));
  }

  private static double count(SimpleMeterRegistry registry, String name) {
    return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }
}

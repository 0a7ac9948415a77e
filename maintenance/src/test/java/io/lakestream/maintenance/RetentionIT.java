package io.lakestream.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableLookup;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention on a local Delta table, read back by Delta Kernel. */
class RetentionIT {
  private static final long DAY_MICROS = 86_400_000_000L;

  @TempDir Path folder;

  @Test
  void expiresExactlyTheRowsOlderThanTheBoundaryIncludingInAStraddlingFile() throws Exception {
    TableDefinition events = CompactionIT.EVENTS.withRetention("test", Duration.ofDays(5));
    Instant now = Instant.parse("2026-12-06T08:00:00Z");
    long boundary = (now.toEpochMilli() - Duration.ofDays(5).toMillis()) * 1000;
    SmallFileTable table = new SmallFileTable(folder.toUri(), CompactionIT.NO_S3, events, "acme");
    for (int flush = 0; flush < 4; flush++) {
      table.append(flush, boundary - (4 - flush) * DAY_MICROS, 40); // wholly older
    }
    table.append(4, boundary - 60, 40); // keys boundary-60 … boundary+57, 3 µs apart
    for (int flush = 5; flush < 8; flush++) {
      table.append(flush, boundary + (flush - 4) * DAY_MICROS / 24, 40); // newer
    }
    long watermark = table.watermark();
    Set<String> kept = new HashSet<>();
    IntStream.range(20, 40).forEach(row -> kept.add("f4-r" + row));
    for (int flush = 5; flush < 8; flush++) {
      int f = flush;
      IntStream.range(0, 40).forEach(row -> kept.add("f" + f + "-r" + row));
    }

    TableReport report =
        new Maintainer(
                MaintenanceConfig.builder()
                    .warehouse(folder.toUri())
                    .tables(TableLookup.of(Map.of(events.name(), events)))
                    .targetFileBytes(1024)
                    .clock(Clock.fixed(now, ZoneOffset.UTC))
                    .build())
            .runOnce()
            .get(0);

    assertThat(report.failed()).as(report.summary()).isFalse();
    assertThat(report.rowsExpired()).isEqualTo(4 * 40 + 20);
    assertThat(report.summary()).contains("rows expired 180");
    assertThat(table.readIds()).doesNotHaveDuplicates().hasSameElementsAs(kept);
    assertThat(table.livePaths()).hasSize(4);
    assertThat(table.watermark()).isEqualTo(watermark);
    CompactionIT.assertFilesSortedByKey(table);

    // A second pass at the same moment finds nothing more to expire.
    TableReport again =
        new Maintainer(
                MaintenanceConfig.builder()
                    .warehouse(folder.toUri())
                    .tables(TableLookup.of(Map.of(events.name(), events)))
                    .targetFileBytes(1024)
                    .clock(Clock.fixed(now, ZoneOffset.UTC))
                    .build())
            .runOnce()
            .get(0);
    assertThat(again.rowsExpired()).isZero();
    assertThat(table.readIds()).hasSameElementsAs(kept);
  }

  @Test
  void aProjectsOwnRetentionAppliesToThatProjectsTableOnly() throws Exception {
    TableDefinition events = CompactionIT.EVENTS.withRetention("test", Duration.ofDays(30));
    Instant now = Instant.parse("2026-12-06T08:00:00Z");
    long nowMicros = now.toEpochMilli() * 1000;
    Map<String, SmallFileTable> tables = new java.util.TreeMap<>();
    for (String project : List.of("acme", "globex", "initech")) {
      SmallFileTable table =
          new SmallFileTable(folder.toUri(), CompactionIT.NO_S3, events, project);
      table.append(0, nowMicros - 40 * DAY_MICROS, 10); // older than the type's 30 days
      table.append(1, nowMicros - 3 * DAY_MICROS, 10); // older than acme's 1 day only
      table.append(2, nowMicros - DAY_MICROS / 24, 10); // an hour ago
      tables.put(project, table);
    }
    // acme keeps 1 day, initech 60 days (longer than the type's), globex the type's 30 days
    ProjectRetention own =
        (project, table) ->
            switch (project) {
              case "acme" -> Optional.of(Duration.ofDays(1));
              case "initech" -> Optional.of(Duration.ofDays(60));
              default -> Optional.empty();
            };

    List<TableReport> reports =
        new Maintainer(
                MaintenanceConfig.builder()
                    .warehouse(folder.toUri())
                    .tables(TableLookup.of(Map.of(events.name(), events)))
                    .projectRetention(own)
                    .targetFileBytes(1024)
                    .clock(Clock.fixed(now, ZoneOffset.UTC))
                    .build())
            .runOnce();

    assertThat(reports).hasSize(3).noneMatch(TableReport::failed);
    Map<String, Long> expired = new java.util.TreeMap<>();
    reports.forEach(report -> expired.put(report.project(), report.rowsExpired()));
    assertThat(expired)
        .containsExactlyInAnyOrderEntriesOf(Map.of("acme", 20L, "globex", 10L, "initech", 0L));
    assertThat(tables.get("acme").readIds()).hasSameElementsAs(ids(2));
    assertThat(tables.get("globex").readIds()).hasSameElementsAs(ids(1, 2));
    assertThat(tables.get("initech").readIds()).hasSameElementsAs(ids(0, 1, 2));
  }

  @Test
  void aProjectsRetentionOnAKeyThatIsNotATimeIsReportedNotApplied() throws Exception {
    TableDefinition counters =
        io.lakestream.schema.TableDefinitions.parse(
            "sequence_events.yaml",
            """
            name: sequence_events
            primary_key: seq
            columns:
              - {name: seq, type: long, nullable: false}
              - {name: event_id, type: string}
              - {name: project_id, type: string, nullable: false}
            """);
    SmallFileTable table = new SmallFileTable(folder.toUri(), CompactionIT.NO_S3, counters, "acme");
    table.append(0, 1, 10);

    TableReport report =
        new Maintainer(
                MaintenanceConfig.builder()
                    .warehouse(folder.toUri())
                    .tables(TableLookup.of(Map.of(counters.name(), counters)))
                    .projectRetention((project, type) -> Optional.of(Duration.ofDays(1)))
                    .build())
            .runOnce()
            .get(0);

    assertThat(report.failed()).isFalse();
    assertThat(report.note())
        .isEqualTo(
            "project retention 1d not applied: the primary key 'seq' is not a timestamp or a"
                + " date");
    assertThat(table.readIds()).hasSameElementsAs(ids(0));
  }

  private static Set<String> ids(int... flushes) {
    Set<String> ids = new HashSet<>();
    for (int flush : flushes) {
      IntStream.range(0, 10).forEach(row -> ids.add("f" + flush + "-r" + row));
    }
    return ids;
  }
}

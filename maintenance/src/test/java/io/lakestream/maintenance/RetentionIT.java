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
import java.util.Map;
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
}

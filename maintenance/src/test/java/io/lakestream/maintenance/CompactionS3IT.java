package io.lakestream.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.storage.S3Settings;
import io.lakestream.testkit.EmbeddedS3Extension;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Compaction and vacuum on an S3 warehouse (S3Proxy), committing through the writer's conditional
 * PUT log store, read back by Delta Kernel through s3a.
 */
class CompactionS3IT {
  @RegisterExtension static EmbeddedS3Extension s3 = new EmbeddedS3Extension();

  private static S3Settings settings() {
    return S3Settings.compatible(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey());
  }

  @Test
  void compactsWhileAWriterAppendsOnS3() throws Exception {
    s3.createBucket("compaction-live");
    URI warehouse = URI.create("s3://compaction-live/lake");
    SmallFileTable table = new SmallFileTable(warehouse, settings(), CompactionIT.EVENTS, "acme");
    CompactionIT.appendFiles(table, 0, 60);
    AtomicBoolean stop = new AtomicBoolean();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    int[] appended = {60};
    Thread writer =
        new Thread(
            () -> {
              try {
                while (!stop.get()) {
                  table.append(appended[0], 100L * appended[0], 40);
                  appended[0]++;
                }
              } catch (Throwable e) {
                failures.add(e);
              }
            });
    TableReport report;
    writer.start();
    try {
      report = new Maintainer(CompactionIT.config(warehouse, settings()).build()).runOnce().get(0);
    } finally {
      stop.set(true);
      writer.join();
    }

    assertThat(failures).isEmpty();
    assertThat(report.failed()).as(report.summary()).isFalse();
    assertThat(report.filesRewritten()).isGreaterThanOrEqualTo(60);
    assertThat(table.readIds()).doesNotHaveDuplicates().hasSameElementsAs(table.allIds());
    assertThat(table.livePaths().size()).isLessThan(appended[0] - 50);
    assertThat(table.watermark()).isEqualTo(appended[0] - 1);
    CompactionIT.assertFilesSortedByKey(table);
  }

  @Test
  void aCrashBeforeTheCommitLeavesTheTableUnchangedAndVacuumDeletesTheOrphansOnS3() {
    s3.createBucket("compaction-crash");
    URI warehouse = URI.create("s3://compaction-crash/lake");
    SmallFileTable table = new SmallFileTable(warehouse, settings(), CompactionIT.EVENTS, "acme");
    CompactionIT.appendFiles(table, 0, 20);
    long version = table.version();
    Set<String> live = table.livePaths();

    assertThatThrownBy(
            () ->
                new Maintainer(
                        CompactionIT.config(warehouse, settings()).build(),
                        (project, name, files) -> {
                          throw new CompactionIT.Crash();
                        })
                    .runOnce())
        .isInstanceOf(CompactionIT.Crash.class);

    assertThat(table.version()).isEqualTo(version);
    assertThat(table.livePaths()).isEqualTo(live);
    assertThat(table.readIds()).doesNotHaveDuplicates().hasSameElementsAs(table.allIds());

    Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC);
    TableReport vacuumed =
        new Maintainer(
                CompactionIT.config(warehouse, settings())
                    .targetFileBytes(1024)
                    .clock(later)
                    .build())
            .runOnce()
            .get(0);

    assertThat(vacuumed.filesDeleted()).isEqualTo(1);
    assertThat(table.livePaths()).isEqualTo(live);
    assertThat(table.readIds()).doesNotHaveDuplicates().hasSameElementsAs(table.allIds());
  }
}

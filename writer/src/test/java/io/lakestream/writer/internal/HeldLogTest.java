package io.lakestream.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.storage.S3Settings;
import io.lakestream.writer.internal.DeltaTables.SourceRange;
import io.lakestream.writer.internal.StandaloneDeltaTables.HeldLog;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the writer holds of a table's log between appends, and how long it trusts it. */
class HeldLogTest {
  private static final Warehouse WAREHOUSE =
      Warehouse.of(URI.create("file:///tmp/held-log-test"), S3Settings.aws());

  @Test
  void anAppendMovesTheVersionAndTheTxnVersionsOfItsRoutesAndTheirSourcesOnly() {
    HeldLog held = new HeldLog(4, Map.of("src-0@0", 9L, "src-0", 9L, "src-1@0", 3L), 10, 1_000);

    Map<String, Long> written =
        held.toWrite(Map.of("src-0@0", new SourceRange(10, 14), "src-2@1", new SourceRange(0, 2)));
    HeldLog after = held.after(5, written, 2_000);

    assertThat(written).isEqualTo(Map.of("src-0@0", 14L, "src-0", 14L, "src-2@1", 2L, "src-2", 2L));
    assertThat(after.version()).isEqualTo(5);
    assertThat(after.txnVersions())
        .isEqualTo(Map.of("src-0@0", 14L, "src-0", 14L, "src-1@0", 3L, "src-2@1", 2L, "src-2", 2L));
    assertThat(after.txnVersion("src-3@0")).isEqualTo(-1);
    assertThat(after.checkpointInterval()).isEqualTo(10);
    assertThat(after.confirmedAtMillis()).isEqualTo(2_000);
    assertThat(held.txnVersion("src-0@0")).as("the held log before is unchanged").isEqualTo(9);
  }

  @Test
  void isTrustedForHalfTheLogRetentionAndAtMostAnHour() {
    assertThat(new StandaloneDeltaTables(WAREHOUSE, 10, Duration.ofDays(7)).maxHeldAgeMillis())
        .isEqualTo(Duration.ofHours(1).toMillis());
    assertThat(new StandaloneDeltaTables(WAREHOUSE, 10, Duration.ofMinutes(40)).maxHeldAgeMillis())
        .isEqualTo(Duration.ofMinutes(20).toMillis());
  }

  @Test
  void readsTheCheckpointIntervalOfATableOrDeltasDefault() {
    assertThat(StandaloneDeltaTables.checkpointInterval(Map.of("delta.checkpointInterval", "3")))
        .isEqualTo(3);
    assertThat(StandaloneDeltaTables.checkpointInterval(Map.of())).isEqualTo(10);
    assertThat(StandaloneDeltaTables.checkpointInterval(Map.of("delta.checkpointInterval", "x")))
        .isEqualTo(10);
    assertThat(StandaloneDeltaTables.checkpointInterval(Map.of("delta.checkpointInterval", "0")))
        .isEqualTo(10);
  }
}

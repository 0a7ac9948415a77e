package io.lakestream.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.writer.internal.DeltaTables.SourceRange;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which rows of a route a table holds, by its txn versions per route and per source partition. */
class WatermarksTest {
  @Test
  void aRouteIsCoveredByItsOwnWatermarkOnly() {
    // Partitions were added to the routed topic: source partition 3's newer rows came through
    // routed partition 7 and were committed first; its older rows, through 2, are not written.
    Map<String, Long> txns = Map.of("logs-3@2", 100L, "logs-3@7", 250L, "logs-3", 250L);

    assertThat(Watermarks.written(txns, "logs-3@2")).isEqualTo(100);
    assertThat(Watermarks.written(txns, "logs-3@7")).isEqualTo(250);
  }

  @Test
  void aRouteNotYetCommittedHoldsNothingWhenAnotherRouteOfItsSourceIs() {
    Map<String, Long> txns = Map.of("logs-3@7", 250L, "logs-3", 250L);

    assertThat(Watermarks.written(txns, "logs-3@2"))
        .as("the older rows of a new table, still on their way through the old routed partition")
        .isEqualTo(-1);
    assertThat(Watermarks.written(txns, "logs-4@2")).isEqualTo(-1);
  }

  @Test
  void aTableWrittenBeforeRoutesWereKeptCoversEveryRouteByItsSourceWatermark() {
    Map<String, Long> txns = Map.of("logs-3", 80L, "logs-4", 5L);

    assertThat(Watermarks.written(txns, "logs-3@2")).isEqualTo(80);
    assertThat(Watermarks.written(txns, "logs-3@7")).isEqualTo(80);
    assertThat(Watermarks.written(txns, "logs-5@2")).isEqualTo(-1);
  }

  @Test
  void aCommitWritesItsRoutesAndMovesTheirSourcesToTheHighestOffsetOfAnyRoute() {
    Map<String, Long> table = Map.of("logs-3@7", 250L, "logs-3", 250L, "logs-4", 9L);

    Map<String, Long> written =
        Watermarks.toWrite(
            Map.of("logs-3@2", new SourceRange(90, 100), "logs-4@2", new SourceRange(10, 12)),
            appId -> table.getOrDefault(appId, -1L));

    assertThat(written)
        .as("a source partition's own watermark never moves back")
        .isEqualTo(Map.of("logs-3@2", 100L, "logs-3", 250L, "logs-4@2", 12L, "logs-4", 12L));
  }

  @Test
  void theFeedAnnouncesTheHighestRouteOfEachSourcePartition() {
    assertThat(Watermarks.ofSources(Map.of("logs-3@2", 100L, "logs-3@7", 250L, "logs-4@2", -1L)))
        .isEqualTo(Map.of("logs-3", 250L));
  }
}

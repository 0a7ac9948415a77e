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
    Map<String, Long> table = Map.of("logs-3@7", 250L, "logs-3", 250L);

    Map<String, Long> written =
        Watermarks.toWrite(
            Map.of("logs-3@2", new SourceRange(90, 100), "logs-5@2", new SourceRange(10, 12)),
            table);

    assertThat(written)
        .as("a source partition's own watermark never moves back")
        .isEqualTo(Map.of("logs-3@2", 100L, "logs-3", 250L, "logs-5@2", 12L, "logs-5", 12L));
  }

  @Test
  void theFirstRouteOfATableWrittenBeforeRoutesKeepsTheEarlierWatermarkForEveryOtherRoute() {
    // An earlier writer wrote source offsets up to 100 through some routed partition; a new writer
    // commits through routed partition 5 after the topic grew.
    Map<String, Long> table = Map.of("logs-3", 100L);

    Map<String, Long> written =
        Watermarks.toWrite(Map.of("logs-3@5", new SourceRange(150, 160)), table);

    assertThat(written).isEqualTo(Map.of("logs-3@5", 160L, "logs-3@base", 100L, "logs-3", 160L));
    Map<String, Long> after = new java.util.HashMap<>(table);
    after.putAll(written);
    assertThat(Watermarks.written(after, "logs-3@0"))
        .as("the earlier writer's rows redelivered through its routed partition")
        .isEqualTo(100);
    assertThat(Watermarks.toWrite(Map.of("logs-3@0", new SourceRange(101, 120)), after))
        .as("the baseline is written once")
        .doesNotContainKey("logs-3@base");
  }

  @Test
  void theFeedAnnouncesTheHighestRouteOfEachSourcePartition() {
    assertThat(Watermarks.ofSources(Map.of("logs-3@2", 100L, "logs-3@7", 250L, "logs-4@2", -1L)))
        .isEqualTo(Map.of("logs-3", 250L));
  }
}

package io.lakestream.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.schema.SourceCoordinates;
import io.lakestream.schema.TableDefinitions;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TableBufferTest {
  private static final TopicPartition P0 = new TopicPartition("lakestream.rows.events", 0);
  private static final TopicPartition P1 = new TopicPartition("lakestream.rows.events", 1);

  private static BufferedRow row(TopicPartition partition, long offset, long sourceOffset) {
    return row(
        partition, offset, sourceOffset, SourceCoordinates.UNKNOWN, SourceCoordinates.UNKNOWN);
  }

  /** Row {@code index} of source record src-0@{@code sourceOffset}, which has {@code count}. */
  private static BufferedRow row(
      TopicPartition partition, long offset, long sourceOffset, int index, int count) {
    SourceCoordinates source = SourceCoordinates.of("src", 0, sourceOffset).row(index, count);
    return new BufferedRow(
        new byte[100], offset, new RowSource(source, "src-0"), partition, offset, offset);
  }

  private static TableBuffer buffer() {
    return new TableBuffer(new TableKey("acme", "events"), TableDefinitions.builtIn("events"));
  }

  @Test
  void countsRowsAndBytesAndKnowsTheFirstOffsetPerPartition() {
    TableBuffer buffer = buffer();
    buffer.add(row(P0, 5, 100));
    buffer.add(row(P1, 2, 100));
    buffer.add(row(P0, 6, 101));

    assertThat(buffer.rowCount()).isEqualTo(3);
    assertThat(buffer.bytes()).isEqualTo(3 * (100 + BufferedRow.OVERHEAD_BYTES));
    assertThat(buffer.firstOffset(P0)).hasValue(5);
    assertThat(buffer.firstOffset(P1)).hasValue(2);
  }

  @Test
  void removingCommittedRowsMovesTheFirstOffsetAndKeepsTheRest() {
    TableBuffer buffer = buffer();
    BufferedRow a = row(P0, 5, 100);
    BufferedRow b = row(P0, 6, 101);
    BufferedRow c = row(P0, 7, 101);
    List.of(a, b, c).forEach(buffer::add);

    List<BufferedRow> complete = buffer.rows(r -> r.sourceOffset() < 101);
    buffer.remove(complete);

    assertThat(complete).containsExactly(a);
    assertThat(buffer.rows(r -> true)).containsExactly(b, c);
    assertThat(buffer.firstOffset(P0)).hasValue(6);
    assertThat(buffer.bytes()).isEqualTo(2 * (100 + BufferedRow.OVERHEAD_BYTES));
  }

  @Test
  void isDueByRowsBytesOrAge() {
    TableBuffer buffer = buffer();
    assertThat(buffer.isDue(1, 1, 1, 0)).isFalse();
    buffer.add(row(P0, 1, 1)); // arrived at nanos 1
    assertThat(buffer.isDue(2, 1_000, 100, 50)).isFalse();
    assertThat(buffer.isDue(1, 1_000, 100, 50)).isTrue();
    assertThat(buffer.isDue(2, 100, 100, 50)).isTrue();
    assertThat(buffer.isDue(2, 1_000, 100, 101)).isTrue();
  }

  @Test
  void dropsTheRowsOfRevokedPartitions() {
    TableBuffer buffer = buffer();
    buffer.add(row(P0, 1, 1));
    buffer.add(row(P1, 1, 1));

    buffer.removePartitions(Set.of(P0));

    assertThat(buffer.partitions()).containsExactly(P1);
    assertThat(buffer.rowCount()).isEqualTo(1);
  }

  @Test
  void aCountedRecordIsCompleteOnlyWhenEveryOneOfItsRowsIsHeld() {
    TableBuffer buffer = buffer();
    BufferedRow first = row(P0, 0, 10, 0, 3);
    BufferedRow third = row(P0, 1, 10, 5, 3); // indexes count every row of the record
    buffer.add(first);
    buffer.add(third);
    assertThat(buffer.completeRows(r -> true))
        .as("2 of 3 rows, whatever the older rule says")
        .isEmpty();

    BufferedRow second = row(P0, 7, 10, 2, 3);
    buffer.add(second);
    assertThat(buffer.completeRows(r -> false)).containsExactly(first, third, second);
  }

  @Test
  void aRowRepeatingOneAlreadyHeldIsNotAdded() {
    TableBuffer buffer = buffer();
    assertThat(buffer.add(row(P0, 0, 10, 0, 2))).isTrue();
    assertThat(buffer.add(row(P0, 1, 10, 0, 2))).as("same record, same index").isFalse();
    assertThat(buffer.rowCount()).isEqualTo(1);
    assertThat(buffer.completeRows(r -> true)).isEmpty();

    assertThat(buffer.add(row(P0, 2, 10, 1, 2))).isTrue();
    assertThat(buffer.completeRows(r -> true)).hasSize(2);
  }

  @Test
  void copiesOfARecordThroughTwoRoutedPartitionsAreTwoRecords() {
    // The routed topic grew: a replay routed the record through 1, the live router through 0. Each
    // copy is written or dropped by its own route's watermark, so neither may shadow the other.
    TableBuffer buffer = buffer();
    assertThat(buffer.add(row(P1, 0, 10, 0, 1))).isTrue();
    assertThat(buffer.add(row(P0, 7, 10, 0, 1))).as("the same row through another route").isTrue();

    assertThat(buffer.completeRows(r -> true)).hasSize(2);
  }

  @Test
  void noRowPassesAnIncompleteEarlierRecordOfItsSourcePartition() {
    TableBuffer buffer = buffer();
    BufferedRow earlier = row(P0, 0, 10, 0, 2); // its second row is still to come
    BufferedRow later = row(P0, 1, 11, 0, 1);
    BufferedRow otherPartition =
        new BufferedRow(
            new byte[1],
            5,
            new RowSource(SourceCoordinates.of("src", 1, 99).row(0, 1), "src-1"),
            P0,
            2,
            2);
    buffer.add(earlier);
    buffer.add(later);
    buffer.add(otherPartition);

    assertThat(buffer.completeRows(r -> true)).containsExactly(otherPartition);

    buffer.add(row(P0, 3, 10, 1, 2));
    assertThat(buffer.completeRows(r -> true)).hasSize(4);
  }

  @Test
  void rowsWithoutACountFollowTheOlderRule() {
    TableBuffer buffer = buffer();
    BufferedRow a = row(P0, 0, 10, 0, SourceCoordinates.UNKNOWN);
    BufferedRow b = row(P0, 1, 11, 0, SourceCoordinates.UNKNOWN);
    buffer.add(a);
    buffer.add(b);

    assertThat(buffer.completeRows(r -> r.sourceOffset() < 11)).containsExactly(a);
  }

  @Test
  void aRowWithACountButNoIndexFollowsTheOlderRule() {
    TableBuffer buffer = buffer();
    BufferedRow row = row(P0, 0, 10, SourceCoordinates.UNKNOWN, 3);
    buffer.add(row);

    assertThat(buffer.completeRows(r -> true)).containsExactly(row);
    assertThat(buffer.completeRows(r -> false)).isEmpty();
    assertThat(buffer.incompleteRowsArrivedBefore(Long.MAX_VALUE)).isEmpty();
  }

  @Test
  void findsTheRowsOfRecordsStillIncompleteAfterATime() {
    TableBuffer buffer = buffer();
    BufferedRow old = row(P0, 1, 10, 0, 2); // arrived at nanos 1
    BufferedRow young = row(P0, 50, 11, 0, 2); // arrived at nanos 50
    BufferedRow whole = row(P0, 2, 9, 0, 1);
    List.of(old, young, whole).forEach(buffer::add);

    assertThat(buffer.incompleteRowsArrivedBefore(40)).containsExactly(old);
    assertThat(buffer.incompleteRowsArrivedBefore(1)).isEmpty();
  }

  @Test
  void handsOverTheRowsOfIncompleteRecordsToCheckAtMostOncePerInterval() {
    TableBuffer buffer = buffer();
    BufferedRow first = row(P0, 1, 10, 1, 3);
    BufferedRow second = row(P0, 2, 10, 2, 3);
    BufferedRow whole = row(P0, 3, 11, 0, 1);
    List.of(first, second, whole).forEach(buffer::add);

    assertThat(buffer.incompleteRowsToCheck(1_000, 100)).containsExactly(first, second);
    assertThat(buffer.incompleteRowsToCheck(1_050, 100)).as("within the interval").isEmpty();
    assertThat(buffer.incompleteRowsToCheck(1_100, 100)).containsExactly(first, second);

    buffer.remove(List.of(first, second));
    assertThat(buffer.incompleteRowsToCheck(2_000, 100)).isEmpty();
    assertThat(buffer.completeRows(row -> false)).containsExactly(whole);
  }
}

package io.lakestream.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.schema.TableDefinitions;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TableBufferTest {
  private static final TopicPartition P0 = new TopicPartition("lakestream.rows.events", 0);
  private static final TopicPartition P1 = new TopicPartition("lakestream.rows.events", 1);

  private static BufferedRow row(TopicPartition partition, long offset, long sourceOffset) {
    return new BufferedRow(
        new byte[100], offset, "src-0", sourceOffset, 0, partition, offset, offset);
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
}

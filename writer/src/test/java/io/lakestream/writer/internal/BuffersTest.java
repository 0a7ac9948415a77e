package io.lakestream.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.schema.SourceCoordinates;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BuffersTest {
  private static final TopicPartition P0 = new TopicPartition("lakestream.rows.events", 0);
  private static final TopicPartition P1 = new TopicPartition("lakestream.rows.events", 1);
  private static final TableDefinition EVENTS = TableDefinitions.builtIn("events");
  private static final TableKey ACME = new TableKey("acme", "events");
  private static final TableKey GLOBEX = new TableKey("globex", "events");
  private static final long ROW_BYTES = 100 + BufferedRow.OVERHEAD_BYTES;

  /** The only row of source record src-0@{@code offset}, read at routed {@code offset}. */
  private static BufferedRow row(TopicPartition partition, long offset) {
    SourceCoordinates source = SourceCoordinates.of("src", 0, offset).row(0, 1);
    return new BufferedRow(
        new byte[100], offset, new RowSource(source, "src-0"), partition, offset, offset);
  }

  @Test
  void countsTheBytesAndRowsOfEveryTableTogether() {
    Buffers buffers = new Buffers();
    buffers.add(ACME, EVENTS, row(P0, 1));
    buffers.add(GLOBEX, EVENTS, row(P0, 2));
    boolean repeated = buffers.add(ACME, EVENTS, row(P0, 1));

    assertThat(repeated).as("the same row of the same record again").isFalse();
    assertThat(buffers.rows()).isEqualTo(2);
    assertThat(buffers.bytes()).isEqualTo(2 * ROW_BYTES);
    assertThat(buffers.tables()).containsExactly(ACME, GLOBEX);
  }

  @Test
  void theFirstOffsetOfAPartitionIsTheLowestOfAnyTableAndMovesWhenItsRowsLeave() {
    Buffers buffers = new Buffers();
    BufferedRow acmeRow = row(P0, 3);
    buffers.add(GLOBEX, EVENTS, row(P0, 5));
    buffers.add(ACME, EVENTS, acmeRow);
    buffers.add(ACME, EVENTS, row(P1, 9));

    assertThat(buffers.firstOffset(P0)).hasValue(3);

    buffers.remove(buffers.get(ACME), List.of(acmeRow));

    assertThat(buffers.firstOffset(P0)).hasValue(5);
    assertThat(buffers.firstOffset(P1)).hasValue(9);
    assertThat(buffers.bytes()).isEqualTo(2 * ROW_BYTES);
  }

  @Test
  void aBufferThatEmptiesIsGone() {
    Buffers buffers = new Buffers();
    BufferedRow only = row(P0, 1);
    buffers.add(ACME, EVENTS, only);

    buffers.remove(buffers.get(ACME), List.of(only));

    assertThat(buffers.isEmpty()).isTrue();
    assertThat(buffers.get(ACME)).isNull();
    assertThat(buffers.firstOffset(P0)).isEmpty();
    assertThat(buffers.bytes()).isZero();
    assertThat(buffers.rows()).isZero();
  }

  @Test
  void droppingAPartitionDropsItsRowsInEveryTableAndNamesTheTablesItEmptied() {
    Buffers buffers = new Buffers();
    buffers.add(ACME, EVENTS, row(P0, 1));
    buffers.add(GLOBEX, EVENTS, row(P0, 2));
    buffers.add(GLOBEX, EVENTS, row(P1, 3));

    List<TableKey> emptied = buffers.dropPartitions(Set.of(P0));

    assertThat(emptied).containsExactly(ACME);
    assertThat(buffers.rows()).isEqualTo(1);
    assertThat(buffers.bytes()).isEqualTo(ROW_BYTES);
    assertThat(buffers.firstOffset(P0)).isEmpty();
  }

  /**
   * A flush's outcome can arrive after its rows' partition was dropped and new rows of the table
   * were read (after a rewind): it takes nothing from the new buffer and the totals stay exact.
   */
  @Test
  void anOutcomeForABufferNoLongerHeldLeavesTheTotalsAlone() {
    Buffers buffers = new Buffers();
    BufferedRow flushed = row(P0, 1);
    buffers.add(ACME, EVENTS, flushed);
    TableBuffer old = buffers.get(ACME);
    buffers.dropPartitions(Set.of(P0));
    buffers.add(ACME, EVENTS, row(P0, 1)); // read again

    buffers.remove(old, List.of(flushed));

    assertThat(buffers.rows()).isEqualTo(1);
    assertThat(buffers.bytes()).isEqualTo(ROW_BYTES);
    assertThat(buffers.firstOffset(P0)).hasValue(1);
  }

  @Test
  void largestFirstOrdersByBytes() {
    Buffers buffers = new Buffers();
    buffers.add(ACME, EVENTS, row(P0, 1));
    buffers.add(GLOBEX, EVENTS, row(P0, 2));
    buffers.add(GLOBEX, EVENTS, row(P0, 3));

    assertThat(buffers.largestFirst()).extracting(TableBuffer::key).containsExactly(GLOBEX, ACME);
  }
}

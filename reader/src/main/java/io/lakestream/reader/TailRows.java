package io.lakestream.reader;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The live tail of a table: rows read from its routed-rows topic that no Delta commit of the
 * snapshot holds yet, in key order (rows of one key in the order they were read). Immutable; a
 * {@link TableSnapshot} carries the tail that goes with its files, so that a read sees each row
 * once, either in a file or here.
 *
 * <p>Each row carries its source partition ({@code <topic>-<partition>}, the writer's Delta txn
 * appId) and source offset: {@link #without} drops the rows a commit's txn watermarks cover.
 */
public final class TailRows {
  private static final TailRows EMPTY = new TailRows(new Row[0], 0);

  private final Row[] rows;
  private final long bytes;

  private TailRows(Row[] sortedRows, long bytes) {
    this.rows = sortedRows;
    this.bytes = bytes;
  }

  /** No rows. */
  public static TailRows empty() {
    return EMPTY;
  }

  /**
   * One row of the tail.
   *
   * @param key the encoded key ({@link Keys#encode})
   * @param values every column of the table, in the table's order, as a {@link RowSink} takes them
   * @param source the source partition, {@code <topic>-<partition>}
   * @param sourceOffset the source record's offset
   * @param sourceIndex the row's index among its source record's rows (0 when it has one)
   * @param routedPartition the partition of the routed-rows topic it was read from
   * @param timestampMillis when the row was produced to its routed-rows topic
   * @param sizeBytes its size as read (the Kafka value), for the memory bound
   */
  public record Row(
      long key,
      Object[] values,
      String source,
      long sourceOffset,
      int sourceIndex,
      int routedPartition,
      long timestampMillis,
      long sizeBytes) {
    public Row {
      requireNonNull(values, "values is null");
      requireNonNull(source, "source is null");
    }

    /**
     * Whether {@code other} is this row routed again: the same row of the same source record,
     * through the same routed partition (e.g. by a replay beside the live router).
     */
    boolean repeats(Row other) {
      return key == other.key
          && sourceOffset == other.sourceOffset
          && sourceIndex == other.sourceIndex
          && routedPartition == other.routedPartition
          && source.equals(other.source);
    }
  }

  /**
   * This tail with {@code added} merged in key order (after the rows of equal keys held). A row
   * that repeats one held or added before it ({@link Row#repeats}) is left out, as the writer
   * leaves it out of its buffer: a replay of records not yet in Delta is served once, not twice
   * until the writer's commit.
   */
  public TailRows with(Collection<Row> added) {
    if (added.isEmpty()) {
      return this;
    }
    Row[] sorted = added.toArray(new Row[0]);
    Arrays.sort(sorted, (a, b) -> Long.compare(a.key(), b.key())); // stable
    Row[] extra = new Row[sorted.length];
    int count = 0;
    for (Row row : sorted) {
      if (!holds(row) && !repeatsAnEarlier(row, extra, count)) {
        extra[count++] = row;
      }
    }
    if (count == 0) {
      return this;
    }
    extra = Arrays.copyOf(extra, count);
    Row[] merged = new Row[rows.length + extra.length];
    int i = 0;
    int j = 0;
    int n = 0;
    long size = bytes;
    while (i < rows.length || j < extra.length) {
      if (j == extra.length || (i < rows.length && rows[i].key() <= extra[j].key())) {
        merged[n++] = rows[i++];
      } else {
        size += extra[j].sizeBytes();
        merged[n++] = extra[j++];
      }
    }
    return new TailRows(merged, size);
  }

  /**
   * This tail without the rows that {@code watermarks} cover (source partition → highest source
   * offset committed to Delta): what stays once a commit with those watermarks is served.
   */
  public TailRows without(Map<String, Long> watermarks) {
    if (rows.length == 0 || watermarks.isEmpty()) {
      return this;
    }
    List<Row> kept = new ArrayList<>(rows.length);
    long size = 0;
    for (Row row : rows) {
      if (!covered(row, watermarks)) {
        kept.add(row);
        size += row.sizeBytes();
      }
    }
    return kept.size() == rows.length ? this : new TailRows(kept.toArray(new Row[0]), size);
  }

  /** Whether a row held repeats {@code row}: rows of its key are next to each other. */
  private boolean holds(Row row) {
    for (int i = firstAtLeast(row.key()); i < rows.length && rows[i].key() == row.key(); i++) {
      if (rows[i].repeats(row)) {
        return true;
      }
    }
    return false;
  }

  /** Whether one of the first {@code count} of {@code kept} (in key order) repeats {@code row}. */
  private static boolean repeatsAnEarlier(Row row, Row[] kept, int count) {
    for (int i = count - 1; i >= 0 && kept[i].key() == row.key(); i--) {
      if (kept[i].repeats(row)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code watermarks} say that {@code row} is in Delta. */
  public static boolean covered(Row row, Map<String, Long> watermarks) {
    Long committed = watermarks.get(row.source());
    return committed != null && row.sourceOffset() <= committed;
  }

  /** Rows held. */
  public int size() {
    return rows.length;
  }

  /** The rows' sizes as read, summed. */
  public long bytes() {
    return bytes;
  }

  /** Row {@code i} in key order. */
  public Row row(int i) {
    return rows[i];
  }

  /** The first row whose key is at least {@code key} (size() when none). */
  public int firstAtLeast(long key) {
    int lo = 0;
    int hi = rows.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (rows[mid].key() < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The oldest row's timestamp, or 0 when empty. */
  public long oldestTimestampMillis() {
    long oldest = Long.MAX_VALUE;
    for (Row row : rows) {
      oldest = Math.min(oldest, row.timestampMillis());
    }
    return rows.length == 0 ? 0 : oldest;
  }
}

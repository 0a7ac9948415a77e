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
   * @param timestampMillis when the row was produced to its routed-rows topic
   * @param sizeBytes its size as read (the Kafka value), for the memory bound
   */
  public record Row(
      long key,
      Object[] values,
      String source,
      long sourceOffset,
      long timestampMillis,
      long sizeBytes) {
    public Row {
      requireNonNull(values, "values is null");
      requireNonNull(source, "source is null");
    }
  }

  /** This tail with {@code added} merged in key order (after the rows of equal keys held). */
  public TailRows with(Collection<Row> added) {
    if (added.isEmpty()) {
      return this;
    }
    Row[] extra = added.toArray(new Row[0]);
    Arrays.sort(extra, (a, b) -> Long.compare(a.key(), b.key())); // stable
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

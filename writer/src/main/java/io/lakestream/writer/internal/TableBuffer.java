package io.lakestream.writer.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.TableDefinition;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * The rows of one (project, table) waiting to be written, in arrival order, and which of them are
 * complete: written together with every other row of their source record.
 *
 * <p>A row that carries its record's row count ({@code lakestream.source.count}, for this table) is
 * complete when the buffer holds that many distinct rows of the record: this follows from the data
 * alone, whatever order several producers' transactions were read in. A row without a count (routed
 * before the header existed) is complete when the writer loop's older rule says so. A row is taken
 * into a flush only when it is complete and no incomplete row of an earlier record of its route
 * (source partition and routed partition, {@link Watermarks}) waits, so a watermark never passes a
 * record that is still arriving. A row that repeats one already buffered through the same routed
 * partition (same source record and index, e.g. a replay beside the live router) is not added;
 * copies through two routed partitions (a replay after the routed topic grew) are two records, each
 * written or dropped by its own route's watermark.
 *
 * <p>Not thread-safe: the writer loop owns it.
 */
public final class TableBuffer {
  private final TableKey key;
  private final TableDefinition definition;
  private List<BufferedRow> rows = new ArrayList<>();
  private long bytes;
  private final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
  private final Map<RecordId, HeldRows> records = new HashMap<>();
  private long incompleteCheckedNanos = System.nanoTime() - Long.MAX_VALUE / 2;

  public TableBuffer(TableKey key, TableDefinition definition) {
    this.key = requireNonNull(key, "key is null");
    this.definition = requireNonNull(definition, "definition is null");
  }

  public TableKey key() {
    return key;
  }

  public TableDefinition definition() {
    return definition;
  }

  /**
   * Adds a row.
   *
   * @return false, and the row is not added, when a row of the same source record and index is
   *     buffered already
   */
  public boolean add(BufferedRow row) {
    if (!hold(row)) {
      return false;
    }
    rows.add(row);
    bytes += row.sizeBytes();
    firstOffsets.putIfAbsent(row.partition(), row.offset());
    return true;
  }

  private boolean hold(BufferedRow row) {
    if (row.sourceIndex() < 0) {
      return true; // no index: nothing to tell a repeat by
    }
    return records
        .computeIfAbsent(
            new RecordId(row.watermarkId(), row.sourceOffset()),
            id -> new HeldRows(row.source().count(), row.arrivalNanos()))
        .add(row.sourceIndex());
  }

  /**
   * The rows to flush now, in arrival order (they stay buffered): complete rows of records before
   * the first incomplete record of their source partition.
   *
   * @param legacyComplete whether a row without a row count is complete
   */
  public List<BufferedRow> completeRows(Predicate<BufferedRow> legacyComplete) {
    boolean[] complete = new boolean[rows.size()];
    Map<String, Long> firstIncomplete = new HashMap<>();
    for (int i = 0; i < complete.length; i++) {
      BufferedRow row = rows.get(i);
      complete[i] = isComplete(row, legacyComplete);
      if (!complete[i]) {
        firstIncomplete.merge(row.watermarkId(), row.sourceOffset(), Math::min);
      }
    }
    List<BufferedRow> selected = new ArrayList<>();
    for (int i = 0; i < complete.length; i++) {
      BufferedRow row = rows.get(i);
      Long limit = firstIncomplete.get(row.watermarkId());
      if (complete[i] && (limit == null || row.sourceOffset() < limit)) {
        selected.add(row);
      }
    }
    return selected;
  }

  private boolean isComplete(BufferedRow row, Predicate<BufferedRow> legacyComplete) {
    if (!row.isCounted()) {
      return legacyComplete.test(row);
    }
    HeldRows held = records.get(new RecordId(row.watermarkId(), row.sourceOffset()));
    return held != null && held.isComplete();
  }

  /**
   * Rows of records that are still incomplete although their first row arrived before {@code
   * arrivedBeforeNanos}: rows that will never all arrive (a producer sent part of a record), or
   * have not within the time an open transaction can last.
   */
  public List<BufferedRow> incompleteRowsArrivedBefore(long arrivedBeforeNanos) {
    // One entry per source record, not per row: the common case (nothing expired) reads no row.
    Set<RecordId> expired = new HashSet<>();
    records.forEach(
        (id, held) -> {
          if (held.count > 0
              && !held.isComplete()
              && held.firstArrivalNanos - arrivedBeforeNanos < 0) {
            expired.add(id);
          }
        });
    if (expired.isEmpty()) {
      return List.of();
    }
    List<BufferedRow> selected = new ArrayList<>();
    for (BufferedRow row : rows) {
      if (row.isCounted()
          && expired.contains(new RecordId(row.watermarkId(), row.sourceOffset()))) {
        selected.add(row);
      }
    }
    return selected;
  }

  /**
   * The rows of records still incomplete, at most once per {@code intervalNanos} (else none), for a
   * flush to check against the table's watermarks ({@link TableFlusher#inTable}).
   */
  public List<BufferedRow> incompleteRowsToCheck(long nowNanos, long intervalNanos) {
    if (nowNanos - incompleteCheckedNanos < intervalNanos) {
      return List.of();
    }
    List<BufferedRow> incomplete = incompleteRowsArrivedBefore(nowNanos + 1);
    if (!incomplete.isEmpty()) {
      incompleteCheckedNanos = nowNanos;
    }
    return incomplete;
  }

  public int rowCount() {
    return rows.size();
  }

  public long bytes() {
    return bytes;
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  /** Whether the buffer reached a flush threshold at {@code nowNanos}. */
  public boolean isDue(long flushRows, long flushBytes, long flushAgeNanos, long nowNanos) {
    if (rows.isEmpty()) {
      return false;
    }
    return rows.size() >= flushRows
        || bytes >= flushBytes
        || nowNanos - rows.get(0).arrivalNanos() >= flushAgeNanos;
  }

  /** The rows that {@code complete} accepts, in arrival order; they stay buffered. */
  public List<BufferedRow> rows(Predicate<BufferedRow> complete) {
    List<BufferedRow> selected = new ArrayList<>();
    for (BufferedRow row : rows) {
      if (complete.test(row)) {
        selected.add(row);
      }
    }
    return selected;
  }

  /** Removes these rows (by identity), e.g. once they are committed. */
  public void remove(List<BufferedRow> removed) {
    if (removed.isEmpty()) {
      return;
    }
    Set<BufferedRow> gone = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    gone.addAll(removed);
    retain(row -> !gone.contains(row));
  }

  /** Drops every row read from one of these routed partitions (they were revoked or lost). */
  public void removePartitions(Set<TopicPartition> partitions) {
    retain(row -> !partitions.contains(row.partition()));
  }

  /** The offset of the first row still buffered from {@code partition}, if any. */
  public OptionalLong firstOffset(TopicPartition partition) {
    Long offset = firstOffsets.get(partition);
    return offset == null ? OptionalLong.empty() : OptionalLong.of(offset);
  }

  /** The routed partitions with rows in this buffer. */
  public Set<TopicPartition> partitions() {
    return firstOffsets.keySet();
  }

  private void retain(Predicate<BufferedRow> keep) {
    List<BufferedRow> kept = new ArrayList<>();
    long keptBytes = 0;
    firstOffsets.clear();
    records.clear();
    for (BufferedRow row : rows) {
      if (keep.test(row)) {
        kept.add(row);
        keptBytes += row.sizeBytes();
        firstOffsets.putIfAbsent(row.partition(), row.offset());
        hold(row);
      }
    }
    rows = kept;
    bytes = keptBytes;
  }

  /** A source record: its source partition (appId) and offset. */
  private record RecordId(String route, long offset) {}

  /** The distinct row indexes of one source record held here, and how many it has (or -1). */
  private static final class HeldRows {
    /** Indexes below this go in a bit set; a producer's odd larger ones in a hash set. */
    private static final int DENSE_INDEXES = 1 << 20;

    private final int count;
    private final long firstArrivalNanos;
    private final BitSet indexes = new BitSet();
    private Set<Integer> sparseIndexes;
    private int held;

    HeldRows(int count, long firstArrivalNanos) {
      this.count = count;
      this.firstArrivalNanos = firstArrivalNanos;
    }

    boolean add(int index) {
      if (index < DENSE_INDEXES) {
        if (indexes.get(index)) {
          return false;
        }
        indexes.set(index);
      } else {
        if (sparseIndexes == null) {
          sparseIndexes = new HashSet<>();
        }
        if (!sparseIndexes.add(index)) {
          return false;
        }
      }
      held++;
      return true;
    }

    boolean isComplete() {
      return count > 0 && held >= count;
    }
  }
}

package io.lakestream.writer.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.TableDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * The rows of one (project, table) waiting to be written, in arrival order. Not thread-safe: the
 * writer loop owns it.
 */
public final class TableBuffer {
  private final TableKey key;
  private final TableDefinition definition;
  private List<BufferedRow> rows = new ArrayList<>();
  private long bytes;
  private final Map<TopicPartition, Long> firstOffsets = new HashMap<>();

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

  public void add(BufferedRow row) {
    rows.add(row);
    bytes += row.sizeBytes();
    firstOffsets.putIfAbsent(row.partition(), row.offset());
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

  /** When the oldest buffered row arrived ({@link System#nanoTime()}), if any. */
  public OptionalLong oldestArrivalNanos() {
    return rows.isEmpty() ? OptionalLong.empty() : OptionalLong.of(rows.get(0).arrivalNanos());
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
    for (BufferedRow row : rows) {
      if (keep.test(row)) {
        kept.add(row);
        keptBytes += row.sizeBytes();
        firstOffsets.putIfAbsent(row.partition(), row.offset());
      }
    }
    rows = kept;
    bytes = keptBytes;
  }
}

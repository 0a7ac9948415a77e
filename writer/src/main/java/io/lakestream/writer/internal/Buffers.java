package io.lakestream.writer.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.TableDefinition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The table buffers of one writer and their memory accounting: the bytes and rows all buffers hold
 * together, which the memory cap and the gauges read.
 *
 * <p>Rows leave a buffer only through this class, so the totals stay exact whichever way they leave
 * (written, already there, dead-lettered, dropped with a revoked partition). Rows handed to a flush
 * stay in their buffer, and counted, until the flush's outcome is applied: so the first buffered
 * offset of a partition ({@link #firstOffset}) also covers rows whose flush is in flight.
 *
 * <p>Not thread-safe: the poll thread owns it.
 */
public final class Buffers {
  private final Map<TableKey, TableBuffer> buffers = new LinkedHashMap<>();
  private long bytes;
  private long rows;

  /**
   * Adds a row to its table's buffer, creating the buffer for the table's first row.
   *
   * @return false when the buffer holds this row of this source record already (not added)
   */
  public boolean add(TableKey key, TableDefinition definition, BufferedRow row) {
    requireNonNull(row, "row is null");
    boolean added = buffers.computeIfAbsent(key, k -> new TableBuffer(k, definition)).add(row);
    if (added) {
      bytes += row.sizeBytes();
      rows++;
    }
    return added;
  }

  /**
   * Removes these rows from {@code buffer} (by identity) and the buffer itself once it is empty.
   * Rows no longer held (dropped meanwhile) are ignored, as is a buffer no longer held.
   */
  public void remove(TableBuffer buffer, List<BufferedRow> removed) {
    if (buffers.get(buffer.key()) != buffer) {
      buffer.remove(removed); // dropped meanwhile: not counted any more
      return;
    }
    long bytesBefore = buffer.bytes();
    int rowsBefore = buffer.rowCount();
    buffer.remove(removed);
    bytes -= bytesBefore - buffer.bytes();
    rows -= rowsBefore - buffer.rowCount();
    if (buffer.isEmpty()) {
      buffers.remove(buffer.key());
    }
  }

  /**
   * Drops every row read from these routed partitions (revoked or lost).
   *
   * @return the tables whose buffers became empty and are gone
   */
  public List<TableKey> dropPartitions(Set<org.apache.kafka.common.TopicPartition> partitions) {
    List<TableKey> emptied = new ArrayList<>();
    for (Iterator<TableBuffer> it = buffers.values().iterator(); it.hasNext(); ) {
      TableBuffer buffer = it.next();
      long bytesBefore = buffer.bytes();
      int rowsBefore = buffer.rowCount();
      buffer.removePartitions(partitions);
      bytes -= bytesBefore - buffer.bytes();
      rows -= rowsBefore - buffer.rowCount();
      if (buffer.isEmpty()) {
        it.remove();
        emptied.add(buffer.key());
      }
    }
    return emptied;
  }

  /** The buffer of {@code key}, or null. */
  public TableBuffer get(TableKey key) {
    return buffers.get(key);
  }

  /** Every buffer, in the order their tables were first buffered; a copy. */
  public List<TableBuffer> all() {
    return new ArrayList<>(buffers.values());
  }

  /** Every buffer, the one holding most bytes first; a copy. */
  public List<TableBuffer> largestFirst() {
    List<TableBuffer> sorted = all();
    sorted.sort(Comparator.comparingLong(TableBuffer::bytes).reversed());
    return sorted;
  }

  /**
   * The offset of the first row still buffered from {@code partition} in any table (rows in flight
   * included), if any: the routed offset that may not be committed past.
   */
  public OptionalLong firstOffset(org.apache.kafka.common.TopicPartition partition) {
    long first = Long.MAX_VALUE;
    for (TableBuffer buffer : buffers.values()) {
      OptionalLong offset = buffer.firstOffset(partition);
      if (offset.isPresent()) {
        first = Math.min(first, offset.getAsLong());
      }
    }
    return first == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(first);
  }

  /** Bytes all buffers hold, as the memory cap counts them. */
  public long bytes() {
    return bytes;
  }

  /** Rows all buffers hold. */
  public long rows() {
    return rows;
  }

  public boolean isEmpty() {
    return buffers.isEmpty();
  }

  /** The tables with a buffer. */
  public Collection<TableKey> tables() {
    return List.copyOf(buffers.keySet());
  }
}

package io.lakestream.writer.internal;

import org.apache.kafka.common.TopicPartition;

/**
 * A routed row waiting in a table buffer: its Avro bytes (decoded again when written, so the buffer
 * holds little more than the serialized size), its primary key, and where it came from.
 *
 * @param value the Avro single-object encoded row
 * @param key the primary key as a {@code long} ({@link PrimaryKeys})
 * @param source the source record, the row's index in it and the record's row count for this table
 * @param partition the routed partition the row was read from
 * @param offset the routed record's offset
 * @param arrivalNanos {@link System#nanoTime()} when the row was buffered
 */
public record BufferedRow(
    byte[] value,
    long key,
    RowSource source,
    TopicPartition partition,
    long offset,
    long arrivalNanos) {
  /** Bytes accounted per row beyond the value: the row object, its fields, the list slot. */
  public static final int OVERHEAD_BYTES = 96;

  /** The source partition, {@code <source topic>-<partition>}. */
  public String appId() {
    return source.appId();
  }

  /**
   * The Delta txn appId of the row's route, {@code <source topic>-<partition>@<routed partition>}
   * ({@link Watermarks}).
   */
  public String watermarkId() {
    return Watermarks.route(source.appId(), partition.partition());
  }

  /** Whether {@code lakestream replay} wrote the routed row. */
  public boolean replayed() {
    return source.replayed();
  }

  /** The offset of the source record the row was made from. */
  public long sourceOffset() {
    return source.offset();
  }

  /** The row's index among the rows of its source record; -1 when the routed record has none. */
  public int sourceIndex() {
    return source.index();
  }

  /**
   * Whether the row says how many rows its source record has for its table, and which of them it
   * is: only then can the buffer tell when it holds them all.
   */
  public boolean isCounted() {
    return source.count() > 0 && source.index() >= 0;
  }

  /** What this row counts for in the memory cap. */
  public long sizeBytes() {
    return value.length + OVERHEAD_BYTES;
  }
}

package io.lakestream.writer.internal;

import io.lakestream.index.KeyEncoding;
import io.lakestream.schema.ColumnType;

/** Primary key values of Avro rows → the {@code long} keys of the learned index. */
public final class PrimaryKeys {
  private PrimaryKeys() {}

  /**
   * The key of a non-null primary key value read from an Avro row (Integer, Long, Float or Double):
   * timestamps as microseconds, int and long as they are, dates as days, float and double
   * order-preserving ({@link KeyEncoding}).
   *
   * @throws IllegalArgumentException when the type is not orderable
   * @throws ClassCastException when the value does not have the type's Avro class
   */
  public static long encode(ColumnType type, Object value) {
    return switch (type) {
      case INT -> KeyEncoding.ofInt((Integer) value);
      case DATE -> KeyEncoding.ofDateDays((Integer) value);
      case LONG -> KeyEncoding.ofLong((Long) value);
      case TIMESTAMP -> KeyEncoding.ofTimestampMicros((Long) value);
      case FLOAT -> KeyEncoding.ofFloat((Float) value);
      case DOUBLE -> KeyEncoding.ofDouble((Double) value);
      default -> throw new IllegalArgumentException("type " + type + " is not orderable");
    };
  }
}

package io.lakestream.reader;

import java.io.IOException;

/** Receives the rows of a read, in order; see {@link RangeReader#fetch}. */
@FunctionalInterface
public interface RowSink {
  /**
   * One row: a slot per requested column, in the requested order (further slots, if any, are to be
   * ignored). Values: {@code Long} (long, timestamp micros), {@code Integer} (int, date days),
   * {@code Double}, {@code Float}, {@code Boolean}, {@link ByteSlice} (string and json as UTF-8,
   * bytes), {@code List} (arrays; string elements as {@link ByteSlice}), or null.
   */
  void accept(Object[] row) throws IOException;
}

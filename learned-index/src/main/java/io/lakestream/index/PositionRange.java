package io.lakestream.index;

/**
 * A half-open range {@code [from, to)} of row positions in a sorted key array or data file.
 *
 * @param from first position in the range, {@code >= 0}
 * @param to position after the last one in the range, {@code >= from}
 */
public record PositionRange(long from, long to) {
  /**
   * Checks the bounds.
   *
   * @throws IllegalArgumentException if {@code from < 0} or {@code to < from}
   */
  public PositionRange {
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(
          "Invalid position range [" + from + ", " + to + "): need 0 <= from <= to");
    }
  }

  /** The empty range at {@code position}. */
  public static PositionRange empty(long position) {
    return new PositionRange(position, position);
  }

  /** Number of positions in the range. */
  public long length() {
    return to - from;
  }

  /** Whether the range holds no position. */
  public boolean isEmpty() {
    return from == to;
  }

  /** Whether {@code from <= position < to}. */
  public boolean contains(long position) {
    return position >= from && position < to;
  }

  @Override
  public String toString() {
    return "[" + from + ", " + to + ")";
  }
}

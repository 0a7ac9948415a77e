package io.lakestream.pgwire;

/**
 * Rows that can also give each row's values already encoded, each column in the format the client
 * asked for (text or binary), so that a result is written without a Java object per value. The
 * iterator of a {@link PgResult.Rows} may implement it; the server reads the rows as values when it
 * does not, or when {@link #encodes} says no.
 */
public interface PgEncodedRows {
  /**
   * Whether the rows are read encoded ({@link #nextEncoded()}) from here on, column {@code i} in
   * the binary format when {@code binary[i]}, else in the text format. The first call decides,
   * before any row is read (false: the rows cannot, and are read as values); later calls, with the
   * same formats (a portal's), answer the same.
   */
  boolean encodes(boolean[] binary);

  /**
   * Moves to the next row (after {@code hasNext()} of the iterator said there is one) and puts its
   * values, encoded, into {@link #encodedBytes()}.
   */
  void nextEncoded();

  /** The current row's encoded values, one after another. */
  byte[] encodedBytes();

  /** Where value {@code column} starts in {@link #encodedBytes()}. */
  int encodedStart(int column);

  /** The length of value {@code column} in bytes, or -1 for null. */
  int encodedLength(int column);
}

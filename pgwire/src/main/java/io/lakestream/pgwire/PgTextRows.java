package io.lakestream.pgwire;

/**
 * Rows that can also give each row's values already in PostgreSQL's text format, so that a result
 * asked for in text is written without a Java object per value. The iterator of a {@link
 * PgResult.Rows} may implement it; the server uses it only when every column is sent as text, and
 * reads the rows as values otherwise.
 */
public interface PgTextRows {
  /**
   * Whether the rows are read as text ({@link #nextText()}) from here on. The first call decides,
   * before any row is read (false: the rows cannot, and are read as values); later calls answer the
   * same.
   */
  boolean asText();

  /**
   * Moves to the next row (after {@code hasNext()} of the iterator said there is one) and puts its
   * values' text into {@link #textBytes()}.
   */
  void nextText();

  /** The current row's values' UTF-8 text, one after another. */
  byte[] textBytes();

  /** Where value {@code column} starts in {@link #textBytes()}. */
  int textStart(int column);

  /** The length of value {@code column} in bytes, or -1 for null. */
  int textLength(int column);
}

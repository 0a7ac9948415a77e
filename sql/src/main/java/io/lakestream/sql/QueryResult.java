package io.lakestream.sql;

import static java.util.Objects.requireNonNull;

import java.util.Iterator;
import java.util.List;

/**
 * The result of one statement, read row by row as the engine produces it: its columns are known
 * before the first row, rows are pulled with {@link #next()} and never all held in memory, and
 * {@link #close()} releases the engine's resources (it must be called, also after a failure or when
 * the reader stops early).
 *
 * <p>A statement without rows (DDL, {@code INSERT}) has no columns, and says what it did in {@link
 * #message()} and {@link #count()}.
 *
 * <p>Not thread-safe: one reader at a time.
 */
public interface QueryResult extends AutoCloseable {
  /** The result's columns, in order; empty for a statement without rows. */
  List<ResultColumn> columns();

  /**
   * Moves to the next row.
   *
   * @return false when there is none left
   * @throws SqlException when the statement fails while producing rows (the message says why)
   */
  boolean next();

  /**
   * A value of the current row, of the Java class its column's {@link SqlType} names.
   *
   * @param column the column's index, from 0
   */
  Object value(int column);

  /** What a statement without rows did (e.g. "created table users"); empty for a query. */
  String message();

  /** Rows read so far by {@link #next()} for a query; rows affected for other statements. */
  long count();

  /**
   * The rows not read yet as Arrow record batches, fetched from the engine as it produces them,
   * instead of {@link #next()}: call it before the first {@link #next()}, and read the result only
   * through the batches afterwards. Close the batches before this result.
   *
   * @param batchRows the most rows in one batch
   * @throws UnsupportedOperationException for a result that is not the engine's (rows held in
   *     memory, a statement without rows)
   * @throws SqlException when the engine cannot export the result
   */
  default ResultBatches batches(int batchRows) {
    throw new UnsupportedOperationException("this result is read row by row only");
  }

  /** Releases the engine's resources; rows can no longer be read. Never throws. */
  @Override
  void close();

  /** A result without rows: a message and a count. */
  static QueryResult message(String message, long count) {
    return of(List.of(), List.of(), message, count);
  }

  /** A result of rows already in memory (small results: catalog answers, messages). */
  static QueryResult of(
      List<ResultColumn> columns, List<List<Object>> rows, String message, long count) {
    requireNonNull(columns, "columns is null");
    requireNonNull(rows, "rows is null");
    requireNonNull(message, "message is null");
    return new QueryResult() {
      private final Iterator<List<Object>> iterator = rows.iterator();
      private List<Object> current;
      private long read;

      @Override
      public List<ResultColumn> columns() {
        return columns;
      }

      @Override
      public boolean next() {
        if (!iterator.hasNext()) {
          current = null;
          return false;
        }
        current = iterator.next();
        read++;
        return true;
      }

      @Override
      public Object value(int column) {
        if (current == null) {
          throw new IllegalStateException("no current row: call next() first");
        }
        return current.get(column);
      }

      @Override
      public String message() {
        return message;
      }

      @Override
      public long count() {
        return columns.isEmpty() ? count : read;
      }

      @Override
      public void close() {}
    };
  }
}

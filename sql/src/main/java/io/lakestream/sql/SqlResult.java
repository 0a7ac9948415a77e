package io.lakestream.sql;

import java.util.List;

/**
 * What a statement returns: rows with their column names (SELECT), or a message and a count (DDL,
 * INSERT).
 *
 * @param columns the column names of {@code rows}; empty for DDL and INSERT
 * @param rows the rows, each a list of values in {@code columns} order
 * @param message what happened, e.g. "created table users"
 * @param count rows returned, inserted, or 0
 */
public record SqlResult(List<String> columns, List<List<Object>> rows, String message, long count) {
  /** A result without rows. */
  public static SqlResult message(String message, long count) {
    return new SqlResult(List.of(), List.of(), message, count);
  }
}

package io.lakestream.sql;

/** A statement that cannot be run as written; the message says what and how to fix it. */
public final class SqlException extends RuntimeException {
  SqlException(String message) {
    super(message);
  }

  /** An exception with a message for the user (what went wrong and what to do). */
  public static SqlException of(String message) {
    return new SqlException(message);
  }

  SqlException(String message, Throwable cause) {
    super(message, cause);
  }
}

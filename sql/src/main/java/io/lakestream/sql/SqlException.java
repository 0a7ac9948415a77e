package io.lakestream.sql;

/** A statement that cannot be run as written; the message says what and how to fix it. */
public final class SqlException extends RuntimeException {
  SqlException(String message) {
    super(message);
  }

  SqlException(String message, Throwable cause) {
    super(message, cause);
  }
}

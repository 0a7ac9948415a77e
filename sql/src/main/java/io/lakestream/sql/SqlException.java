package io.lakestream.sql;

import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.LakestreamException;

/**
 * A statement that cannot be run as written; the message says what and how to fix it, the {@link
 * #kind()} what kind of failure it is (a syntax error, a table or column that does not exist, a
 * limit, …). Created through {@link SqlErrors}.
 */
public final class SqlException extends LakestreamException {
  private static final long serialVersionUID = 1L;

  SqlException(ErrorKind kind, String message, Throwable cause) {
    super(kind, message, cause);
  }
}

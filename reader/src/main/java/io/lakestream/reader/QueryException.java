package io.lakestream.reader;

import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.LakestreamException;

/**
 * A failure the query side reports to its caller: what went wrong ({@link #getMessage()}) and of
 * which {@link ErrorKind}, which the HTTP layer and the PostgreSQL backend each map in one place.
 * Create instances through {@link QueryErrors}.
 */
public final class QueryException extends LakestreamException {
  private static final long serialVersionUID = 1L;

  QueryException(ErrorKind kind, String message, Throwable cause) {
    super(kind, message, cause);
  }
}

package io.lakestream.ingest;

import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.LakestreamException;

/** The ingest role cannot start or run; the message says what failed, on which cluster, and why. */
public final class IngestException extends LakestreamException {
  private static final long serialVersionUID = 1L;

  IngestException(ErrorKind kind, String message, Throwable cause) {
    super(kind, message, cause);
  }
}

package io.lakestream.ingest.replay;

import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.LakestreamException;

/** A replay cannot run or finish; the message says what failed, where, and what to do. */
public final class ReplayException extends LakestreamException {
  private static final long serialVersionUID = 1L;

  ReplayException(ErrorKind kind, String message) {
    super(kind, message);
  }

  ReplayException(ErrorKind kind, String message, Throwable cause) {
    super(kind, message, cause);
  }
}

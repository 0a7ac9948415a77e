package io.lakestream.cli;

import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.LakestreamException;

/** A problem the user can fix; printed as one line, without a stack trace. */
final class CliException extends LakestreamException {
  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(ErrorKind.BAD_REQUEST, message);
  }

  CliException(String message, Throwable cause) {
    super(ErrorKind.BAD_REQUEST, message, cause);
  }
}

package io.lakestream.ingest;

/** The ingest role cannot start or run; the message says what failed, on which cluster, and why. */
public final class IngestException extends RuntimeException {
  IngestException(String message, Throwable cause) {
    super(message, cause);
  }
}

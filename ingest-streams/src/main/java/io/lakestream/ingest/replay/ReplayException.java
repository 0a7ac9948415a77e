package io.lakestream.ingest.replay;

/** A replay cannot run or finish; the message says what failed, where, and what to do. */
public final class ReplayException extends RuntimeException {
  ReplayException(String message) {
    super(message);
  }

  ReplayException(String message, Throwable cause) {
    super(message, cause);
  }
}

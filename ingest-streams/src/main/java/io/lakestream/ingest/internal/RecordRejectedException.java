package io.lakestream.ingest.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.ingest.DeadLetterReason;

/**
 * A source record cannot be routed and goes to the dead-letter topic whole. Create through {@link
 * IngestErrors}.
 */
public final class RecordRejectedException extends RuntimeException {
  private final DeadLetterReason reason;

  RecordRejectedException(DeadLetterReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = requireNonNull(reason, "reason is null");
  }

  /** Why the record was rejected. */
  public DeadLetterReason reason() {
    return reason;
  }

  /** The class of the error behind the rejection: the cause's when there is one, else this one. */
  public String errorClass() {
    return getCause() != null ? getCause().getClass().getName() : getClass().getName();
  }
}

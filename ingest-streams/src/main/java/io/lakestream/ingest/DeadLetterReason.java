package io.lakestream.ingest;

/**
 * Why the router set a source record aside in {@code lakestream.dlq}. The {@link #code()} is the
 * value of the {@code lakestream.dlq.reason} header and of the {@code reason} tag of the {@code
 * lakestream.ingest.dlq} counter.
 */
public enum DeadLetterReason {
  /** The value is not the expected encoding (protobuf, OTLP/JSON, Avro single-object), or empty. */
  UNDECODABLE("undecodable"),
  /** A log record has neither time nor observed time; a span or data point has no time. */
  MISSING_TIMESTAMP("missing_timestamp"),
  /** A row's timestamp is before the configured minimum or too far in the future. */
  TIMESTAMP_OUT_OF_RANGE("timestamp_out_of_range"),
  /** The record's table (from its topic, or the OTLP signal's table) is not configured. */
  UNKNOWN_TABLE("unknown_table"),
  /** No project could be found for a row, or the one found is not a valid project id. */
  INVALID_PROJECT("invalid_project"),
  /**
   * A row's project is valid but not registered, and the router routes registered projects only.
   */
  UNREGISTERED_PROJECT("unregistered_project"),
  /** The record, or one row made from it, is larger than the configured maximum. */
  RECORD_TOO_LARGE("record_too_large"),
  /**
   * An Avro row was written with another schema than the table's row schema, or a row does not fit
   * the table's schema.
   */
  SCHEMA_MISMATCH("schema_mismatch"),
  /** An unexpected failure inside the router; the message and error class say which. */
  INTERNAL_ERROR("internal_error");

  private final String code;

  DeadLetterReason(String code) {
    this.code = code;
  }

  /** The stable code written in headers and metric tags, e.g. {@code undecodable}. */
  public String code() {
    return code;
  }

  @Override
  public String toString() {
    return code;
  }
}

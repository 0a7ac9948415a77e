package io.lakestream.ingest.internal;

import io.lakestream.ingest.DeadLetterReason;
import io.lakestream.schema.ProjectIds;
import java.time.Instant;

/** The one place that words why a record is rejected, so dead-letter messages read alike. */
public final class IngestErrors {
  private IngestErrors() {}

  static RecordRejectedException noValue() {
    return new RecordRejectedException(
        DeadLetterReason.UNDECODABLE,
        "The record has no value (null or empty). Produce a non-empty payload.",
        null);
  }

  static RecordRejectedException undecodable(String expected, String detail, Throwable cause) {
    return new RecordRejectedException(
        DeadLetterReason.UNDECODABLE,
        "Cannot decode the value as "
            + expected
            + ": "
            + (detail.endsWith(".") ? detail.substring(0, detail.length() - 1) : detail)
            + ". Check the producer's encoding for this topic.",
        cause);
  }

  static RecordRejectedException tooLarge(String what, long bytes, int limit) {
    return new RecordRejectedException(
        DeadLetterReason.RECORD_TOO_LARGE,
        what
            + " is "
            + bytes
            + " bytes, above the limit of "
            + limit
            + " bytes. Send smaller rows or raise ingest.max.record.bytes (and the"
            + " max.message.bytes of the lakestream.rows.* and lakestream.dlq topics with it).",
        null);
  }

  static RecordRejectedException batchTooLarge(long bytes, int limit) {
    return new RecordRejectedException(
        DeadLetterReason.RECORD_TOO_LARGE,
        "The record is "
            + bytes
            + " bytes decoded, above the router's limit of "
            + limit
            + " bytes for one batch. Send smaller batches (e.g. lower the collector's"
            + " send_batch_max_size) or raise ingest.max.batch.bytes.",
        null);
  }

  static RecordRejectedException missingTimestamp(String what) {
    return new RecordRejectedException(
        DeadLetterReason.MISSING_TIMESTAMP,
        what + " has no timestamp. Set it at the source; the whole record was set aside.",
        null);
  }

  static RecordRejectedException timestampOutOfRange(
      String what, long micros, Instant min, Instant max) {
    return new RecordRejectedException(
        DeadLetterReason.TIMESTAMP_OUT_OF_RANGE,
        what
            + " has timestamp "
            + micros
            + " µs ("
            + describeMicros(micros)
            + "), outside the accepted range ["
            + min
            + ", "
            + max
            + "]. Fix the source clock (ingest.max.future.skew says how far ahead of the router's"
            + " clock a timestamp may be); the whole record was set aside.",
        null);
  }

  static RecordRejectedException unknownTable(String table, String topic, Iterable<String> known) {
    return new RecordRejectedException(
        DeadLetterReason.UNKNOWN_TABLE,
        "Table '"
            + table
            + "' (from topic '"
            + topic
            + "') is not configured; known tables: "
            + String.join(", ", known)
            + ". Define the table, then replay the record from the dead-letter topic.",
        null);
  }

  static RecordRejectedException unregisteredProject(String project) {
    return new RecordRejectedException(
        DeadLetterReason.UNREGISTERED_PROJECT,
        "Project "
            + ProjectIds.quote(project)
            + " is not registered, and this router routes registered projects only"
            + " (projects.registration = required). Register it (POST /v1/projects on the query"
            + " API), then replay the record from the dead-letter topic.",
        null);
  }

  static RecordRejectedException notAnInput(String topic, Iterable<String> inputs) {
    return new RecordRejectedException(
        DeadLetterReason.UNKNOWN_TABLE,
        "Topic '"
            + topic
            + "' is not an input of the router (inputs: "
            + String.join(", ", inputs)
            + "), so no table is known for its records. Route records of an input topic, or"
            + " configure this topic as an OTLP input.",
        null);
  }

  static RecordRejectedException noProject(String what, String attribute) {
    return new RecordRejectedException(
        DeadLetterReason.INVALID_PROJECT,
        what
            + " names no project: no resource attribute '"
            + attribute
            + "', no 'project_id' header and no default project. Set one of them.",
        null);
  }

  static RecordRejectedException noRowProject(String table) {
    return new RecordRejectedException(
        DeadLetterReason.INVALID_PROJECT,
        "The "
            + table
            + " row names no project: project_id is empty and there is no record key, no"
            + " 'project_id' header and no default project. Set project_id in the row.",
        null);
  }

  static RecordRejectedException invalidProject(String id, String where) {
    return new RecordRejectedException(
        DeadLetterReason.INVALID_PROJECT,
        "Project id "
            + ProjectIds.quote(id)
            + " from "
            + where
            + " is not valid. Use 1 to 64 letters, digits, '_' or '-'.",
        null);
  }

  static RecordRejectedException otherSchema(String table, long fingerprint, Throwable cause) {
    return new RecordRejectedException(
        DeadLetterReason.SCHEMA_MISMATCH,
        "The Avro row was written with a schema (fingerprint "
            + Long.toHexString(fingerprint)
            + ") that is not the row schema of table '"
            + table
            + "'. Produce rows with the table's current row schema.",
        cause);
  }

  static RecordRejectedException rowDoesNotFit(String table, String detail, Throwable cause) {
    return new RecordRejectedException(
        DeadLetterReason.SCHEMA_MISMATCH,
        "A row does not fit the schema of table '"
            + table
            + "': "
            + detail
            + ". Align the table definition with what the router writes.",
        cause);
  }

  static RecordRejectedException internal(Throwable cause) {
    return new RecordRejectedException(
        DeadLetterReason.INTERNAL_ERROR,
        "The router failed on this record: "
            + cause
            + ". Report it; the record can be replayed from the dead-letter topic.",
        cause);
  }

  private static String describeMicros(long micros) {
    return Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L)
        .toString();
  }
}

package io.lakestream.schema;

/**
 * Kafka header names Lakestream writes and reads. Values are UTF-8 text (numbers in decimal), so
 * that {@code kafka-console-consumer --property print.headers=true} shows them as they are.
 */
public final class RecordHeaders {
  /** Input header naming the project of a record, when no resource attribute does. */
  public static final String PROJECT_ID = "project_id";

  /** Routed rows and DLQ records: the topic the source record was read from. */
  public static final String SOURCE_TOPIC = "lakestream.source.topic";

  /** Routed rows and DLQ records: the partition the source record was read from. */
  public static final String SOURCE_PARTITION = "lakestream.source.partition";

  /** Routed rows and DLQ records: the offset of the source record. */
  public static final String SOURCE_OFFSET = "lakestream.source.offset";

  /** Routed rows: the index of this row among the rows made from its source record, from 0. */
  public static final String SOURCE_INDEX = "lakestream.source.index";

  /**
   * Routed rows: how many rows of the source record go to the same (table, project), and so to the
   * same routed partition. The writer flushes a source record's rows only when it holds this many.
   */
  public static final String SOURCE_COUNT = "lakestream.source.count";

  /**
   * Routed rows written by {@code lakestream replay} (value {@code 1}): the writer takes a replayed
   * row whose routed partition has no watermark of its source partition as written up to the source
   * partition's own watermark, since the partition count may have changed since the row was first
   * routed (see docs/architecture.md, "Exactly once with several producers").
   */
  public static final String REPLAYED = "lakestream.replayed";

  /** DLQ records: a stable reason code, e.g. {@code undecodable}. */
  public static final String DLQ_REASON = "lakestream.dlq.reason";

  /** DLQ records: a sentence saying what was wrong. */
  public static final String DLQ_MESSAGE = "lakestream.dlq.message";

  /** DLQ records: the class of the error that set the record aside. */
  public static final String DLQ_ERROR_CLASS = "lakestream.dlq.error.class";

  /**
   * DLQ records cut to fit the dead-letter topic: what was cut ({@code value}, or {@code
   * key,headers,value} when the source's own key and headers did not fit either). Absent when the
   * record is whole. A truncated dead letter cannot be replayed: replay its source topic and
   * offset.
   */
  public static final String DLQ_TRUNCATED = "lakestream.dlq.truncated";

  /** Truncated DLQ records: the size of the source record's whole value, in bytes. */
  public static final String DLQ_ORIGINAL_BYTES = "lakestream.dlq.original.bytes";

  /** Truncated DLQ records: the SHA-256 of the source record's whole value, lowercase hex. */
  public static final String DLQ_ORIGINAL_SHA256 = "lakestream.dlq.original.sha256";

  private RecordHeaders() {}
}

package io.lakestream.ingest.internal;

/**
 * Told when the router's producer could not write a record: under exactly-once the open transaction
 * is then aborted and its source records are read again, so the role reports it in its health.
 * Passed to the exception handlers in the Streams properties.
 */
@FunctionalInterface
public interface SendFailureListener {
  /**
   * @param topic the topic the record was for
   * @param source the source record's coordinates, {@code topic-partition@offset}
   * @param error what the producer or the broker answered
   */
  void sendFailed(String topic, String source, Exception error);
}

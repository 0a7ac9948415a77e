package io.lakestream.ingest;

import static java.util.Objects.requireNonNull;

import io.lakestream.ingest.internal.DeadLetters;
import io.lakestream.schema.SourceCoordinates;
import org.apache.kafka.common.header.Headers;

/**
 * A record as read from one of the router's input topics, with its coordinates: what {@link
 * RecordRouter#route} takes. The coordinates become the routed rows' {@code lakestream.source.*}
 * headers, which the writer deduplicates on, so a record routed again with its original coordinates
 * is written once.
 *
 * @param topic the topic it was read from
 * @param partition its partition
 * @param offset its offset
 * @param timestamp its timestamp (ms since the epoch), carried to the routed rows
 * @param key the raw key, may be null
 * @param value the raw value, may be null (rejected as {@code undecodable})
 * @param headers its headers; null is read as none
 */
public record SourceRecord(
    String topic,
    int partition,
    long offset,
    long timestamp,
    byte[] key,
    byte[] value,
    Headers headers) {

  /** Checks the topic and replaces null headers by an empty set. */
  public SourceRecord {
    requireNonNull(topic, "topic is null");
    if (headers == null) {
      headers = new org.apache.kafka.common.header.internals.RecordHeaders();
    }
  }

  /**
   * The source record a dead letter of {@code lakestream.dlq} was set aside from: its topic,
   * partition and offset from the dead letter's {@code lakestream.source.*} headers, and the dead
   * letter's key, value, timestamp and headers without the {@code lakestream.*} ones the router
   * added. Routing it again is what the router would have done with the original record.
   *
   * @throws IllegalArgumentException when a {@code lakestream.source.*} header is missing or not a
   *     number, naming it
   */
  public static SourceRecord ofDeadLetter(
      byte[] key, byte[] value, long timestamp, Headers deadLetterHeaders) {
    requireNonNull(deadLetterHeaders, "deadLetterHeaders is null");
    SourceCoordinates source;
    try {
      source = SourceCoordinates.read(deadLetterHeaders);
    } catch (SourceCoordinates.InvalidSourceHeadersException e) {
      throw new IllegalArgumentException(
          "The dead letter's source headers are not valid: " + e.getMessage(), e);
    }
    if (source == null) {
      throw new IllegalArgumentException(
          "The dead letter has no source headers (lakestream.source.topic, .partition, .offset)");
    }
    return new SourceRecord(
        source.topic(),
        source.partition(),
        source.offset(),
        timestamp,
        key,
        value,
        DeadLetters.withoutLakestreamHeaders(deadLetterHeaders));
  }
}

package io.lakestream.ingest.internal;

import io.lakestream.ingest.DeadLetterReason;
import io.lakestream.schema.RecordHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Headers of dead-letter records and routed rows. A dead-letter record keeps the source record's
 * key, value, timestamp and headers (so it can be replayed as it was), minus any {@code
 * lakestream.*} headers from an earlier pass, plus:
 *
 * <ul>
 *   <li>{@code lakestream.dlq.reason}: the {@link DeadLetterReason#code()}
 *   <li>{@code lakestream.dlq.message}: a sentence saying what was wrong, at most {@value
 *       #MAX_MESSAGE_CHARS} characters
 *   <li>{@code lakestream.dlq.error.class}: the class of the error
 *   <li>{@code lakestream.source.topic}, {@code .partition}, {@code .offset}: where the record was
 *       read
 * </ul>
 *
 * All values are UTF-8 text, numbers in decimal.
 */
public final class DeadLetters {
  /** The longest message header, in characters. */
  public static final int MAX_MESSAGE_CHARS = 1000;

  private static final String LAKESTREAM_PREFIX = "lakestream.";

  private DeadLetters() {}

  /** The headers of a dead-letter record, from the source record's headers. */
  public static Headers deadLetterHeaders(
      Headers source,
      DeadLetterReason reason,
      String message,
      String errorClass,
      String topic,
      int partition,
      long offset) {
    Headers headers = withoutLakestreamHeaders(source);
    String text = message == null ? "" : message;
    if (text.length() > MAX_MESSAGE_CHARS) {
      text = text.substring(0, MAX_MESSAGE_CHARS - 1) + "…";
    }
    headers.add(RecordHeaders.DLQ_REASON, utf8(reason.code()));
    headers.add(RecordHeaders.DLQ_MESSAGE, utf8(text));
    headers.add(RecordHeaders.DLQ_ERROR_CLASS, utf8(errorClass));
    addSource(headers, topic, partition, offset);
    return headers;
  }

  /** A copy of {@code source} (null for none) without the {@code lakestream.*} headers. */
  public static Headers withoutLakestreamHeaders(Headers source) {
    Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
    if (source != null) {
      for (Header header : source) {
        if (!header.key().startsWith(LAKESTREAM_PREFIX)) {
          headers.add(header.key(), header.value());
        }
      }
    }
    return headers;
  }

  private static void addSource(Headers headers, String topic, int partition, long offset) {
    headers.add(RecordHeaders.SOURCE_TOPIC, utf8(topic));
    headers.add(RecordHeaders.SOURCE_PARTITION, utf8(Integer.toString(partition)));
    headers.add(RecordHeaders.SOURCE_OFFSET, utf8(Long.toString(offset)));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

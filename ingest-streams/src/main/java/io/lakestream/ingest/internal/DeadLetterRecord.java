package io.lakestream.ingest.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The key, value and headers of one dead letter, cut so that the record always fits the dead-letter
 * topic: a dead letter the producer or the broker refuses would abort the router's transaction and
 * leave the source record to be read again, forever.
 *
 * <p>A record whose size (as the producer estimates it, with batch overhead) is within the budget
 * is kept whole. Otherwise the value is cut to a prefix that fits, and the record gets {@link
 * RecordHeaders#DLQ_TRUNCATED}, {@link RecordHeaders#DLQ_ORIGINAL_BYTES} and {@link
 * RecordHeaders#DLQ_ORIGINAL_SHA256}; its source coordinates (already in the headers) say where the
 * whole record is. When the source's own key and headers leave no room either, they are dropped too
 * (the {@code lakestream.*} headers are kept).
 *
 * @param key the key to write (null for none)
 * @param value the value to write (null for none)
 * @param headers the headers to write
 */
public record DeadLetterRecord(byte[] key, byte[] value, Headers headers) {
  /**
   * Bytes kept free below the budget: room for compression framing (LZ4 frames of incompressible
   * data are a little larger than the data) and the truncation headers themselves.
   */
  public static final int SLACK_BYTES = 8 * 1024;

  /** The smallest budget a dead letter can be cut to. */
  public static final int MIN_BUDGET_BYTES = 2 * SLACK_BYTES;

  /** Batch header of a one-record batch (v2), as the producer counts it. */
  private static final int BATCH_OVERHEAD = 61;

  /** Record length, attributes, timestamp and offset deltas, key/value lengths, header count. */
  private static final int RECORD_OVERHEAD = 5 + 1 + 10 + 5 + 5 + 5 + 5;

  /** Length prefixes of one header's key and value. */
  private static final int HEADER_OVERHEAD = 10;

  private static final String LAKESTREAM_PREFIX = "lakestream.";

  public DeadLetterRecord {
    requireNonNull(headers, "headers is null");
  }

  /**
   * A dead letter of at most {@code budgetBytes} (the smaller of the producer's {@code
   * max.request.size} and the dead-letter topic's {@code max.message.bytes}): whole when it fits,
   * else cut as described above.
   */
  public static DeadLetterRecord fit(byte[] key, byte[] value, Headers headers, int budgetBytes) {
    requireNonNull(headers, "headers is null");
    if (budgetBytes < MIN_BUDGET_BYTES) {
      throw new IllegalArgumentException(
          "A dead-letter budget of " + budgetBytes + " bytes is below " + MIN_BUDGET_BYTES);
    }
    int room = budgetBytes - SLACK_BYTES;
    if (sizeUpperBound(key, value, headers) <= room) {
      return new DeadLetterRecord(key, value, headers);
    }
    String cut = "value";
    Headers kept = headers;
    byte[] keptKey = key;
    long fixed = sizeUpperBound(key, null, headers);
    if (fixed > room / 2) {
      // The source's own key and headers take the room: keep only Lakestream's headers.
      cut = "key,headers,value";
      keptKey = null;
      kept = new org.apache.kafka.common.header.internals.RecordHeaders();
      for (Header header : headers) {
        if (header.key().startsWith(LAKESTREAM_PREFIX)) {
          kept.add(header.key(), header.value());
        }
      }
      fixed = sizeUpperBound(null, null, kept);
    }
    int originalBytes = value == null ? 0 : value.length;
    kept.add(RecordHeaders.DLQ_TRUNCATED, utf8(cut));
    kept.add(RecordHeaders.DLQ_ORIGINAL_BYTES, utf8(Integer.toString(originalBytes)));
    kept.add(RecordHeaders.DLQ_ORIGINAL_SHA256, utf8(sha256(value)));
    // The truncation headers are far smaller than SLACK_BYTES, which the room leaves free.
    int prefix = (int) Math.max(0, Math.min(originalBytes, room - fixed));
    byte[] keptValue = value == null ? null : Arrays.copyOf(value, prefix);
    return new DeadLetterRecord(keptKey, keptValue, kept);
  }

  /** Whether this dead letter holds less than its source record. */
  public boolean truncated() {
    return headers.lastHeader(RecordHeaders.DLQ_TRUNCATED) != null;
  }

  /**
   * An upper bound of the size the producer and the broker count for a record alone in its batch,
   * uncompressed: batch overhead, record framing, key, value and headers.
   */
  public static long sizeUpperBound(byte[] key, byte[] value, Headers headers) {
    long size = BATCH_OVERHEAD + RECORD_OVERHEAD;
    size += key == null ? 0 : key.length;
    size += value == null ? 0 : value.length;
    if (headers != null) {
      for (Header header : headers) {
        size += HEADER_OVERHEAD + utf8(header.key()).length;
        size += header.value() == null ? 0 : header.value().length;
      }
    }
    return size;
  }

  /** The SHA-256 of {@code value} (of no bytes when null), lowercase hex. */
  public static String sha256(byte[] value) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(value == null ? new byte[0] : value));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

package io.lakestream.schema;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Where a routed row comes from: the exactly-once contract between the router (and replay), which
 * writes these {@code lakestream.source.*} headers on every routed row, and the writer, which
 * deduplicates on them and flushes a source record's rows only when it holds all of them.
 *
 * <ul>
 *   <li>{@code lakestream.source.topic}, {@code .partition}, {@code .offset}: the source record.
 *       The writer keeps, per table and source partition, the highest source offset it committed
 *       (the Delta {@code txn} of appId {@code <topic>-<partition>}), and the same per route, the
 *       routed partition the rows came through ({@code <topic>-<partition>@<routed partition>}).
 *   <li>{@code lakestream.source.index}: the row's index among all rows made from the source
 *       record, from 0.
 *   <li>{@code lakestream.source.count}: how many rows of the source record go to the same (table,
 *       project). Rows written before this header existed have none; the writer then falls back to
 *       reading the routed partition to its end (see docs/architecture.md).
 * </ul>
 *
 * Values are UTF-8 decimal text. Dead letters carry the first three only.
 *
 * @param topic the source topic, not empty
 * @param partition the source partition, at least 0
 * @param offset the source offset, at least 0
 * @param index the row's index in its source record, or {@link #UNKNOWN} (-1)
 * @param count the source record's rows for the row's (table, project), or {@link #UNKNOWN} (-1)
 */
public record SourceCoordinates(String topic, int partition, long offset, int index, int count) {
  /** The value of {@link #index} and {@link #count} when a record does not carry them. */
  public static final int UNKNOWN = -1;

  private static final String PREFIX = "lakestream.source.";
  private static final char ROUTE = '@';

  /** Checks the values. */
  public SourceCoordinates {
    requireNonNull(topic, "topic is null");
    if (topic.isEmpty()) {
      throw new IllegalArgumentException("The source topic is empty");
    }
    if (partition < 0 || offset < 0) {
      throw new IllegalArgumentException(
          "The source partition " + partition + " and offset " + offset + " must not be negative");
    }
    if (index < UNKNOWN || count < UNKNOWN || count == 0) {
      throw new IllegalArgumentException(
          "The source index " + index + " and count " + count + " must be -1 (unknown) or more");
    }
  }

  /** A source record, without a row index or count. */
  public static SourceCoordinates of(String topic, int partition, long offset) {
    return new SourceCoordinates(topic, partition, offset, UNKNOWN, UNKNOWN);
  }

  /** Row {@code index} of this source record, which has {@code count} rows for its table. */
  public SourceCoordinates row(int index, int count) {
    return new SourceCoordinates(topic, partition, offset, index, count);
  }

  /**
   * The same row (index and count kept) of another source record: a dead letter replayed is its own
   * source.
   */
  public SourceCoordinates movedTo(String topic, int partition, long offset) {
    return new SourceCoordinates(topic, partition, offset, index, count);
  }

  /** The writer's name of the source partition, {@code <topic>-<partition>}: a Delta txn appId. */
  public String appId() {
    return topic + "-" + partition;
  }

  /**
   * The Delta txn appId of a source partition's rows that came through one routed partition, {@code
   * <topic>-<partition>@<routed partition>} (a topic name has no {@code @}).
   */
  public static String routeAppId(String sourceAppId, int routedPartition) {
    return sourceAppId + ROUTE + routedPartition;
  }

  /** Whether a Delta txn appId is a route's ({@link #routeAppId}), not a source partition's. */
  public static boolean isRouteAppId(String appId) {
    return appId.indexOf(ROUTE) >= 0;
  }

  /**
   * The source partition's appId of a route's appId; a source partition's own is returned as is.
   */
  public static String sourceAppIdOf(String appId) {
    int at = appId.indexOf(ROUTE);
    return at < 0 ? appId : appId.substring(0, at);
  }

  /** Whether the row carries the number of rows its source record has for its table. */
  public boolean hasCount() {
    return count != UNKNOWN;
  }

  /**
   * Adds these coordinates to {@code headers}, after removing any {@code lakestream.source.*}
   * headers already there; index and count only when known.
   *
   * @return {@code headers}
   */
  public Headers writeTo(Headers headers) {
    requireNonNull(headers, "headers is null");
    removeFrom(headers);
    headers.add(RecordHeaders.SOURCE_TOPIC, utf8(topic));
    headers.add(RecordHeaders.SOURCE_PARTITION, utf8(Integer.toString(partition)));
    headers.add(RecordHeaders.SOURCE_OFFSET, utf8(Long.toString(offset)));
    if (index != UNKNOWN) {
      headers.add(RecordHeaders.SOURCE_INDEX, utf8(Integer.toString(index)));
    }
    if (count != UNKNOWN) {
      headers.add(RecordHeaders.SOURCE_COUNT, utf8(Integer.toString(count)));
    }
    return headers;
  }

  /** New headers holding only these coordinates. */
  public Headers toHeaders() {
    return writeTo(new org.apache.kafka.common.header.internals.RecordHeaders());
  }

  /** Removes every {@code lakestream.source.*} header from {@code headers}. */
  public static void removeFrom(Headers headers) {
    requireNonNull(headers, "headers is null");
    for (String name : NAMES) {
      headers.remove(name);
    }
  }

  private static final String[] NAMES = {
    RecordHeaders.SOURCE_TOPIC,
    RecordHeaders.SOURCE_PARTITION,
    RecordHeaders.SOURCE_OFFSET,
    RecordHeaders.SOURCE_INDEX,
    RecordHeaders.SOURCE_COUNT
  };

  /** Whether {@code headerName} is one of the {@code lakestream.source.*} headers. */
  public static boolean isSourceHeader(String headerName) {
    return headerName.startsWith(PREFIX);
  }

  /**
   * Reads the coordinates of a record.
   *
   * @return null when the record has none of the topic, partition and offset headers
   * @throws InvalidSourceHeadersException when some are missing or a value is not a decimal number
   *     in range, naming the header
   */
  public static SourceCoordinates read(Headers headers) {
    requireNonNull(headers, "headers is null");
    byte[] topic = null;
    byte[] partition = null;
    byte[] offset = null;
    byte[] index = null;
    byte[] count = null;
    for (Header header : headers) {
      String key = header.key();
      if (!key.startsWith(PREFIX)) {
        continue;
      }
      switch (key) {
        case RecordHeaders.SOURCE_TOPIC -> topic = header.value();
        case RecordHeaders.SOURCE_PARTITION -> partition = header.value();
        case RecordHeaders.SOURCE_OFFSET -> offset = header.value();
        case RecordHeaders.SOURCE_INDEX -> index = header.value();
        case RecordHeaders.SOURCE_COUNT -> count = header.value();
        default -> {}
      }
    }
    if (topic == null && partition == null && offset == null) {
      return null;
    }
    if (topic == null || topic.length == 0) {
      throw new InvalidSourceHeadersException(
          "The header " + RecordHeaders.SOURCE_TOPIC + " is missing or empty");
    }
    long p = number(RecordHeaders.SOURCE_PARTITION, partition, Integer.MAX_VALUE);
    long o = number(RecordHeaders.SOURCE_OFFSET, offset, Long.MAX_VALUE);
    long i = index == null ? UNKNOWN : number(RecordHeaders.SOURCE_INDEX, index, Integer.MAX_VALUE);
    long c = count == null ? UNKNOWN : number(RecordHeaders.SOURCE_COUNT, count, Integer.MAX_VALUE);
    if (c == 0) {
      throw new InvalidSourceHeadersException(
          "The header "
              + RecordHeaders.SOURCE_COUNT
              + " is 0; a routed row's record has 1 or more");
    }
    return new SourceCoordinates(
        new String(topic, StandardCharsets.UTF_8), (int) p, o, (int) i, (int) c);
  }

  private static long number(String name, byte[] digits, long max) {
    if (digits == null) {
      throw new InvalidSourceHeadersException("The header " + name + " is missing");
    }
    long value = parseDecimal(digits);
    if (value < 0 || value > max) {
      throw new InvalidSourceHeadersException(
          "The header "
              + name
              + " is '"
              + new String(digits, StandardCharsets.UTF_8)
              + "', not a decimal number from 0 to "
              + max);
    }
    return value;
  }

  /** ASCII decimal digits → value; -1 when empty, not digits, or longer than 18 digits. */
  private static long parseDecimal(byte[] digits) {
    if (digits.length == 0 || digits.length > 18) {
      return -1;
    }
    long value = 0;
    for (byte digit : digits) {
      if (digit < '0' || digit > '9') {
        return -1;
      }
      value = value * 10 + (digit - '0');
    }
    return value;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The {@code lakestream.source.*} headers of a record are partly missing or not numbers. */
  public static final class InvalidSourceHeadersException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidSourceHeadersException(String message) {
      super(message);
    }
  }
}

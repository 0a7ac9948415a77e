package io.lakestream.reader;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How timestamp columns are written in JSON, NDJSON and CSV ({@code timestamps=} of row reads):
 * integers of microseconds since the epoch (the default, exact and what Delta stores), or ISO-8601
 * UTC strings with six fraction digits ({@code 2026-11-18T08:53:20.000001Z}), which sort as text.
 * Arrow always carries typed timestamps.
 */
public enum TimestampStyle {
  /** Integer microseconds since the Unix epoch, UTC. */
  MICROS("micros"),
  /** ISO-8601 UTC strings with microseconds. */
  ISO("iso");

  private static final DateTimeFormatter ISO_MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private final String parameter;

  TimestampStyle(String parameter) {
    this.parameter = parameter;
  }

  /** The value of {@code timestamps=} that selects this style. */
  public String parameter() {
    return parameter;
  }

  /**
   * The style a request asks for; null or empty means {@link #MICROS}.
   *
   * @throws QueryException (bad request) for another value, or {@link #ISO} with Arrow
   */
  public static TimestampStyle of(String value, RowFormat format) {
    TimestampStyle style = null;
    if (value == null || value.isEmpty()) {
      style = MICROS;
    } else {
      for (TimestampStyle candidate : values()) {
        if (candidate.parameter.equals(value.strip().toLowerCase(Locale.ROOT))) {
          style = candidate;
        }
      }
    }
    if (style == null) {
      throw QueryErrors.badParameter("timestamps", value, "'micros' (the default) or 'iso'");
    }
    if (style == ISO && format == RowFormat.ARROW) {
      throw QueryErrors.badParameter(
          "timestamps",
          value,
          "supported with Arrow, whose timestamps are typed (Timestamp(MICROSECOND, UTC)); use"
              + " it with json, ndjson or csv");
    }
    return style;
  }

  /** {@code micros} since the epoch as {@code 2026-11-18T08:53:20.000001Z}. */
  public static String iso(long micros) {
    Instant instant =
        Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    return ISO_MICROS.format(instant);
  }
}

package io.lakestream.schema.convert;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;
import java.util.Optional;

/**
 * A time written as text, as every part of Lakestream reads it (rows' values in NDJSON and SQL, key
 * parameters, the CLI's options): ISO-8601 ({@code 2026-11-21T10:00:00Z}, {@code
 * 2026-11-21T11:00:00.123456+01:00}), or as SQL and psql write it ({@code 2026-11-21 10:00:00},
 * {@code …+01}); UTC when it has no offset; a date alone is its midnight UTC.
 */
public final class TimeText {
  /** A date, then optionally a time (after a T or a space), then optionally an offset. */
  private static final DateTimeFormatter FORMAT =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .optionalStart()
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .optionalStart()
          .appendLiteral('T')
          .optionalEnd()
          .append(DateTimeFormatter.ISO_LOCAL_TIME)
          .optionalStart()
          .appendOffset("+HH:mm", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH", "Z")
          .optionalEnd()
          .optionalEnd()
          .toFormatter(Locale.ROOT);

  private TimeText() {}

  /** The instant {@code text} names (surrounding blanks ignored); empty when it names none. */
  public static Optional<Instant> instant(String text) {
    try {
      TemporalAccessor parsed =
          FORMAT.parseBest(
              text.strip(), OffsetDateTime::from, LocalDateTime::from, LocalDate::from);
      if (parsed instanceof OffsetDateTime time) {
        return Optional.of(time.toInstant());
      } else if (parsed instanceof LocalDateTime time) {
        return Optional.of(time.toInstant(ZoneOffset.UTC));
      }
      return Optional.of(((LocalDate) parsed).atStartOfDay(ZoneOffset.UTC).toInstant());
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }
}

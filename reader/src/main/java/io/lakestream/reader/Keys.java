package io.lakestream.reader;

import io.lakestream.index.KeyEncoding;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.convert.TimeText;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Primary key values ↔ the {@code long} keys of the index ({@link KeyEncoding}, order-preserving),
 * and key parameters of requests ↔ keys.
 *
 * <p>Request keys: integers for int, long, timestamp (microseconds since the epoch, UTC) and date
 * (days since the epoch); ISO-8601 too for timestamps ({@code 2026-11-21T10:00:00Z}, {@code
 * 2026-11-21T10:00:00.123456+01:00}, UTC without an offset, a space for the T as SQL writes it, or
 * a date, meaning its midnight UTC) and dates ({@code 2026-11-21}); decimal numbers for float and
 * double.
 */
public final class Keys {
  private Keys() {}

  /** The key of a value read from a data file (Integer, Long, Float or Double). */
  public static long encode(ColumnType type, Object value) {
    return switch (type) {
      case INT, DATE -> KeyEncoding.ofInt((Integer) value);
      case LONG, TIMESTAMP -> KeyEncoding.ofLong((Long) value);
      case FLOAT -> KeyEncoding.ofFloat((Float) value);
      case DOUBLE -> KeyEncoding.ofDouble((Double) value);
      default -> throw new IllegalArgumentException("type " + type + " is not orderable");
    };
  }

  /**
   * Parses a key given in a request.
   *
   * @param parameter the parameter's name, for the error message
   * @throws QueryException (bad request) naming the parameter, the value and the accepted forms
   */
  public static long parse(ColumnType type, String text, String parameter, String column) {
    String value = text.strip();
    try {
      return switch (type) {
        case INT -> KeyEncoding.ofInt(Integer.parseInt(value));
        case LONG -> Long.parseLong(value);
        case TIMESTAMP -> parseTimestamp(value);
        case DATE -> KeyEncoding.ofDateDays(parseDate(value));
        case FLOAT -> KeyEncoding.ofFloat(finite(Float.parseFloat(value)));
        case DOUBLE -> KeyEncoding.ofDouble(finite(Double.parseDouble(value)));
        default -> throw new IllegalArgumentException("type " + type + " is not orderable");
      };
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw QueryErrors.badKey(parameter, text, column, type.typeName());
    }
  }

  private static float finite(float value) {
    if (Float.isNaN(value)) {
      throw new NumberFormatException("NaN");
    }
    return value;
  }

  private static double finite(double value) {
    if (Double.isNaN(value)) {
      throw new NumberFormatException("NaN");
    }
    return value;
  }

  private static long parseTimestamp(String value) {
    if (isInteger(value)) {
      return Long.parseLong(value);
    }
    Instant instant =
        TimeText.instant(value)
            .orElseThrow(() -> new DateTimeParseException("not a time", value, 0));
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
  }

  private static int parseDate(String value) {
    if (isInteger(value)) {
      return Integer.parseInt(value);
    }
    return Math.toIntExact(LocalDate.parse(value).toEpochDay());
  }

  private static boolean isInteger(String value) {
    int start = value.startsWith("-") || value.startsWith("+") ? 1 : 0;
    if (start == value.length()) {
      return false;
    }
    for (int i = start; i < value.length(); i++) {
      if (!Character.isDigit(value.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * A key as a JSON-friendly value for status responses: the number itself, except doubles and
   * floats, which decode to their value.
   */
  public static Object value(ColumnType type, long key) {
    return switch (type) {
      case FLOAT, DOUBLE -> KeyEncoding.toDouble(key);
      default -> key;
    };
  }

  /**
   * A timestamp key as ISO-8601 UTC with microseconds, e.g. {@code 2026-11-21T10:00:00.000001Z}.
   */
  public static String isoTimestamp(long micros) {
    Instant instant =
        Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L))
            .plus(Math.floorMod(micros, 1_000_000L), ChronoUnit.MICROS);
    return DateTimeFormatter.ISO_INSTANT.format(instant);
  }
}

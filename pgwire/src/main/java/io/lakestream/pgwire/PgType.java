package io.lakestream.pgwire;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The PostgreSQL types Lakestream sends and accepts, with their text and binary encodings.
 *
 * <p>Java values per type: {@code BOOL} a {@code Boolean}; {@code INT2}/{@code INT4}/{@code INT8}/
 * {@code OID} any {@code Number}; {@code FLOAT4}/{@code FLOAT8} a {@code Number}; {@code NUMERIC} a
 * {@code BigDecimal} or any {@code Number}; text types, {@code JSON} and {@code JSONB} a {@code
 * String} (any object is sent as its {@code toString()}); {@code BYTEA} a {@code byte[]}; {@code
 * DATE} a {@code LocalDate}; {@code TIMESTAMP} a {@code LocalDateTime}; {@code TIMESTAMPTZ} an
 * {@code Instant} or {@code OffsetDateTime}; arrays a {@code List} of their element's values.
 */
public enum PgType {
  BOOL(16, "bool", "boolean", 1, null),
  BYTEA(17, "bytea", "bytea", -1, null),
  CHAR(18, "char", "\"char\"", 1, null),
  NAME(19, "name", "name", 64, null),
  INT8(20, "int8", "bigint", 8, null),
  INT2(21, "int2", "smallint", 2, null),
  INT4(23, "int4", "integer", 4, null),
  TEXT(25, "text", "text", -1, null),
  OID(26, "oid", "oid", 4, null),
  JSON(114, "json", "json", -1, null),
  FLOAT4(700, "float4", "real", 4, null),
  FLOAT8(701, "float8", "double precision", 8, null),
  VARCHAR(1043, "varchar", "character varying", -1, null),
  DATE(1082, "date", "date", 4, null),
  TIMESTAMP(1114, "timestamp", "timestamp without time zone", 8, null),
  TIMESTAMPTZ(1184, "timestamptz", "timestamp with time zone", 8, null),
  NUMERIC(1700, "numeric", "numeric", -1, null),
  JSONB(3802, "jsonb", "jsonb", -1, null),
  BOOL_ARRAY(1000, "_bool", "boolean[]", -1, BOOL),
  INT2_ARRAY(1005, "_int2", "smallint[]", -1, INT2),
  INT4_ARRAY(1007, "_int4", "integer[]", -1, INT4),
  TEXT_ARRAY(1009, "_text", "text[]", -1, TEXT),
  VARCHAR_ARRAY(1015, "_varchar", "character varying[]", -1, VARCHAR),
  INT8_ARRAY(1016, "_int8", "bigint[]", -1, INT8),
  FLOAT4_ARRAY(1021, "_float4", "real[]", -1, FLOAT4),
  FLOAT8_ARRAY(1022, "_float8", "double precision[]", -1, FLOAT8),
  DATE_ARRAY(1182, "_date", "date[]", -1, DATE),
  TIMESTAMPTZ_ARRAY(1185, "_timestamptz", "timestamp with time zone[]", -1, TIMESTAMPTZ),
  NUMERIC_ARRAY(1231, "_numeric", "numeric[]", -1, NUMERIC),
  JSONB_ARRAY(3807, "_jsonb", "jsonb[]", -1, JSONB);

  private static final LocalDateTime PG_EPOCH = LocalDateTime.of(2000, 1, 1, 0, 0);
  private static final long PG_EPOCH_DAY = LocalDate.of(2000, 1, 1).toEpochDay();
  private static final DateTimeFormatter TIMESTAMP_TEXT =
      new DateTimeFormatterBuilder()
          .appendPattern("uuuu-MM-dd HH:mm:ss")
          .appendFraction(ChronoField.MICRO_OF_SECOND, 0, 6, true)
          .toFormatter(Locale.ROOT);

  private final int oid;
  private final String typeName;
  private final String sqlName;
  private final int size;
  private final PgType element;

  PgType(int oid, String typeName, String sqlName, int size, PgType element) {
    this.oid = oid;
    this.typeName = typeName;
    this.sqlName = sqlName;
    this.size = size;
    this.element = element;
  }

  /** The type's OID, as in {@code pg_type.oid}. */
  public int oid() {
    return oid;
  }

  /** The type's name in {@code pg_type.typname}, e.g. {@code int8}. */
  public String typeName() {
    return typeName;
  }

  /** The name {@code format_type} gives, e.g. {@code bigint} or {@code text[]}. */
  public String sqlName() {
    return sqlName;
  }

  /** The fixed size in bytes ({@code pg_type.typlen}), or -1 for variable-length types. */
  public int size() {
    return size;
  }

  /** The element type of an array type. */
  public Optional<PgType> element() {
    return Optional.ofNullable(element);
  }

  /** The array type whose elements are of this type, if Lakestream has one. */
  public Optional<PgType> arrayType() {
    for (PgType type : values()) {
      if (type.element == this) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  /** The type of an OID, if Lakestream knows it. */
  public static Optional<PgType> ofOid(int oid) {
    for (PgType type : values()) {
      if (type.oid == oid) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  /** A value in the text format, as {@code psql} prints it. */
  public String text(Object value) {
    if (element != null) {
      return arrayText((List<?>) value);
    }
    return switch (this) {
      case BOOL -> ((Boolean) value) ? "t" : "f";
      case INT2, INT4, INT8, OID ->
          value instanceof Number n ? Long.toString(n.longValue()) : str(value);
      case FLOAT4 -> floatText(((Number) value).floatValue());
      case FLOAT8 -> floatText(((Number) value).doubleValue());
      case NUMERIC -> value instanceof BigDecimal d ? d.toPlainString() : value.toString();
      case BYTEA -> "\\x" + HexFormat.of().formatHex((byte[]) value);
      case DATE -> ((LocalDate) value).toString();
      case TIMESTAMP -> TIMESTAMP_TEXT.format((LocalDateTime) value);
      case TIMESTAMPTZ -> TIMESTAMP_TEXT.format(utc(value)) + "+00";
      default -> str(value);
    };
  }

  /** A value in the binary format. */
  public byte[] binary(Object value) {
    if (element != null) {
      return arrayBinary((List<?>) value);
    }
    return switch (this) {
      case BOOL -> new byte[] {(byte) (((Boolean) value) ? 1 : 0)};
      case CHAR -> new byte[] {(byte) str(value).charAt(0)};
      case INT2 -> ByteBuffer.allocate(2).putShort(((Number) value).shortValue()).array();
      case INT4, OID -> ByteBuffer.allocate(4).putInt(((Number) value).intValue()).array();
      case INT8 -> ByteBuffer.allocate(8).putLong(((Number) value).longValue()).array();
      case FLOAT4 -> ByteBuffer.allocate(4).putFloat(((Number) value).floatValue()).array();
      case FLOAT8 -> ByteBuffer.allocate(8).putDouble(((Number) value).doubleValue()).array();
      case NUMERIC -> numericBinary(value);
      case BYTEA -> (byte[]) value;
      case DATE ->
          ByteBuffer.allocate(4)
              .putInt((int) (((LocalDate) value).toEpochDay() - PG_EPOCH_DAY))
              .array();
      case TIMESTAMP ->
          ByteBuffer.allocate(8)
              .putLong(ChronoUnit.MICROS.between(PG_EPOCH, (LocalDateTime) value))
              .array();
      case TIMESTAMPTZ ->
          ByteBuffer.allocate(8).putLong(ChronoUnit.MICROS.between(PG_EPOCH, utc(value))).array();
      case JSONB -> {
        byte[] text = str(value).getBytes(StandardCharsets.UTF_8);
        byte[] jsonb = new byte[text.length + 1];
        jsonb[0] = 1; // jsonb binary format version
        System.arraycopy(text, 0, jsonb, 1, text.length);
        yield jsonb;
      }
      default -> str(value).getBytes(StandardCharsets.UTF_8);
    };
  }

  /**
   * Reads a parameter sent in the text format.
   *
   * @throws PgException {@code 22P02} when the text is not a value of this type
   */
  public Object parseText(String text, int index) {
    try {
      return switch (this) {
        case BOOL -> parseBool(text, index);
        case INT2 -> Short.parseShort(text.strip());
        case INT4, OID -> Integer.parseInt(text.strip());
        case INT8 -> Long.parseLong(text.strip());
        case FLOAT4 -> Float.parseFloat(text.strip());
        case FLOAT8 -> Double.parseDouble(text.strip());
        case NUMERIC -> new BigDecimal(text.strip());
        case BYTEA ->
            text.startsWith("\\x")
                ? HexFormat.of().parseHex(text.substring(2))
                : text.getBytes(StandardCharsets.UTF_8);
        case DATE -> LocalDate.parse(text.strip());
        case TIMESTAMP -> parseTimestamp(text).toLocalDateTime();
        case TIMESTAMPTZ -> parseTimestamp(text).toInstant();
        default -> {
          if (element != null) {
            throw PgErrors.notSupported(
                "parameter $"
                    + index
                    + " is an array ("
                    + sqlName
                    + "): array parameters are not"
                    + " supported; inline the values or use one parameter per element");
          }
          yield text;
        }
      };
    } catch (NumberFormatException | DateTimeParseException e) {
      throw PgErrors.badParameter(index, sqlName, "'" + text + "'");
    }
  }

  /**
   * Reads a parameter sent in the binary format.
   *
   * @throws PgException {@code 22P02} when the bytes are not a value of this type
   */
  public Object parseBinary(byte[] bytes, int index) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    if (size > 0 && bytes.length != size && this != NAME) {
      throw PgErrors.badParameter(
          index, sqlName, bytes.length + " bytes in the binary format, expected " + size);
    }
    return switch (this) {
      case BOOL -> bytes[0] != 0;
      case INT2 -> buffer.getShort();
      case INT4, OID -> buffer.getInt();
      case INT8 -> buffer.getLong();
      case FLOAT4 -> buffer.getFloat();
      case FLOAT8 -> buffer.getDouble();
      case BYTEA -> bytes;
      case DATE -> LocalDate.ofEpochDay(PG_EPOCH_DAY + buffer.getInt());
      case TIMESTAMP -> PG_EPOCH.plus(buffer.getLong(), ChronoUnit.MICROS);
      case TIMESTAMPTZ ->
          PG_EPOCH.plus(buffer.getLong(), ChronoUnit.MICROS).toInstant(ZoneOffset.UTC);
      case JSONB -> new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
      case TEXT, VARCHAR, NAME, JSON, CHAR -> new String(bytes, StandardCharsets.UTF_8);
      default ->
          throw PgErrors.notSupported(
              "parameter $"
                  + index
                  + " of type "
                  + sqlName
                  + " in the binary format is not supported;"
                  + " send it in the text format");
    };
  }

  private static Boolean parseBool(String text, int index) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "t", "true", "1", "yes", "y", "on" -> true;
      case "f", "false", "0", "no", "n", "off" -> false;
      default -> throw PgErrors.badParameter(index, "boolean", "'" + text + "'");
    };
  }

  /**
   * Reads {@code 2026-01-02 03:04:05.678+01}, ISO forms with {@code T} and {@code Z}, or no zone
   * (UTC).
   */
  static OffsetDateTime parseTimestamp(String text) {
    String t = text.strip().replace(' ', 'T');
    if (t.endsWith("Z") || t.endsWith("z")) {
      t = t.substring(0, t.length() - 1) + "+00:00";
    }
    int sign = Math.max(t.lastIndexOf('+'), t.lastIndexOf('-'));
    if (sign > t.indexOf('T') && t.indexOf('T') > 0) {
      String offset = t.substring(sign + 1);
      if (offset.length() == 2) {
        offset = offset + ":00";
      } else if (offset.length() == 4 && offset.indexOf(':') < 0) {
        offset = offset.substring(0, 2) + ":" + offset.substring(2);
      }
      return OffsetDateTime.parse(t.substring(0, sign + 1) + offset);
    }
    if (t.indexOf('T') < 0) {
      return LocalDate.parse(t).atStartOfDay().atOffset(ZoneOffset.UTC);
    }
    return LocalDateTime.parse(t).atOffset(ZoneOffset.UTC);
  }

  private static LocalDateTime utc(Object value) {
    if (value instanceof Instant instant) {
      return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
    if (value instanceof OffsetDateTime time) {
      return time.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
    }
    return (LocalDateTime) value;
  }

  private static String str(Object value) {
    return value.toString();
  }

  /**
   * Floats as PostgreSQL prints them: {@code 100}, {@code 1.5}, {@code 82893580.2}, {@code 0.0001},
   * {@code 1e-05}, {@code 1e+20}, {@code NaN}.
   */
  static String floatText(double d) {
    if (d != 0 && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    String shortest = Double.toString(d);
    if (d != 0 && shortest.indexOf('E') < 0) {
      return shortest; // 1.5, NaN, Infinity: as PostgreSQL writes them
    }
    return floatText(d, shortest, 15);
  }

  /** As {@link #floatText(double)} for {@code real}: an exponent from 1e6 up, as PostgreSQL. */
  private static String floatText(float f) {
    return floatText(f, shortest(f), 6);
  }

  /**
   * The fewest digits that read back as {@code f} (Java 17's {@code Float.toString} may give more:
   * 8.2893584E7 for what PostgreSQL prints as 8.289358e+07).
   */
  private static String shortest(float f) {
    if (Float.isNaN(f) || Float.isInfinite(f) || f == 0) {
      return Float.toString(f);
    }
    java.math.BigDecimal exact = new java.math.BigDecimal(f);
    for (int digits = 1; digits < 9; digits++) {
      java.math.BigDecimal rounded = exact.round(new java.math.MathContext(digits));
      if (rounded.floatValue() == f) {
        return rounded.toString();
      }
    }
    return Float.toString(f);
  }

  /**
   * {@code value} in its shortest digits ({@code shortest}, Java's), written as PostgreSQL writes
   * them: with an exponent when it is below -4 or from {@code digits} up, else plainly.
   */
  private static String floatText(double value, String shortest, int digits) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "Infinity" : "-Infinity";
    }
    if (value == 0) {
      return 1 / value < 0 ? "-0" : "0";
    }
    java.math.BigDecimal decimal = new java.math.BigDecimal(shortest).stripTrailingZeros();
    int exponent = decimal.precision() - decimal.scale() - 1;
    if (exponent >= -4 && exponent < digits) {
      return decimal.toPlainString();
    }
    String mantissa = decimal.movePointLeft(exponent).toPlainString();
    return mantissa
        + "e"
        + (exponent < 0 ? "-" : "+")
        + String.format(Locale.ROOT, "%02d", Math.abs(exponent));
  }

  private String arrayText(List<?> values) {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      Object value = values.get(i);
      if (value == null) {
        out.append("NULL");
        continue;
      }
      String text = element.text(value);
      if (needsQuotes(text)) {
        out.append('"');
        for (char c : text.toCharArray()) {
          if (c == '"' || c == '\\') {
            out.append('\\');
          }
          out.append(c);
        }
        out.append('"');
      } else {
        out.append(text);
      }
    }
    return out.append('}').toString();
  }

  private static boolean needsQuotes(String text) {
    if (text.isEmpty() || text.equalsIgnoreCase("NULL")) {
      return true;
    }
    for (char c : text.toCharArray()) {
      if (c == '{' || c == '}' || c == ',' || c == '"' || c == '\\' || Character.isWhitespace(c)) {
        return true;
      }
    }
    return false;
  }

  private byte[] arrayBinary(List<?> values) {
    List<byte[]> encoded = new ArrayList<>(values.size());
    int length = values.isEmpty() ? 12 : 20;
    boolean hasNull = false;
    for (Object value : values) {
      byte[] bytes = value == null ? null : element.binary(value);
      hasNull |= bytes == null;
      encoded.add(bytes);
      length += 4 + (bytes == null ? 0 : bytes.length);
    }
    ByteBuffer out = ByteBuffer.allocate(length);
    out.putInt(values.isEmpty() ? 0 : 1).putInt(hasNull ? 1 : 0).putInt(element.oid);
    if (!values.isEmpty()) {
      out.putInt(values.size()).putInt(1);
    }
    for (byte[] bytes : encoded) {
      if (bytes == null) {
        out.putInt(-1);
      } else {
        out.putInt(bytes.length).put(bytes);
      }
    }
    return out.array();
  }

  /** NUMERIC's sign word for a negative value, NaN, +Infinity and -Infinity (PostgreSQL 14+). */
  private static final short NUMERIC_NEGATIVE = 0x4000;

  private static final short NUMERIC_NAN = (short) 0xC000;
  private static final short NUMERIC_POSITIVE_INFINITY = (short) 0xD000;
  private static final short NUMERIC_NEGATIVE_INFINITY = (short) 0xF000;

  /** The largest display scale NUMERIC's binary format holds (its low 14 bits). */
  private static final int NUMERIC_MAX_SCALE = 0x3FFF;

  /** The most digits before the point PostgreSQL's numeric holds (a weight up to 32767). */
  private static final int NUMERIC_MAX_WHOLE_DIGITS = 131_072;

  private static final BigInteger TEN_THOUSAND = BigInteger.valueOf(10_000);
  private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000};

  /**
   * NUMERIC's binary format of a {@code BigDecimal} or another {@code Number}: a float's NaN and
   * infinities as PostgreSQL sends them (their text, {@code NaN}, {@code Infinity}, {@code
   * -Infinity}, is PostgreSQL's too).
   */
  private static byte[] numericBinary(Object value) {
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d)) {
        return numericSpecial(NUMERIC_NAN);
      }
      if (Double.isInfinite(d)) {
        return numericSpecial(d > 0 ? NUMERIC_POSITIVE_INFINITY : NUMERIC_NEGATIVE_INFINITY);
      }
    }
    return numericBinary(value instanceof BigDecimal d ? d : new BigDecimal(value.toString()));
  }

  private static byte[] numericSpecial(short sign) {
    return ByteBuffer.allocate(8).putShort((short) 0).putShort((short) 0).putShort(sign).array();
  }

  /**
   * NUMERIC's binary format: base-10000 digits, most significant first, without leading or trailing
   * zero digits; the weight (the power of 10000 of the first digit), the sign and the display scale
   * (the value's decimal digits after the point, 0 for an integer).
   *
   * @throws PgException {@code 22003} for a value beyond what the format holds (a display scale
   *     above 16383, more than 131072 digits before the point), as PostgreSQL refuses it
   */
  private static byte[] numericBinary(BigDecimal value) {
    int scale = Math.max(value.scale(), 0);
    if (scale > NUMERIC_MAX_SCALE
        || value.signum() != 0 && value.precision() - value.scale() > NUMERIC_MAX_WHOLE_DIGITS) {
      throw PgErrors.outOfRange(
          "value overflows numeric format: PostgreSQL's numeric holds up to 131072 digits before"
              + " the decimal point and 16383 after it; cast the value to double precision or"
              + " text");
    }
    BigInteger unscaled =
        value.scale() < 0 ? value.setScale(0).unscaledValue() : value.unscaledValue();
    // the decimal digits after the point, padded with zeros to whole base-10000 digits
    int padding = (4 - scale % 4) % 4;
    int fractionDigits = (scale + padding) / 4;
    short[] digits = new short[(unscaled.bitLength() + 10) / 13 + 2]; // least significant first
    int count = 0;
    if (unscaled.bitLength() < 63) {
      long rest = Math.abs(unscaled.longValue());
      if (rest != 0) {
        int first = POWERS_OF_TEN[4 - padding];
        digits[count++] = (short) (rest % first * POWERS_OF_TEN[padding]);
        rest /= first;
      }
      while (rest != 0) {
        digits[count++] = (short) (rest % 10_000);
        rest /= 10_000;
      }
    } else {
      BigInteger rest = unscaled.abs().multiply(BigInteger.TEN.pow(padding));
      while (rest.signum() != 0) {
        BigInteger[] quotientAndRemainder = rest.divideAndRemainder(TEN_THOUSAND);
        digits[count++] = quotientAndRemainder[1].shortValue();
        rest = quotientAndRemainder[0];
      }
    }
    int weight = count - 1 - fractionDigits;
    int last = 0; // trailing zero digits are left out
    while (last < count && digits[last] == 0) {
      last++;
    }
    int sign = unscaled.signum() < 0 ? NUMERIC_NEGATIVE : 0;
    if (count == 0) {
      weight = 0;
    }
    ByteBuffer out = ByteBuffer.allocate(8 + 2 * (count - last));
    out.putShort((short) (count - last)).putShort((short) weight).putShort((short) sign);
    out.putShort((short) scale);
    for (int i = count - 1; i >= last; i--) {
      out.putShort(digits[i]);
    }
    return out.array();
  }
}

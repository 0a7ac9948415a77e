package io.lakestream.query;

import io.lakestream.pgwire.PgType;
import io.lakestream.query.http.ArrowColumns;
import io.lakestream.sql.ResultColumn;
import io.lakestream.sql.SqlType;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * One row at a time of an Arrow batch of the engine ({@link io.lakestream.sql.ResultBatches}), each
 * column in PostgreSQL's text or binary format as the client asked, byte for byte as {@link
 * PgType#text} and {@link PgType#binary} write the values the engine gives row by row.
 *
 * <p>Text: integers and strings straight from the vectors, timestamps formatted here, the rest
 * (floats, dates, numerics, bytea, arrays, timestamps outside years 1–9999) through {@link
 * PgType#text} of the value read from the vector. Binary: every value straight from the vectors
 * (big-endian integers and IEEE floats, days and microseconds since 2000-01-01, strings and bytea
 * copied, {@code jsonb} as version 1 and its text, arrays with their header), but numerics, through
 * {@link PgType#binary} of the {@code BigDecimal} read from the vector.
 */
final class PgBatchRow {
  /** Rows in a batch asked of the engine: DuckDB's vector size. */
  static final int BATCH_ROWS = 2_048;

  /** Days from 1970-01-01 to PostgreSQL's epoch, 2000-01-01. */
  private static final int PG_EPOCH_DAYS = 10_957;

  /** Microseconds from 1970-01-01 to PostgreSQL's epoch. */
  private static final long PG_EPOCH_MICROS = PG_EPOCH_DAYS * 86_400_000_000L;

  private final List<ResultColumn> columns;
  private final PgType[] types;
  private final boolean[] binary;
  private final int[] starts;
  private final int[] lengths;
  private byte[] bytes = new byte[8192];
  private int size;

  /**
   * Rows of {@code columns}, sent as {@code types}; column {@code i} in the binary format when
   * {@code binary[i]}, else in the text format.
   */
  PgBatchRow(List<ResultColumn> columns, List<PgType> types, boolean[] binary) {
    this.columns = columns;
    this.types = types.toArray(PgType[]::new);
    this.binary = binary.clone();
    this.starts = new int[columns.size()];
    this.lengths = new int[columns.size()];
  }

  /** Whether results of these columns are read here (else: row by row, as values). */
  static boolean reads(List<ResultColumn> columns) {
    return ArrowColumns.readsAll(
        columns, type -> ArrowColumns.SCALAR_TYPES.contains(type) || type.startsWith("DECIMAL("));
  }

  byte[] bytes() {
    return bytes;
  }

  int start(int column) {
    return starts[column];
  }

  int length(int column) {
    return lengths[column];
  }

  /**
   * Puts the encoded values of row {@code row} of these vectors (the batch's) into {@link
   * #bytes()}.
   */
  void read(FieldVector[] vectors, int row) {
    size = 0;
    for (int c = 0; c < vectors.length; c++) {
      FieldVector vector = vectors[c];
      starts[c] = size;
      if (vector.isNull(row)) {
        lengths[c] = -1;
        continue;
      }
      if (binary[c]) {
        binary(vector, columns.get(c), types[c], row);
      } else {
        text(vector, columns.get(c), types[c], row);
      }
      lengths[c] = size - starts[c];
    }
  }

  // ---- the text format ----

  private void text(FieldVector vector, ResultColumn column, PgType type, int row) {
    if (column.type() == SqlType.ARRAY) {
      utf8(type.text(list((ListVector) vector, column.elementType().orElseThrow(), row)));
      return;
    }
    switch (column.type()) {
      case BOOLEAN -> write(((BitVector) vector).get(row) != 0 ? (byte) 't' : (byte) 'f');
      case SMALLINT, INTEGER, BIGINT -> writeLong(ArrowColumns.integer(vector, row));
      case REAL -> utf8(type.text(((Float4Vector) vector).get(row)));
      case DOUBLE -> utf8(type.text(((Float8Vector) vector).get(row)));
      case NUMERIC -> utf8(type.text(((DecimalVector) vector).getObject(row)));
      case BYTEA -> utf8(type.text(((VarBinaryVector) vector).get(row)));
      case TEXT, JSON -> copy((BaseVariableWidthVector) vector, row);
      case DATE -> utf8(type.text(LocalDate.ofEpochDay(((DateDayVector) vector).get(row))));
      case TIMESTAMP -> timestamp(((TimeStampMicroVector) vector).get(row), type, false);
      case TIMESTAMPTZ -> timestamp(((TimeStampMicroTZVector) vector).get(row), type, true);
      default -> throw new IllegalStateException("not read from batches: " + column.type());
    }
  }

  /** An array's elements as the engine gives them row by row. */
  private static List<Object> list(ListVector list, SqlType elementType, int row) {
    int start = list.getOffsetBuffer().getInt((long) row * ListVector.OFFSET_WIDTH);
    int end = list.getOffsetBuffer().getInt((long) (row + 1) * ListVector.OFFSET_WIDTH);
    ValueVector elements = list.getDataVector();
    List<Object> values = new ArrayList<>(end - start);
    for (int i = start; i < end; i++) {
      if (elements.isNull(i)) {
        values.add(null);
        continue;
      }
      values.add(
          switch (elementType) {
            case BOOLEAN -> ((BitVector) elements).get(i) != 0;
            case SMALLINT, INTEGER, BIGINT -> ArrowColumns.integer(elements, i);
            case REAL -> ((Float4Vector) elements).get(i);
            case DOUBLE -> ((Float8Vector) elements).get(i);
            case TEXT -> elements.getObject(i).toString();
            default -> throw new IllegalStateException("not read from batches: " + elementType);
          });
    }
    return values;
  }

  /** {@code 2026-01-02 03:04:05.678+00} as {@link PgType#text} writes it. */
  private void timestamp(long micros, PgType type, boolean zoned) {
    long seconds = Math.floorDiv(micros, 1_000_000L);
    long fraction = Math.floorMod(micros, 1_000_000L);
    if (micros < ArrowColumns.FIRST_FAST_MICROS || micros > ArrowColumns.LAST_FAST_MICROS) {
      LocalDateTime time =
          LocalDateTime.ofEpochSecond(seconds, (int) fraction * 1_000, ZoneOffset.UTC);
      utf8(type.text(zoned ? time.toInstant(ZoneOffset.UTC) : time));
      return;
    }
    long days = Math.floorDiv(seconds, 86_400L);
    long secondOfDay = Math.floorMod(seconds, 86_400L);
    long date = ArrowColumns.civilDate(days);
    long year = date / 10_000;
    long month = date / 100 % 100;
    long day = date % 100;
    ensure(32);
    padded(year, 4);
    bytes[size++] = '-';
    padded(month, 2);
    bytes[size++] = '-';
    padded(day, 2);
    bytes[size++] = ' ';
    padded(secondOfDay / 3600, 2);
    bytes[size++] = ':';
    padded(secondOfDay / 60 % 60, 2);
    bytes[size++] = ':';
    padded(secondOfDay % 60, 2);
    if (fraction != 0) {
      int digits = 6;
      while (fraction % 10 == 0) {
        fraction /= 10;
        digits--;
      }
      bytes[size++] = '.';
      padded(fraction, digits);
    }
    if (zoned) {
      bytes[size++] = '+';
      bytes[size++] = '0';
      bytes[size++] = '0';
    }
  }

  private void padded(long value, int digits) {
    if (value <= Integer.MAX_VALUE) { // (int division: a timestamp's fields, most numbers)
      int v = (int) value;
      for (int i = digits - 1; i >= 0; i--) {
        bytes[size + i] = (byte) ('0' + v % 10);
        v /= 10;
      }
    } else {
      for (int i = digits - 1; i >= 0; i--) {
        bytes[size + i] = (byte) ('0' + value % 10);
        value /= 10;
      }
    }
    size += digits;
  }

  private void writeLong(long value) {
    if (value == Long.MIN_VALUE) {
      utf8(Long.toString(value));
      return;
    }
    ensure(20);
    if (value < 0) {
      bytes[size++] = '-';
      value = -value;
    }
    int digits = 1;
    for (long v = value; v >= 10; v /= 10) {
      digits++;
    }
    padded(value, digits);
  }

  /** Text that may hold any character (array elements): as UTF-8. */
  private void utf8(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    ensure(utf8.length);
    System.arraycopy(utf8, 0, bytes, size, utf8.length);
    size += utf8.length;
  }

  // ---- the binary format ----

  private void binary(FieldVector vector, ResultColumn column, PgType type, int row) {
    if (column.type() == SqlType.ARRAY) {
      binaryArray((ListVector) vector, column.elementType().orElseThrow(), type, row);
    } else {
      binaryValue(vector, column.type(), type, row);
    }
  }

  /** A value that is not an array: of {@code sqlType} in the vector, sent as {@code type}. */
  private void binaryValue(ValueVector vector, SqlType sqlType, PgType type, int row) {
    switch (sqlType) {
      case BOOLEAN -> write(((BitVector) vector).get(row) != 0 ? (byte) 1 : (byte) 0);
      case SMALLINT, INTEGER, BIGINT -> {
        long value = ArrowColumns.integer(vector, row);
        switch (type.size()) {
          case 2 -> writeShort((short) value);
          case 4 -> writeInt((int) value);
          default -> writeLong8(value);
        }
      }
      case REAL -> writeInt(Float.floatToRawIntBits(((Float4Vector) vector).get(row)));
      case DOUBLE -> writeLong8(Double.doubleToRawLongBits(((Float8Vector) vector).get(row)));
      case NUMERIC -> writeBytes(type.binary(((DecimalVector) vector).getObject(row)));
      case TEXT, BYTEA -> copy((BaseVariableWidthVector) vector, row);
      case JSON -> {
        write((byte) 1); // jsonb binary format version
        copy((BaseVariableWidthVector) vector, row);
      }
      case DATE -> writeInt(((DateDayVector) vector).get(row) - PG_EPOCH_DAYS);
      case TIMESTAMP -> writeLong8(((TimeStampMicroVector) vector).get(row) - PG_EPOCH_MICROS);
      case TIMESTAMPTZ -> writeLong8(((TimeStampMicroTZVector) vector).get(row) - PG_EPOCH_MICROS);
      default -> throw new IllegalStateException("not read from batches: " + sqlType);
    }
  }

  /**
   * An array as {@link PgType#binary} writes it: dimensions (0 when empty, else 1), whether an
   * element is null, the element type's OID, then for one dimension its length and lower bound 1,
   * and each element's length (-1: null) and bytes.
   */
  private void binaryArray(ListVector list, SqlType elementType, PgType type, int row) {
    PgType element = type.element().orElseThrow();
    int start = list.getOffsetBuffer().getInt((long) row * ListVector.OFFSET_WIDTH);
    int end = list.getOffsetBuffer().getInt((long) (row + 1) * ListVector.OFFSET_WIDTH);
    ValueVector elements = list.getDataVector();
    boolean hasNull = false;
    for (int i = start; i < end && !hasNull; i++) {
      hasNull = elements.isNull(i);
    }
    writeInt(end > start ? 1 : 0);
    writeInt(hasNull ? 1 : 0);
    writeInt(element.oid());
    if (end > start) {
      writeInt(end - start);
      writeInt(1);
    }
    for (int i = start; i < end; i++) {
      if (elements.isNull(i)) {
        writeInt(-1);
        continue;
      }
      int lengthAt = size;
      writeInt(0);
      binaryValue(elements, elementType, element, i);
      putInt(lengthAt, size - lengthAt - 4);
    }
  }

  private void writeShort(short value) {
    ensure(2);
    bytes[size++] = (byte) (value >> 8);
    bytes[size++] = (byte) value;
  }

  private void writeInt(int value) {
    ensure(4);
    putInt(size, value);
    size += 4;
  }

  private void putInt(int at, int value) {
    bytes[at] = (byte) (value >> 24);
    bytes[at + 1] = (byte) (value >> 16);
    bytes[at + 2] = (byte) (value >> 8);
    bytes[at + 3] = (byte) value;
  }

  private void writeLong8(long value) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      bytes[size++] = (byte) (value >> shift);
    }
  }

  private void writeBytes(byte[] value) {
    ensure(value.length);
    System.arraycopy(value, 0, bytes, size, value.length);
    size += value.length;
  }

  // ---- both ----

  private void copy(BaseVariableWidthVector vector, int row) {
    int start = vector.getStartOffset(row);
    int length = vector.getStartOffset(row + 1) - start;
    ensure(length);
    vector.getDataBuffer().getBytes(start, bytes, size, length);
    size += length;
  }

  private void write(byte b) {
    ensure(1);
    bytes[size++] = b;
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
    }
  }
}

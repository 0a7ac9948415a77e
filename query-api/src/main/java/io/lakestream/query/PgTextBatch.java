package io.lakestream.query;

import io.lakestream.pgwire.PgType;
import io.lakestream.query.http.ArrowColumns;
import io.lakestream.sql.ResultColumn;
import io.lakestream.sql.SqlType;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * One row at a time of an Arrow batch of the engine ({@link io.lakestream.sql.ResultBatches}) in
 * PostgreSQL's text format, byte for byte as {@link PgType#text} writes the values the engine gives
 * row by row: integers and strings straight from the vectors, timestamps formatted here, the rest
 * (floats, dates, arrays, timestamps outside years 1–9999) through {@link PgType#text} of the value
 * read from the vector.
 */
final class PgTextBatch {
  /** Rows in a batch asked of the engine: DuckDB's vector size. */
  static final int BATCH_ROWS = 2_048;

  /** The engine's types (DuckDB's names) whose Arrow vectors are read here. */
  private static final Set<String> SCALAR_TYPES =
      Set.of(
          "BOOLEAN",
          "TINYINT",
          "SMALLINT",
          "INTEGER",
          "BIGINT",
          "FLOAT",
          "DOUBLE",
          "VARCHAR",
          "JSON",
          "DATE",
          "TIMESTAMP",
          "TIMESTAMP WITH TIME ZONE");

  private final List<ResultColumn> columns;
  private final PgType[] types;
  private final int[] starts;
  private final int[] lengths;
  private byte[] bytes = new byte[8192];
  private int size;

  PgTextBatch(List<ResultColumn> columns, List<PgType> types) {
    this.columns = columns;
    this.types = types.toArray(PgType[]::new);
    this.starts = new int[columns.size()];
    this.lengths = new int[columns.size()];
  }

  /** Whether results of these columns are read here (else: row by row, as values). */
  static boolean reads(List<ResultColumn> columns) {
    return ArrowColumns.readsAll(columns, SCALAR_TYPES::contains);
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

  /** Puts the text of row {@code row} of these vectors (the batch's) into {@link #bytes()}. */
  void read(FieldVector[] vectors, int row) {
    size = 0;
    for (int c = 0; c < vectors.length; c++) {
      FieldVector vector = vectors[c];
      starts[c] = size;
      if (vector.isNull(row)) {
        lengths[c] = -1;
        continue;
      }
      value(vector, columns.get(c), types[c], row);
      lengths[c] = size - starts[c];
    }
  }

  private void value(FieldVector vector, ResultColumn column, PgType type, int row) {
    if (column.type() == SqlType.ARRAY) {
      utf8(type.text(list((ListVector) vector, column.elementType().orElseThrow(), row)));
      return;
    }
    switch (column.type()) {
      case BOOLEAN -> write(((BitVector) vector).get(row) != 0 ? (byte) 't' : (byte) 'f');
      case SMALLINT, INTEGER, BIGINT -> writeLong(ArrowColumns.integer(vector, row));
      case REAL -> utf8(type.text(((Float4Vector) vector).get(row)));
      case DOUBLE -> utf8(type.text(((Float8Vector) vector).get(row)));
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
    // civil date from days since 1970-01-01 (H. Hinnant's algorithm, proleptic Gregorian)
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long shiftedMonth = (5 * dayOfYear + 2) / 153;
    long day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
    long month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
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
    for (int i = digits - 1; i >= 0; i--) {
      bytes[size + i] = (byte) ('0' + value % 10);
      value /= 10;
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

  private void copy(BaseVariableWidthVector vector, int row) {
    int start = vector.getStartOffset(row);
    int length = vector.getStartOffset(row + 1) - start;
    ensure(length);
    vector.getDataBuffer().getBytes(start, bytes, size, length);
    size += length;
  }

  /** Text that may hold any character (array elements): as UTF-8. */
  private void utf8(String text) {
    byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ensure(utf8.length);
    System.arraycopy(utf8, 0, bytes, size, utf8.length);
    size += utf8.length;
  }

  private void write(byte b) {
    ensure(1);
    bytes[size++] = b;
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = java.util.Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
    }
  }
}

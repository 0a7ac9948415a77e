package io.lakestream.query.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.NumberOutput;
import io.lakestream.reader.RowFormat;
import io.lakestream.reader.TimestampStyle;
import io.lakestream.sql.ResultBatches;
import io.lakestream.sql.ResultColumn;
import io.lakestream.sql.SqlType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
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
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Writes a query's result in JSON, NDJSON or CSV straight from the engine's Arrow batches ({@link
 * ResultBatches}), byte for byte as {@link SqlResultWriter} writes the same result row by row, only
 * faster: values are read from the column vectors without boxing, strings are copied as their UTF-8
 * bytes with JSON's escapes, numbers and timestamps formatted into one buffer, and a {@code json}
 * column's value is copied as it is when it is already what Jackson would write back ({@link
 * CanonicalJson}), else read and written by Jackson as before.
 *
 * <p>It takes results whose every column is of a type it knows in the engine's Arrow export ({@link
 * #writes}); others are written row by row. The buffer goes to the response at the end of every
 * batch and whenever it holds {@value #DRAIN_BYTES} bytes, and is then flushed, so memory stays
 * bounded and rows go out as the engine produces them.
 */
final class SqlBatchWriter {
  /** Rows in a batch asked of the engine for a text answer: DuckDB's vector size. */
  static final int BATCH_ROWS = 2_048;

  private static final int DRAIN_BYTES = 64 << 10;

  private static final byte[] TRUE = bytes("true");
  private static final byte[] FALSE = bytes("false");
  private static final byte[] NULL = bytes("null");

  private final ResultBatches batches;
  private final List<ResultColumn> columns;
  private final TimestampStyle timestamps;
  private final Utf8Buffer buffer = new Utf8Buffer(2 * DRAIN_BYTES);
  private final CanonicalJson canonical = new CanonicalJson();
  private final ByteArrayOutputStream jackson = new ByteArrayOutputStream();
  private byte[] scratch = new byte[4096];
  private long rows;

  SqlBatchWriter(ResultBatches batches, List<ResultColumn> columns, TimestampStyle timestamps) {
    this.batches = batches;
    this.columns = columns;
    this.timestamps = timestamps;
  }

  /** Whether a result of these columns is written by this writer (else: row by row). */
  static boolean writes(List<ResultColumn> columns) {
    return ArrowColumns.readsAll(
        columns,
        type -> ArrowColumns.SCALAR_TYPES.contains(type) || type.matches("DECIMAL\\(\\d+,\\d+\\)"));
  }

  /**
   * Writes the rows, starting with the current batch when {@code hasFirst} (fetched before the
   * status was sent, so that a statement failing at once still gets its error status).
   *
   * @throws io.lakestream.sql.SqlException when the statement fails while producing rows
   */
  void write(RowFormat format, boolean hasFirst, OutputStream out) throws IOException {
    FieldVector[] vectors = batches.batch().getFieldVectors().toArray(FieldVector[]::new);
    if (vectors.length != columns.size()) {
      throw new IllegalStateException(
          vectors.length + " vectors for " + columns.size() + " result columns");
    }
    switch (format) {
      case NDJSON -> ndjson(vectors, hasFirst, out);
      case CSV -> csv(vectors, hasFirst, out);
      default -> json(vectors, hasFirst, out);
    }
  }

  private void json(FieldVector[] vectors, boolean hasFirst, OutputStream out) throws IOException {
    buffer.writeAscii("{\"columns\":[");
    for (int c = 0; c < columns.size(); c++) {
      comma(c);
      buffer.writeJsonString(columns.get(c).name());
    }
    buffer.writeAscii("],\"types\":[");
    for (int c = 0; c < columns.size(); c++) {
      comma(c);
      buffer.writeJsonString(SqlResultWriter.typeName(columns.get(c)));
    }
    buffer.writeAscii("],\"rows\":[");
    for (boolean more = hasFirst; more; more = batches.next()) {
      int count = batches.batch().getRowCount();
      for (int row = 0; row < count; row++) {
        if (rows++ > 0) {
          buffer.write((byte) ',');
        }
        buffer.write((byte) '[');
        for (int c = 0; c < vectors.length; c++) {
          comma(c);
          value(vectors[c], columns.get(c), row);
        }
        buffer.write((byte) ']');
        drainWhenFull(out);
      }
      drain(out);
    }
    buffer.writeAscii("],\"message\":\"\",\"count\":");
    buffer.writeLong(rows);
    buffer.write((byte) '}');
    drain(out);
  }

  private void ndjson(FieldVector[] vectors, boolean hasFirst, OutputStream out)
      throws IOException {
    byte[][] names = new byte[columns.size()][];
    List<String> keys = SqlResultWriter.objectKeys(columns);
    for (int c = 0; c < names.length; c++) {
      Utf8Buffer name = new Utf8Buffer(64);
      name.write((byte) (c == 0 ? '{' : ','));
      name.writeJsonString(keys.get(c));
      name.write((byte) ':');
      names[c] = new byte[name.size()];
      name.copy(0, name.size(), names[c]);
    }
    for (boolean more = hasFirst; more; more = batches.next()) {
      int count = batches.batch().getRowCount();
      for (int row = 0; row < count; row++) {
        for (int c = 0; c < vectors.length; c++) {
          buffer.write(names[c]);
          value(vectors[c], columns.get(c), row);
        }
        buffer.write((byte) '}');
        buffer.write((byte) '\n');
        rows++;
        drainWhenFull(out);
      }
      drain(out);
    }
  }

  private void csv(FieldVector[] vectors, boolean hasFirst, OutputStream out) throws IOException {
    for (int c = 0; c < columns.size(); c++) {
      comma(c);
      byte[] name = columns.get(c).name().getBytes(StandardCharsets.UTF_8);
      csvField(name, 0, name.length);
    }
    buffer.writeAscii("\r\n");
    drain(out);
    for (boolean more = hasFirst; more; more = batches.next()) {
      int count = batches.batch().getRowCount();
      for (int row = 0; row < count; row++) {
        for (int c = 0; c < vectors.length; c++) {
          comma(c);
          csvValue(vectors[c], columns.get(c), row);
        }
        buffer.writeAscii("\r\n");
        rows++;
        drainWhenFull(out);
      }
      drain(out);
    }
  }

  /**
   * A CSV field as {@link SqlResultWriter} writes it: nothing for null; the text of {@code text}
   * and {@code json} values as they are; other values as their JSON, a JSON string without its
   * quotes.
   */
  private void csvValue(FieldVector vector, ResultColumn column, int row) {
    if (vector.isNull(row)) {
      return;
    }
    if (column.type() == SqlType.TEXT || column.type() == SqlType.JSON) {
      int length = copy((BaseVariableWidthVector) vector, row);
      csvField(scratch, 0, length);
      return;
    }
    int start = buffer.size();
    value(vector, column, row);
    int length = buffer.size() - start;
    if (length > scratch.length) {
      scratch = new byte[Math.max(length, scratch.length * 2)];
    }
    buffer.copy(start, length, scratch);
    buffer.truncate(start);
    if (length >= 2 && scratch[0] == '"') {
      // ISO timestamps, base64 and NaN/Infinity: JSON strings without escapes
      csvField(scratch, 1, length - 2);
    } else {
      csvField(scratch, 0, length);
    }
  }

  /** RFC 4180: quoted when empty or holding a comma, quote or line break; quotes doubled. */
  private void csvField(byte[] text, int offset, int length) {
    boolean quote = length == 0;
    for (int i = offset; i < offset + length && !quote; i++) {
      byte b = text[i];
      quote = b == ',' || b == '"' || b == '\n' || b == '\r';
    }
    if (!quote) {
      buffer.write(text, offset, length);
      return;
    }
    buffer.write((byte) '"');
    int from = offset;
    for (int i = offset; i < offset + length; i++) {
      if (text[i] == '"') {
        buffer.write(text, from, i + 1 - from);
        from = i; // the quote again
      }
    }
    buffer.write(text, from, offset + length - from);
    buffer.write((byte) '"');
  }

  /** One value as JSON, as {@link SqlResultWriter} writes it. */
  private void value(FieldVector vector, ResultColumn column, int row) {
    if (vector.isNull(row)) {
      buffer.write(NULL);
      return;
    }
    switch (column.type()) {
      case ARRAY -> list((ListVector) vector, column.elementType().orElseThrow(), row);
      case JSON -> json((VarCharVector) vector, row);
      default -> scalar(vector, column.type(), row);
    }
  }

  private void list(ListVector list, SqlType elementType, int row) {
    int start = list.getOffsetBuffer().getInt((long) row * ListVector.OFFSET_WIDTH);
    int end = list.getOffsetBuffer().getInt((long) (row + 1) * ListVector.OFFSET_WIDTH);
    ValueVector elements = list.getDataVector();
    buffer.write((byte) '[');
    for (int i = start; i < end; i++) {
      if (i > start) {
        buffer.write((byte) ',');
      }
      if (elements.isNull(i)) {
        buffer.write(NULL);
      } else {
        scalar(elements, elementType, i);
      }
    }
    buffer.write((byte) ']');
  }

  private void scalar(ValueVector vector, SqlType type, int row) {
    switch (type) {
      case BOOLEAN -> buffer.write(((BitVector) vector).get(row) != 0 ? TRUE : FALSE);
      case SMALLINT, INTEGER, BIGINT -> buffer.writeLong(ArrowColumns.integer(vector, row));
      case REAL -> real(((Float4Vector) vector).get(row));
      case DOUBLE -> real(((Float8Vector) vector).get(row));
      case NUMERIC -> {
        BigDecimal value = ((DecimalVector) vector).getObject(row);
        buffer.writeAscii(value.toString()); // Jackson's writeNumber(BigDecimal)
      }
      case TEXT -> {
        int length = copy((BaseVariableWidthVector) vector, row);
        buffer.writeJsonString(scratch, 0, length);
      }
      case TIMESTAMPTZ -> timestamp(((TimeStampMicroTZVector) vector).get(row));
      case TIMESTAMP -> timestamp(((TimeStampMicroVector) vector).get(row));
      case DATE -> buffer.writeLong(((DateDayVector) vector).get(row));
      case BYTEA -> {
        int length = copy((VarBinaryVector) vector, row);
        byte[] base64 = Base64.getEncoder().encode(Arrays.copyOf(scratch, length));
        buffer.write((byte) '"');
        buffer.write(base64);
        buffer.write((byte) '"');
      }
      default -> throw new IllegalStateException("not written from batches: " + type);
    }
  }

  /** Jackson's writeNumber of a float or double: its Java text; NaN and infinities quoted. */
  private void real(double value) {
    real(NumberOutput.toString(value, false), NumberOutput.notFinite(value));
  }

  private void real(float value) {
    real(NumberOutput.toString(value, false), NumberOutput.notFinite(value));
  }

  private void real(String text, boolean quoted) {
    if (quoted) {
      buffer.write((byte) '"');
    }
    buffer.writeAscii(text);
    if (quoted) {
      buffer.write((byte) '"');
    }
  }

  private void timestamp(long micros) {
    if (timestamps != TimestampStyle.ISO) {
      buffer.writeLong(micros);
      return;
    }
    if (micros < ArrowColumns.FIRST_FAST_MICROS || micros > ArrowColumns.LAST_FAST_MICROS) {
      Instant instant =
          Instant.ofEpochSecond(
              Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
      buffer.writeJsonString(SqlResultWriter.iso(instant));
      return;
    }
    long seconds = Math.floorDiv(micros, 1_000_000L);
    long fraction = Math.floorMod(micros, 1_000_000L);
    long days = Math.floorDiv(seconds, 86_400L);
    long secondOfDay = Math.floorMod(seconds, 86_400L);
    long date = ArrowColumns.civilDate(days);
    long year = date / 10_000;
    long month = date / 100 % 100;
    long day = date % 100;
    buffer.write((byte) '"');
    buffer.writePadded(year, 4);
    buffer.write((byte) '-');
    buffer.writePadded(month, 2);
    buffer.write((byte) '-');
    buffer.writePadded(day, 2);
    buffer.write((byte) 'T');
    buffer.writePadded(secondOfDay / 3600, 2);
    buffer.write((byte) ':');
    buffer.writePadded(secondOfDay / 60 % 60, 2);
    buffer.write((byte) ':');
    buffer.writePadded(secondOfDay % 60, 2);
    buffer.write((byte) '.');
    buffer.writePadded(fraction, 6);
    buffer.write((byte) 'Z');
    buffer.write((byte) '"');
  }

  /** A {@code json} value: copied when Jackson would write it back unchanged, else by Jackson. */
  private void json(VarCharVector vector, int row) {
    int length = copy(vector, row);
    if (canonical.test(scratch, 0, length)) {
      buffer.write(scratch, 0, length);
      return;
    }
    jackson.reset();
    try (JsonGenerator json = ErrorResponses.JSON.getFactory().createGenerator(jackson)) {
      SqlResultWriter.embedJson(json, new String(scratch, 0, length, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON into memory failed", e);
    }
    buffer.write(jackson.toByteArray());
  }

  /** The bytes of a variable-width value into {@link #scratch}; returns their length. */
  private int copy(BaseVariableWidthVector vector, int row) {
    int start = vector.getStartOffset(row);
    int length = vector.getStartOffset(row + 1) - start;
    if (length > scratch.length) {
      scratch = new byte[Math.max(length, scratch.length * 2)];
    }
    vector.getDataBuffer().getBytes(start, scratch, 0, length);
    return length;
  }

  private void comma(int column) {
    if (column > 0) {
      buffer.write((byte) ',');
    }
  }

  private void drainWhenFull(OutputStream out) throws IOException {
    if (buffer.size() >= DRAIN_BYTES) {
      buffer.drainTo(out);
    }
  }

  private void drain(OutputStream out) throws IOException {
    buffer.drainTo(out);
    out.flush();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}

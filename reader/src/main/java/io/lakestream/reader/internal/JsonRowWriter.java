package io.lakestream.reader.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.lakestream.reader.ByteSlice;
import io.lakestream.reader.RowWriter;
import io.lakestream.reader.TimestampStyle;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * JSON array or NDJSON rows: one object per row, keys in the requested column order. Written
 * straight as UTF-8 bytes ({@link JsonOutput}), byte for byte as Jackson's generator wrote them
 * (compact, {@code [{...},{...}]}, NDJSON lines ending in {@code \n}). Rows of a {@link
 * ColumnBatch} are written from the column vectors, and dictionary-encoded string, json and bytes
 * values as a copy of their JSON text, made once per dictionary ({@link
 * JsonValues#dictionaryTexts}).
 */
public final class JsonRowWriter implements RowWriter, ColumnBatchSink {
  /** NDJSON is flushed every this many rows, so clients see rows as they come. */
  static final int FLUSH_EVERY_ROWS = 128;

  private static final int BUFFER_BYTES = 64 * 1024;

  /** Per column, {@code "name":} (with the comma before it but for the first). */
  private final byte[][] names;

  private final ColumnType[] types;

  /** Per string, json or bytes column, how to make its dictionaries' JSON texts. */
  private final Function<DictionaryCache.Entry, JsonValues.DictionaryTexts>[] texts;

  private final JsonOutput json;
  private final boolean lines;
  private final boolean isoTimestamps;
  private long rows;

  /** Arrays are written by Jackson here, then copied. */
  private final ByteArrayOutputStream arrayText = new ByteArrayOutputStream();

  private JsonGenerator arrayJson;

  public JsonRowWriter(
      TableDefinition table, List<String> columns, OutputStream out, boolean lines) {
    this(table, columns, out, lines, false);
  }

  /**
   * @param isoTimestamps whether timestamps are ISO-8601 UTC strings rather than microseconds
   */
  public JsonRowWriter(
      TableDefinition table,
      List<String> columns,
      OutputStream out,
      boolean lines,
      boolean isoTimestamps) {
    this.isoTimestamps = isoTimestamps;
    this.names = new byte[columns.size()][];
    this.types = new ColumnType[columns.size()];
    @SuppressWarnings("unchecked")
    Function<DictionaryCache.Entry, JsonValues.DictionaryTexts>[] texts =
        new Function[columns.size()];
    this.texts = texts;
    for (int i = 0; i < names.length; i++) {
      byte[] name =
          JsonValues.quoted(ByteSlice.of(columns.get(i).getBytes(StandardCharsets.UTF_8)));
      int comma = i == 0 ? 0 : 1;
      names[i] = new byte[comma + name.length + 1];
      names[i][0] = ',';
      System.arraycopy(name, 0, names[i], comma, name.length);
      names[i][names[i].length - 1] = ':';
      types[i] = table.column(columns.get(i)).orElseThrow().type();
      if (types[i] == ColumnType.STRING
          || types[i] == ColumnType.JSON
          || types[i] == ColumnType.BYTES) {
        texts[i] = JsonValues.dictionaryTexts(types[i]);
      }
    }
    this.lines = lines;
    this.json = new JsonOutput(out, BUFFER_BYTES);
  }

  @Override
  public void begin() throws IOException {
    if (!lines) {
      json.writeByte((byte) '[');
    }
  }

  @Override
  public void accept(Object[] row) throws IOException {
    startRow();
    for (int i = 0; i < names.length; i++) {
      json.write(names[i]);
      Object value = row[i];
      if (value == null) {
        json.writeNull();
        continue;
      }
      switch (types[i]) {
        case BOOLEAN -> json.writeBoolean((Boolean) value);
        case INT, DATE -> json.writeInt((Integer) value);
        case LONG -> json.writeLong((Long) value);
        case TIMESTAMP -> writeTimestamp((Long) value);
        case FLOAT -> json.writeFloat((Float) value);
        case DOUBLE -> json.writeDouble((Double) value);
        case STRING, JSON, BYTES -> writeBytes(types[i], (ByteSlice) value);
        case ARRAY_LONG, ARRAY_DOUBLE, ARRAY_STRING -> writeArray(types[i], (List<?>) value);
      }
    }
    endRow();
  }

  @Override
  public void accept(ColumnBatch batch, int row) throws IOException {
    startRow();
    for (int i = 0; i < names.length; i++) {
      json.write(names[i]);
      ColumnVector column = batch.column(i);
      if (column == null || column.isNull(row)) {
        json.writeNull();
        continue;
      }
      switch (column.kind()) {
        case BOOLEAN -> json.writeBoolean(column.booleanAt(row));
        case INT -> json.writeInt(column.intAt(row));
        case LONG -> {
          if (types[i] == ColumnType.TIMESTAMP) {
            writeTimestamp(column.longAt(row));
          } else {
            json.writeLong(column.longAt(row));
          }
        }
        case FLOAT -> json.writeFloat(column.floatAt(row));
        case DOUBLE -> json.writeDouble(column.doubleAt(row));
        case BYTES -> {
          DictionaryCache.Entry dictionary = column.dictionaryAt(row);
          if (dictionary != null) {
            JsonValues.DictionaryTexts text = dictionary.derived(texts[i]);
            int id = column.dictionaryIdAt(row);
            int from = text.offsets()[id];
            json.write(text.bytes(), from, text.offsets()[id + 1] - from);
          } else {
            writeBytes(types[i], column.bytesAt(row));
          }
        }
        case LIST -> writeArray(types[i], column.listAt(row));
      }
    }
    endRow();
  }

  private void writeTimestamp(long micros) throws IOException {
    if (!isoTimestamps) {
      json.writeLong(micros);
      return;
    }
    json.writeByte((byte) '"');
    json.write(TimestampStyle.iso(micros).getBytes(StandardCharsets.ISO_8859_1));
    json.writeByte((byte) '"');
  }

  private void writeBytes(ColumnType type, ByteSlice value) throws IOException {
    switch (type) {
      case JSON -> {
        if (value.isJson(JsonSyntax::isValue)) {
          json.write(value.array(), value.offset(), value.length());
        } else {
          json.writeString(value);
        }
      }
      case BYTES -> {
        json.writeByte((byte) '"');
        json.write(JsonValues.base64(value).getBytes(StandardCharsets.ISO_8859_1));
        json.writeByte((byte) '"');
      }
      default -> json.writeString(value);
    }
  }

  private void writeArray(ColumnType type, List<?> values) throws IOException {
    if (arrayJson == null) {
      arrayJson = JsonValues.FACTORY.createGenerator(arrayText);
      arrayJson.setRootValueSeparator(null);
    }
    arrayText.reset();
    JsonValues.write(arrayJson, type, values);
    arrayJson.flush();
    json.write(arrayText.toByteArray());
  }

  private void startRow() throws IOException {
    if (!lines && rows > 0) {
      json.writeByte((byte) ',');
    }
    json.writeByte((byte) '{');
  }

  private void endRow() throws IOException {
    json.writeByte((byte) '}');
    rows++;
    if (lines) {
      json.writeByte((byte) '\n');
      if (rows % FLUSH_EVERY_ROWS == 0) {
        json.flush();
      }
    }
  }

  @Override
  public void end() throws IOException {
    if (!lines) {
      json.writeByte((byte) ']');
    }
    json.finish();
  }
}

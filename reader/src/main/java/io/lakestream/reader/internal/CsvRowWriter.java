package io.lakestream.reader.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.lakestream.reader.ByteSlice;
import io.lakestream.reader.RowWriter;
import io.lakestream.reader.TimestampStyle;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * RFC 4180 CSV: a header row of column names, then one record per row, CRLF line ends; fields
 * quoted when they hold a comma, quote, CR or LF. Arrays and json columns are their JSON text.
 *
 * <p>NULL is an empty unquoted field; an empty string is {@code ""} (PostgreSQL's {@code COPY ...
 * CSV} convention; DuckDB reads it with {@code allow_quoted_nulls=false}). So a NULL in a
 * one-column CSV is an empty line, and an empty string is a line holding {@code ""}.
 */
public final class CsvRowWriter implements RowWriter {
  private final List<String> columns;
  private final ColumnType[] types;
  private final Writer out;
  private final boolean isoTimestamps;

  public CsvRowWriter(TableDefinition table, List<String> columns, OutputStream out) {
    this(table, columns, out, false);
  }

  /**
   * @param isoTimestamps whether timestamps are ISO-8601 UTC strings rather than microseconds
   */
  public CsvRowWriter(
      TableDefinition table, List<String> columns, OutputStream out, boolean isoTimestamps) {
    this.isoTimestamps = isoTimestamps;
    this.columns = List.copyOf(columns);
    this.types = new ColumnType[columns.size()];
    for (int i = 0; i < types.length; i++) {
      types[i] = table.column(columns.get(i)).orElseThrow().type();
    }
    this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 16 * 1024);
  }

  @Override
  public void begin() throws IOException {
    for (int i = 0; i < columns.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      field(columns.get(i));
    }
    out.write("\r\n");
  }

  @Override
  public void accept(Object[] row) throws IOException {
    for (int i = 0; i < types.length; i++) {
      if (i > 0) {
        out.write(',');
      }
      Object value = row[i];
      if (value == null) {
        continue;
      }
      switch (types[i]) {
        case STRING, JSON -> field(value.toString());
        case BYTES -> out.write(JsonValues.base64((ByteSlice) value));
        case ARRAY_LONG, ARRAY_DOUBLE, ARRAY_STRING -> field(jsonText(types[i], value));
        case TIMESTAMP ->
            out.write(isoTimestamps ? TimestampStyle.iso((Long) value) : value.toString());
        default -> out.write(value.toString());
      }
    }
    out.write("\r\n");
  }

  private static String jsonText(ColumnType type, Object value) throws IOException {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = JsonValues.FACTORY.createGenerator(text)) {
      JsonValues.write(json, type, value);
    }
    return text.toString();
  }

  private void field(String value) throws IOException {
    boolean quote = value.isEmpty(); // "" is the empty string; an empty field is NULL
    for (int i = 0; i < value.length() && !quote; i++) {
      char c = value.charAt(i);
      quote = c == ',' || c == '"' || c == '\n' || c == '\r';
    }
    if (!quote) {
      out.write(value);
      return;
    }
    out.write('"');
    out.write(value.replace("\"", "\"\""));
    out.write('"');
  }

  @Override
  public void end() throws IOException {
    out.flush();
  }
}

package io.lakestream.query.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.lakestream.query.RowWriter;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** JSON array or NDJSON rows: one object per row, keys in the requested column order. */
public final class JsonRowWriter implements RowWriter {
  /** NDJSON is flushed every this many rows, so clients see rows as they come. */
  static final int FLUSH_EVERY_ROWS = 128;

  private final SerializedString[] names;
  private final ColumnType[] types;
  private final JsonGenerator json;
  private final boolean lines;
  private long rows;

  public JsonRowWriter(
      TableDefinition table, List<String> columns, OutputStream out, boolean lines) {
    this.names = new SerializedString[columns.size()];
    this.types = new ColumnType[columns.size()];
    for (int i = 0; i < names.length; i++) {
      names[i] = new SerializedString(columns.get(i));
      types[i] = table.column(columns.get(i)).orElseThrow().type();
    }
    this.lines = lines;
    try {
      this.json = JsonValues.FACTORY.createGenerator(out, JsonEncoding.UTF8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
    json.setRootValueSeparator(null);
  }

  @Override
  public void begin() throws IOException {
    if (!lines) {
      json.writeStartArray();
    }
  }

  @Override
  public void accept(Object[] row) throws IOException {
    json.writeStartObject();
    for (int i = 0; i < names.length; i++) {
      json.writeFieldName(names[i]);
      JsonValues.write(json, types[i], row[i]);
    }
    json.writeEndObject();
    rows++;
    if (lines) {
      json.writeRaw('\n');
      if (rows % FLUSH_EVERY_ROWS == 0) {
        json.flush();
      }
    }
  }

  @Override
  public void end() throws IOException {
    if (!lines) {
      json.writeEndArray();
    }
    json.flush();
  }
}

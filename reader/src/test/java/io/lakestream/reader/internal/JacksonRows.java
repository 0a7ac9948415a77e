package io.lakestream.reader.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * JSON and NDJSON rows as the query sidecar wrote them with Jackson's generator before {@link
 * JsonRowWriter} wrote bytes itself: the reference its output must equal.
 */
final class JacksonRows {
  private JacksonRows() {}

  static String json(
      TableDefinition table, List<String> columns, List<Object[]> rows, boolean lines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = JsonValues.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      json.setRootValueSeparator(null);
      if (!lines) {
        json.writeStartArray();
      }
      for (Object[] row : rows) {
        json.writeStartObject();
        for (int i = 0; i < columns.size(); i++) {
          json.writeFieldName(new SerializedString(columns.get(i)));
          ColumnType type = table.column(columns.get(i)).orElseThrow().type();
          JsonValues.write(json, type, row[i]);
        }
        json.writeEndObject();
        if (lines) {
          json.writeRaw('\n');
        }
      }
      if (!lines) {
        json.writeEndArray();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}

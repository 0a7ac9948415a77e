package io.lakestream.query.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.reader.RowFormat;
import io.lakestream.reader.TimestampStyle;
import io.lakestream.sql.QueryResult;
import io.lakestream.sql.ResultColumn;
import io.lakestream.sql.SqlType;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Writes a SQL result as it is read, in JSON ({@code {"columns", "types", "rows", "message",
 * "count"}}), NDJSON (one object per row) or CSV (header row, RFC 4180). Rows are flushed every 128
 * rows, so memory stays bounded whatever the result's size.
 */
final class SqlResultWriter {
  private static final int FLUSH_ROWS = 128;
  private static final DateTimeFormatter ISO_MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private final QueryResult result;
  private final TimestampStyle timestamps;

  SqlResultWriter(QueryResult result, TimestampStyle timestamps) {
    this.result = result;
    this.timestamps = timestamps;
  }

  /**
   * Writes the rows, starting with the current one when {@code hasFirst} (read before the status
   * was sent, so that a statement failing at once still gets its error status).
   */
  void write(RowFormat format, boolean hasFirst, OutputStream out) throws IOException {
    switch (format) {
      case NDJSON -> ndjson(hasFirst, out);
      case CSV -> csv(hasFirst, out);
      default -> json(hasFirst, out);
    }
  }

  private void json(boolean hasFirst, OutputStream out) throws IOException {
    List<ResultColumn> columns = result.columns();
    try (JsonGenerator json = ErrorResponses.JSON.getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeArrayFieldStart("columns");
      for (ResultColumn c : columns) {
        json.writeString(c.name());
      }
      json.writeEndArray();
      json.writeArrayFieldStart("types");
      for (ResultColumn c : columns) {
        json.writeString(typeName(c));
      }
      json.writeEndArray();
      json.writeArrayFieldStart("rows");
      long n = 0;
      for (boolean more = hasFirst; more; more = result.next()) {
        json.writeStartArray();
        for (int i = 0; i < columns.size(); i++) {
          value(json, columns.get(i).type(), columns.get(i), result.value(i));
        }
        json.writeEndArray();
        if (++n % FLUSH_ROWS == 0) {
          json.flush();
        }
      }
      json.writeEndArray();
      json.writeStringField("message", result.message());
      json.writeNumberField("count", result.count());
      json.writeEndObject();
    }
  }

  /**
   * The keys of an NDJSON row's object, one per column: its name, made unique where columns share
   * one ({@code count(*)} beside {@code count(*) FILTER (…)}, both {@code count} as in PostgreSQL):
   * the second is {@code count_2}, the third {@code count_3}, skipping names taken. A JSON object
   * with a key twice would keep one of the values in most readers.
   */
  static List<String> objectKeys(List<ResultColumn> columns) {
    java.util.Set<String> taken = new java.util.HashSet<>();
    for (ResultColumn column : columns) {
      taken.add(column.name());
    }
    java.util.Set<String> used = new java.util.HashSet<>();
    List<String> keys = new java.util.ArrayList<>();
    for (ResultColumn column : columns) {
      String key = column.name();
      // a numbered key is neither one given already nor another column's own name
      for (int n = 1; used.contains(key) || n > 1 && taken.contains(key); ) {
        key = column.name() + "_" + ++n;
      }
      used.add(key);
      keys.add(key);
    }
    return keys;
  }

  private void ndjson(boolean hasFirst, OutputStream out) throws IOException {
    List<ResultColumn> columns = result.columns();
    List<String> keys = objectKeys(columns);
    try (JsonGenerator json = ErrorResponses.JSON.getFactory().createGenerator(out)) {
      json.setRootValueSeparator(null);
      long n = 0;
      for (boolean more = hasFirst; more; more = result.next()) {
        json.writeStartObject();
        for (int i = 0; i < columns.size(); i++) {
          json.writeFieldName(keys.get(i));
          value(json, columns.get(i).type(), columns.get(i), result.value(i));
        }
        json.writeEndObject();
        json.writeRaw('\n');
        if (++n % FLUSH_ROWS == 0) {
          json.flush();
        }
      }
    }
  }

  private void csv(boolean hasFirst, OutputStream out) throws IOException {
    List<ResultColumn> columns = result.columns();
    Writer csv = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    for (int i = 0; i < columns.size(); i++) {
      csv.write(i == 0 ? "" : ",");
      csv.write(quote(columns.get(i).name()));
    }
    csv.write("\r\n");
    long n = 0;
    for (boolean more = hasFirst; more; more = result.next()) {
      for (int i = 0; i < columns.size(); i++) {
        csv.write(i == 0 ? "" : ",");
        Object v = result.value(i);
        if (v != null) {
          csv.write(quote(text(columns.get(i), v)));
        }
      }
      csv.write("\r\n");
      if (++n % FLUSH_ROWS == 0) {
        csv.flush();
      }
    }
    csv.flush();
  }

  private static String quote(String text) {
    if (text.isEmpty()
        || text.indexOf(',') >= 0
        || text.indexOf('"') >= 0
        || text.indexOf('\n') >= 0
        || text.indexOf('\r') >= 0) {
      return "\"" + text.replace("\"", "\"\"") + "\"";
    }
    return text;
  }

  private String text(ResultColumn column, Object v) throws IOException {
    if (column.type() == SqlType.JSON || column.type() == SqlType.TEXT) {
      return v.toString();
    }
    java.io.StringWriter out = new java.io.StringWriter();
    try (JsonGenerator json = ErrorResponses.JSON.getFactory().createGenerator(out)) {
      value(json, column.type(), column, v);
    }
    String text = out.toString();
    return text.startsWith("\"") ? ErrorResponses.JSON.readTree(text).asText() : text;
  }

  private void value(JsonGenerator json, SqlType type, ResultColumn column, Object v)
      throws IOException {
    if (v == null) {
      json.writeNull();
      return;
    }
    switch (type) {
      case BOOLEAN -> json.writeBoolean((Boolean) v);
      case SMALLINT, INTEGER -> json.writeNumber(((Number) v).intValue());
      case BIGINT -> json.writeNumber(((Number) v).longValue());
      case REAL -> json.writeNumber((Float) v);
      case DOUBLE -> json.writeNumber((Double) v);
      case NUMERIC -> json.writeNumber((BigDecimal) v);
      case TIMESTAMPTZ -> timestamp(json, (Instant) v);
      case TIMESTAMP -> timestamp(json, ((LocalDateTime) v).toInstant(ZoneOffset.UTC));
      case DATE -> json.writeNumber(((LocalDate) v).toEpochDay());
      case BYTEA -> json.writeString(Base64.getEncoder().encodeToString((byte[]) v));
      case JSON -> embedJson(json, v.toString());
      case ARRAY -> {
        json.writeStartArray();
        for (Object element : (List<?>) v) {
          value(json, column.elementType().orElseThrow(), column, element);
        }
        json.writeEndArray();
      }
      default -> json.writeString(v.toString());
    }
  }

  /**
   * A {@code json} column's value: the JSON it holds, as Jackson reads and writes it back (white
   * space removed, numbers as Jackson writes them), or a string when it is not JSON.
   */
  static void embedJson(JsonGenerator json, String text) throws IOException {
    JsonNode tree;
    try {
      tree = ErrorResponses.JSON.readTree(text);
    } catch (IOException e) {
      tree = null;
    }
    if (tree == null) {
      json.writeString(text);
    } else {
      json.writeTree(tree);
    }
  }

  /** A timestamp as {@code timestamps=iso} writes it: {@code 2026-11-21T10:00:00.000000Z}. */
  static String iso(Instant instant) {
    return ISO_MICROS.format(instant);
  }

  private void timestamp(JsonGenerator json, Instant instant) throws IOException {
    if (timestamps == TimestampStyle.ISO) {
      json.writeString(iso(instant));
    } else {
      // not ChronoUnit.MICROS.between: it counts in nanoseconds, beyond 1677 to 2262 an overflow
      json.writeNumber(instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000);
    }
  }

  /** The PostgreSQL name of a column's type, e.g. {@code timestamptz}, {@code int8[]}. */
  static String typeName(ResultColumn column) {
    if (column.type() == SqlType.ARRAY) {
      return name(column.elementType().orElseThrow()) + "[]";
    }
    return name(column.type());
  }

  private static String name(SqlType type) {
    return switch (type) {
      case BOOLEAN -> "bool";
      case SMALLINT -> "int2";
      case INTEGER -> "int4";
      case BIGINT -> "int8";
      case REAL -> "float4";
      case DOUBLE -> "float8";
      case NUMERIC -> "numeric";
      case TEXT -> "text";
      case BYTEA -> "bytea";
      case DATE -> "date";
      case TIME -> "time";
      case TIMESTAMP -> "timestamp";
      case TIMESTAMPTZ -> "timestamptz";
      case INTERVAL -> "interval";
      case JSON -> "jsonb";
      case UUID -> "uuid";
      case ARRAY -> "array";
    };
  }
}

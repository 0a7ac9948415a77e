package io.lakestream.ingest.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * OTLP values as the JSON held by json columns.
 *
 * <p>An {@code AnyValue} becomes the JSON value it holds: string, boolean, integer (a JSON number,
 * exact to 64 bits), double (a number; NaN and infinities as the strings {@code "NaN"}, {@code
 * "Infinity"}, {@code "-Infinity"}), bytes (a base64 string), array, kvlist (an object); an empty
 * value is {@code null}. Attribute lists become objects in their order. Trace and span ids are
 * lower-case hex, or null when empty. Timestamps are microseconds.
 */
public final class OtlpJson {
  private static final JsonFactory JSON = new JsonFactory();
  private static final HexFormat HEX = HexFormat.of();

  private OtlpJson() {}

  /** Lower-case hex of an id, or null when it is empty. */
  public static String hexId(ByteString id) {
    return id.isEmpty() ? null : HEX.formatHex(id.toByteArray());
  }

  /** An attribute list as a JSON object. */
  public static String attributes(List<KeyValue> attributes) {
    return write(json -> writeAttributes(json, attributes));
  }

  /** One value as JSON text. */
  public static String anyValue(AnyValue value) {
    return write(json -> writeAnyValue(json, value));
  }

  /** Span events: {@code [{"timestamp": µs, "name": …, "attributes": {…}}, …]}. */
  public static String events(List<Span.Event> events) {
    return write(
        json -> {
          json.writeStartArray();
          for (Span.Event event : events) {
            json.writeStartObject();
            json.writeNumberField(
                "timestamp", Long.divideUnsigned(event.getTimeUnixNano(), 1_000L));
            json.writeStringField("name", event.getName());
            json.writeFieldName("attributes");
            writeAttributes(json, event.getAttributesList());
            json.writeEndObject();
          }
          json.writeEndArray();
        });
  }

  /** Span links: {@code [{"trace_id", "span_id", "trace_state", "attributes"}, …]}. */
  public static String links(List<Span.Link> links) {
    return write(
        json -> {
          json.writeStartArray();
          for (Span.Link link : links) {
            json.writeStartObject();
            json.writeStringField("trace_id", hexId(link.getTraceId()));
            json.writeStringField("span_id", hexId(link.getSpanId()));
            json.writeStringField(
                "trace_state", link.getTraceState().isEmpty() ? null : link.getTraceState());
            json.writeFieldName("attributes");
            writeAttributes(json, link.getAttributesList());
            json.writeEndObject();
          }
          json.writeEndArray();
        });
  }

  /**
   * Metric exemplars: {@code [{"timestamp": µs, "value": number, "trace_id", "span_id",
   * "attributes": {filtered attributes}}, …]}; value is null when the exemplar holds none.
   */
  public static String exemplars(List<Exemplar> exemplars) {
    return write(
        json -> {
          json.writeStartArray();
          for (Exemplar exemplar : exemplars) {
            json.writeStartObject();
            json.writeNumberField(
                "timestamp", Long.divideUnsigned(exemplar.getTimeUnixNano(), 1_000L));
            json.writeFieldName("value");
            switch (exemplar.getValueCase()) {
              case AS_DOUBLE -> writeDouble(json, exemplar.getAsDouble());
              case AS_INT -> json.writeNumber(exemplar.getAsInt());
              default -> json.writeNull();
            }
            json.writeStringField("trace_id", hexId(exemplar.getTraceId()));
            json.writeStringField("span_id", hexId(exemplar.getSpanId()));
            json.writeFieldName("attributes");
            writeAttributes(json, exemplar.getFilteredAttributesList());
            json.writeEndObject();
          }
          json.writeEndArray();
        });
  }

  private static void writeAttributes(JsonGenerator json, List<KeyValue> attributes)
      throws IOException {
    json.writeStartObject();
    for (KeyValue kv : attributes) {
      json.writeFieldName(kv.getKey());
      writeAnyValue(json, kv.getValue());
    }
    json.writeEndObject();
  }

  private static void writeAnyValue(JsonGenerator json, AnyValue value) throws IOException {
    switch (value.getValueCase()) {
      case STRING_VALUE -> json.writeString(value.getStringValue());
      case BOOL_VALUE -> json.writeBoolean(value.getBoolValue());
      case INT_VALUE -> json.writeNumber(value.getIntValue());
      case DOUBLE_VALUE -> writeDouble(json, value.getDoubleValue());
      case BYTES_VALUE ->
          json.writeString(Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray()));
      case ARRAY_VALUE -> {
        json.writeStartArray();
        for (AnyValue element : value.getArrayValue().getValuesList()) {
          writeAnyValue(json, element);
        }
        json.writeEndArray();
      }
      case KVLIST_VALUE -> writeAttributes(json, value.getKvlistValue().getValuesList());
      case VALUE_NOT_SET -> json.writeNull();
    }
  }

  private static void writeDouble(JsonGenerator json, double value) throws IOException {
    if (Double.isNaN(value)) {
      json.writeString("NaN");
    } else if (Double.isInfinite(value)) {
      json.writeString(value > 0 ? "Infinity" : "-Infinity");
    } else {
      json.writeNumber(value);
    }
  }

  private interface JsonWriting {
    void writeTo(JsonGenerator json) throws IOException;
  }

  private static String write(JsonWriting writing) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      writing.writeTo(json);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write JSON to memory", e);
    }
    return out.toString();
  }
}

package io.lakestream.ingest.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.util.JsonFormat;
import io.lakestream.ingest.OtlpEncoding;
import io.lakestream.schema.ProjectIds;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Decodes the Collector Kafka exporter's payloads: {@code otlp_proto} (a serialized {@code
 * LogsData}, {@code TracesData} or {@code MetricsData}, wire-identical to the Export*ServiceRequest
 * messages) or {@code otlp_json}.
 *
 * <p>OTLP/JSON differs from the protobuf JSON mapping in one way that matters here: trace and span
 * ids are hex strings, not base64. Since a 32-character hex id is also valid base64 (of 24 wrong
 * bytes), ids are rewritten to base64 before {@link JsonFormat} reads the document. Only fields
 * named {@code traceId}, {@code spanId} or {@code parentSpanId} (or their snake_case spellings) are
 * touched; user data never appears as a JSON field name in OTLP/JSON (attribute keys are values of
 * {@code "key"}), so the rewrite cannot alter attributes.
 *
 * @param <T> the decoded message type
 */
public final class OtlpPayloads<T extends Message> {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> ID_FIELDS =
      Set.of("traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id");
  private static final JsonFormat.Parser JSON_PARSER = JsonFormat.parser().ignoringUnknownFields();

  private final String messageName;
  private final OtlpEncoding encoding;
  private final Parser<T> parser;
  private final Supplier<Message.Builder> builder;

  private OtlpPayloads(
      String messageName,
      OtlpEncoding encoding,
      Parser<T> parser,
      Supplier<Message.Builder> builder) {
    this.messageName = messageName;
    this.encoding = encoding;
    this.parser = parser;
    this.builder = builder;
  }

  /** A decoder of {@code LogsData}. */
  public static OtlpPayloads<LogsData> logs(OtlpEncoding encoding) {
    return new OtlpPayloads<>("LogsData", encoding, LogsData.parser(), LogsData::newBuilder);
  }

  /** A decoder of {@code TracesData}. */
  public static OtlpPayloads<TracesData> traces(OtlpEncoding encoding) {
    return new OtlpPayloads<>("TracesData", encoding, TracesData.parser(), TracesData::newBuilder);
  }

  /** A decoder of {@code MetricsData}. */
  public static OtlpPayloads<MetricsData> metrics(OtlpEncoding encoding) {
    return new OtlpPayloads<>(
        "MetricsData", encoding, MetricsData.parser(), MetricsData::newBuilder);
  }

  /**
   * Decodes one payload.
   *
   * @throws RecordRejectedException {@code undecodable}
   */
  public T decode(byte[] value) {
    return encoding == OtlpEncoding.PROTO ? decodeProto(value) : decodeJson(value);
  }

  private T decodeProto(byte[] value) {
    String expected = "OTLP protobuf " + messageName;
    T message;
    try {
      message = parser.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw IngestErrors.undecodable(expected, e.getMessage(), e);
    }
    // Arbitrary bytes often parse as a message made only of unknown fields. The top-level
    // message has a single field (resource_*), so unknown fields there mean it is not OTLP.
    if (!message.getUnknownFields().asMap().isEmpty()) {
      throw IngestErrors.undecodable(
          expected,
          "the bytes hold fields "
              + message.getUnknownFields().asMap().keySet()
              + " that "
              + messageName
              + " does not have",
          null);
    }
    return message;
  }

  @SuppressWarnings("unchecked")
  private T decodeJson(byte[] value) {
    String expected = "OTLP/JSON " + messageName;
    JsonNode tree;
    try {
      tree = MAPPER.readTree(value);
    } catch (JsonProcessingException e) {
      throw IngestErrors.undecodable(expected, "not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw IngestErrors.undecodable(expected, "not JSON: " + e.getMessage(), e);
    }
    if (tree == null || !tree.isObject()) {
      throw IngestErrors.undecodable(expected, "the document is not a JSON object", null);
    }
    hexIdsToBase64(tree);
    Message.Builder message = builder.get();
    try {
      JSON_PARSER.merge(MAPPER.writeValueAsString(tree), message);
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw IngestErrors.undecodable(expected, e.getMessage(), e);
    }
    return (T) message.build();
  }

  private static void hexIdsToBase64(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> ids = new ArrayList<>();
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        if (ID_FIELDS.contains(field.getKey()) && field.getValue().isTextual()) {
          ids.add(field.getKey());
        } else {
          hexIdsToBase64(field.getValue());
        }
      }
      for (String id : ids) {
        object.put(id, hexToBase64(id, object.get(id).asText()));
      }
    } else if (node instanceof ArrayNode array) {
      for (JsonNode element : array) {
        hexIdsToBase64(element);
      }
    }
  }

  private static String hexToBase64(String field, String hex) {
    try {
      return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw IngestErrors.undecodable(
          "OTLP/JSON",
          field + " " + ProjectIds.quote(hex) + " is not a hex string as OTLP/JSON requires",
          e);
    }
  }
}

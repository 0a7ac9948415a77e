package io.lakestream.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.avro.generic.GenericRecord;

/**
 * What the API must answer for rows the tests wrote, in the API's conventions (timestamps as
 * micros, json columns embedded, arrays as arrays, bytes base64), as JSON trees compared by their
 * text.
 */
public final class ExpectedRows {
  public static final ObjectMapper JSON = new ObjectMapper();

  private ExpectedRows() {}

  /** A row as the JSON object the API serves, with {@code columns} in order. */
  public static ObjectNode json(TableDefinition table, List<String> columns, GenericRecord row) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    for (String column : columns) {
      node.set(column, value(table.column(column).orElseThrow().type(), row.get(column)));
    }
    return node;
  }

  /** Every row as JSON text, for comparing lists of rows with one assertion. */
  public static List<String> jsonTexts(
      TableDefinition table, List<String> columns, List<GenericRecord> rows) {
    List<String> texts = new ArrayList<>(rows.size());
    for (GenericRecord row : rows) {
      texts.add(json(table, columns, row).toString());
    }
    return texts;
  }

  static JsonNode value(ColumnType type, Object value) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (value == null) {
      return nodes.nullNode();
    }
    return switch (type) {
      case BOOLEAN -> nodes.booleanNode((Boolean) value);
      case INT, DATE -> nodes.numberNode((Integer) value);
      case LONG, TIMESTAMP -> nodes.numberNode((Long) value);
      case FLOAT -> nodes.numberNode((Float) value);
      case DOUBLE -> nodes.numberNode((Double) value);
      case STRING -> nodes.textNode(value.toString());
      case JSON -> parse(value.toString());
      case BYTES -> {
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        yield nodes.textNode(Base64.getEncoder().encodeToString(bytes));
      }
      case ARRAY_LONG, ARRAY_DOUBLE, ARRAY_STRING -> {
        ArrayNode array = nodes.arrayNode();
        for (Object item : (List<?>) value) {
          array.add(value(type.elementType().orElseThrow(), item));
        }
        yield array;
      }
    };
  }

  /** Parses JSON text; a test failure if it is not JSON. */
  public static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JSON texts of the objects of a JSON array response. */
  public static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.toString()));
    return texts;
  }

  /** The JSON texts of the lines of an NDJSON response. */
  public static List<String> ndjsonTexts(String body) {
    List<String> texts = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (!line.isEmpty()) {
        texts.add(parse(line).toString());
      }
    }
    return texts;
  }
}

package io.lakestream.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.avro.generic.GenericRecord;

/**
 * Parses API responses back with independent readers (Jackson CSV, Arrow Java's {@link
 * ArrowStreamReader}) into the rows' JSON texts, to compare with {@link ExpectedRows}.
 */
public final class ResponseFormats {
  private ResponseFormats() {}

  /** The rows of a CSV body: header checked, then each record as JSON text. */
  public static List<String> csvTexts(TableDefinition table, List<String> columns, String body) {
    CsvMapper mapper = new CsvMapper();
    mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    List<String> texts = new ArrayList<>();
    try (MappingIterator<List<String>> records =
        mapper.readerForListOf(String.class).readValues(body)) {
      List<String> header = records.next();
      if (!header.equals(columns)) {
        throw new AssertionError("CSV header " + header + " is not " + columns);
      }
      while (records.hasNext()) {
        List<String> record = records.next();
        ObjectNode row = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < columns.size(); i++) {
          ColumnType type = table.column(columns.get(i)).orElseThrow().type();
          row.set(columns.get(i), csvValue(type, record.get(i)));
        }
        texts.add(row.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return texts;
  }

  private static JsonNode csvValue(ColumnType type, String cell) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (cell.isEmpty()) {
      return nodes.nullNode();
    }
    return switch (type) {
      case BOOLEAN -> nodes.booleanNode(Boolean.parseBoolean(cell));
      case INT, DATE -> nodes.numberNode(Integer.parseInt(cell));
      case LONG, TIMESTAMP -> nodes.numberNode(Long.parseLong(cell));
      case FLOAT -> nodes.numberNode(Float.parseFloat(cell));
      case DOUBLE -> nodes.numberNode(Double.parseDouble(cell));
      case STRING, BYTES -> nodes.textNode(cell);
      case JSON, ARRAY_LONG, ARRAY_DOUBLE, ARRAY_STRING -> ExpectedRows.parse(cell);
    };
  }

  /** The rows of an Arrow IPC stream body, each as JSON text; also checks the schema's types. */
  public static List<String> arrowTexts(TableDefinition table, List<String> columns, byte[] body) {
    List<String> texts = new ArrayList<>();
    try (RootAllocator allocator = new RootAllocator();
        ArrowStreamReader reader =
            new ArrowStreamReader(new ByteArrayInputStream(body), allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      List<String> names = root.getSchema().getFields().stream().map(f -> f.getName()).toList();
      if (!names.equals(columns)) {
        throw new AssertionError("Arrow columns " + names + " are not " + columns);
      }
      while (reader.loadNextBatch()) {
        for (int i = 0; i < root.getRowCount(); i++) {
          ObjectNode row = JsonNodeFactory.instance.objectNode();
          for (String column : columns) {
            FieldVector vector = root.getVector(column);
            row.set(column, arrowValue(table.column(column).orElseThrow().type(), vector, i));
          }
          texts.add(row.toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return texts;
  }

  private static JsonNode arrowValue(ColumnType type, FieldVector vector, int index) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (vector.isNull(index)) {
      return nodes.nullNode();
    }
    if (type == ColumnType.TIMESTAMP
        && !(vector.getField().getType() instanceof ArrowType.Timestamp timestamp
            && "UTC".equals(timestamp.getTimezone()))) {
      throw new AssertionError("timestamp column typed " + vector.getField().getType());
    }
    Object value = vector.getObject(index);
    return switch (type) {
      case BOOLEAN -> nodes.booleanNode((Boolean) value);
      case INT, DATE -> nodes.numberNode(((Number) value).intValue());
      case LONG, TIMESTAMP -> nodes.numberNode(((Number) value).longValue());
      case FLOAT -> nodes.numberNode((Float) value);
      case DOUBLE -> nodes.numberNode((Double) value);
      case STRING -> nodes.textNode(value.toString());
      case JSON -> ExpectedRows.parse(value.toString());
      case BYTES -> nodes.textNode(java.util.Base64.getEncoder().encodeToString((byte[]) value));
      case ARRAY_LONG, ARRAY_DOUBLE, ARRAY_STRING -> {
        ListVector list = (ListVector) vector;
        ArrayNode array = nodes.arrayNode();
        FieldVector data = (FieldVector) list.getDataVector();
        int start = list.getElementStartIndex(index);
        int end = list.getElementEndIndex(index);
        for (int j = start; j < end; j++) {
          array.add(arrowValue(type.elementType().orElseThrow(), data, j));
        }
        yield array;
      }
    };
  }

  /** The expected JSON texts of rows. */
  public static List<String> expected(
      TableDefinition table, List<String> columns, List<GenericRecord> rows) {
    return ExpectedRows.jsonTexts(table, columns, rows);
  }
}

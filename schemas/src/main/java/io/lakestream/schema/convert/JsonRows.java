package io.lakestream.schema.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.LakestreamException;
import io.lakestream.schema.TableDefinition;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * JSON object → Avro row of a table, with a clear error for every value that does not fit.
 *
 * <p>Accepted values: timestamps as integer microseconds or ISO-8601 text ({@code
 * 2026-11-21T10:00:00Z}, fractions to the microsecond); dates as integer days or {@code
 * 2026-11-21}; json columns as any JSON value (stored as its text; a JSON string is stored as it
 * is); bytes as base64 text; arrays as JSON arrays.
 */
public final class JsonRows {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonRows() {}

  /** A value that does not fit its column; the message names the column and what is expected. */
  public static final class RowException extends LakestreamException {
    private static final long serialVersionUID = 1L;

    RowException(String message) {
      super(ErrorKind.BAD_REQUEST, message);
    }
  }

  /**
   * Converts one JSON object.
   *
   * @param defaultProject the project of a row that has no {@code project_id}; may be null
   * @throws RowException naming the table, the column and the fix
   */
  public static GenericRecord toRow(TableDefinition table, JsonNode object, String defaultProject) {
    if (object == null || !object.isObject()) {
      throw new RowException("A row of table " + table.name() + " must be a JSON object.");
    }
    Schema schema = AvroSchemas.rowSchema(table);
    GenericRecord row = new GenericData.Record(schema);
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (table.column(name).isEmpty()) {
        throw new RowException(
            "Table "
                + table.name()
                + " has no column '"
                + name
                + "'. Its columns are: "
                + String.join(", ", table.columnNames())
                + ".");
      }
    }
    for (Column column : table.columns()) {
      JsonNode value = object.get(column.name());
      Object converted = value == null || value.isNull() ? null : convert(table, column, value);
      if (converted == null
          && column.name().equals(TableDefinition.PROJECT_COLUMN)
          && defaultProject != null) {
        converted = defaultProject;
      }
      if (converted == null && !column.nullable()) {
        throw new RowException(
            "Column '"
                + column.name()
                + "' of table "
                + table.name()
                + " needs a value; it is not nullable.");
      }
      row.put(column.name(), converted);
    }
    return row;
  }

  /** Parses a JSON text and converts it; see {@link #toRow(TableDefinition, JsonNode, String)}. */
  public static GenericRecord toRow(TableDefinition table, String jsonText, String defaultProject) {
    JsonNode node;
    try {
      node = JSON.readTree(jsonText);
    } catch (Exception e) {
      throw new RowException("Not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    return toRow(table, node, defaultProject);
  }

  /** Converts a value of a column given as text or number, for SQL literals and flags. */
  public static Object convert(TableDefinition table, Column column, JsonNode value) {
    ColumnType type = column.type();
    try {
      return switch (type) {
        case BOOLEAN -> {
          require(value.isBoolean(), table, column, value, "true or false");
          yield value.booleanValue();
        }
        case INT -> {
          require(
              value.canConvertToInt() && value.isIntegralNumber(),
              table,
              column,
              value,
              "a 32-bit integer");
          yield value.intValue();
        }
        case LONG -> {
          require(
              value.canConvertToLong() && value.isIntegralNumber(),
              table,
              column,
              value,
              "a 64-bit integer");
          yield value.longValue();
        }
        case FLOAT -> {
          require(value.isNumber(), table, column, value, "a number");
          yield value.floatValue();
        }
        case DOUBLE -> {
          require(value.isNumber(), table, column, value, "a number");
          yield value.doubleValue();
        }
        case STRING -> {
          require(value.isTextual(), table, column, value, "a string");
          yield value.textValue();
        }
        case JSON -> value.isTextual() ? value.textValue() : JSON.writeValueAsString(value);
        case BYTES -> {
          require(value.isTextual(), table, column, value, "base64 text");
          yield ByteBuffer.wrap(Base64.getDecoder().decode(value.textValue()));
        }
        case TIMESTAMP -> timestampMicros(table, column, value);
        case DATE -> {
          if (value.isIntegralNumber() && value.canConvertToInt()) {
            yield value.intValue();
          }
          require(
              value.isTextual(),
              table,
              column,
              value,
              "days since 1970-01-01 or a date like 2026-11-21");
          yield (int) LocalDate.parse(value.textValue()).toEpochDay();
        }
        case ARRAY_LONG, ARRAY_DOUBLE, ARRAY_STRING -> {
          require(value.isArray(), table, column, value, "a JSON array");
          Column element =
              new Column(column.name() + "[]", type.elementType().orElseThrow(), false, "");
          List<Object> items = new ArrayList<>();
          for (JsonNode item : value) {
            items.add(convert(table, element, item));
          }
          yield items;
        }
      };
    } catch (RowException e) {
      throw e;
    } catch (Exception e) {
      throw invalid(table, column, value, expected(type));
    }
  }

  /**
   * Parses a key as the table's primary key column expects it: integer (microseconds) or time text
   * ({@link TimeText}: ISO-8601, or as SQL writes it; UTC without an offset).
   */
  public static long timestampMicros(TableDefinition table, Column column, JsonNode value) {
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      return value.longValue();
    }
    require(value.isTextual(), table, column, value, expected(ColumnType.TIMESTAMP));
    return TimeText.instant(value.textValue())
        .map(JsonRows::micros)
        .orElseThrow(() -> invalid(table, column, value, expected(ColumnType.TIMESTAMP)));
  }

  /** Microseconds since the epoch of an instant, truncating below the microsecond. */
  public static long micros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
  }

  private static String expected(ColumnType type) {
    return switch (type) {
      case TIMESTAMP ->
          "microseconds since 1970-01-01T00:00:00Z or an ISO-8601 time like 2026-11-21T10:00:00Z";
      case DATE -> "days since 1970-01-01 or a date like 2026-11-21";
      case BYTES -> "base64 text";
      default -> "a value of type " + type;
    };
  }

  private static void require(
      boolean ok, TableDefinition table, Column column, JsonNode value, String expected) {
    if (!ok) {
      throw invalid(table, column, value, expected);
    }
  }

  private static RowException invalid(
      TableDefinition table, Column column, JsonNode value, String expected) {
    String shown = value.toString();
    if (shown.length() > 60) {
      shown = shown.substring(0, 57) + "...";
    }
    return new RowException(
        "Column '"
            + column.name()
            + "' of table "
            + table.name()
            + " ("
            + column.type()
            + ") cannot hold "
            + shown
            + ": expected "
            + expected
            + ".");
  }

  /** For callers that hold plain Java values: converts them through JSON. */
  public static GenericRecord toRow(
      TableDefinition table, Map<String, ?> values, String defaultProject) {
    return toRow(table, (JsonNode) JSON.valueToTree(values), defaultProject);
  }
}

package io.lakestream.schema.convert;

import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** Table definition → Arrow schema, for Arrow IPC responses of the query API. */
public final class ArrowSchemas {
  private ArrowSchemas() {}

  /** The Arrow schema of a table's rows; timestamps are {@code Timestamp(MICROSECOND, "UTC")}. */
  public static Schema schema(TableDefinition table) {
    return schema(table, table.columnNames());
  }

  /** The Arrow schema of a projection of a table's columns, in the given order. */
  public static Schema schema(TableDefinition table, List<String> columnNames) {
    List<Field> fields = new ArrayList<>();
    for (String name : columnNames) {
      Column column =
          table
              .column(name)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "table " + table.name() + " has no column " + name));
      fields.add(field(column.name(), column.type(), column.nullable()));
    }
    return new Schema(fields);
  }

  private static Field field(String name, ColumnType type, boolean nullable) {
    if (type.isArray()) {
      Field element = field("element", type.elementType().orElseThrow(), false);
      return new Field(
          name, new FieldType(nullable, ArrowType.List.INSTANCE, null), List.of(element));
    }
    return new Field(name, new FieldType(nullable, arrowType(type), null), List.of());
  }

  private static ArrowType arrowType(ColumnType type) {
    return switch (type) {
      case BOOLEAN -> ArrowType.Bool.INSTANCE;
      case INT -> new ArrowType.Int(32, true);
      case LONG -> new ArrowType.Int(64, true);
      case FLOAT -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case STRING, JSON -> ArrowType.Utf8.INSTANCE;
      case BYTES -> ArrowType.Binary.INSTANCE;
      case TIMESTAMP -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
      case DATE -> new ArrowType.Date(DateUnit.DAY);
      case ARRAY_LONG, ARRAY_DOUBLE, ARRAY_STRING ->
          throw new IllegalArgumentException("arrays are built in field()");
    };
  }
}

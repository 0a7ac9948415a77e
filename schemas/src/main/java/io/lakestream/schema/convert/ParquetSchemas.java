package io.lakestream.schema.convert;

import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * Table definition → Parquet message type, as the writer's files carry it.
 *
 * <p>Arrays use the standard three-level {@code LIST} layout ({@code <name>.list.element}), the
 * layout parquet-avro writes with {@code parquet.avro.write-old-list-structure=false} and Delta
 * readers expect. Timestamps are {@code INT64 TIMESTAMP(MICROS, UTC)}.
 */
public final class ParquetSchemas {
  private ParquetSchemas() {}

  /**
   * The Parquet schema of a table's data files; the message is named after the Avro record, with
   * its namespace, as parquet-avro names it.
   */
  public static MessageType messageType(TableDefinition table) {
    Types.MessageTypeBuilder message = Types.buildMessage();
    for (Column column : table.columns()) {
      message.addField(fieldOf(column));
    }
    return message.named(AvroSchemas.NAMESPACE + "." + AvroSchemas.recordName(table.name()));
  }

  private static Type fieldOf(Column column) {
    Repetition repetition = column.nullable() ? Repetition.OPTIONAL : Repetition.REQUIRED;
    if (column.type().isArray()) {
      ColumnType element = column.type().elementType().orElseThrow();
      return Types.list(repetition)
          .element(primitive(element, Repetition.REQUIRED, "element"))
          .named(column.name());
    }
    return primitive(column.type(), repetition, column.name());
  }

  private static Type primitive(ColumnType type, Repetition repetition, String name) {
    return switch (type) {
      case BOOLEAN -> Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(name);
      case INT -> Types.primitive(PrimitiveTypeName.INT32, repetition).named(name);
      case LONG -> Types.primitive(PrimitiveTypeName.INT64, repetition).named(name);
      case FLOAT -> Types.primitive(PrimitiveTypeName.FLOAT, repetition).named(name);
      case DOUBLE -> Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(name);
      case STRING, JSON ->
          Types.primitive(PrimitiveTypeName.BINARY, repetition)
              .as(LogicalTypeAnnotation.stringType())
              .named(name);
      case BYTES -> Types.primitive(PrimitiveTypeName.BINARY, repetition).named(name);
      case TIMESTAMP ->
          Types.primitive(PrimitiveTypeName.INT64, repetition)
              .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
              .named(name);
      case DATE ->
          Types.primitive(PrimitiveTypeName.INT32, repetition)
              .as(LogicalTypeAnnotation.dateType())
              .named(name);
      case ARRAY_LONG, ARRAY_DOUBLE, ARRAY_STRING ->
          throw new IllegalArgumentException("nested arrays are not supported: " + name);
    };
  }
}

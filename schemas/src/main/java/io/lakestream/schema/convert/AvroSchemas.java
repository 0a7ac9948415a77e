package io.lakestream.schema.convert;

import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Table definition → Avro record schema: the row format of {@code lakestream.ingest.<table>} and
 * {@code lakestream.rows.<table>}.
 *
 * <p>The record is named after the table in PascalCase in namespace {@value #NAMESPACE}; nullable
 * columns are {@code ["null", T]} unions with default null; timestamps are {@code long
 * timestamp-micros}, dates {@code int date}, json columns strings.
 */
public final class AvroSchemas {
  /** The namespace of every row record. */
  public static final String NAMESPACE = "io.lakestream.avro";

  private AvroSchemas() {}

  /** The Avro record schema of a table's rows. */
  public static Schema rowSchema(TableDefinition table) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Column column : table.columns()) {
      Schema type = typeOf(column.type());
      String doc = column.doc().isEmpty() ? null : column.doc();
      fields.add(
          column.nullable()
              ? new Schema.Field(
                  column.name(),
                  Schema.createUnion(Schema.create(Schema.Type.NULL), type),
                  doc,
                  JsonProperties.NULL_VALUE)
              : new Schema.Field(column.name(), type, doc));
    }
    String doc = table.description().isEmpty() ? null : table.description();
    return Schema.createRecord(recordName(table.name()), doc, NAMESPACE, false, fields);
  }

  /** The record name of a table: {@code otel_logs_and_spans} → {@code OtelLogsAndSpans}. */
  public static String recordName(String tableName) {
    StringBuilder name = new StringBuilder();
    boolean upper = true;
    for (char c : tableName.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        name.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    if (name.length() == 0 || Character.isDigit(name.charAt(0))) {
      name.insert(0, 'T');
    }
    return name.toString();
  }

  private static Schema typeOf(ColumnType type) {
    return switch (type) {
      case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
      case INT -> Schema.create(Schema.Type.INT);
      case LONG -> Schema.create(Schema.Type.LONG);
      case FLOAT -> Schema.create(Schema.Type.FLOAT);
      case DOUBLE -> Schema.create(Schema.Type.DOUBLE);
      case STRING, JSON -> Schema.create(Schema.Type.STRING);
      case BYTES -> Schema.create(Schema.Type.BYTES);
      case TIMESTAMP -> LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
      case DATE -> LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
      case ARRAY_LONG, ARRAY_DOUBLE, ARRAY_STRING ->
          Schema.createArray(typeOf(type.elementType().orElseThrow()));
    };
  }
}

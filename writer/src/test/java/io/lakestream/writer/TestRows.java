package io.lakestream.writer;

import io.lakestream.schema.Column;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.convert.AvroSchemas;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Rows of the built-in tables for tests, each with a unique id column. */
public final class TestRows {
  private static final java.util.Map<TableDefinition, Schema> SCHEMAS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private TestRows() {}

  /** The column that identifies a test row: events.event_id, span_id, metric_name. */
  public static String idColumn(TableDefinition table) {
    if (table.name().endsWith("events")) {
      return "event_id";
    } else if (table.name().endsWith("otel_logs_and_spans")) {
      return "span_id";
    } else if (table.name().endsWith("metrics")) {
      return "metric_name";
    }
    throw new IllegalArgumentException("no id column known for table " + table.name());
  }

  /**
   * A valid row: primary key {@code key}, id column {@code id}, project {@code project}, required
   * columns filled, a few optional ones set.
   */
  public static GenericRecord row(TableDefinition table, String project, long key, String id) {
    Schema schema = SCHEMAS.computeIfAbsent(table, AvroSchemas::rowSchema);
    GenericData.Record row = new GenericData.Record(schema);
    for (Column column : table.columns()) {
      Object value;
      if (column.name().equals(table.primaryKey())) {
        value = column.type() == io.lakestream.schema.ColumnType.INT ? (int) key : key;
      } else if (column.name().equals(TableDefinition.PROJECT_COLUMN)) {
        value = project;
      } else if (column.name().equals(idColumn(table))) {
        value = id;
      } else {
        value = sample(column, key);
      }
      row.put(column.name(), value);
    }
    return row;
  }

  private static Object sample(Column column, long key) {
    boolean skip = column.nullable() && (key + column.name().length()) % 3 == 0;
    if (skip) {
      return null;
    }
    return switch (column.type()) {
      case BOOLEAN -> key % 2 == 0;
      case INT -> (int) (key % 1000);
      case LONG -> key * 7;
      case FLOAT -> (float) key / 3;
      case DOUBLE -> key / 7.0;
      case STRING -> column.name() + "-" + (key % 17);
      case JSON -> "{\"k\":" + (key % 5) + "}";
      case BYTES -> java.nio.ByteBuffer.wrap(new byte[] {(byte) key});
      case TIMESTAMP -> key + 1_000;
      case DATE -> (int) (key % 20_000);
      case ARRAY_LONG -> List.of(key, key + 1);
      case ARRAY_DOUBLE -> List.of(0.5, 1.5);
      case ARRAY_STRING -> List.of("a", "b");
    };
  }
}

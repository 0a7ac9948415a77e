package io.lakestream.schema.convert;

import io.delta.standalone.types.ArrayType;
import io.delta.standalone.types.BinaryType;
import io.delta.standalone.types.BooleanType;
import io.delta.standalone.types.DataType;
import io.delta.standalone.types.DateType;
import io.delta.standalone.types.DoubleType;
import io.delta.standalone.types.FloatType;
import io.delta.standalone.types.IntegerType;
import io.delta.standalone.types.LongType;
import io.delta.standalone.types.StringType;
import io.delta.standalone.types.StructField;
import io.delta.standalone.types.StructType;
import io.delta.standalone.types.TimestampType;
import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;

/** Table definition → Delta table schema, used when a project's table is created. */
public final class DeltaSchemas {
  private DeltaSchemas() {}

  /** The Delta schema of a table; array elements are never null. */
  public static StructType structType(TableDefinition table) {
    StructField[] fields = new StructField[table.columns().size()];
    int i = 0;
    for (Column column : table.columns()) {
      fields[i++] = new StructField(column.name(), dataType(column.type()), column.nullable());
    }
    return new StructType(fields);
  }

  private static DataType dataType(ColumnType type) {
    return switch (type) {
      case BOOLEAN -> new BooleanType();
      case INT -> new IntegerType();
      case LONG -> new LongType();
      case FLOAT -> new FloatType();
      case DOUBLE -> new DoubleType();
      case STRING, JSON -> new StringType();
      case BYTES -> new BinaryType();
      case TIMESTAMP -> new TimestampType();
      case DATE -> new DateType();
      case ARRAY_LONG, ARRAY_DOUBLE, ARRAY_STRING ->
          new ArrayType(dataType(type.elementType().orElseThrow()), false);
    };
  }
}

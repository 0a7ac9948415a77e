package io.lakestream.schema.convert;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.standalone.types.ArrayType;
import io.delta.standalone.types.LongType;
import io.delta.standalone.types.StringType;
import io.delta.standalone.types.StructField;
import io.delta.standalone.types.StructType;
import io.delta.standalone.types.TimestampType;
import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.TestTables;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConvertersTest {

  static Stream<TableDefinition> tables() {
    return Stream.concat(
        TableDefinitions.builtIns().values().stream(), Stream.of(TestTables.users()));
  }

  @ParameterizedTest
  @MethodSource("tables")
  void avroSchemaHasEveryColumnWithItsTypeAndNullability(TableDefinition table) {
    Schema schema = AvroSchemas.rowSchema(table);
    assertThat(schema.getNamespace()).isEqualTo("io.lakestream.avro");
    assertThat(schema.getFields()).extracting(Schema.Field::name).isEqualTo(table.columnNames());
    for (Column column : table.columns()) {
      Schema field = schema.getField(column.name()).schema();
      if (column.nullable()) {
        assertThat(field.getType()).isEqualTo(Schema.Type.UNION);
        assertThat(field.getTypes().get(0).getType()).isEqualTo(Schema.Type.NULL);
        assertThat(schema.getField(column.name()).defaultVal())
            .isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
        field = field.getTypes().get(1);
      }
      assertThat(field.getType()).isEqualTo(avroType(column.type()));
    }
    Schema key = schema.getField(table.primaryKey()).schema();
    assertThat(key.getType()).isIn(Schema.Type.LONG, Schema.Type.INT);
  }

  @ParameterizedTest
  @MethodSource("tables")
  void avroTimestampsAreMicros(TableDefinition table) {
    Schema schema = AvroSchemas.rowSchema(table);
    for (Column column : table.columns()) {
      if (column.type() == ColumnType.TIMESTAMP) {
        Schema field = schema.getField(column.name()).schema();
        Schema type = column.nullable() ? field.getTypes().get(1) : field;
        assertThat(type.getLogicalType()).isEqualTo(LogicalTypes.timestampMicros());
      }
    }
  }

  @ParameterizedTest
  @MethodSource("tables")
  void parquetSchemaMatchesWhatParquetAvroWritesFromTheAvroSchema(TableDefinition table) {
    MessageType ours = ParquetSchemas.messageType(table);
    MessageType fromAvro =
        new AvroSchemaConverter(
                new PlainParquetConfiguration(
                    Map.of("parquet.avro.write-old-list-structure", "false")))
            .convert(AvroSchemas.rowSchema(table));
    assertThat(ours).isEqualTo(fromAvro);
  }

  @ParameterizedTest
  @MethodSource("tables")
  void parquetSchemaHasEveryColumn(TableDefinition table) {
    MessageType message = ParquetSchemas.messageType(table);
    assertThat(message.getFields()).extracting(Type::getName).isEqualTo(table.columnNames());
    for (Column column : table.columns()) {
      Type field = message.getType(column.name());
      assertThat(
              field.isRepetition(
                  column.nullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED))
          .as(column.name())
          .isTrue();
      if (column.type() == ColumnType.TIMESTAMP) {
        PrimitiveType primitive = field.asPrimitiveType();
        assertThat(primitive.getPrimitiveTypeName())
            .isEqualTo(PrimitiveType.PrimitiveTypeName.INT64);
        assertThat(primitive.getLogicalTypeAnnotation())
            .isEqualTo(
                LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS));
      }
      if (column.type().isArray()) {
        assertThat(field.getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.listType());
      }
    }
  }

  @ParameterizedTest
  @MethodSource("tables")
  void deltaSchemaHasEveryColumn(TableDefinition table) {
    StructType struct = DeltaSchemas.structType(table);
    assertThat(struct.getFieldNames()).containsExactlyElementsOf(table.columnNames());
    for (Column column : table.columns()) {
      StructField field = struct.get(column.name());
      assertThat(field.isNullable()).as(column.name()).isEqualTo(column.nullable());
      switch (column.type()) {
        case TIMESTAMP -> assertThat(field.getDataType()).isInstanceOf(TimestampType.class);
        case LONG -> assertThat(field.getDataType()).isInstanceOf(LongType.class);
        case STRING, JSON -> assertThat(field.getDataType()).isInstanceOf(StringType.class);
        case ARRAY_LONG ->
            assertThat(((ArrayType) field.getDataType()).getElementType())
                .isInstanceOf(LongType.class);
        default -> assertThat(field.getDataType().getTypeName()).isNotBlank();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("tables")
  void arrowSchemaHasEveryColumn(TableDefinition table) {
    org.apache.arrow.vector.types.pojo.Schema schema = ArrowSchemas.schema(table);
    assertThat(schema.getFields()).extracting(Field::getName).isEqualTo(table.columnNames());
    for (Column column : table.columns()) {
      Field field = schema.findField(column.name());
      assertThat(field.isNullable()).as(column.name()).isEqualTo(column.nullable());
      if (column.type() == ColumnType.TIMESTAMP) {
        assertThat(field.getType()).isEqualTo(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"));
      }
      if (column.type().isArray()) {
        assertThat(field.getType()).isEqualTo(ArrowType.List.INSTANCE);
        assertThat(field.getChildren()).hasSize(1);
      }
    }
  }

  @org.junit.jupiter.api.Test
  void arrowProjectionKeepsTheRequestedOrder() {
    TableDefinition users = TestTables.users();
    assertThat(ArrowSchemas.schema(users, List.of("email", "user_id")).getFields())
        .extracting(Field::getName)
        .containsExactly("email", "user_id");
  }

  @org.junit.jupiter.api.Test
  void recordNamesArePascalCase() {
    assertThat(AvroSchemas.recordName("otel_logs_and_spans")).isEqualTo("OtelLogsAndSpans");
    assertThat(AvroSchemas.recordName("events")).isEqualTo("Events");
    assertThat(AvroSchemas.recordName("_1x")).isEqualTo("T1x");
  }

  private static Schema.Type avroType(ColumnType type) {
    return switch (type) {
      case BOOLEAN -> Schema.Type.BOOLEAN;
      case INT, DATE -> Schema.Type.INT;
      case LONG, TIMESTAMP -> Schema.Type.LONG;
      case FLOAT -> Schema.Type.FLOAT;
      case DOUBLE -> Schema.Type.DOUBLE;
      case STRING, JSON -> Schema.Type.STRING;
      case BYTES -> Schema.Type.BYTES;
      case ARRAY_LONG, ARRAY_DOUBLE, ARRAY_STRING -> Schema.Type.ARRAY;
    };
  }
}

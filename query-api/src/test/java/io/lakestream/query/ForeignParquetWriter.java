package io.lakestream.query;

import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * Writes Parquet files of a Lakestream table type the way other Delta tools (Spark) write them,
 * with parquet-mr's example {@link Group} writer rather than our Avro path: rows in the order given
 * (not sorted by key), timestamps in the encoding chosen ({@link TimestampEncoding}: Spark's
 * default INT96, or INT64 millis, micros or nanos), strings as {@code binary (STRING)}, lists in
 * Spark's {@code list.element} layout with optional elements, snappy, dictionary encoding.
 */
final class ForeignParquetWriter {
  /** How timestamp columns are stored. */
  enum TimestampEncoding {
    /** Spark's default: 12 bytes, nanoseconds of the day then the Julian day, little-endian. */
    INT96,
    /** INT64 TIMESTAMP(MILLIS): values must be whole milliseconds to round-trip. */
    INT64_MILLIS,
    /** INT64 TIMESTAMP(MICROS), as Lakestream writes them. */
    INT64_MICROS,
    /** INT64 TIMESTAMP(NANOS). */
    INT64_NANOS;

    /** The microseconds a stored value can resolve. */
    long resolutionMicros() {
      return this == INT64_MILLIS ? 1_000 : 1;
    }
  }

  private static final long JULIAN_DAY_OF_EPOCH = 2_440_588L;
  private static final long MICROS_PER_DAY = 86_400_000_000L;

  private ForeignParquetWriter() {}

  /** The file schema another tool would write for {@code table}. */
  static MessageType schema(TableDefinition table, TimestampEncoding encoding) {
    Types.MessageTypeBuilder message = Types.buildMessage();
    for (Column column : table.columns()) {
      Repetition repetition = column.nullable() ? Repetition.OPTIONAL : Repetition.REQUIRED;
      if (column.type().isArray()) {
        ColumnType element = column.type().elementType().orElseThrow();
        message.addField(
            Types.buildGroup(repetition)
                .as(LogicalTypeAnnotation.listType())
                .addField(
                    Types.repeatedGroup()
                        .addField(primitive(element, encoding, Repetition.OPTIONAL, "element"))
                        .named("list"))
                .named(column.name()));
      } else {
        message.addField(primitive(column.type(), encoding, repetition, column.name()));
      }
    }
    return message.named("spark_schema");
  }

  private static Type primitive(
      ColumnType type, TimestampEncoding encoding, Repetition repetition, String name) {
    return switch (type) {
      case BOOLEAN -> Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(name);
      case INT -> Types.primitive(PrimitiveTypeName.INT32, repetition).named(name);
      case DATE ->
          Types.primitive(PrimitiveTypeName.INT32, repetition)
              .as(LogicalTypeAnnotation.dateType())
              .named(name);
      case LONG -> Types.primitive(PrimitiveTypeName.INT64, repetition).named(name);
      case FLOAT -> Types.primitive(PrimitiveTypeName.FLOAT, repetition).named(name);
      case DOUBLE -> Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(name);
      case STRING, JSON ->
          Types.primitive(PrimitiveTypeName.BINARY, repetition)
              .as(LogicalTypeAnnotation.stringType())
              .named(name);
      case BYTES -> Types.primitive(PrimitiveTypeName.BINARY, repetition).named(name);
      case TIMESTAMP ->
          encoding == TimestampEncoding.INT96
              ? Types.primitive(PrimitiveTypeName.INT96, repetition).named(name)
              : Types.primitive(PrimitiveTypeName.INT64, repetition)
                  .as(LogicalTypeAnnotation.timestampType(true, unit(encoding)))
                  .named(name);
      default -> throw new IllegalArgumentException("no primitive type for " + type);
    };
  }

  private static TimeUnit unit(TimestampEncoding encoding) {
    return switch (encoding) {
      case INT64_MILLIS -> TimeUnit.MILLIS;
      case INT64_NANOS -> TimeUnit.NANOS;
      default -> TimeUnit.MICROS;
    };
  }

  /** Writes {@code rows} in this order to {@code file}, in pages of at most 50 rows. */
  static void write(
      Configuration conf,
      Path file,
      TableDefinition table,
      TimestampEncoding encoding,
      List<GenericRecord> rows) {
    write(conf, file, table, encoding, rows, 50);
  }

  /** Writes {@code rows} in this order to {@code file}, in pages of at most {@code pageRows}. */
  static void write(
      Configuration conf,
      Path file,
      TableDefinition table,
      TimestampEncoding encoding,
      List<GenericRecord> rows,
      int pageRows) {
    MessageType schema = schema(table, encoding);
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(HadoopOutputFile.fromPath(file, conf))
            .withType(schema)
            .withConf(conf)
            .withWriteMode(ParquetFileWriter.Mode.CREATE)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withPageRowCountLimit(pageRows)
            .withDictionaryEncoding(true)
            .build()) {
      for (GenericRecord row : rows) {
        Group group = groups.newGroup();
        for (Column column : table.columns()) {
          Object value = row.get(column.name());
          if (value == null) {
            continue;
          }
          if (column.type().isArray()) {
            Group list = group.addGroup(column.name());
            for (Object element : (List<?>) value) {
              add(
                  list.addGroup("list"),
                  "element",
                  column.type().elementType().get(),
                  element,
                  encoding);
            }
          } else {
            add(group, column.name(), column.type(), value, encoding);
          }
        }
        writer.write(group);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void add(
      Group group, String field, ColumnType type, Object value, TimestampEncoding encoding) {
    switch (type) {
      case BOOLEAN -> group.add(field, (Boolean) value);
      case INT, DATE -> group.add(field, (Integer) value);
      case LONG -> group.add(field, (Long) value);
      case FLOAT -> group.add(field, (Float) value);
      case DOUBLE -> group.add(field, (Double) value);
      case STRING, JSON -> group.add(field, value.toString());
      case BYTES -> group.add(field, Binary.fromReusedByteBuffer(((ByteBuffer) value).duplicate()));
      case TIMESTAMP -> {
        long micros = (Long) value;
        switch (encoding) {
          case INT96 -> group.add(field, int96(micros));
          case INT64_MILLIS -> {
            if (micros % 1_000 != 0) {
              throw new IllegalArgumentException(micros + " us is not a whole millisecond");
            }
            group.add(field, micros / 1_000);
          }
          case INT64_MICROS -> group.add(field, micros);
          case INT64_NANOS -> group.add(field, Math.multiplyExact(micros, 1_000L));
        }
      }
      default -> throw new IllegalArgumentException("cannot write " + type);
    }
  }

  /** Spark's INT96 form of a timestamp. */
  static Binary int96(long micros) {
    long day = Math.floorDiv(micros, MICROS_PER_DAY);
    long nanosOfDay = Math.floorMod(micros, MICROS_PER_DAY) * 1_000L;
    ByteBuffer bytes = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    bytes.putLong(nanosOfDay).putInt((int) (day + JULIAN_DAY_OF_EPOCH));
    return Binary.fromConstantByteArray(bytes.array());
  }

  /** The rows with every timestamp rounded down to {@code resolutionMicros}. */
  static List<GenericRecord> truncated(
      TableDefinition table, List<GenericRecord> rows, long resolutionMicros) {
    List<GenericRecord> result = new ArrayList<>(rows.size());
    for (GenericRecord row : rows) {
      for (Column column : table.columns()) {
        if (column.type() == ColumnType.TIMESTAMP && row.get(column.name()) != null) {
          long micros = (Long) row.get(column.name());
          row.put(column.name(), Math.floorDiv(micros, resolutionMicros) * resolutionMicros);
        }
      }
      result.add(row);
    }
    return result;
  }
}

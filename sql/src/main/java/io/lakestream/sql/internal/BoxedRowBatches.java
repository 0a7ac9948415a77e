package io.lakestream.sql.internal;

import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Boxed rows, as {@link io.lakestream.sql.TableScan#scan} gives them, as Arrow batches of the
 * engine's schema ({@link #schema}): what a scan that has no columnar read of its own hands over.
 */
public final class BoxedRowBatches extends ArrowReader {
  private static final int BATCH_ROWS = 32_768;

  /** Arrow's canonical JSON extension type, on a UTF-8 field. */
  private static final java.util.Map<String, String> JSON_EXTENSION =
      java.util.Map.of("ARROW:extension:name", "arrow.json", "ARROW:extension:metadata", "");

  private final List<Column> columns;
  private final List<Object[]> rows;
  private int next;

  /** Batches of {@code rows} (values in {@code columns} order). */
  public BoxedRowBatches(List<Column> columns, List<Object[]> rows, BufferAllocator allocator) {
    super(allocator);
    this.columns = List.copyOf(columns);
    this.rows = rows;
  }

  /**
   * The Arrow schema the engine takes a table's rows in: timestamps {@code Timestamp(MICROSECOND,
   * "UTC")}, dates in days, strings as UTF-8, json as UTF-8 marked with Arrow's canonical {@code
   * arrow.json} extension (which the engine reads as its {@code JSON} type), bytes as binary,
   * arrays as lists of nullable elements; every field nullable. Each type is the engine's type of
   * the column ({@code TIMESTAMPTZ}, {@code DATE}, {@code VARCHAR}, {@code JSON}, {@code BLOB},
   * {@code BIGINT[]}, …), so that the engine reads the batches as the table's rows without a cast.
   */
  public static Schema schema(List<Column> columns) {
    List<Field> fields = new ArrayList<>(columns.size());
    for (Column column : columns) {
      fields.add(field(column.name(), column.type()));
    }
    return new Schema(fields);
  }

  private static Field field(String name, ColumnType type) {
    if (type.isArray()) {
      return new Field(
          name,
          FieldType.nullable(ArrowType.List.INSTANCE),
          List.of(field("element", type.elementType().orElseThrow())));
    }
    ArrowType arrow =
        switch (type) {
          case BOOLEAN -> ArrowType.Bool.INSTANCE;
          case INT -> new ArrowType.Int(32, true);
          case LONG -> new ArrowType.Int(64, true);
          case FLOAT -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
          case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
          case TIMESTAMP -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
          case DATE -> new ArrowType.Date(DateUnit.DAY);
          case BYTES -> ArrowType.Binary.INSTANCE;
          default -> ArrowType.Utf8.INSTANCE; // string, json
        };
    if (type == ColumnType.JSON) {
      return new Field(name, new FieldType(true, arrow, null, JSON_EXTENSION), null);
    }
    return new Field(name, FieldType.nullable(arrow), null);
  }

  @Override
  public boolean loadNextBatch() throws java.io.IOException {
    if (next >= rows.size()) {
      return false;
    }
    int count = Math.min(BATCH_ROWS, rows.size() - next);
    VectorSchemaRoot root = getVectorSchemaRoot();
    List<FieldVector> vectors = root.getFieldVectors();
    for (FieldVector vector : vectors) {
      vector.clear();
      vector.setInitialCapacity(count);
      vector.allocateNew();
    }
    for (int r = 0; r < count; r++) {
      Object[] values = rows.get(next + r);
      for (int c = 0; c < vectors.size(); c++) {
        set(vectors.get(c), columns.get(c).type(), r, values[c]);
      }
    }
    next += count;
    for (FieldVector vector : vectors) {
      vector.setValueCount(count);
    }
    root.setRowCount(count);
    return true;
  }

  private static void set(FieldVector vector, ColumnType type, int row, Object v) {
    if (v == null) {
      vector.setNull(row);
      return;
    }
    switch (type) {
      case BOOLEAN -> ((BitVector) vector).setSafe(row, (Boolean) v ? 1 : 0);
      case INT -> ((IntVector) vector).setSafe(row, ((Number) v).intValue());
      case LONG -> ((BigIntVector) vector).setSafe(row, ((Number) v).longValue());
      case FLOAT -> ((Float4Vector) vector).setSafe(row, ((Number) v).floatValue());
      case DOUBLE -> ((Float8Vector) vector).setSafe(row, ((Number) v).doubleValue());
      case TIMESTAMP -> ((TimeStampMicroTZVector) vector).setSafe(row, ((Number) v).longValue());
      case DATE -> ((DateDayVector) vector).setSafe(row, ((Number) v).intValue());
      case BYTES -> ((VarBinaryVector) vector).setSafe(row, (byte[]) v);
      case ARRAY_LONG, ARRAY_DOUBLE, ARRAY_STRING -> setList((ListVector) vector, row, v);
      default ->
          ((VarCharVector) vector).setSafe(row, v.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void setList(ListVector vector, int row, Object v) {
    Collection<?> elements = (Collection<?>) v;
    int start = vector.startNewValue(row);
    FieldVector data = vector.getDataVector();
    int i = start;
    for (Object element : elements) {
      if (element == null) {
        data.setNull(i);
      } else if (data instanceof BigIntVector longs) {
        longs.setSafe(i, ((Number) element).longValue());
      } else if (data instanceof Float8Vector doubles) {
        doubles.setSafe(i, ((Number) element).doubleValue());
      } else {
        ((VarCharVector) data).setSafe(i, element.toString().getBytes(StandardCharsets.UTF_8));
      }
      i++;
    }
    vector.endValue(row, elements.size());
  }

  @Override
  public long bytesRead() {
    return 0;
  }

  @Override
  protected void closeReadSource() {}

  @Override
  protected Schema readSchema() {
    return schema(columns);
  }
}

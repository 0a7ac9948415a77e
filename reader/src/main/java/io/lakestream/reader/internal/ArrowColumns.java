package io.lakestream.reader.internal;

import io.lakestream.reader.ByteSlice;
import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Decoded column values into Arrow vectors, column by column and without boxing: primitives from
 * the {@link ColumnVector}'s arrays, strings and bytes copied from their UTF-8 slices as they were
 * read (dictionary values from the cached dictionary). Lists and rows of the live tail, which come
 * boxed, are written value by value.
 *
 * <p>Types: boolean, int, long, float, double, timestamp ({@code Timestamp(MICROSECOND, "UTC")}),
 * date (days), string and json (UTF-8), bytes (binary), arrays (lists of nullable elements); every
 * field nullable (a file may lack a column).
 */
public final class ArrowColumns {
  private ArrowColumns() {}

  /** The Arrow schema of {@code columns}, in order, every field nullable. */
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
    return new Field(name, FieldType.nullable(arrow), null);
  }

  /**
   * Writes {@code count} values of {@code source} (null: the file lacks the column, all nulls) into
   * {@code target} from index {@code at}: the source rows are {@code rows[first, first + count)},
   * or {@code first, first + 1, …} when {@code rows} is null. The target must have room for them
   * (variable-width data grows as needed).
   */
  public static void write(
      ColumnVector source,
      int[] rows,
      int first,
      int count,
      FieldVector target,
      ColumnType type,
      int at) {
    if (source == null) {
      for (int i = 0; i < count; i++) {
        target.setNull(at + i);
      }
      return;
    }
    if (rows == null && copyFixed(source, first, count, target, type, at)) {
      return;
    }
    for (int i = 0; i < count; i++) {
      int row = rows == null ? first + i : rows[first + i];
      int to = at + i;
      if (source.isNull(row)) {
        target.setNull(to);
        continue;
      }
      switch (type) {
        case BOOLEAN -> ((BitVector) target).set(to, source.booleanAt(row) ? 1 : 0);
        case INT -> ((IntVector) target).set(to, (int) integral(source, row));
        case LONG -> ((BigIntVector) target).set(to, integral(source, row));
        case TIMESTAMP -> ((TimeStampMicroTZVector) target).set(to, integral(source, row));
        case DATE -> ((DateDayVector) target).set(to, (int) integral(source, row));
        case FLOAT -> ((Float4Vector) target).set(to, (float) floating(source, row));
        case DOUBLE -> ((Float8Vector) target).set(to, floating(source, row));
        case STRING, JSON -> {
          ByteSlice slice = source.bytesAt(row);
          ((VarCharVector) target).setSafe(to, slice.array(), slice.offset(), slice.length());
        }
        case BYTES -> {
          ByteSlice slice = source.bytesAt(row);
          ((VarBinaryVector) target).setSafe(to, slice.array(), slice.offset(), slice.length());
        }
        case ARRAY_LONG, ARRAY_DOUBLE, ARRAY_STRING ->
            writeList((ListVector) target, to, source.listAt(row));
      }
    }
  }

  /**
   * Copies consecutive values of a fixed-width column whose decoded kind has the target's width
   * (long to long or timestamp, int to int or date, float, double) as one block, and sets their
   * validity a byte at a time: a row at a time, Arrow's setters check bounds and rewrite a validity
   * byte per value, most of a timestamp range's scan. False (nothing written) for other columns.
   */
  private static boolean copyFixed(
      ColumnVector source, int first, int count, FieldVector target, ColumnType type, int at) {
    Object values = source.fixedValues();
    boolean same =
        switch (type) {
          case LONG, TIMESTAMP -> values instanceof long[];
          case INT, DATE -> values instanceof int[];
          case FLOAT -> values instanceof float[];
          case DOUBLE -> values instanceof double[];
          default -> false;
        };
    if (!same || count == 0) {
      return same;
    }
    ArrowBuf data = target.getDataBuffer();
    if (values instanceof long[] longs) {
      block(data, at, count, Long.BYTES).asLongBuffer().put(longs, first, count);
    } else if (values instanceof int[] ints) {
      block(data, at, count, Integer.BYTES).asIntBuffer().put(ints, first, count);
    } else if (values instanceof float[] floats) {
      block(data, at, count, Float.BYTES).asFloatBuffer().put(floats, first, count);
    } else {
      block(data, at, count, Double.BYTES).asDoubleBuffer().put((double[]) values, first, count);
    }
    ArrowBuf validity = target.getValidityBuffer();
    int end = at + count;
    int bit = at;
    for (; bit < end && (bit & 7) != 0; bit++) {
      BitVectorHelper.setBit(validity, bit);
    }
    int wholeBytes = (end - bit) >>> 3;
    validity.setOne(bit >>> 3, wholeBytes);
    for (bit += wholeBytes << 3; bit < end; bit++) {
      BitVectorHelper.setBit(validity, bit);
    }
    boolean[] nulls = source.nulls();
    for (int i = 0; i < count; i++) {
      if (nulls[first + i]) {
        BitVectorHelper.unsetBit(validity, at + i);
      }
    }
    return true;
  }

  /** The bytes of values {@code [at, at + count)} of {@code width} bytes each, little-endian. */
  private static ByteBuffer block(ArrowBuf data, int at, int count, int width) {
    return data.nioBuffer((long) at * width, count * width).order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Writes one boxed value, as a {@link io.lakestream.reader.RowSink} has it (rows of the live
   * tail), at {@code at}; variable-width data and lists grow as needed, fixed-width vectors must
   * have room.
   */
  public static void writeValue(FieldVector target, ColumnType type, int at, Object value) {
    if (value == null) {
      target.setNull(at);
      return;
    }
    switch (type) {
      case BOOLEAN -> ((BitVector) target).setSafe(at, (Boolean) value ? 1 : 0);
      case INT -> ((IntVector) target).setSafe(at, ((Number) value).intValue());
      case LONG -> ((BigIntVector) target).setSafe(at, ((Number) value).longValue());
      case TIMESTAMP -> ((TimeStampMicroTZVector) target).setSafe(at, ((Number) value).longValue());
      case DATE -> ((DateDayVector) target).setSafe(at, ((Number) value).intValue());
      case FLOAT -> ((Float4Vector) target).setSafe(at, ((Number) value).floatValue());
      case DOUBLE -> ((Float8Vector) target).setSafe(at, ((Number) value).doubleValue());
      case STRING, JSON -> {
        if (value instanceof ByteSlice slice) {
          ((VarCharVector) target).setSafe(at, slice.array(), slice.offset(), slice.length());
        } else {
          byte[] bytes = value.toString().getBytes(StandardCharsets.UTF_8);
          ((VarCharVector) target).setSafe(at, bytes, 0, bytes.length);
        }
      }
      case BYTES -> {
        if (value instanceof ByteSlice slice) {
          ((VarBinaryVector) target).setSafe(at, slice.array(), slice.offset(), slice.length());
        } else {
          byte[] bytes = (byte[]) value;
          ((VarBinaryVector) target).setSafe(at, bytes, 0, bytes.length);
        }
      }
      case ARRAY_LONG, ARRAY_DOUBLE, ARRAY_STRING ->
          writeList((ListVector) target, at, (List<?>) value);
    }
  }

  private static void writeList(ListVector target, int at, List<?> items) {
    int start = target.startNewValue(at);
    FieldVector data = target.getDataVector();
    for (int j = 0; j < items.size(); j++) {
      Object item = items.get(j);
      int to = start + j;
      if (item == null) {
        data.setNull(to); // grows the vector as needed
      } else if (data instanceof BigIntVector longs) {
        longs.setSafe(to, ((Number) item).longValue());
      } else if (data instanceof Float8Vector doubles) {
        doubles.setSafe(to, ((Number) item).doubleValue());
      } else if (item instanceof ByteSlice slice) {
        ((VarCharVector) data).setSafe(to, slice.array(), slice.offset(), slice.length());
      } else {
        byte[] bytes = item.toString().getBytes(StandardCharsets.UTF_8);
        ((VarCharVector) data).setSafe(to, bytes, 0, bytes.length);
      }
    }
    target.endValue(at, items.size());
  }

  private static long integral(ColumnVector source, int row) {
    return switch (source.kind()) {
      case INT -> source.intAt(row);
      case LONG -> source.longAt(row);
      default -> throw new IllegalStateException("an integer column decoded as " + source.kind());
    };
  }

  private static double floating(ColumnVector source, int row) {
    return switch (source.kind()) {
      case FLOAT -> source.floatAt(row);
      case DOUBLE -> source.doubleAt(row);
      case INT -> source.intAt(row);
      case LONG -> source.longAt(row);
      default -> throw new IllegalStateException("a float column decoded as " + source.kind());
    };
  }
}

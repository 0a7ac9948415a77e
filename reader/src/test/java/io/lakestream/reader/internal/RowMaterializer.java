package io.lakestream.reader.internal;

import io.lakestream.reader.ByteSlice;
import io.lakestream.schema.ColumnType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Assembles Parquet records of a table's requested columns into {@code Object[]} rows: one slot per
 * output column, {@code Long} for long and timestamp columns, {@code Integer} for int and date,
 * {@code Double}/{@code Float}/{@code Boolean}, {@code String} for string and json, {@code byte[]}
 * for bytes, and {@code List} for arrays (three-level or legacy two-level lists). Strings of
 * dictionary-encoded pages are decoded once per dictionary.
 */
final class RowMaterializer extends RecordMaterializer<Object[]> {
  private final RowConverter root;

  /**
   * @param requested the requested schema (a projection of the file's)
   * @param slots for each field of {@code requested}, the slot of the output row
   * @param types for each field of {@code requested}, its column type
   * @param width the length of output rows
   */
  RowMaterializer(MessageType requested, int[] slots, ColumnType[] types, int width) {
    this.root = new RowConverter(requested, slots, types, width);
  }

  @Override
  public Object[] getCurrentRecord() {
    return root.row;
  }

  @Override
  public GroupConverter getRootConverter() {
    return root;
  }

  private static final class RowConverter extends GroupConverter {
    private final Converter[] children;
    private final int width;
    Object[] row;

    RowConverter(MessageType requested, int[] slots, ColumnType[] types, int width) {
      this.width = width;
      this.children = new Converter[requested.getFieldCount()];
      for (int i = 0; i < children.length; i++) {
        Type field = requested.getType(i);
        Slot slot = new Slot(this, slots[i]);
        children[i] =
            types[i].isArray()
                ? new ListConverter(field.asGroupType(), types[i].elementType().orElseThrow(), slot)
                : new ValueConverter(types[i], slot);
      }
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return children[fieldIndex];
    }

    @Override
    public void start() {
      row = new Object[width];
    }

    @Override
    public void end() {}
  }

  /** Where a converter puts its value: a slot of the current row, or the end of a list. */
  private interface Sink {
    void accept(Object value);
  }

  private record Slot(RowConverter root, int index) implements Sink {
    @Override
    public void accept(Object value) {
      root.row[index] = value;
    }
  }

  private static final class ValueConverter extends PrimitiveConverter {
    private final ColumnType type;
    private final Sink sink;
    private Dictionary dictionary;
    private ByteSlice[] decoded;

    ValueConverter(ColumnType type, Sink sink) {
      this.type = type;
      this.sink = sink;
    }

    @Override
    public boolean hasDictionarySupport() {
      return type == ColumnType.STRING || type == ColumnType.JSON || type == ColumnType.BYTES;
    }

    @Override
    public void setDictionary(Dictionary values) {
      // Decoded lazily: a range read touches few of a large dictionary's entries.
      dictionary = values;
      decoded = new ByteSlice[values.getMaxId() + 1];
    }

    @Override
    public void addValueFromDictionary(int dictionaryId) {
      ByteSlice value = decoded[dictionaryId];
      if (value == null) {
        value = slice(dictionary.decodeToBinary(dictionaryId));
        decoded[dictionaryId] = value;
      }
      sink.accept(value);
    }

    @Override
    public void addBinary(Binary value) {
      sink.accept(slice(value));
    }

    @Override
    public void addBoolean(boolean value) {
      sink.accept(value);
    }

    @Override
    public void addDouble(double value) {
      sink.accept(value);
    }

    @Override
    public void addFloat(float value) {
      sink.accept(type == ColumnType.DOUBLE ? (Object) (double) value : (Object) value);
    }

    @Override
    public void addInt(int value) {
      sink.accept(
          type == ColumnType.LONG || type == ColumnType.TIMESTAMP ? (Object) (long) value : value);
    }

    @Override
    public void addLong(long value) {
      sink.accept(value);
    }
  }

  /** The bytes of a value, without a copy when they are on the heap. */
  static ByteSlice slice(Binary value) {
    ByteBuffer buffer = value.toByteBuffer();
    if (buffer.hasArray()) {
      return new ByteSlice(
          buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
    }
    return ByteSlice.of(value.getBytes());
  }

  /** A LIST group: {@code <list>.list.element} (three levels) or {@code <list>.array} (two). */
  private static final class ListConverter extends GroupConverter implements Sink {
    private final Sink sink;
    private final Converter child;
    private List<Object> values;

    ListConverter(GroupType list, ColumnType elementType, Sink sink) {
      this.sink = sink;
      Type repeated = list.getType(0);
      if (repeated.isPrimitive()) {
        child = new ValueConverter(elementType, this);
      } else {
        GroupType group = repeated.asGroupType();
        child = new ElementConverter(new ValueConverter(elementType, this), group);
      }
    }

    @Override
    public void accept(Object value) {
      values.add(value);
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return child;
    }

    @Override
    public void start() {
      values = new ArrayList<>();
    }

    @Override
    public void end() {
      sink.accept(values);
    }
  }

  private static final class ElementConverter extends GroupConverter {
    private final Converter element;

    ElementConverter(Converter element, GroupType group) {
      if (group.getFieldCount() != 1) {
        throw new IllegalArgumentException("unsupported list layout: " + group);
      }
      this.element = element;
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return element;
    }

    @Override
    public void start() {}

    @Override
    public void end() {}
  }
}

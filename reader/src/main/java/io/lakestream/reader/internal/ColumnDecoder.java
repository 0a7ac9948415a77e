package io.lakestream.reader.internal;

import io.lakestream.reader.ByteSlice;
import io.lakestream.schema.ColumnType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.CorruptDeltaByteArrays;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.RequiresPreviousReader;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Decodes the values of one column of a row group, for a run of rows, straight from its pages into
 * a {@link ColumnVector}: no record assembly. Levels (RLE) and dictionary ids are decoded in bulk
 * ({@link HybridIntDecoder}), ids resolved against a cached {@link DictionaryCache.Entry}; other
 * value encodings through parquet-mr's own readers ({@link Encoding#getValuesReader}). Levels are
 * read only up to the last row wanted, values of a page before the run are skipped without being
 * materialized, and pages after it are not read.
 *
 * <p>Handles top-level primitive columns (required or optional) and lists of primitives in the
 * three-level ({@code <list>.list.element}) and legacy two-level ({@code <list>.array}) layouts.
 * Null list elements are left out of the list, as the record-assembly path did. Values follow the
 * row conventions of {@link io.lakestream.reader.RowSink}.
 */
final class ColumnDecoder {
  private final ColumnDescriptor descriptor;
  private final PrimitiveTypeName physical;
  private final ColumnVector.Kind kind;
  private final ColumnVector.Kind elementKind;
  private final int maxDefinition;
  private final int maxRepetition;

  /** How a timestamp column's stored values become microseconds. */
  private final TimestampUnit unit;

  /** Lists: the definition level at which the list is not null. */
  private final int listDefined;

  private final String createdBy;

  /**
   * @param fileSchema the file's schema
   * @param field a top-level field of {@code fileSchema}
   * @param type the column's type in the table
   * @param createdBy the file's {@code created_by}, for the workaround of PARQUET-246
   */
  ColumnDecoder(MessageType fileSchema, Type field, ColumnType type, String createdBy) {
    this.createdBy = createdBy;
    String[] path;
    if (type.isArray()) {
      GroupType list = field.asGroupType();
      if (list.getFieldCount() != 1) {
        throw new IllegalArgumentException("unsupported list layout: " + list);
      }
      Type repeated = list.getType(0);
      if (repeated.isPrimitive()) {
        path = new String[] {field.getName(), repeated.getName()};
      } else {
        GroupType group = repeated.asGroupType();
        if (group.getFieldCount() != 1 || !group.getType(0).isPrimitive()) {
          throw new IllegalArgumentException("unsupported list layout: " + list);
        }
        path = new String[] {field.getName(), repeated.getName(), group.getType(0).getName()};
      }
      this.listDefined = fileSchema.getMaxDefinitionLevel(field.getName());
    } else {
      if (!field.isPrimitive()) {
        throw new IllegalArgumentException("unsupported nested column: " + field);
      }
      path = new String[] {field.getName()};
      this.listDefined = 0;
    }
    this.descriptor = fileSchema.getColumnDescription(path);
    this.physical = descriptor.getPrimitiveType().getPrimitiveTypeName();
    this.maxDefinition = descriptor.getMaxDefinitionLevel();
    this.maxRepetition = descriptor.getMaxRepetitionLevel();
    ColumnType valueType = type.isArray() ? type.elementType().orElseThrow() : type;
    if (!storable(physical, valueType)) {
      throw new IllegalArgumentException(
          "column '"
              + field.getName()
              + "' is stored as "
              + physical
              + ", which cannot hold the table's type "
              + type.typeName());
    }
    this.unit =
        type == ColumnType.TIMESTAMP ? TimestampUnit.of(descriptor.getPrimitiveType()) : null;
    if (type.isArray()) {
      this.kind = ColumnVector.Kind.LIST;
      this.elementKind = kindOf(physical, valueType);
    } else {
      this.kind = unit != null ? ColumnVector.Kind.LONG : kindOf(physical, type);
      this.elementKind = null;
    }
  }

  /** Whether the column's values are fixed-width numbers, read from PLAIN pages in bulk. */
  private boolean fixedWidth() {
    return switch (physical) {
      case INT32, INT64, FLOAT, DOUBLE -> true;
      default -> false;
    };
  }

  /** Whether values stored as {@code physical} can be read as {@code type}. */
  private static boolean storable(PrimitiveTypeName physical, ColumnType type) {
    return switch (type) {
      case BOOLEAN -> physical == PrimitiveTypeName.BOOLEAN;
      case INT, DATE -> physical == PrimitiveTypeName.INT32;
      case LONG -> physical == PrimitiveTypeName.INT64 || physical == PrimitiveTypeName.INT32;
      case TIMESTAMP -> physical == PrimitiveTypeName.INT64 || physical == PrimitiveTypeName.INT96;
      case FLOAT -> physical == PrimitiveTypeName.FLOAT;
      case DOUBLE -> physical == PrimitiveTypeName.DOUBLE || physical == PrimitiveTypeName.FLOAT;
      case STRING, JSON, BYTES ->
          physical == PrimitiveTypeName.BINARY
              || physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
      default -> true;
    };
  }

  /**
   * The encodings of timestamps other Delta writers use, each turned into microseconds since the
   * epoch, UTC: INT64 in micros (ours, and Spark's with {@code outputTimestampType=
   * TIMESTAMP_MICROS}), millis or nanos (truncated towards the past), and Spark's default INT96
   * (nanoseconds of the day, then the Julian day, little-endian).
   */
  enum TimestampUnit {
    MICROS,
    MILLIS,
    NANOS,
    INT96;

    private static final long JULIAN_DAY_OF_EPOCH = 2_440_588L;
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    static TimestampUnit of(org.apache.parquet.schema.PrimitiveType type) {
      if (type.getPrimitiveTypeName() == PrimitiveTypeName.INT96) {
        return INT96;
      }
      if (type.getLogicalTypeAnnotation()
          instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation timestamp) {
        return switch (timestamp.getUnit()) {
          case MILLIS -> MILLIS;
          case MICROS -> MICROS;
          case NANOS -> NANOS;
        };
      }
      return MICROS;
    }

    long toMicros(long stored) {
      return switch (this) {
        case MILLIS -> Math.multiplyExact(stored, 1_000L);
        case NANOS -> Math.floorDiv(stored, 1_000L);
        default -> stored;
      };
    }

    /** An INT96 timestamp's 12 bytes as microseconds. */
    static long int96ToMicros(Binary value) {
      ByteBuffer bytes = value.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      if (bytes.remaining() != 12) {
        throw new ParquetDecodingException(
            "an INT96 timestamp has " + bytes.remaining() + " bytes, not 12");
      }
      long nanosOfDay = bytes.getLong(bytes.position());
      long julianDay = Integer.toUnsignedLong(bytes.getInt(bytes.position() + 8));
      return (julianDay - JULIAN_DAY_OF_EPOCH) * MICROS_PER_DAY + Math.floorDiv(nanosOfDay, 1_000L);
    }
  }

  private long timestamp(ValuesReader data) {
    return unit == TimestampUnit.INT96
        ? TimestampUnit.int96ToMicros(data.readBytes())
        : unit.toMicros(data.readLong());
  }

  private long timestamp(Dictionary dictionary, int id) {
    return unit == TimestampUnit.INT96
        ? TimestampUnit.int96ToMicros(dictionary.decodeToBinary(id))
        : unit.toMicros(dictionary.decodeToLong(id));
  }

  private static ColumnVector.Kind kindOf(PrimitiveTypeName physical, ColumnType type) {
    return switch (physical) {
      case BOOLEAN -> ColumnVector.Kind.BOOLEAN;
      case INT32 ->
          type == ColumnType.LONG || type == ColumnType.TIMESTAMP
              ? ColumnVector.Kind.LONG
              : ColumnVector.Kind.INT;
      case INT64 -> ColumnVector.Kind.LONG;
      case FLOAT -> type == ColumnType.DOUBLE ? ColumnVector.Kind.DOUBLE : ColumnVector.Kind.FLOAT;
      case DOUBLE -> ColumnVector.Kind.DOUBLE;
      case BINARY, FIXED_LEN_BYTE_ARRAY, INT96 -> ColumnVector.Kind.BYTES;
    };
  }

  /** How the column's values are held. */
  ColumnVector.Kind kind() {
    return kind;
  }

  ColumnDescriptor descriptor() {
    return descriptor;
  }

  /** A vector of {@code size} rows for this column. */
  ColumnVector newVector(int size) {
    return new ColumnVector(kind, size);
  }

  /**
   * Decodes rows {@code [first, last)} of a row group into {@code into} from position {@code
   * offset} on.
   *
   * @param pages the column's pages of the row group: all of them, or (a filtered read) those that
   *     overlap the rows, each with its first row index
   * @param dictionary the chunk's dictionary, null if it has none
   */
  void decode(
      PageReader pages,
      DictionaryCache.Entry dictionary,
      long first,
      long last,
      ColumnVector into,
      int offset)
      throws IOException {
    PageState state = new PageState(into, offset, first, last, dictionary);
    state.rawPlain = maxRepetition == 0 && fixedWidth();
    long nextRow = 0; // first row of the next page when pages do not say
    while (state.row < last - 1 || state.pendingList) {
      DataPage page = pages.readPage();
      if (page == null) {
        break;
      }
      long pageFirst = page.getFirstRowIndex().orElse(nextRow);
      int values = page.getValueCount();
      if (maxRepetition == 0) {
        int rows = values;
        nextRow = pageFirst + rows;
        if (nextRow <= first) {
          continue;
        }
        if (pageFirst >= last) {
          break;
        }
        // Levels are read up to the last row wanted only.
        state.open(page, (int) (Math.min(last, nextRow) - pageFirst));
        decodeFlat(state, pageFirst, values);
      } else {
        state.open(page, values);
        nextRow = decodeRepeated(state, pageFirst, values);
        if (state.row >= last) {
          break;
        }
      }
    }
    if (state.row < last - 1) {
      throw new ParquetDecodingException(
          "column "
              + String.join(".", descriptor.getPath())
              + ": rows end at "
              + (state.row + 1)
              + ", not "
              + last);
    }
  }

  /**
   * Adds to {@code into} the rows of {@code [first, last)} of a row group (row {@code first} as
   * position {@code offset}, and so on) whose value is {@code equality}'s, in order, from the
   * pages' encoded values: no value is materialized. PLAIN binary values are compared in the page,
   * values of dictionary pages by id (a page whose dictionary lacks the value is not even decoded);
   * other encodings are read by parquet-mr's readers. Null values never match. Bytes columns only
   * (not lists).
   *
   * @param pages the column's pages of the row group, as for {@link #decode}, or only some of those
   *     (those that may hold the value, by the column index): rows of pages left out do not match
   * @param dictionary the chunk's dictionary, null if it has none
   */
  void select(
      PageReader pages,
      DictionaryCache.Entry dictionary,
      long first,
      long last,
      BytesEquality equality,
      SelectedRows into,
      int offset)
      throws IOException {
    if (kind != ColumnVector.Kind.BYTES) {
      throw new IllegalStateException("not a bytes column: " + descriptor);
    }
    PageState state = new PageState(null, offset, first, last, dictionary);
    state.rawPlain = physical == PrimitiveTypeName.BINARY;
    long nextRow = 0; // first row of the next page when pages do not say
    while (state.row < last - 1) {
      DataPage page = pages.readPage();
      if (page == null) {
        break;
      }
      long pageFirst = page.getFirstRowIndex().orElse(nextRow);
      int values = page.getValueCount();
      nextRow = pageFirst + values;
      if (nextRow <= first) {
        continue;
      }
      if (pageFirst >= last) {
        break;
      }
      Encoding encoding =
          page instanceof DataPageV2 v2
              ? v2.getDataEncoding()
              : ((DataPageV1) page).getValueEncoding();
      if (encoding.usesDictionary()
          && dictionary != null
          && equality.idsIn(dictionary).length == 0) {
        state.row = Math.min(last, nextRow) - 1; // no value of the page can be the wanted one
        continue;
      }
      state.open(page, (int) (Math.min(last, nextRow) - pageFirst));
      selectFlat(state, pageFirst, values, equality, into);
    }
  }

  private void selectFlat(
      PageState state, long pageFirst, int values, BytesEquality equality, SelectedRows into) {
    long to = Math.min(state.last, pageFirst + values);
    int skip = (int) (Math.max(state.first, pageFirst) - pageFirst);
    int levels = (int) (to - pageFirst);
    int position = state.offset + (int) (pageFirst - state.first); // of the page's first row
    int[] definitions = state.definitions;
    boolean optional = maxDefinition > 0;
    if (state.ids != null) {
      int[] wanted = equality.idsIn(state.dictionary);
      int presentBefore = optional ? count(definitions, 0, skip) : skip;
      int present = optional ? count(definitions, skip, levels) : levels - skip;
      state.ids.skip(presentBefore);
      int[] ids = state.idBuffer(present);
      state.ids.read(ids, 0, present);
      for (int i = skip, k = 0; i < levels; i++) {
        if (!optional || definitions[i] == maxDefinition) {
          int id = ids[k++];
          if (id == wanted[0] || (wanted.length > 1 && contains(wanted, id))) {
            into.add(position + i);
          }
        }
      }
    } else if (state.plain != null) {
      // PLAIN binary: each value a 4-byte little-endian length, then its bytes
      byte[] page = state.plain;
      int at = state.plainStart;
      int end = state.plainEnd;
      int length = equality.length();
      for (int i = 0; i < levels; i++) {
        if (optional && definitions[i] != maxDefinition) {
          continue;
        }
        if (at + 4 > end) {
          throw plainEndsEarly();
        }
        int valueLength =
            (page[at] & 0xFF)
                | (page[at + 1] & 0xFF) << 8
                | (page[at + 2] & 0xFF) << 16
                | (page[at + 3] & 0xFF) << 24;
        at += 4;
        if (valueLength < 0 || valueLength > end - at) {
          throw plainEndsEarly();
        }
        if (valueLength == length && i >= skip && equality.matches(page, at)) {
          into.add(position + i);
        }
        at += valueLength;
      }
    } else {
      ValuesReader data = state.data;
      for (int i = 0; i < levels; i++) {
        if (!optional || definitions[i] == maxDefinition) {
          if (i < skip) {
            data.skip();
          } else if (equality.test(data.readBytes())) {
            into.add(position + i);
          }
        }
      }
    }
    state.row = to - 1;
  }

  private static boolean contains(int[] ids, int id) {
    for (int wanted : ids) {
      if (id == wanted) {
        return true;
      }
    }
    return false;
  }

  private ParquetDecodingException plainEndsEarly() {
    return new ParquetDecodingException(
        "column " + String.join(".", descriptor.getPath()) + ": a PLAIN page's values end early");
  }

  private void decodeFlat(PageState state, long pageFirst, int values) {
    long from = Math.max(state.first, pageFirst);
    long to = Math.min(state.last, pageFirst + values);
    int skip = (int) (from - pageFirst);
    int take = (int) (to - from);
    int slot = state.offset + (int) (from - state.first);
    ColumnVector into = state.into;
    int[] definitions = state.definitions;
    int presentBefore = skip;
    int present = take;
    if (maxDefinition > 0) {
      presentBefore = count(definitions, 0, skip);
      present = count(definitions, skip, skip + take);
    }
    if (state.ids != null) {
      // Dictionary ids of the present values, in bulk.
      state.ids.skip(presentBefore);
      int[] ids = state.idBuffer(present);
      state.ids.read(ids, 0, present);
      for (int i = 0, k = 0; i < take; i++) {
        if (maxDefinition == 0 || definitions[skip + i] == maxDefinition) {
          fromDictionary(state, into, slot + i, ids[k++]);
        } else {
          into.setNull(slot + i);
        }
      }
    } else if (state.plain != null) {
      readPlainFixed(state, presentBefore, present, skip, take, slot);
    } else {
      if (presentBefore > 0) {
        state.data.skip(presentBefore);
      }
      for (int i = 0; i < take; i++) {
        if (maxDefinition == 0 || definitions[skip + i] == maxDefinition) {
          read(state.data, into, slot + i);
        } else {
          into.setNull(slot + i);
        }
      }
    }
    state.row = to - 1;
  }

  /**
   * Reads {@code take} rows of a PLAIN page of fixed-width numbers (INT32, INT64, FLOAT, DOUBLE)
   * straight from its little-endian bytes, {@code presentBefore} values after the page's first:
   * parquet-mr's readers cost a buffer read, a bounds check and a byte swap per value.
   */
  private void readPlainFixed(
      PageState state, int presentBefore, int present, int skip, int take, int slot) {
    int width = physical == PrimitiveTypeName.INT64 || physical == PrimitiveTypeName.DOUBLE ? 8 : 4;
    byte[] page = state.plain;
    int at = state.plainStart + presentBefore * width;
    if (at + present * width > state.plainEnd) {
      throw plainEndsEarly();
    }
    ColumnVector into = state.into;
    int[] definitions = state.definitions;
    boolean optional = maxDefinition > 0;
    for (int i = 0; i < take; i++) {
      int row = slot + i;
      if (optional && definitions[skip + i] != maxDefinition) {
        into.setNull(row);
        continue;
      }
      switch (kind) {
        case INT -> into.setInt(row, (int) INT_LE.get(page, at));
        case LONG -> {
          long value =
              physical == PrimitiveTypeName.INT32
                  ? (int) INT_LE.get(page, at)
                  : (long) LONG_LE.get(page, at);
          into.setLong(row, unit != null ? unit.toMicros(value) : value);
        }
        case FLOAT -> into.setFloat(row, (float) FLOAT_LE.get(page, at));
        case DOUBLE ->
            into.setDouble(
                row,
                physical == PrimitiveTypeName.FLOAT
                    ? (float) FLOAT_LE.get(page, at)
                    : (double) DOUBLE_LE.get(page, at));
        default -> throw new IllegalStateException("not a fixed-width column: " + descriptor);
      }
      at += width;
    }
  }

  private static final java.lang.invoke.VarHandle INT_LE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final java.lang.invoke.VarHandle LONG_LE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final java.lang.invoke.VarHandle FLOAT_LE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          float[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final java.lang.invoke.VarHandle DOUBLE_LE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          double[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  private int count(int[] definitions, int from, int to) {
    int present = 0;
    for (int i = from; i < to; i++) {
      if (definitions[i] == maxDefinition) {
        present++;
      }
    }
    return present;
  }

  /** Decodes a page of a list column; returns the first row of the next page. */
  private long decodeRepeated(PageState state, long pageFirst, int values) {
    int[] repetitions = state.repetitions;
    int[] definitions = state.definitions;
    long row = pageFirst - 1;
    for (int i = 0; i < values; i++) {
      int definition = definitions[i];
      if (repetitions[i] == 0) {
        row++;
        state.pendingList = false;
        state.list = null;
        if (row >= state.last) {
          state.row = row;
          return row;
        }
        if (row >= state.first) {
          int slot = state.offset + (int) (row - state.first);
          if (definition < listDefined) {
            state.into.setNull(slot);
          } else {
            state.list = new ArrayList<>();
            state.into.setObject(slot, state.list);
            state.pendingList = true;
          }
        }
      }
      if (definition == maxDefinition) {
        if (state.list != null) {
          state.list.add(readElement(state));
        } else if (state.ids != null) {
          state.ids.skip(1);
        } else {
          state.data.skip();
        }
      }
      // listDefined < definition < maxDefinition: a null element, left out as before.
    }
    state.row = Math.max(state.row, row);
    return row + 1;
  }

  private void read(ValuesReader data, ColumnVector into, int slot) {
    switch (kind) {
      case BOOLEAN -> into.setBoolean(slot, data.readBoolean());
      case INT -> into.setInt(slot, data.readInteger());
      case LONG ->
          into.setLong(
              slot,
              unit != null
                  ? timestamp(data)
                  : physical == PrimitiveTypeName.INT32 ? data.readInteger() : data.readLong());
      case FLOAT -> into.setFloat(slot, data.readFloat());
      case DOUBLE ->
          into.setDouble(
              slot, physical == PrimitiveTypeName.FLOAT ? data.readFloat() : data.readDouble());
      case BYTES -> into.setObject(slot, slice(data.readBytes()));
      case LIST -> throw new IllegalStateException("not a primitive column");
    }
  }

  private void fromDictionary(PageState state, ColumnVector into, int slot, int id) {
    Dictionary dictionary = state.dictionary.dictionary();
    switch (kind) {
      case BOOLEAN -> into.setBoolean(slot, dictionary.decodeToBoolean(id));
      case INT -> into.setInt(slot, dictionary.decodeToInt(id));
      case LONG ->
          into.setLong(
              slot,
              unit != null
                  ? timestamp(dictionary, id)
                  : physical == PrimitiveTypeName.INT32
                      ? dictionary.decodeToInt(id)
                      : dictionary.decodeToLong(id));
      case FLOAT -> into.setFloat(slot, dictionary.decodeToFloat(id));
      case DOUBLE ->
          into.setDouble(
              slot,
              physical == PrimitiveTypeName.FLOAT
                  ? dictionary.decodeToFloat(id)
                  : dictionary.decodeToDouble(id));
      case BYTES -> into.setFromDictionary(slot, state.dictionary, id);
      case LIST -> throw new IllegalStateException("not a primitive column");
    }
  }

  private Object readElement(PageState state) {
    if (state.ids != null) {
      int id = state.ids.next();
      Dictionary dictionary = state.dictionary.dictionary();
      return switch (elementKind) {
        case BOOLEAN -> dictionary.decodeToBoolean(id);
        case INT -> dictionary.decodeToInt(id);
        case LONG ->
            physical == PrimitiveTypeName.INT32
                ? (long) dictionary.decodeToInt(id)
                : dictionary.decodeToLong(id);
        case FLOAT -> dictionary.decodeToFloat(id);
        case DOUBLE ->
            physical == PrimitiveTypeName.FLOAT
                ? (double) dictionary.decodeToFloat(id)
                : dictionary.decodeToDouble(id);
        case BYTES -> state.dictionary.slice(id);
        case LIST -> throw new IllegalStateException("nested lists are not supported");
      };
    }
    ValuesReader data = state.data;
    return switch (elementKind) {
      case BOOLEAN -> data.readBoolean();
      case INT -> data.readInteger();
      case LONG ->
          physical == PrimitiveTypeName.INT32 ? (long) data.readInteger() : data.readLong();
      case FLOAT -> data.readFloat();
      case DOUBLE ->
          physical == PrimitiveTypeName.FLOAT ? (double) data.readFloat() : data.readDouble();
      case BYTES -> slice(data.readBytes());
      case LIST -> throw new IllegalStateException("nested lists are not supported");
    };
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

  /**
   * Where a decode is: the current page's levels and values (dictionary ids decoded in bulk, other
   * encodings through parquet-mr's value readers), and the last row reached.
   */
  private final class PageState {
    final ColumnVector into;
    final int offset;
    final long first;
    final long last;
    final DictionaryCache.Entry dictionary;
    long row;
    int[] repetitions = new int[0];
    int[] definitions = new int[0];

    /** The page's dictionary ids, when it is dictionary-encoded; else {@link #data}. */
    HybridIntDecoder ids;

    private int[] idBuffer = new int[0];
    ValuesReader data;

    /**
     * Whether PLAIN values are left in the page ({@link #plain}): binary ones for {@link #select},
     * fixed-width numbers for {@link #decode}.
     */
    boolean rawPlain;

    /** The page of PLAIN values, from {@link #plainStart} to {@link #plainEnd}, when raw. */
    byte[] plain;

    int plainStart;
    int plainEnd;
    List<Object> list;
    boolean pendingList;

    PageState(
        ColumnVector into, int offset, long first, long last, DictionaryCache.Entry dictionary) {
      this.into = into;
      this.offset = offset;
      this.first = first;
      this.last = last;
      this.dictionary = dictionary;
      this.row = first - 1;
    }

    int[] idBuffer(int size) {
      if (idBuffer.length < size) {
        idBuffer = new int[size];
      }
      return idBuffer;
    }

    /**
     * Reads the first {@code levels} levels of a page into the level arrays and sets up its value
     * reader.
     */
    void open(DataPage page, int levels) {
      int values = page.getValueCount();
      if (definitions.length < values) {
        definitions = new int[values];
        repetitions = new int[values];
      }
      try {
        if (page instanceof DataPageV1 v1) {
          ByteBuffer bytes = heap(v1.getBytes());
          byte[] array = bytes.array();
          int position = bytes.arrayOffset() + bytes.position();
          int end = position + bytes.remaining();
          position =
              readLevelsV1(
                  v1.getRlEncoding(),
                  ValuesType.REPETITION_LEVEL,
                  maxRepetition,
                  repetitions,
                  levels,
                  values,
                  array,
                  position,
                  end);
          position =
              readLevelsV1(
                  v1.getDlEncoding(),
                  ValuesType.DEFINITION_LEVEL,
                  maxDefinition,
                  definitions,
                  levels,
                  values,
                  array,
                  position,
                  end);
          openData(v1.getValueEncoding(), array, position, end, values);
        } else if (page instanceof DataPageV2 v2) {
          readLevelsV2(v2.getRepetitionLevels(), maxRepetition, repetitions, levels);
          readLevelsV2(v2.getDefinitionLevels(), maxDefinition, definitions, levels);
          ByteBuffer bytes = heap(v2.getData());
          int position = bytes.arrayOffset() + bytes.position();
          openData(
              v2.getDataEncoding(), bytes.array(), position, position + bytes.remaining(), values);
        } else {
          throw new ParquetDecodingException("unknown page type " + page);
        }
      } catch (IOException e) {
        throw new ParquetDecodingException(
            "cannot read a page of column " + String.join(".", descriptor.getPath()), e);
      }
    }

    /** Levels of a v1 page; returns where the next section starts. */
    private int readLevelsV1(
        Encoding encoding,
        ValuesType type,
        int maxLevel,
        int[] into,
        int levels,
        int values,
        byte[] page,
        int position,
        int end)
        throws IOException {
      if (maxLevel == 0) {
        return position;
      }
      if (encoding == Encoding.RLE) {
        int length = BytesUtils.readIntLittleEndian(page, position);
        int start = position + 4;
        new HybridIntDecoder(page, start, start + length, BytesUtils.getWidthFromMaxInt(maxLevel))
            .read(into, 0, levels);
        return start + length;
      }
      // Older encodings (BIT_PACKED): parquet-mr's reader.
      ValuesReader reader = encoding.getValuesReader(descriptor, type);
      ByteBufferInputStream in =
          ByteBufferInputStream.wrap(ByteBuffer.wrap(page, position, end - position));
      reader.initFromPage(values, in);
      for (int i = 0; i < levels; i++) {
        into[i] = reader.readInteger();
      }
      return position + (int) in.position();
    }

    private void readLevelsV2(BytesInput bytes, int maxLevel, int[] into, int levels)
        throws IOException {
      if (maxLevel == 0) {
        return;
      }
      ByteBuffer buffer = heap(bytes);
      int position = buffer.arrayOffset() + buffer.position();
      new HybridIntDecoder(
              buffer.array(),
              position,
              position + buffer.remaining(),
              BytesUtils.getWidthFromMaxInt(maxLevel))
          .read(into, 0, levels);
    }

    private void openData(Encoding encoding, byte[] page, int position, int end, int values)
        throws IOException {
      ValuesReader previous = data;
      if (encoding.usesDictionary()) {
        if (dictionary == null) {
          throw new ParquetDecodingException(
              "column "
                  + String.join(".", descriptor.getPath())
                  + " has a page in "
                  + encoding
                  + " but no dictionary");
        }
        // One byte of bit width, then the ids, RLE / bit-packed.
        ids = position < end ? new HybridIntDecoder(page, position + 1, end, page[position]) : null;
        data = null;
        plain = null;
        return;
      }
      ids = null;
      if (rawPlain && encoding == Encoding.PLAIN) {
        data = null;
        plain = page;
        plainStart = position;
        plainEnd = end;
        return;
      }
      plain = null;
      data = encoding.getValuesReader(descriptor, ValuesType.VALUES);
      data.initFromPage(
          values, ByteBufferInputStream.wrap(ByteBuffer.wrap(page, position, end - position)));
      if (previous instanceof RequiresPreviousReader
          && data instanceof RequiresPreviousReader sequential
          && CorruptDeltaByteArrays.requiresSequentialReads(createdBy, encoding)) {
        sequential.setPreviousReader(previous);
      }
    }
  }

  /** The bytes of a page in a heap buffer (copied only when they are not). */
  private static ByteBuffer heap(BytesInput bytes) throws IOException {
    ByteBuffer buffer = bytes.toByteBuffer();
    return buffer.hasArray() ? buffer : ByteBuffer.wrap(bytes.toByteArray());
  }
}

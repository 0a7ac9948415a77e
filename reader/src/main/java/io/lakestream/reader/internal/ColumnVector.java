package io.lakestream.reader.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.reader.ByteSlice;
import java.util.List;

/**
 * The values of one column for a run of rows, decoded from Parquet pages: one primitive array by
 * {@link Kind}, and which rows are null. The kind follows the Parquet physical type, widened to the
 * column type as the row conventions of {@link io.lakestream.reader.RowSink} say: int32 values of
 * long and timestamp columns are longs, float values of double columns are doubles.
 */
public final class ColumnVector {
  /** How values are held, and which Java type {@link #value} boxes them to. */
  public enum Kind {
    /** {@code Boolean}. */
    BOOLEAN,
    /** {@code Integer}. */
    INT,
    /** {@code Long}. */
    LONG,
    /** {@code Float}. */
    FLOAT,
    /** {@code Double}. */
    DOUBLE,
    /** {@link ByteSlice}: strings and json as UTF-8, bytes. */
    BYTES,
    /** {@code List} of boxed elements, the elements' kind as above. */
    LIST
  }

  private final Kind kind;
  private final boolean[] nulls;
  private final boolean[] booleans;
  private final int[] ints;
  private final long[] longs;
  private final float[] floats;
  private final double[] doubles;
  private final Object[] objects;

  /** Bytes values from a dictionary page: their dictionary (null for others) and id. */
  private final DictionaryCache.Entry[] dictionaries;

  private final int[] dictionaryIds;

  ColumnVector(Kind kind, int size) {
    this.kind = requireNonNull(kind, "kind is null");
    this.nulls = new boolean[size];
    this.booleans = kind == Kind.BOOLEAN ? new boolean[size] : null;
    this.ints = kind == Kind.INT ? new int[size] : null;
    this.longs = kind == Kind.LONG ? new long[size] : null;
    this.floats = kind == Kind.FLOAT ? new float[size] : null;
    this.doubles = kind == Kind.DOUBLE ? new double[size] : null;
    this.objects = kind == Kind.BYTES || kind == Kind.LIST ? new Object[size] : null;
    this.dictionaries = kind == Kind.BYTES ? new DictionaryCache.Entry[size] : null;
    this.dictionaryIds = kind == Kind.BYTES ? new int[size] : null;
  }

  public Kind kind() {
    return kind;
  }

  public boolean isNull(int row) {
    return nulls[row];
  }

  /** Per row, the dictionary of a bytes value read from one (else null); shared, not a copy. */
  DictionaryCache.Entry[] dictionaries() {
    return dictionaries;
  }

  /** Per row, the id of a bytes value in {@link #dictionaries()}'s; shared, not a copy. */
  int[] dictionaryIds() {
    return dictionaryIds;
  }

  /** The null flags by row; shared, not a copy (for bulk copies within this package). */
  boolean[] nulls() {
    return nulls;
  }

  /**
   * The values by row of a fixed-width kind ({@code int[]}, {@code long[]}, {@code float[]}, {@code
   * double[]}), or null for the others; shared, not a copy.
   */
  Object fixedValues() {
    return switch (kind) {
      case INT -> ints;
      case LONG -> longs;
      case FLOAT -> floats;
      case DOUBLE -> doubles;
      default -> null;
    };
  }

  public boolean booleanAt(int row) {
    return booleans[row];
  }

  public int intAt(int row) {
    return ints[row];
  }

  public long longAt(int row) {
    return longs[row];
  }

  public float floatAt(int row) {
    return floats[row];
  }

  public double doubleAt(int row) {
    return doubles[row];
  }

  public ByteSlice bytesAt(int row) {
    DictionaryCache.Entry dictionary = dictionaries[row];
    return dictionary != null ? dictionary.slice(dictionaryIds[row]) : (ByteSlice) objects[row];
  }

  /** The dictionary a bytes value comes from, null when it was not dictionary-encoded. */
  DictionaryCache.Entry dictionaryAt(int row) {
    return dictionaries[row];
  }

  /** The id in its dictionary of a bytes value, when {@link #dictionaryAt} is not null. */
  int dictionaryIdAt(int row) {
    return dictionaryIds[row];
  }

  public List<?> listAt(int row) {
    return (List<?>) objects[row];
  }

  /** The value of a row boxed as {@link io.lakestream.reader.RowSink} has it, or null. */
  public Object value(int row) {
    if (nulls[row]) {
      return null;
    }
    return switch (kind) {
      case BOOLEAN -> booleans[row];
      case INT -> ints[row];
      case LONG -> longs[row];
      case FLOAT -> floats[row];
      case DOUBLE -> doubles[row];
      case BYTES -> bytesAt(row);
      case LIST -> objects[row];
    };
  }

  /**
   * Sets {@code row} to the value of {@code sourceRow} of {@code source}, a vector of this kind.
   */
  void copyFrom(ColumnVector source, int sourceRow, int row) {
    if (source.nulls[sourceRow]) {
      nulls[row] = true;
      return;
    }
    switch (kind) {
      case BOOLEAN -> booleans[row] = source.booleans[sourceRow];
      case INT -> ints[row] = source.ints[sourceRow];
      case LONG -> longs[row] = source.longs[sourceRow];
      case FLOAT -> floats[row] = source.floats[sourceRow];
      case DOUBLE -> doubles[row] = source.doubles[sourceRow];
      case BYTES -> {
        objects[row] = source.objects[sourceRow];
        dictionaries[row] = source.dictionaries[sourceRow];
        dictionaryIds[row] = source.dictionaryIds[sourceRow];
      }
      case LIST -> objects[row] = source.objects[sourceRow];
    }
  }

  void setNull(int row) {
    nulls[row] = true;
  }

  void setBoolean(int row, boolean value) {
    booleans[row] = value;
  }

  void setInt(int row, int value) {
    ints[row] = value;
  }

  void setLong(int row, long value) {
    longs[row] = value;
  }

  void setFloat(int row, float value) {
    floats[row] = value;
  }

  void setDouble(int row, double value) {
    doubles[row] = value;
  }

  void setObject(int row, Object value) {
    objects[row] = value;
  }

  /** Sets a value by its dictionary id: the slice is looked up when asked for. */
  void setFromDictionary(int row, DictionaryCache.Entry dictionary, int id) {
    dictionaries[row] = dictionary;
    dictionaryIds[row] = id;
  }
}

package io.lakestream.reader.internal;

import io.lakestream.reader.ByteSlice;
import java.util.Arrays;
import org.apache.parquet.io.api.Binary;

/**
 * Whether the bytes values of a column equal one value ({@code trace_id = '…'}), row after row:
 * decoded values in a {@link ColumnVector}, or encoded values in a page ({@link
 * ColumnDecoder#select}). Values from a dictionary page are compared by id: the wanted value's ids
 * are looked up once per dictionary (a row group's, in its hash index), then each row costs an int
 * comparison; other values are compared byte by byte, the last byte first (identifiers sharing a
 * prefix differ at the end).
 *
 * <p>One per scan and wanted value; not thread-safe.
 */
public final class BytesEquality {
  private final byte[] wanted;
  private final Binary wantedBinary;
  private final EqualityValue lookedUp;
  private DictionaryCache.Entry lastDictionary;

  /** The wanted value's ids in the last dictionary: one, or none (or more, from other writers). */
  private int[] lastIds;

  public BytesEquality(byte[] wanted) {
    this.wanted = wanted.clone();
    this.lookedUp = EqualityValue.ofBytes(this.wanted);
    this.wantedBinary = lookedUp.bytes();
  }

  /**
   * Keeps of {@code rows[0, count)} those whose value is the wanted one, in order, at the front of
   * {@code rows}; returns how many. One pass over the column's arrays, without a call per row.
   */
  public int select(ColumnVector column, int[] rows, int count) {
    boolean[] nulls = column.nulls();
    DictionaryCache.Entry[] dictionaries = column.dictionaries();
    int[] ids = column.dictionaryIds();
    int kept = 0;
    for (int k = 0; k < count; k++) {
      int row = rows[k];
      if (nulls[row]) {
        continue;
      }
      DictionaryCache.Entry dictionary = dictionaries[row];
      boolean equal;
      if (dictionary == null) {
        equal = test(column, row);
      } else {
        int id = ids[row];
        int[] wantedIds = idsIn(dictionary);
        equal = wantedIds.length == 1 ? id == wantedIds[0] : contains(wantedIds, id);
      }
      if (equal) {
        rows[kept++] = row;
      }
    }
    return kept;
  }

  private static boolean contains(int[] ids, int id) {
    for (int wantedId : ids) {
      if (id == wantedId) {
        return true;
      }
    }
    return false;
  }

  /** The wanted value. */
  Binary value() {
    return wantedBinary;
  }

  /** The wanted value, as row groups' Bloom filters and dictionaries are asked for it. */
  public EqualityValue lookedUp() {
    return lookedUp;
  }

  /** The wanted value's length in bytes. */
  int length() {
    return wanted.length;
  }

  /**
   * The wanted value's ids in a dictionary (none when it lacks the value), looked up once per
   * dictionary in a row.
   */
  int[] idsIn(DictionaryCache.Entry dictionary) {
    if (dictionary != lastDictionary) {
      lastIds = dictionary.idsOf(wantedBinary);
      lastDictionary = dictionary;
    }
    return lastIds;
  }

  /**
   * Whether the {@link #length()} bytes of {@code array} from {@code offset} are the wanted value,
   * the last byte first (identifiers sharing a prefix differ at the end).
   */
  boolean matches(byte[] array, int offset) {
    int length = wanted.length;
    return length == 0
        || (array[offset + length - 1] == wanted[length - 1]
            && Arrays.equals(array, offset, offset + length, wanted, 0, length));
  }

  /** Whether a value read by one of parquet-mr's readers is the wanted one. */
  boolean test(Binary value) {
    return wantedBinary.equals(value);
  }

  /** Whether the row's value is the wanted one (false when it is null). */
  public boolean test(ColumnVector column, int row) {
    if (column.isNull(row)) {
      return false;
    }
    DictionaryCache.Entry dictionary = column.dictionaryAt(row);
    if (dictionary != null) {
      return contains(idsIn(dictionary), column.dictionaryIdAt(row));
    }
    ByteSlice value = column.bytesAt(row);
    return value.length() == wanted.length && matches(value.array(), value.offset());
  }
}

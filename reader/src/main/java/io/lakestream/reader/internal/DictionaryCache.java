package io.lakestream.reader.internal;

import io.lakestream.reader.ByteSlice;
import java.io.IOException;
import java.util.function.Function;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.io.api.Binary;

/**
 * Decoded dictionaries of recently read column chunks, so that a read of a few rows neither
 * decompresses nor decodes a column chunk's whole dictionary (up to 1 MB a column) every time: the
 * values of binary dictionaries become {@link ByteSlice}s once (which also keeps what is cached on
 * a slice, see {@link ByteSlice#isJson}), and what writers derive from a whole dictionary (its
 * values as JSON text) is made once. Bounded by bytes, least recently used first out.
 */
final class DictionaryCache {
  /**
   * Bytes a binary value costs beyond its bytes: a Binary, a ByteSlice once used, an offset, its
   * slots in the hash index once looked up.
   */
  private static final int BINARY_VALUE_OVERHEAD = 112;

  private final ChunkCache<Entry> entries;

  DictionaryCache(long maxBytes) {
    this.entries = new ChunkCache<>(maxBytes);
  }

  /**
   * A column chunk's dictionary; decoded from {@code pages} (a reader of the chunk's pages of row
   * group {@code block}) unless cached. Null when the chunk has no dictionary.
   *
   * @throws IOException when the dictionary page cannot be read or decoded
   */
  Entry dictionary(String location, int block, ColumnDescriptor column, PageReader pages)
      throws IOException {
    String name = String.join(".", column.getPath());
    Entry cached = entries.get(location, block, name);
    if (cached != null) {
      return cached;
    }
    DictionaryPage page = pages.readDictionaryPage();
    if (page == null) {
      return null;
    }
    // A copy on the heap: the decoded values point into these bytes after the pages are released.
    byte[] copy = page.getBytes().toByteArray();
    DictionaryPage owned =
        new DictionaryPage(BytesInput.from(copy), page.getDictionarySize(), page.getEncoding());
    Dictionary dictionary = owned.getEncoding().initDictionary(column, owned);
    boolean binary = isBinary(column);
    Entry entry =
        new Entry(
            dictionary, binary, sizeBytes(binary, column, copy.length, page.getDictionarySize()));
    entries.put(location, block, name, entry, entry.sizeBytes);
    return entry;
  }

  /** Whether a column chunk's dictionary is cached (it may be dropped any time after). */
  boolean has(String location, int block, ColumnDescriptor column) {
    return entries.get(location, block, String.join(".", column.getPath())) != null;
  }

  private static boolean isBinary(ColumnDescriptor column) {
    return switch (column.getPrimitiveType().getPrimitiveTypeName()) {
      case BINARY, FIXED_LEN_BYTE_ARRAY, INT96 -> true;
      default -> false;
    };
  }

  /**
   * The heap a decoded dictionary holds: binary ones keep the page (and, derived, about as much
   * again as JSON text), others decode into arrays.
   */
  private static long sizeBytes(
      boolean binary, ColumnDescriptor column, int pageBytes, int values) {
    if (binary) {
      return 2L * pageBytes + (long) BINARY_VALUE_OVERHEAD * values;
    }
    return switch (column.getPrimitiveType().getPrimitiveTypeName()) {
      case INT64, DOUBLE -> 8L * values;
      case INT32, FLOAT -> 4L * values;
      default -> values;
    };
  }

  /**
   * A decoded dictionary: its binary values as slices, made on first use, and what writers derive
   * from the whole dictionary (see {@link #derived}). Thread-safe.
   */
  static final class Entry {
    private final Dictionary dictionary;
    private final ByteSlice[] slices;
    private final long sizeBytes;
    private volatile Derived derived;
    private volatile int[] index;

    Entry(Dictionary dictionary, boolean binary, long sizeBytes) {
      this.dictionary = dictionary;
      this.slices = binary ? new ByteSlice[dictionary.getMaxId() + 1] : null;
      this.sizeBytes = sizeBytes;
    }

    Dictionary dictionary() {
      return dictionary;
    }

    /** Values in the dictionary. */
    int size() {
      return dictionary.getMaxId() + 1;
    }

    /** The binary value of an id. Racing threads may each make a slice; either is right. */
    ByteSlice slice(int id) {
      ByteSlice slice = slices[id];
      if (slice == null) {
        slice = ColumnDecoder.slice(dictionary.decodeToBinary(id));
        slices[id] = slice;
      }
      return slice;
    }

    /**
     * {@code derive} applied to this dictionary, computed once per dictionary and function (the
     * last one asked for is kept): e.g. every value as JSON text, so that writing a value is a
     * copy.
     *
     * @param derive a function of the dictionary's values only, the same object on every call
     */
    <T> T derived(Function<Entry, T> derive) {
      Derived cached = derived;
      if (cached == null || cached.function != derive) {
        cached = new Derived(derive, derive.apply(this));
        derived = cached;
      }
      @SuppressWarnings("unchecked")
      T value = (T) cached.value;
      return value;
    }

    private record Derived(Function<Entry, ?> function, Object value) {}

    /**
     * The ids of a binary value (none when the dictionary lacks it; more than one only from a
     * writer that repeats values), found through a hash index of the values made on first use: a
     * lookup ({@code trace_id = '…'}) then costs a probe, not a pass over the dictionary.
     */
    int[] idsOf(Binary value) {
      int[] table = index;
      if (table == null) {
        table = index();
        index = table;
      }
      int mask = table.length - 1;
      int[] ids = new int[0];
      for (int slot = value.hashCode() & mask; table[slot] != 0; slot = (slot + 1) & mask) {
        int id = table[slot] - 1;
        if (value.equals(dictionary.decodeToBinary(id))) {
          ids = java.util.Arrays.copyOf(ids, ids.length + 1);
          ids[ids.length - 1] = id;
        }
      }
      return ids;
    }

    /** Open addressing, linear probing: each slot holds an id + 1, or 0; at most half full. */
    private int[] index() {
      int size = size();
      int[] table = new int[Integer.highestOneBit(Math.max(1, size) * 2 - 1) << 1];
      int mask = table.length - 1;
      for (int id = 0; id < size; id++) {
        int slot = dictionary.decodeToBinary(id).hashCode() & mask;
        while (table[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        table[slot] = id + 1;
      }
      return table;
    }
  }

  /** Drops the dictionaries of a file (removed from its table). */
  void forget(String location) {
    entries.forget(location);
  }
}

package io.lakestream.reader.internal;

import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.values.bloomfilter.BlockSplitBloomFilter;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * The value of an equality ({@code trace_id = '…'}, {@code order_id = 42}) as a column chunk's
 * Bloom filter and dictionary are asked for it: bytes, or an integer stored in 32 or 64 bits. Its
 * hash is the one Parquet's Bloom filters keep (XXH64 of the value's plain encoding: the bytes, or
 * the integer's little-endian bytes), computed once.
 */
public final class EqualityValue {
  /** Parquet's one hash of values (the format defines no other); the filter's size is unused. */
  private static final BloomFilter HASH = new BlockSplitBloomFilter(32);

  private final PrimitiveTypeName type;
  private final Binary bytes;
  private final long number;
  private final long hash;

  private EqualityValue(PrimitiveTypeName type, Binary bytes, long number, long hash) {
    this.type = type;
    this.bytes = bytes;
    this.number = number;
    this.hash = hash;
  }

  /** A text or bytes value (a column stored as {@code BINARY}). */
  public static EqualityValue ofBytes(byte[] value) {
    Binary bytes = Binary.fromConstantByteArray(value.clone());
    return new EqualityValue(PrimitiveTypeName.BINARY, bytes, 0, HASH.hash(bytes));
  }

  /** An integer of a column stored as {@code INT32} (int, date). */
  public static EqualityValue ofInt(int value) {
    return new EqualityValue(PrimitiveTypeName.INT32, null, value, HASH.hash(value));
  }

  /** An integer of a column stored as {@code INT64} (long, timestamp). */
  public static EqualityValue ofLong(long value) {
    return new EqualityValue(PrimitiveTypeName.INT64, null, value, HASH.hash(value));
  }

  /** The value's hash, as a Bloom filter of its column keeps it. */
  long hash() {
    return hash;
  }

  /** The bytes of a bytes value. */
  Binary bytes() {
    if (bytes == null) {
      throw new IllegalStateException("an integer has no bytes");
    }
    return bytes;
  }

  /**
   * Whether a column stored as {@code stored} holds values of this kind, so that its filters and
   * dictionaries can be asked for this value (a file written before a column's type changed may
   * hold another: it is then not checked).
   */
  boolean fits(PrimitiveTypeName stored) {
    return stored == type;
  }

  /** Whether a dictionary of a column this value {@link #fits} holds it. */
  boolean in(DictionaryCache.Entry dictionary) {
    if (bytes != null) {
      return dictionary.idsOf(bytes).length > 0;
    }
    Dictionary values = dictionary.dictionary();
    for (int id = 0; id < dictionary.size(); id++) {
      long value =
          type == PrimitiveTypeName.INT32 ? values.decodeToInt(id) : values.decodeToLong(id);
      if (value == number) {
        return true;
      }
    }
    return false;
  }

  /**
   * The hash of value {@code id} of a dictionary of a column stored as {@code type} (bytes, INT32
   * or INT64), as a Bloom filter keeps it.
   */
  static long hash(Dictionary dictionary, PrimitiveTypeName type, int id) {
    return switch (type) {
      case INT32 -> HASH.hash(dictionary.decodeToInt(id));
      case INT64 -> HASH.hash(dictionary.decodeToLong(id));
      default -> HASH.hash(dictionary.decodeToBinary(id));
    };
  }
}

package io.lakestream.index.internal;

import java.util.zip.CRC32;

/**
 * The binary form of a key model, version 1. All fixed-width numbers are big-endian; varints are
 * unsigned LEB128.
 *
 * <pre>
 * offset  size  field
 * 0       4     magic 'L' 'S' 'K' 'M'
 * 4       1     format version (1)
 * 5       4     total length in bytes, this header and the checksum included
 * 9       var   size (row count)
 *         var   epsilon
 *         var   segment count
 *         8     minimum key
 *         8     maximum key
 *         per segment:
 *           var   start key minus the previous segment's start (the first: minus the minimum key)
 *           var   intercept minus the previous segment's intercept (the first: the intercept)
 *           4     slope (IEEE 754 float bits)
 * end-4   4     CRC32 of every byte before it
 * </pre>
 */
public final class ModelCodec {
  /** "LSKM". */
  public static final int MAGIC = 0x4C534B4D;

  public static final int VERSION = 1;

  /** Largest epsilon a model may declare. */
  public static final int MAX_EPSILON = 1 << 30;

  private static final int HEADER = 9;
  private static final int CHECKSUM = 4;

  /** Magic, version, length, three one-byte varints, two keys, checksum. */
  public static final int MIN_LENGTH = HEADER + 3 + 16 + CHECKSUM;

  /** Fewest bytes a segment takes. */
  public static final int MIN_SEGMENT_BYTES = 1 + 1 + 4;

  private ModelCodec() {}

  /** Exact serialized length of {@code segments}. */
  public static int length(Segments segments) {
    long length = HEADER + CHECKSUM + 16;
    length += varLength(segments.size()) + varLength(segments.epsilon());
    length += varLength(segments.count());
    long previousStart = segments.minKey();
    long previousIntercept = 0;
    for (int i = 0; i < segments.count(); i++) {
      length += varLength(segments.startKey(i) - previousStart);
      length += varLength(segments.intercept(i) - previousIntercept) + 4;
      previousStart = segments.startKey(i);
      previousIntercept = segments.intercept(i);
    }
    return Math.toIntExact(length);
  }

  /**
   * A lower bound on the length of a model of {@code size} keys with {@code epsilon}, before its
   * segments: the fixed part, with a segment count of one byte.
   */
  public static int fixedLengthAtLeast(long size, int epsilon) {
    return HEADER + CHECKSUM + 16 + varLength(size) + varLength(epsilon) + 1;
  }

  /** Serialized length of one segment, given its start key and intercept minus the previous. */
  public static int segmentLength(long startDelta, long interceptDelta) {
    return varLength(startDelta) + varLength(interceptDelta) + 4;
  }

  public static byte[] encode(Segments segments) {
    byte[] out = new byte[length(segments)];
    Writer w = new Writer(out);
    w.int32(MAGIC);
    w.int8(VERSION);
    w.int32(out.length);
    w.varlong(segments.size());
    w.varlong(segments.epsilon());
    w.varlong(segments.count());
    w.int64(segments.minKey());
    w.int64(segments.maxKey());
    long previousStart = segments.minKey();
    long previousIntercept = 0;
    for (int i = 0; i < segments.count(); i++) {
      w.varlong(segments.startKey(i) - previousStart);
      w.varlong(segments.intercept(i) - previousIntercept);
      w.int32(Float.floatToRawIntBits(segments.slope(i)));
      previousStart = segments.startKey(i);
      previousIntercept = segments.intercept(i);
    }
    CRC32 crc = new CRC32();
    crc.update(out, 0, w.position);
    w.int32((int) crc.getValue());
    if (w.position != out.length) {
      throw new IllegalStateException("length " + out.length + " != written " + w.position);
    }
    return out;
  }

  /**
   * Reads and validates a model.
   *
   * @throws io.lakestream.index.IndexFormatException with a message saying what is wrong
   */
  public static Segments decode(byte[] in) {
    if (in.length < HEADER) {
      throw IndexErrors.tooShort(in.length, MIN_LENGTH);
    }
    Reader r = new Reader(in, in.length);
    int magic = r.int32();
    if (magic != MAGIC) {
      throw IndexErrors.badMagic(magic, MAGIC);
    }
    int version = r.int8();
    if (version != VERSION) {
      throw IndexErrors.unknownVersion(version, VERSION);
    }
    int declared = r.int32();
    if (declared < MIN_LENGTH) {
      throw IndexErrors.invalid(
          "declared length " + declared + " is below the minimum of " + MIN_LENGTH);
    }
    if (in.length < declared) {
      throw IndexErrors.truncated(declared, in.length);
    }
    if (in.length > declared) {
      throw IndexErrors.trailingBytes(declared, in.length);
    }
    int end = declared - CHECKSUM;
    CRC32 crc = new CRC32();
    crc.update(in, 0, end);
    int computed = (int) crc.getValue();
    int stored = new Reader(in, declared).at(end).int32();
    if (stored != computed) {
      throw IndexErrors.checksumMismatch(stored, computed);
    }
    r = new Reader(in, end).at(HEADER);
    long size = r.varlong("row count");
    long epsilon = r.varlong("epsilon");
    long count = r.varlong("segment count");
    long minKey = r.int64("minimum key");
    long maxKey = r.int64("maximum key");
    if (size < 0 || size > Segments.MAX_SIZE) {
      throw IndexErrors.invalid("row count " + size + " is out of range");
    }
    if (epsilon < 1 || epsilon > MAX_EPSILON) {
      throw IndexErrors.invalid("epsilon " + epsilon + " is out of range [1, " + MAX_EPSILON + "]");
    }
    if (size == 0 && (count != 0 || minKey != 0 || maxKey != 0)) {
      throw IndexErrors.inconsistent(
          "an empty model (row count 0) declares " + count + " segments and keys");
    }
    if (size > 0 && (count < 1 || count > 2 * size)) {
      throw IndexErrors.inconsistent(
          "segment count " + count + " is not in [1, 2 * row count " + size + "]");
    }
    if ((end - r.position) / MIN_SEGMENT_BYTES < count) {
      throw IndexErrors.inconsistent(
          "segment count "
              + count
              + " needs at least "
              + count * MIN_SEGMENT_BYTES
              + " bytes but the model has "
              + (end - r.position)
              + " left");
    }
    if (minKey > maxKey) {
      throw IndexErrors.invalid("minimum key " + minKey + " > maximum key " + maxKey);
    }
    int segmentCount = (int) count;
    long[] data = new long[segmentCount * Segments.STRIDE];
    long start = minKey;
    long intercept = 0;
    for (int i = 0; i < segmentCount; i++) {
      long startDelta = r.varlong("start key of segment " + i);
      long interceptDelta = r.varlong("intercept of segment " + i);
      float slope = Float.intBitsToFloat(r.int32("slope of segment " + i));
      if (i == 0 && startDelta != 0) {
        throw IndexErrors.invalid("the first segment does not start at the minimum key " + minKey);
      }
      if (i > 0 && (startDelta == 0 || Long.compareUnsigned(startDelta, maxKey - start) > 0)) {
        throw IndexErrors.invalid(
            "start key of segment " + i + " is not increasing within the maximum key " + maxKey);
      }
      if (i == 0 && interceptDelta != 0) {
        throw IndexErrors.invalid("the first segment does not start at position 0");
      }
      if (interceptDelta < 0 || interceptDelta > size - intercept) {
        throw IndexErrors.inconsistent(
            "intercept of segment " + i + " is beyond the row count " + size);
      }
      if (!(slope >= 0) || Float.isInfinite(slope)) {
        throw IndexErrors.invalid("slope of segment " + i + " is " + slope + ", not finite >= 0");
      }
      start += startDelta;
      intercept += interceptDelta;
      data[i * Segments.STRIDE] = start;
      data[i * Segments.STRIDE + 1] = Segments.pack(slope, intercept);
    }
    if (r.position != end) {
      throw IndexErrors.inconsistent(
          (end - r.position) + " bytes left after the last of " + segmentCount + " segments");
    }
    return new Segments(data, segmentCount, size, (int) epsilon, minKey, maxKey);
  }

  private static int varLength(long value) {
    int bits = 64 - Long.numberOfLeadingZeros(value | 1);
    return (bits + 6) / 7;
  }

  private static final class Writer {
    private final byte[] out;
    private int position;

    Writer(byte[] out) {
      this.out = out;
    }

    void int8(int value) {
      out[position++] = (byte) value;
    }

    void int32(int value) {
      for (int shift = 24; shift >= 0; shift -= 8) {
        out[position++] = (byte) (value >>> shift);
      }
    }

    void int64(long value) {
      for (int shift = 56; shift >= 0; shift -= 8) {
        out[position++] = (byte) (value >>> shift);
      }
    }

    void varlong(long value) {
      while ((value & ~0x7FL) != 0) {
        out[position++] = (byte) ((value & 0x7F) | 0x80);
        value >>>= 7;
      }
      out[position++] = (byte) value;
    }
  }

  private static final class Reader {
    private final byte[] in;
    private final int limit;
    private int position;

    Reader(byte[] in, int limit) {
      this.in = in;
      this.limit = limit;
    }

    Reader at(int offset) {
      position = offset;
      return this;
    }

    private void need(int bytes, String field) {
      if (limit - position < bytes) {
        throw IndexErrors.inconsistent(
            field + " at byte " + position + " runs past the end of the model (" + limit + ")");
      }
    }

    int int8() {
      return in[position++] & 0xFF;
    }

    int int32(String field) {
      need(4, field);
      return int32();
    }

    int int32() {
      int value = 0;
      for (int i = 0; i < 4; i++) {
        value = (value << 8) | (in[position++] & 0xFF);
      }
      return value;
    }

    long int64(String field) {
      need(8, field);
      long value = 0;
      for (int i = 0; i < 8; i++) {
        value = (value << 8) | (in[position++] & 0xFF);
      }
      return value;
    }

    long varlong(String field) {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        need(1, field);
        byte b = in[position++];
        value |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return value;
        }
      }
      throw IndexErrors.invalid(field + " is a varint longer than 10 bytes");
    }
  }
}

package io.lakestream.index.internal;

import java.util.Arrays;

/**
 * The piecewise-linear model of a sorted key array: segments of (start key, slope, intercept),
 * interleaved in one {@code long[]}, 16 bytes a segment, so that a prediction touches one cache
 * line: the start key, then the slope (a {@code float}, in the high 32 bits) and the intercept (an
 * unsigned 32-bit position, in the low 32 bits) packed in one long.
 *
 * <p>Segment {@code i} serves every key {@code x} with {@code start(i) <= x < start(i + 1)} (the
 * last one up to {@link #maxKey()}) and predicts {@code intercept + (long) min(slope * (x - start),
 * size)}. For every key {@code x} with {@code minKey < x <= maxKey}, the true lower bound (number
 * of keys {@code < x}) lies in {@code [p - epsilon, p + epsilon + 1]}, clamped to {@code [0,
 * size]}. Built by {@link Segmentation}; the guarantee is argued there.
 */
public final class Segments {
  /** Longs per segment in {@link #data()}: start key; slope and intercept. */
  public static final int STRIDE = 2;

  /** Bytes a segment takes in {@link #data()}. */
  public static final int BYTES_PER_SEGMENT = 8 * STRIDE;

  /** Largest intercept, so largest size: an unsigned 32-bit position. */
  public static final long MAX_SIZE = 0xFFFF_FFFFL;

  private final long[] data;
  private final int count;
  private final long size;
  private final int epsilon;
  private final long minKey;
  private final long maxKey;

  /**
   * Creates segments; {@code data} holds {@code count * STRIDE} longs (more are ignored). The
   * caller has validated the content.
   */
  public Segments(long[] data, int count, long size, int epsilon, long minKey, long maxKey) {
    this.data = data.length == count * STRIDE ? data : Arrays.copyOf(data, count * STRIDE);
    this.count = count;
    this.size = size;
    this.epsilon = epsilon;
    this.minKey = minKey;
    this.maxKey = maxKey;
  }

  /** The interleaved segments, {@code STRIDE} longs each; not a copy, do not modify. */
  public long[] data() {
    return data;
  }

  public int count() {
    return count;
  }

  public long size() {
    return size;
  }

  public int epsilon() {
    return epsilon;
  }

  public long minKey() {
    return minKey;
  }

  public long maxKey() {
    return maxKey;
  }

  public long startKey(int segment) {
    return data[segment * STRIDE];
  }

  public float slope(int segment) {
    return Float.intBitsToFloat((int) (data[segment * STRIDE + 1] >>> 32));
  }

  public long intercept(int segment) {
    return data[segment * STRIDE + 1] & MAX_SIZE;
  }

  /** The second long of a segment. */
  public static long pack(float slope, long intercept) {
    return ((long) Float.floatToRawIntBits(slope) << 32) | intercept;
  }

  /** The last segment whose start key is {@code <= key}; requires {@code key >= minKey}. */
  public int segmentFor(long key) {
    int lo = 0;
    int hi = count - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (data[mid * STRIDE] <= key) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /**
   * The predicted lower bound of {@code key}, in {@code [0, 2 * size]}; requires {@code minKey <
   * key <= maxKey}. Not clamped to {@code size}: callers clamp the window.
   */
  public long predict(long key) {
    return predict(data, segmentFor(key) * STRIDE, key, size);
  }

  /**
   * The prediction of the segment at offset {@code offset} in {@code data} for {@code key}. The one
   * definition of a prediction: the builder checks its bound with this very arithmetic.
   */
  public static long predict(long[] data, int offset, long key, long size) {
    long packed = data[offset + 1];
    double slope = Float.intBitsToFloat((int) (packed >>> 32));
    double q = slope * unsignedToDouble(key - data[offset]);
    return (packed & MAX_SIZE) + (long) Math.min(q, (double) size);
  }

  /** {@code value} read as an unsigned 64-bit integer, correctly rounded to a double. */
  public static double unsignedToDouble(long value) {
    if (value >= 0) {
      return (double) value;
    }
    // Halve (keeping the sticky bit so the rounding stays correct), convert, double.
    return ((double) ((value >>> 1) | (value & 1L))) * 2.0;
  }

  /** Bytes held by the segment array, with the array header. */
  public long bytes() {
    return 16L + (long) BYTES_PER_SEGMENT * count;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Segments)) {
      return false;
    }
    Segments other = (Segments) o;
    return count == other.count
        && size == other.size
        && epsilon == other.epsilon
        && minKey == other.minKey
        && maxKey == other.maxKey
        && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data) * 31 + Long.hashCode(size) * 7 + epsilon;
  }
}

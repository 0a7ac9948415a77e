package io.lakestream.index;

/**
 * Order-preserving maps of primary-key types to {@code long}, the key type of {@link LearnedIndex}
 * and {@link KeyModel}: for keys {@code a} and {@code b} of one type, {@code a < b} if and only if
 * {@code encode(a) < encode(b)} (signed comparison), and equal keys encode equally.
 *
 * <ul>
 *   <li>{@code long}, {@code int}, timestamp (microseconds since the epoch) and date (days since
 *       the epoch) are their own value.
 *   <li>{@code double} (and {@code float}, widened exactly) uses the sign-flip trick: the IEEE 754
 *       bits as a signed long, with the 63 low bits flipped for negative numbers. Two choices are
 *       explicit: {@code -0.0} and {@code 0.0} are the same key ({@code -0.0 == 0.0} in Java and
 *       SQL, so a range read for {@code 0.0} returns both); every NaN is one key, ordered after
 *       {@code +Infinity} (as {@link Double#compare} orders it). Keys sorted by {@link
 *       Double#compare} or by {@code <} are therefore still sorted once encoded.
 * </ul>
 */
public final class KeyEncoding {
  private KeyEncoding() {}

  /** The key of a {@code long}: the value itself. */
  public static long ofLong(long value) {
    return value;
  }

  /** The key of an {@code int}: the value itself, widened. */
  public static long ofInt(int value) {
    return value;
  }

  /** The key of a timestamp in microseconds since the epoch: the value itself. */
  public static long ofTimestampMicros(long micros) {
    return micros;
  }

  /** The key of a date in days since the epoch: the value itself, widened. */
  public static long ofDateDays(int days) {
    return days;
  }

  /** The key of a {@code float}: the key of the same value as a {@code double}. */
  public static long ofFloat(float value) {
    return ofDouble(value);
  }

  /**
   * The key of a {@code double}: order-preserving; {@code -0.0} encodes as {@code 0.0} (key 0);
   * every NaN encodes as one key above the key of {@code +Infinity}.
   */
  public static long ofDouble(double value) {
    if (value == 0.0) {
      return 0L; // both zeros; the raw bits of -0.0 would sort below 0.0
    }
    long bits = Double.doubleToLongBits(value); // collapses every NaN to the canonical one
    return bits ^ ((bits >> 63) & Long.MAX_VALUE);
  }

  /** Encodes every value with {@link #ofDouble(double)}, into a new array. */
  public static long[] ofDoubles(double[] values) {
    long[] keys = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      keys[i] = ofDouble(values[i]);
    }
    return keys;
  }

  /** Encodes every value with {@link #ofInt(int)}, into a new array. */
  public static long[] ofInts(int[] values) {
    long[] keys = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      keys[i] = values[i];
    }
    return keys;
  }

  /**
   * The {@code double} a key encodes: the inverse of {@link #ofDouble(double)}, except that the key
   * of both zeros decodes as {@code 0.0} and the NaN key as {@link Double#NaN}.
   */
  public static double toDouble(long key) {
    return Double.longBitsToDouble(key ^ ((key >> 63) & Long.MAX_VALUE));
  }

  /**
   * The {@code int} a key encodes.
   *
   * @throws IllegalArgumentException if the key is outside the {@code int} range
   */
  public static int toInt(long key) {
    if (key != (int) key) {
      throw new IllegalArgumentException("Key " + key + " does not encode an int");
    }
    return (int) key;
  }
}

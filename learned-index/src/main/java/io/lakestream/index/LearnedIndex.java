package io.lakestream.index;

import io.lakestream.index.internal.RadixTable;
import io.lakestream.index.internal.Segmentation;
import io.lakestream.index.internal.Segments;
import java.util.Objects;

/**
 * An exact, static index over a sorted {@code long[]} held in memory (duplicates allowed): a radix
 * table over the top bits of the key finds the key's linear segment, the segment predicts the
 * position within {@link #epsilon()}, and a branch-free binary search inside that window of {@code
 * 2 * epsilon + 2} keys gives the exact answer.
 *
 * <p>The index keeps a reference to the key array and does not copy it: the caller must not modify
 * the array afterwards. Answers are exact for every {@code long} key. Instances are immutable and
 * thread-safe.
 */
public final class LearnedIndex {
  /**
   * Default error bound: a window of 66 keys, 9 cache lines, searched in 7 steps. Chosen by
   * measurement (see docs/benchmarks.md).
   */
  public static final int DEFAULT_EPSILON = 32;

  /** Radix table entries per segment, as a power of two: 2^1 = about two entries a segment. */
  private static final int RADIX_EXTRA_BITS = 1;

  private static final int RADIX_MAX_BITS = 26;

  private final long[] keys;
  private final int size;
  private final int epsilon;
  private final long minKey;
  private final long maxKey;
  private final long[] segments;
  private final int shift;
  private final int[] radix;
  private final Segments model;
  private final RadixTable radixTable;

  private LearnedIndex(long[] keys, Segments model, RadixTable radixTable) {
    this.keys = keys;
    this.size = keys.length;
    this.epsilon = model.epsilon();
    // An empty index answers 0 for every key: "key <= minKey" holds for any key.
    this.minKey = size == 0 ? Long.MAX_VALUE : model.minKey();
    this.maxKey = model.maxKey();
    this.segments = model.data();
    this.shift = radixTable.shift();
    this.radix = radixTable.table();
    this.model = model;
    this.radixTable = radixTable;
  }

  /**
   * Builds the index with {@link #DEFAULT_EPSILON}, in one pass over the keys.
   *
   * @param sortedKeys keys in ascending (signed) order, duplicates allowed; kept, not copied
   * @throws IllegalArgumentException if the keys are not sorted
   */
  public static LearnedIndex build(long[] sortedKeys) {
    return build(sortedKeys, DEFAULT_EPSILON);
  }

  /**
   * Builds the index with error bound {@code epsilon}, in one pass over the keys.
   *
   * @param sortedKeys keys in ascending (signed) order, duplicates allowed; kept, not copied
   * @param epsilon in {@code [1, KeyModel.MAX_EPSILON]}; 16 to 64 keeps the final search within a
   *     few cache lines
   * @throws IllegalArgumentException if the keys are not sorted or epsilon is out of range
   */
  public static LearnedIndex build(long[] sortedKeys, int epsilon) {
    Objects.requireNonNull(sortedKeys, "sortedKeys is null");
    KeyModel.checkEpsilon(epsilon);
    Segments model = Segmentation.fit(sortedKeys, epsilon, Integer.MAX_VALUE);
    return new LearnedIndex(
        sortedKeys, model, RadixTable.build(model, RADIX_EXTRA_BITS, RADIX_MAX_BITS));
  }

  /** Number of keys. */
  public int size() {
    return size;
  }

  /** The error bound of the position predictions. */
  public int epsilon() {
    return epsilon;
  }

  /** Number of linear segments. */
  public int segmentCount() {
    return model.count();
  }

  /** Bytes of index structures on top of the keys (segments and radix table). */
  public long indexBytes() {
    return model.bytes() + radixTable.bytes();
  }

  /**
   * The keys-free model of this index (same segments, same epsilon). It may be larger than a tag
   * should be: for a tag, use {@link KeyModel#build(long[])}, which bounds the size.
   */
  public KeyModel model() {
    return KeyModel.of(model);
  }

  /** The position of the first key {@code >= key}: the number of keys {@code < key}. */
  public int lowerBound(long key) {
    if (key <= minKey) {
      return 0;
    }
    if (key > maxKey) {
      return size;
    }
    return search(key);
  }

  /** The position of the first key {@code > key}: the number of keys {@code <= key}. */
  public int upperBound(long key) {
    if (key < minKey) {
      return 0;
    }
    if (key >= maxKey) {
      return size;
    }
    return search(key + 1);
  }

  /**
   * Positions {@code [lowerBound(lo), lowerBound(hiExclusive))}: keys {@code k} with {@code lo <= k
   * < hiExclusive}; empty if {@code lo >= hiExclusive}.
   */
  public PositionRange range(long lo, long hiExclusive) {
    int from = lowerBound(lo);
    return lo >= hiExclusive
        ? PositionRange.empty(from)
        : new PositionRange(from, lowerBound(hiExclusive));
  }

  /** Positions of the keys {@code k} with {@code lo <= k <= hi}; empty if {@code lo > hi}. */
  public PositionRange rangeInclusive(long lo, long hi) {
    int from = lowerBound(lo);
    return lo > hi ? PositionRange.empty(from) : new PositionRange(from, upperBound(hi));
  }

  /** Number of keys {@code k} with {@code lo <= k < hiExclusive}. */
  public int count(long lo, long hiExclusive) {
    return lo >= hiExclusive ? 0 : lowerBound(hiExclusive) - lowerBound(lo);
  }

  /** Number of keys {@code k} with {@code lo <= k <= hi}. */
  public int countInclusive(long lo, long hi) {
    return lo > hi ? 0 : upperBound(hi) - lowerBound(lo);
  }

  /** Lower bound of a key with {@code minKey < key <= maxKey}. */
  private int search(long key) {
    int bucket = (int) ((key - minKey) >>> shift);
    int lo = radix[bucket];
    int hi = radix[bucket + 1];
    long[] segments = this.segments;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (segments[mid * Segments.STRIDE] <= key) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    long predicted = Segments.predict(segments, lo * Segments.STRIDE, key, size);
    int from = (int) Math.max(predicted - epsilon, 0);
    int to = (int) Math.min(predicted + epsilon + 1, size);
    return gallop(keys, from, to, (int) Math.min(Math.max(predicted, from), to - 1), key);
  }

  /**
   * Lower bound of {@code key} known to be in {@code [from, to]} ({@code from < to}): from the
   * predicted position {@code start}, doubling steps bracket the answer, then a binary search
   * inside the bracket. Usually the prediction is off by much less than epsilon, so this touches
   * fewer cache lines, one after the other, than a binary search over the whole window.
   */
  private static int gallop(long[] keys, int from, int to, int start, long key) {
    int lo;
    int hi;
    if (keys[start] < key) {
      lo = start + 1;
      int step = 1;
      while (lo + step - 1 < to && keys[lo + step - 1] < key) {
        lo += step;
        step <<= 1;
      }
      hi = Math.min(lo + step - 1, to);
    } else {
      hi = start;
      int step = 1;
      while (hi - step >= from && keys[hi - step] >= key) {
        hi -= step;
        step <<= 1;
      }
      lo = Math.max(hi - step + 1, from);
    }
    return lowerBoundIn(keys, lo, hi, key);
  }

  /**
   * First position in {@code [from, to)} whose key is {@code >= key}, or {@code to}; branch-free.
   */
  private static int lowerBoundIn(long[] keys, int from, int to, long key) {
    int base = from;
    int length = to - from;
    if (length <= 0) {
      return from;
    }
    while (length > 1) {
      int half = length >>> 1;
      base = keys[base + half] < key ? base + half : base;
      length -= half;
    }
    return keys[base] < key ? base + 1 : base;
  }

  @Override
  public String toString() {
    return "LearnedIndex{size="
        + size
        + ", epsilon="
        + epsilon
        + ", segments="
        + model.count()
        + ", indexBytes="
        + indexBytes()
        + "}";
  }
}

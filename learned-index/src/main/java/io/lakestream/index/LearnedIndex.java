package io.lakestream.index;

import io.lakestream.index.internal.RadixTable;
import io.lakestream.index.internal.Segmentation;
import io.lakestream.index.internal.Segments;
import java.util.Objects;

/**
 * An exact, static index over a sorted {@code long[]} held in memory (duplicates allowed): a radix
 * table over the top bits of the key finds the key's linear segment, the segment predicts the
 * position within {@link #epsilon()}, and a search inside that window of {@code 2 * epsilon + 2}
 * keys, from the predicted position outwards, gives the exact answer.
 *
 * <p>{@link #build(long[])} keeps the index within {@link #MAX_BYTES_PER_KEY} a key: it takes
 * epsilon {@link #DEFAULT_EPSILON} on most data and a larger one on data so irregular that the
 * default's segments would not fit.
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

  /**
   * Largest error bound {@link #build(long[])} and {@link #buildWithin(long[], long)} go up to, to
   * fit their byte budget: a window of 258 keys, 33 cache lines, of which the search from the
   * prediction reads a few.
   */
  public static final int MAX_BUDGET_EPSILON = 128;

  /**
   * Index bytes a key that {@link #build(long[])} aims to stay within (segments and radix table, on
   * top of the keys): a tenth of a byte, 10 MB for 100M keys; 4 KiB below 40,960 keys, where array
   * headers and the first segments would not fit a tenth of a byte a key.
   */
  public static final double MAX_BYTES_PER_KEY = 0.1;

  private static final long MIN_BYTE_BUDGET = 4096;

  /**
   * Radix table entries a segment, as a power of two: 2^1, about two entries a segment, unless that
   * is over the byte budget; then 2^0, then 2^-1.
   */
  private static final int[] RADIX_EXTRA_BITS = {1, 0, -1};

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
   * Builds the index with {@link #DEFAULT_EPSILON}, or with the smallest of 64 and 128 whose index
   * is within {@link #MAX_BYTES_PER_KEY} a key (at least 4 KiB) if the default's is not: {@code
   * buildWithin(sortedKeys, max(4096, 0.1 * sortedKeys.length))}. One pass over the keys on most
   * data; on irregular data, part of a pass for each epsilon that does not fit, then one pass.
   *
   * @param sortedKeys keys in ascending (signed) order, duplicates allowed; kept, not copied
   * @throws IllegalArgumentException if the keys are not sorted
   */
  public static LearnedIndex build(long[] sortedKeys) {
    Objects.requireNonNull(sortedKeys, "sortedKeys is null");
    return buildWithin(sortedKeys, defaultByteBudget(sortedKeys.length));
  }

  /**
   * Builds the index with the smallest epsilon among {@link #DEFAULT_EPSILON}, 64 and {@link
   * #MAX_BUDGET_EPSILON} whose {@link #indexBytes()} are at most {@code maxBytes}, with epsilon
   * {@link #MAX_BUDGET_EPSILON} if none is: a larger epsilon would make lookups slower, so the
   * budget is a target, not a guarantee. Check {@link #indexBytes()} if it must hold. (An empty
   * index takes {@link #DEFAULT_EPSILON} and 40 bytes, whatever the budget.)
   *
   * @param sortedKeys keys in ascending (signed) order, duplicates allowed; kept, not copied
   * @param maxBytes the budget for {@link #indexBytes()}
   * @throws IllegalArgumentException if the keys are not sorted
   */
  public static LearnedIndex buildWithin(long[] sortedKeys, long maxBytes) {
    Objects.requireNonNull(sortedKeys, "sortedKeys is null");
    for (int epsilon = DEFAULT_EPSILON; ; epsilon *= 2) {
      boolean last = epsilon >= MAX_BUDGET_EPSILON;
      // A try stops as soon as it has more segments than fit the budget with the smallest table.
      Segments model =
          Segmentation.fit(
              sortedKeys, epsilon, last ? Integer.MAX_VALUE : maxSegmentsWithin(maxBytes));
      if (model != null) {
        return new LearnedIndex(sortedKeys, model, radixTableWithin(model, maxBytes));
      }
    }
  }

  /**
   * Builds the index with error bound {@code epsilon}, in one pass over the keys. Its radix table
   * is smaller than usual if that brings the index within {@link #MAX_BYTES_PER_KEY} a key.
   *
   * @param sortedKeys keys in ascending (signed) order, duplicates allowed; kept, not copied
   * @param epsilon in {@code [1, KeyModel.MAX_EPSILON]}; 16 to 128 keeps the final search within a
   *     few cache lines
   * @throws IllegalArgumentException if the keys are not sorted or epsilon is out of range
   */
  public static LearnedIndex build(long[] sortedKeys, int epsilon) {
    Objects.requireNonNull(sortedKeys, "sortedKeys is null");
    KeyModel.checkEpsilon(epsilon);
    Segments model = Segmentation.fit(sortedKeys, epsilon, Integer.MAX_VALUE);
    long maxBytes = defaultByteBudget(sortedKeys.length);
    return new LearnedIndex(sortedKeys, model, radixTableWithin(model, maxBytes));
  }

  /** {@link #MAX_BYTES_PER_KEY} times {@code size}, at least 4 KiB. */
  private static long defaultByteBudget(int size) {
    return Math.max(MIN_BYTE_BUDGET, (long) (size * MAX_BYTES_PER_KEY));
  }

  /**
   * Most segments whose index surely fits {@code maxBytes} with the smallest radix table (at most
   * one entry a segment, plus two): two array headers, 16 bytes a segment, 4 bytes an entry.
   */
  private static int maxSegmentsWithin(long maxBytes) {
    long perSegment = Segments.BYTES_PER_SEGMENT + 4;
    long fixed = 2 * 16 + 2 * 4;
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, (maxBytes - fixed) / perSegment));
  }

  /** The largest radix table (2, 1 or ½ entries a segment) within the budget, else the largest. */
  private static RadixTable radixTableWithin(Segments model, long maxBytes) {
    for (int extraBits : RADIX_EXTRA_BITS) {
      if (model.bytes() + RadixTable.bytes(model, extraBits, RADIX_MAX_BITS) <= maxBytes) {
        return RadixTable.build(model, extraBits, RADIX_MAX_BITS);
      }
    }
    return RadixTable.build(model, RADIX_EXTRA_BITS[0], RADIX_MAX_BITS);
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

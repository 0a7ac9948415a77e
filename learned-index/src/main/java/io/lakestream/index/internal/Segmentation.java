package io.lakestream.index.internal;

import java.util.Arrays;

/**
 * One-pass ("shrinking cone") segmentation of a sorted key array into {@link Segments} with error
 * bound epsilon.
 *
 * <p>The function modelled is the lower bound {@code lb(x) = #{keys < x}} over integer keys {@code
 * x}. It is fitted at these points: {@code (v, lb(v))} for each distinct key {@code v}, and, for a
 * key repeated more than once and not followed by {@code v + 1}, also {@code (v + 1, lb(v + 1))}:
 * the foot of the step a run of duplicates makes. Each segment's line goes exactly through its
 * first point (the anchor) with a slope {@code >= 0} chosen inside the cone of slopes that keep
 * every point of the segment within {@code epsilon - 0.5} of the line. Since the line is monotone,
 * a key between two consecutive fitted points is predicted between their predictions, which gives
 * {@code lb(x) in [p - epsilon, p + epsilon + 1]} for every key (the {@code + 1} covers a single
 * key between two fitted points; the truncation to a long and floating-point rounding are covered
 * by the half position of margin). When a point leaves the cone, the next segment starts at the key
 * right after the last fitted point, anchored at the lower bound there, so that segments tile the
 * keys with no gap where a line would extrapolate.
 */
public final class Segmentation {
  private Segmentation() {}

  /**
   * Fits {@code keys} (sorted, duplicates allowed) with error bound {@code epsilon}.
   *
   * @return the segments, or {@code null} if more than {@code maxSegments} would be needed
   * @throws IllegalArgumentException if {@code keys} is not sorted
   */
  public static Segments fit(long[] keys, int epsilon, int maxSegments) {
    return fit(keys, epsilon, maxSegments, Long.MAX_VALUE);
  }

  /**
   * Like {@link #fit(long[], int, int)}, also returning {@code null} as soon as the segments so far
   * would serialize ({@link ModelCodec}) to more than {@code maxBytes}: a try that cannot fit stops
   * early. A non-null result may still be a little over {@code maxBytes} (the segment count's
   * varint is counted as one byte): check {@link ModelCodec#length}.
   */
  public static Segments fit(long[] keys, int epsilon, int maxSegments, long maxBytes) {
    int n = keys.length;
    if (n == 0) {
      return new Segments(new long[0], 0, 0, epsilon, 0, 0);
    }
    Fitter fitter = new Fitter(epsilon, maxSegments, keys[0]);
    if (maxBytes != Long.MAX_VALUE) {
      fitter.bytesLeft = maxBytes - ModelCodec.fixedLengthAtLeast(n, epsilon);
    }
    int runStart = 0;
    long prev = keys[0];
    for (int i = 1; i < n; i++) {
      long key = keys[i];
      if (key == prev) {
        continue;
      }
      if (key < prev) {
        throw notSorted(keys, i);
      }
      if (i - runStart > 1 && prev + 1 != key) {
        if (!fitter.add(prev + 1, i)) {
          return null;
        }
      }
      if (!fitter.add(key, i)) {
        return null;
      }
      runStart = i;
      prev = key;
    }
    if (!fitter.close()) {
      return null;
    }
    return new Segments(fitter.data, fitter.count, n, epsilon, keys[0], keys[n - 1]);
  }

  /**
   * The optimal segmentation ({@link OptimalFitter}), not used by default: measured on the bench
   * data sets (docs/benchmarks.md) it needs 9% to 22% fewer segments than the cone but builds 2.5
   * to 4 times slower. {@code outcome[0]} tells why it returned {@code null}: over the budget, or
   * the exact check failed.
   */
  public static Segments fitOptimal(long[] keys, int epsilon, int maxSegments, int[] outcome) {
    int n = keys.length;
    if (n == 0 || epsilon < 2) {
      throw new IllegalArgumentException("the optimal segmentation needs keys and epsilon >= 2");
    }
    OptimalFitter fitter = new OptimalFitter(epsilon, maxSegments, n);
    fitter.add(keys[0], 0);
    int runStart = 0;
    long prev = keys[0];
    for (int i = 1; i < n; i++) {
      long key = keys[i];
      if (key == prev) {
        continue;
      }
      if (key < prev) {
        throw notSorted(keys, i);
      }
      if (i - runStart > 1 && prev + 1 != key) {
        int r = fitter.add(prev + 1, i);
        if (r != OptimalFitter.OK) {
          outcome[0] = r;
          return null;
        }
      }
      int r = fitter.add(key, i);
      if (r != OptimalFitter.OK) {
        outcome[0] = r;
        return null;
      }
      runStart = i;
      prev = key;
    }
    int r = fitter.close();
    if (r != OptimalFitter.OK) {
      outcome[0] = r;
      return null;
    }
    return new Segments(fitter.data, fitter.count, n, epsilon, keys[0], keys[n - 1]);
  }

  private static IllegalArgumentException notSorted(long[] keys, int i) {
    return new IllegalArgumentException(
        "Cannot build a learned index: keys are not sorted: keys["
            + (i - 1)
            + "] = "
            + keys[i - 1]
            + " > keys["
            + i
            + "] = "
            + keys[i]
            + "; sort the keys (ascending, signed) before building");
  }

  /** The streaming cone over fitted points. */
  private static final class Fitter {
    private final double tolerance;
    private final int maxSegments;
    private long[] data = new long[Segments.STRIDE * 16];
    private int count;
    private long anchorKey;
    private long anchorPosition;
    private long lastKey;
    private double slopeLow;
    private double slopeHigh;
    private long bytesLeft = Long.MAX_VALUE;
    private long previousStart;
    private long previousIntercept;

    Fitter(int epsilon, int maxSegments, long firstKey) {
      this.tolerance = epsilon - 0.5;
      this.maxSegments = maxSegments;
      this.anchorKey = firstKey;
      this.previousStart = firstKey;
      this.anchorPosition = 0;
      this.lastKey = firstKey;
      this.slopeLow = 0;
      this.slopeHigh = Double.POSITIVE_INFINITY;
    }

    /** Adds point (key, position), key greater than every earlier one; false if over budget. */
    boolean add(long key, long position) {
      double dx = Segments.unsignedToDouble(key - anchorKey);
      double dy = (double) (position - anchorPosition);
      double high = (dy + tolerance) / dx;
      double low = (dy - tolerance) / dx;
      if (low > slopeHigh || high < slopeLow) {
        // lb(lastKey + 1) == position: no key lies strictly between the two fitted points.
        return addAfterBreak(key, position);
      } else {
        double newLow = Math.max(slopeLow, low);
        double newHigh = Math.min(slopeHigh, high);
        if (newHigh - newLow < newHigh * 0x1p-20 && !holdsFloat(newLow, newHigh)) {
          // The slope is stored as a float: end the segment while a float fits in the cone.
          return addAfterBreak(key, position);
        }
        slopeLow = newLow;
        slopeHigh = newHigh;
      }
      lastKey = key;
      return true;
    }

    private boolean addAfterBreak(long key, long position) {
      if (!close()) {
        return false;
      }
      anchorKey = lastKey + 1;
      anchorPosition = position;
      slopeLow = 0;
      slopeHigh = Double.POSITIVE_INFINITY;
      if (key != anchorKey) {
        slopeHigh = tolerance / Segments.unsignedToDouble(key - anchorKey);
      }
      lastKey = key;
      return true;
    }

    boolean close() {
      if (count == maxSegments) {
        return false;
      }
      if (bytesLeft != Long.MAX_VALUE) {
        bytesLeft -=
            ModelCodec.segmentLength(anchorKey - previousStart, anchorPosition - previousIntercept);
        if (bytesLeft < 0) {
          return false;
        }
        previousStart = anchorKey;
        previousIntercept = anchorPosition;
      }
      float slope = 0;
      if (slopeHigh != Double.POSITIVE_INFINITY) {
        slope = toFloatWithin(slopeLow, slopeHigh, (slopeLow + slopeHigh) / 2);
      }
      int offset = count * Segments.STRIDE;
      if (offset + Segments.STRIDE > data.length) {
        data = Arrays.copyOf(data, data.length * 2);
      }
      data[offset] = anchorKey;
      data[offset + 1] = Segments.pack(slope, anchorPosition);
      count++;
      return true;
    }
  }

  /** Whether a float lies in {@code [low, high]}. */
  static boolean holdsFloat(double low, double high) {
    float f = (float) low;
    if (f < low) {
      f = Math.nextUp(f);
    }
    return f <= high;
  }

  /** The float nearest to {@code target} within {@code [low, high]}, which holds one. */
  static float toFloatWithin(double low, double high, double target) {
    float f = (float) target;
    if (f < low) {
      f = Math.nextUp(f);
    } else if (f > high) {
      f = Math.nextDown(f);
    }
    if (f < low || f > high) {
      throw new IllegalStateException("no float in [" + low + ", " + high + "]");
    }
    return f;
  }
}

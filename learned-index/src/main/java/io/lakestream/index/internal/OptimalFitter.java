package io.lakestream.index.internal;

import java.util.Arrays;

/**
 * Streaming optimal segmentation (O'Rourke's convex-hull algorithm, as in the PGM-index): each
 * segment takes the longest run of fitted points that some line keeps within the tolerance, which
 * gives the minimal number of segments of free slope and intercept: 9% to 22% fewer than the cone
 * of {@link Segmentation} on the bench data sets, for a 2.5 to 4 times slower build, so it is not
 * the default (docs/benchmarks.md).
 *
 * <p>The geometry only proposes a slope: it is done in doubles, relative to the segment's first
 * point, with a tolerance of {@code epsilon - 1} to leave room for the float slope and the
 * truncation. The intercept is then chosen, and the segment checked, with the exact integer
 * arithmetic of {@link Segments#predict}: every fitted point {@code (v, lb(v))} of the segment must
 * have {@code |predict(v) - lb(v)| <= epsilon}, which, predictions being monotone, bounds every key
 * as {@link Segmentation} argues. Intercepts are kept non-decreasing, the first one 0 (the codec's
 * invariants). If no intercept passes the check (never seen, but the doubles are not exact), {@link
 * #add} reports it and the caller can fall back to the cone.
 */
final class OptimalFitter {
  /** Result of {@link #add}: accepted; over the segment budget; exact check failed. */
  static final int OK = 0;

  static final int OVER_BUDGET = 1;
  static final int CHECK_FAILED = 2;

  private final int epsilon;
  private final double tol;
  private final int maxSegments;
  private final long size;
  long[] data = new long[Segments.STRIDE * 16];
  int count;
  private long previousIntercept;

  // Fitted points of the current segment.
  private long[] xs = new long[256];
  private long[] ys = new long[256];
  private int points;
  private long startKey;
  private long basePosition;

  // Hull vertices (x relative to startKey, y relative to basePosition).
  private double[] ux = new double[64];
  private double[] uy = new double[64];
  private double[] lx = new double[64];
  private double[] ly = new double[64];
  private int upperSize;
  private int lowerSize;
  private int upperStart;
  private int lowerStart;
  // The rectangle: r0/r2 bound the smallest slope (r0 upper, r2 lower), r1/r3 the largest.
  private double r0x, r0y, r1x, r1y, r2x, r2y, r3x, r3y;

  OptimalFitter(int epsilon, int maxSegments, long size) {
    this.epsilon = epsilon;
    this.tol = epsilon - 1.0;
    this.maxSegments = maxSegments;
    this.size = size;
  }

  /** Adds point (key, position), key greater than every earlier one. */
  int add(long key, long position) {
    if (points == 0) {
      begin(key, position);
      return OK;
    }
    if (extend(key, position)) {
      return OK;
    }
    long lastKey = xs[points - 1];
    int closed = close();
    if (closed != OK) {
      return closed;
    }
    // lb(lastKey + 1) == position: no key lies strictly between the two fitted points.
    begin(lastKey + 1, position);
    if (key != lastKey + 1) {
      extend(key, position); // two points always fit
    }
    return OK;
  }

  private void begin(long key, long position) {
    points = 0;
    startKey = key;
    basePosition = position;
    // The first intercept is 0: the first line goes through (minKey, 0). Later lines start at or
    // above the previous intercept, so that intercepts do not decrease.
    double high = count == 0 ? 0 : tol;
    double low = Math.min(Math.max(-tol, (double) (previousIntercept - position)), high);
    push(key, position);
    r0x = 0;
    r0y = high;
    r1x = 0;
    r1y = low;
    upperSize = 0;
    lowerSize = 0;
    upperStart = 0;
    lowerStart = 0;
    pushUpper(0, high);
    pushLower(0, low);
  }

  private void push(long key, long position) {
    if (points == xs.length) {
      xs = Arrays.copyOf(xs, points * 2);
      ys = Arrays.copyOf(ys, points * 2);
    }
    xs[points] = key;
    ys[points] = position;
    points++;
  }

  private void pushUpper(double x, double y) {
    if (upperSize == ux.length) {
      ux = Arrays.copyOf(ux, upperSize * 2);
      uy = Arrays.copyOf(uy, upperSize * 2);
    }
    ux[upperSize] = x;
    uy[upperSize] = y;
    upperSize++;
  }

  private void pushLower(double x, double y) {
    if (lowerSize == lx.length) {
      lx = Arrays.copyOf(lx, lowerSize * 2);
      ly = Arrays.copyOf(ly, lowerSize * 2);
    }
    lx[lowerSize] = x;
    ly[lowerSize] = y;
    lowerSize++;
  }

  /** O'Rourke's step; false (and nothing changed) if no line fits the segment plus this point. */
  private boolean extend(long key, long position) {
    double x = Segments.unsignedToDouble(key - startKey);
    double y = (double) (position - basePosition);
    double hiY = y + tol;
    double loY = y - tol;
    if (points == 1) {
      r2x = x;
      r2y = loY;
      r3x = x;
      r3y = hiY;
      pushUpper(x, hiY);
      pushLower(x, loY);
      push(key, position);
      return true;
    }
    double s1x = r2x - r0x;
    double s1y = r2y - r0y;
    double s2x = r3x - r1x;
    double s2y = r3y - r1y;
    // Upper point below the smallest-slope line, or lower point above the largest: no line fits.
    if ((hiY - r2y) * s1x < s1y * (x - r2x) || (loY - r3y) * s2x > s2y * (x - r3x)) {
      return false;
    }
    if ((hiY - r1y) * s2x < s2y * (x - r1x)) {
      // The upper point lowers the largest slope: from the lower hull point that minimises it.
      int best = lowerStart;
      double bx = x - lx[best];
      double by = hiY - ly[best];
      for (int i = lowerStart + 1; i < lowerSize; i++) {
        double vx = x - lx[i];
        double vy = hiY - ly[i];
        if (vy * bx > by * vx) { // slope larger than the best so far
          break;
        }
        bx = vx;
        by = vy;
        best = i;
      }
      r1x = lx[best];
      r1y = ly[best];
      r3x = x;
      r3y = hiY;
      lowerStart = best;
      int end = upperSize;
      while (end >= upperStart + 2
          && cross(ux[end - 2], uy[end - 2], ux[end - 1], uy[end - 1], x, hiY) <= 0) {
        end--;
      }
      upperSize = end;
      pushUpper(x, hiY);
    }
    if ((loY - r0y) * s1x > s1y * (x - r0x)) {
      // The lower point raises the smallest slope: from the upper hull point that maximises it.
      int best = upperStart;
      double bx = x - ux[best];
      double by = loY - uy[best];
      for (int i = upperStart + 1; i < upperSize; i++) {
        double vx = x - ux[i];
        double vy = loY - uy[i];
        if (vy * bx < by * vx) { // slope smaller than the best so far
          break;
        }
        bx = vx;
        by = vy;
        best = i;
      }
      r0x = ux[best];
      r0y = uy[best];
      r2x = x;
      r2y = loY;
      upperStart = best;
      int end = lowerSize;
      while (end >= lowerStart + 2
          && cross(lx[end - 2], ly[end - 2], lx[end - 1], ly[end - 1], x, loY) >= 0) {
        end--;
      }
      lowerSize = end;
      pushLower(x, loY);
    }
    push(key, position);
    return true;
  }

  private static double cross(double ox, double oy, double ax, double ay, double bx, double by) {
    return (ax - ox) * (by - oy) - (ay - oy) * (bx - ox);
  }

  /** Ends the current segment (which has points). */
  int close() {
    if (count == maxSegments) {
      return OVER_BUDGET;
    }
    float slope = 0;
    if (points > 1) {
      double low = (r2y - r0y) / (r2x - r0x);
      double high = (r3y - r1y) / (r3x - r1x);
      double mid = (low + high) / 2;
      slope = mid > 0 && mid < Float.MAX_VALUE ? (float) mid : 0f;
    }
    // d = lb(v) - t(v) over the points; the intercept c needs max(d) - eps <= c <= min(d) + eps.
    long minD = Long.MAX_VALUE;
    long maxD = Long.MIN_VALUE;
    double s = slope;
    double cap = (double) size;
    for (int i = 0; i < points; i++) {
      long t = (long) Math.min(s * Segments.unsignedToDouble(xs[i] - startKey), cap);
      long d = ys[i] - t;
      minD = Math.min(minD, d);
      maxD = Math.max(maxD, d);
    }
    long lowC = Math.max(maxD - epsilon, previousIntercept);
    long highC = Math.min(minD + epsilon, count == 0 ? 0 : size);
    if (lowC > highC) {
      return CHECK_FAILED;
    }
    long c = Math.min(Math.max(Math.floorDiv(minD + maxD, 2), lowC), highC);
    int offset = count * Segments.STRIDE;
    if (offset + Segments.STRIDE > data.length) {
      data = Arrays.copyOf(data, data.length * 2);
    }
    data[offset] = startKey;
    data[offset + 1] = Segments.pack(slope, c);
    count++;
    previousIntercept = c;
    points = 0;
    return OK;
  }
}

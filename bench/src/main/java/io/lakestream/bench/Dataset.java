package io.lakestream.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The key sets of the index benchmark, generated deterministically from a seed, sorted, in one
 * {@code long[]}. Modelled on the SOSD benchmark's data sets, with a timestamp set shaped like
 * observability data.
 */
public enum Dataset {
  /**
   * Event timestamps in microseconds: exponential inter-arrival times whose mean changes every
   * 10,000 events (lognormal around 20 µs), bursts of up to 2,000 events within a few µs (about 10%
   * of the events), and quiet gaps of 1 to 120 minutes (about one per 50,000 events).
   */
  TIMESTAMPS {
    @Override
    long[] generate(int n, SplittableRandom random) {
      long[] keys = new long[n];
      long t = 1_704_067_200_000_000L; // 2024-01-01T00:00:00Z
      double meanGap = 20;
      int burst = 0;
      for (int i = 0; i < n; i++) {
        if (i % 10_000 == 0) {
          meanGap = Math.exp(Math.log(20) + random.nextGaussian());
        }
        if (burst > 0) {
          burst--;
          t += random.nextInt(3);
        } else {
          double u = random.nextDouble();
          if (u < 1e-4) {
            burst = 10 + random.nextInt(2_000);
          } else if (u < 1.2e-4) {
            t += 60_000_000L * (1 + random.nextInt(120));
          }
          t += (long) (-meanGap * Math.log(1 - random.nextDouble()));
        }
        keys[i] = t;
      }
      return keys;
    }
  },
  /**
   * Dense sequential ids with gaps: +1 mostly, a gap of up to 10,000 ids once per 1,000 ids (rows
   * deleted or in other partitions), a jump of 2^32 once per 5 million (a new id range).
   */
  IDS {
    @Override
    long[] generate(int n, SplittableRandom random) {
      long[] keys = new long[n];
      long id = 1_000_000;
      for (int i = 0; i < n; i++) {
        keys[i] = id++;
        if (random.nextInt(1_000) == 0) {
          id += 1 + random.nextInt(10_000);
        }
        if (random.nextInt(5_000_000) == 0) {
          id += 1L << 32;
        }
      }
      return keys;
    }
  },
  /** Uniformly random over {@code [0, 2^63)}, sorted. */
  UNIFORM {
    @Override
    long[] generate(int n, SplittableRandom random) {
      long[] keys = new long[n];
      for (int i = 0; i < n; i++) {
        keys[i] = random.nextLong() >>> 1;
      }
      Arrays.parallelSort(keys);
      return keys;
    }
  },
  /** Lognormal (mu 0, sigma 2) times 10^9, sorted, as in SOSD. */
  LOGNORMAL {
    @Override
    long[] generate(int n, SplittableRandom random) {
      long[] keys = new long[n];
      for (int i = 0; i < n; i++) {
        keys[i] = (long) (Math.exp(2 * random.nextGaussian()) * 1e9);
      }
      Arrays.parallelSort(keys);
      return keys;
    }
  },
  /**
   * Hard: hierarchically clustered keys like OpenStreetMap cell ids (S2 cells of points on earth).
   * The 62-bit key space is split in four, recursively, and each quarter gets a share of the keys
   * drawn from a lognormal weight (sigma 1.5): dense cities, sparse land, empty oceans, at every
   * scale.
   */
  OSM {
    @Override
    long[] generate(int n, SplittableRandom random) {
      long[] keys = new long[n];
      int end = clustered(keys, 0, n, 0, 62, random);
      if (end != n) {
        throw new IllegalStateException("generated " + end + " of " + n + " keys");
      }
      return keys;
    }

    private int clustered(
        long[] keys, int at, int count, long low, int spanBits, SplittableRandom random) {
      if (count == 0) {
        return at;
      }
      if (count <= 8 || spanBits <= 2) {
        long span = 1L << spanBits;
        for (int i = 0; i < count; i++) {
          keys[at + i] = low + (random.nextLong() >>> 1) % span;
        }
        Arrays.sort(keys, at, at + count);
        return at + count;
      }
      double[] weights = new double[4];
      double total = 0;
      for (int q = 0; q < 4; q++) {
        weights[q] = Math.exp(1.5 * random.nextGaussian());
        total += weights[q];
      }
      int left = count;
      for (int q = 0; q < 4; q++) {
        int share = q == 3 ? left : (int) Math.min(left, Math.round(count * weights[q] / total));
        at = clustered(keys, at, share, low + ((long) q << (spanBits - 2)), spanBits - 2, random);
        left -= share;
      }
      return at;
    }
  };

  abstract long[] generate(int n, SplittableRandom random);

  /** The sorted keys of this data set, {@code n} of them, the same for the same seed. */
  public long[] keys(int n, long seed) {
    return generate(n, new SplittableRandom(seed * 31 + ordinal()));
  }

  /** Lower-case name, as on the command line. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The data set of a label. */
  public static Dataset of(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }

  /**
   * {@code count} lookup keys (a power of two), each a key of {@code keys} at a uniformly random
   * position, so the lookups spread over the whole array and far beyond any cache.
   */
  public static long[] probes(long[] keys, int count, long seed) {
    if (Integer.bitCount(count) != 1) {
      throw new IllegalArgumentException("probe count " + count + " is not a power of two");
    }
    SplittableRandom random = new SplittableRandom(seed);
    long[] probes = new long[count];
    for (int i = 0; i < count; i++) {
      probes[i] = keys[random.nextInt(keys.length)];
    }
    return probes;
  }
}

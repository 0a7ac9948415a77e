package io.lakestream.index;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Seeded key sets, random and adversarial, and the reference answers to check indexes against. */
final class TestKeys {
  private TestKeys() {}

  /** Every error bound the tests exercise. */
  static final int[] EPSILONS = {1, 2, 3, 4, 8, 16, 32, 64, 128, 1024, 1 << 20};

  /** Named key sets, sorted, built from {@code seed}. */
  static Map<String, long[]> all(long seed) {
    Random random = new Random(seed);
    Map<String, long[]> sets = new LinkedHashMap<>();
    sets.put("empty", new long[0]);
    sets.put("one key", new long[] {42});
    sets.put("one key at MIN_VALUE", new long[] {Long.MIN_VALUE});
    sets.put("one key at MAX_VALUE", new long[] {Long.MAX_VALUE});
    sets.put("two keys MIN and MAX", new long[] {Long.MIN_VALUE, Long.MAX_VALUE});
    sets.put("all keys equal", filled(5_000, 7));
    sets.put("all keys MAX_VALUE", filled(3_000, Long.MAX_VALUE));
    sets.put("all keys MIN_VALUE", filled(3_000, Long.MIN_VALUE));
    sets.put("uniform random over all longs", sorted(randomLongs(random, 20_000)));
    sets.put("uniform random small range", sorted(randomInRange(random, 20_000, 0, 50_000)));
    sets.put("dense sequential", sequential(20_000, 1_000));
    sets.put("long runs of duplicates", duplicateRuns(random, 30_000));
    sets.put("two far clusters", twoFarClusters(random, 20_000));
    sets.put("extremes with runs", extremesWithRuns(random));
    sets.put("lognormal", lognormal(random, 20_000));
    sets.put("timestamps with bursts and gaps", timestamps(random, 20_000));
    sets.put("consecutive integers with duplicate pairs", consecutivePairs(10_000));
    sets.put("dense clusters 2^40 apart", clustersFarApart(random, 20_000));
    sets.put("clustered at every scale (S2-like)", clusteredAtEveryScale(random, 20_000));
    return sets;
  }

  static long[] filled(int n, long value) {
    long[] keys = new long[n];
    Arrays.fill(keys, value);
    return keys;
  }

  static long[] sorted(long[] keys) {
    Arrays.sort(keys);
    return keys;
  }

  static long[] randomLongs(Random random, int n) {
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = random.nextLong();
    }
    return keys;
  }

  static long[] randomInRange(Random random, int n, long from, long to) {
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = from + (long) (random.nextDouble() * (to - from));
    }
    return keys;
  }

  static long[] sequential(int n, long start) {
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = start + i;
    }
    return keys;
  }

  static long[] duplicateRuns(Random random, int n) {
    long[] keys = new long[n];
    long key = -1_000_000;
    int i = 0;
    while (i < n) {
      int run = random.nextInt(10) == 0 ? 1 + random.nextInt(5_000) : 1 + random.nextInt(3);
      for (int j = 0; j < run && i < n; j++) {
        keys[i++] = key;
      }
      key += 1 + (random.nextBoolean() ? 0 : random.nextInt(1_000));
    }
    return keys;
  }

  static long[] twoFarClusters(Random random, int n) {
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      long base = i < n / 2 ? Long.MIN_VALUE + 10 : Long.MAX_VALUE - 3_000_000;
      keys[i] = base + random.nextInt(2_000_000);
    }
    return sorted(keys);
  }

  static long[] extremesWithRuns(Random random) {
    List<Long> keys = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      keys.add(Long.MIN_VALUE);
    }
    for (int i = 0; i < 1_000; i++) {
      keys.add(Long.MIN_VALUE + 1 + random.nextInt(10));
      keys.add(random.nextLong());
      keys.add(Long.MAX_VALUE - random.nextInt(10));
    }
    for (int i = 0; i < 500; i++) {
      keys.add(Long.MAX_VALUE);
    }
    return sorted(keys.stream().mapToLong(Long::longValue).toArray());
  }

  static long[] lognormal(Random random, int n) {
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = (long) (Math.exp(random.nextGaussian() * 2) * 1e9);
    }
    return sorted(keys);
  }

  static long[] timestamps(Random random, int n) {
    long[] keys = new long[n];
    long t = 1_700_000_000_000_000L;
    for (int i = 0; i < n; i++) {
      int mode = random.nextInt(100);
      if (mode < 2) {
        t += 1_000_000L * random.nextInt(3_600); // a gap of up to an hour
      } else if (mode < 30) {
        t += 0; // a burst: same microsecond
      } else {
        t += random.nextInt(2_000);
      }
      keys[i] = t;
    }
    return keys;
  }

  /**
   * Clusters of 1,000 keys a few apart, each 2^40 above the last, from near {@code Long.MIN_VALUE}:
   * huge gaps between segments, and radix buckets (over the top bits) spanning more than 2^32.
   */
  static long[] clustersFarApart(Random random, int n) {
    long[] keys = new long[n];
    long key = Long.MIN_VALUE + random.nextInt(100);
    for (int i = 0; i < n; i++) {
      key += i % 1_000 == 0 && i > 0 ? 1L << 40 : random.nextInt(8);
      keys[i] = key;
    }
    return keys;
  }

  /**
   * Keys clustered at every scale, like S2 cell ids (the bench's {@code osm}): the range [0, 2^62)
   * split in four, recursively, each quarter getting a lognormal share of its parent's keys.
   */
  static long[] clusteredAtEveryScale(Random random, int n) {
    long[] keys = new long[n];
    fillQuarters(keys, 0, n, 0, 62, random);
    return keys;
  }

  private static void fillQuarters(long[] keys, int from, int to, long base, int bits, Random r) {
    if (to - from <= 1 || bits < 2) {
      for (int i = from; i < to; i++) {
        keys[i] = base + (bits == 0 ? 0 : r.nextLong() & ((1L << bits) - 1));
      }
      Arrays.sort(keys, from, to);
      return;
    }
    double[] shares = new double[4];
    double total = 0;
    for (int q = 0; q < 4; q++) {
      shares[q] = Math.exp(r.nextGaussian() * 1.5);
      total += shares[q];
    }
    int start = from;
    double cumulative = 0;
    for (int q = 0; q < 4; q++) {
      cumulative += shares[q];
      int end = q == 3 ? to : from + (int) Math.round((to - from) * cumulative / total);
      fillQuarters(keys, start, end, base + ((long) q << (bits - 2)), bits - 2, r);
      start = end;
    }
  }

  static long[] consecutivePairs(int n) {
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = i / 2;
    }
    return keys;
  }

  /** Keys to probe: every key, its neighbours, the extremes and random longs. */
  static long[] probes(long[] keys, Random random, int randomCount) {
    long[] probes = new long[keys.length * 3 + randomCount + 6];
    int p = 0;
    for (long key : keys) {
      probes[p++] = key;
      probes[p++] = key - 1;
      probes[p++] = key + 1;
    }
    for (int i = 0; i < randomCount; i++) {
      probes[p++] =
          keys.length > 0 && random.nextBoolean()
              ? keys[random.nextInt(keys.length)] + random.nextInt(2_001) - 1_000
              : random.nextLong();
    }
    probes[p++] = Long.MIN_VALUE;
    probes[p++] = Long.MIN_VALUE + 1;
    probes[p++] = Long.MAX_VALUE;
    probes[p++] = Long.MAX_VALUE - 1;
    probes[p++] = 0;
    probes[p++] = -1;
    return probes;
  }

  /** Number of keys {@code < key}, from {@link Arrays#binarySearch(long[], long)}. */
  static int lowerBound(long[] keys, long key) {
    int found = Arrays.binarySearch(keys, key);
    if (found < 0) {
      return -found - 1;
    }
    while (found > 0 && keys[found - 1] == key) {
      found--;
    }
    return found;
  }

  /** Number of keys {@code <= key}, from {@link Arrays#binarySearch(long[], long)}. */
  static int upperBound(long[] keys, long key) {
    int found = Arrays.binarySearch(keys, key);
    if (found < 0) {
      return -found - 1;
    }
    while (found < keys.length - 1 && keys[found + 1] == key) {
      found++;
    }
    return found + 1;
  }
}

package io.lakestream.index.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RadixTableTest {
  private static final int MAX_BITS = 26;

  @Test
  void endsAtTheBucketOfTheLargestKeyAndBoundsEverySegmentSearch() {
    for (Map.Entry<String, long[]> set : keySets().entrySet()) {
      for (int epsilon : new int[] {1, 4, 32}) {
        Segments segments = Segmentation.fit(set.getValue(), epsilon, Integer.MAX_VALUE);
        for (int extraBits = -1; extraBits <= 1; extraBits++) {
          RadixTable radix = RadixTable.build(segments, extraBits, MAX_BITS);
          String context = set.getKey() + ", epsilon " + epsilon + ", extra bits " + extraBits;
          int[] table = radix.table();
          long span = segments.maxKey() - segments.minKey();
          assertThat(table.length).as(context).isEqualTo((span >>> radix.shift()) + 2);
          assertThat(radix.bytes())
              .as(context)
              .isEqualTo(RadixTable.bytes(segments, extraBits, MAX_BITS));
          if (extraBits == -1) {
            // LearnedIndex counts on at most one entry a segment, plus two, for its budget.
            assertThat(table.length).as(context).isLessThanOrEqualTo(segments.count() + 2);
          }
          for (int s = 0; s < segments.count(); s++) {
            long start = s == 0 ? segments.minKey() : segments.startKey(s);
            int bucket = (int) ((start - segments.minKey()) >>> radix.shift());
            assertThat(s).as(context).isBetween(table[bucket], table[bucket + 1]);
          }
        }
      }
    }
  }

  private static Map<String, long[]> keySets() {
    Random random = new Random(7);
    Map<String, long[]> sets = new LinkedHashMap<>();
    sets.put("one key", new long[] {42});
    sets.put("MIN and MAX", new long[] {Long.MIN_VALUE, Long.MAX_VALUE});
    sets.put("all equal", new long[] {5, 5, 5, 5});
    long[] spread = new long[5_000];
    for (int i = 0; i < spread.length; i++) {
      spread[i] = random.nextLong();
    }
    Arrays.sort(spread);
    sets.put("uniform over all longs", spread);
    long[] clusters = new long[5_000];
    for (int i = 0; i < clusters.length; i++) {
      clusters[i] = (i < 2_500 ? Long.MIN_VALUE : Long.MAX_VALUE - 100_000) + random.nextInt(50);
    }
    Arrays.sort(clusters);
    sets.put("two far clusters", clusters);
    return sets;
  }
}

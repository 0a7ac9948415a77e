package io.lakestream.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LearnedIndexTest {
  private static final long SEED = 20240601L;

  @Test
  void lowerAndUpperBoundsMatchBinarySearchOnEveryKeySetAndEpsilon() {
    Random random = new Random(SEED);
    for (Map.Entry<String, long[]> set : TestKeys.all(SEED).entrySet()) {
      long[] keys = set.getValue();
      long[] probes = TestKeys.probes(keys, random, 2_000);
      int[] lower = new int[probes.length];
      int[] upper = new int[probes.length];
      for (int i = 0; i < probes.length; i++) {
        lower[i] = TestKeys.lowerBound(keys, probes[i]);
        upper[i] = TestKeys.upperBound(keys, probes[i]);
      }
      for (int epsilon : TestKeys.EPSILONS) {
        LearnedIndex index = LearnedIndex.build(keys, epsilon);
        for (int i = 0; i < probes.length; i++) {
          long probe = probes[i];
          if (index.lowerBound(probe) != lower[i] || index.upperBound(probe) != upper[i]) {
            assertThat(new int[] {index.lowerBound(probe), index.upperBound(probe)})
                .as("%s, epsilon %d, %s, key %d", set.getKey(), epsilon, index, probe)
                .containsExactly(lower[i], upper[i]);
          }
        }
      }
    }
  }

  @Test
  void rangesAndCountsMatchBinarySearch() {
    Random random = new Random(SEED + 1);
    for (Map.Entry<String, long[]> set : TestKeys.all(SEED).entrySet()) {
      long[] keys = set.getValue();
      LearnedIndex index = LearnedIndex.build(keys, 16);
      long[] probes = TestKeys.probes(keys, random, 500);
      for (int i = 0; i < 3_000; i++) {
        long a = probes[random.nextInt(probes.length)];
        long b = probes[random.nextInt(probes.length)];
        long lo = Math.min(a, b);
        long hi = Math.max(a, b);
        int from = TestKeys.lowerBound(keys, lo);
        String context = set.getKey() + " [" + lo + ", " + hi + "]";
        assertThat(index.range(lo, hi))
            .as(context)
            .isEqualTo(new PositionRange(from, Math.max(from, TestKeys.lowerBound(keys, hi))));
        assertThat(index.rangeInclusive(lo, hi))
            .as(context)
            .isEqualTo(new PositionRange(from, TestKeys.upperBound(keys, hi)));
        assertThat(index.count(lo, hi)).as(context).isEqualTo(TestKeys.lowerBound(keys, hi) - from);
        assertThat(index.countInclusive(lo, hi))
            .as(context)
            .isEqualTo(TestKeys.upperBound(keys, hi) - from);
        assertThat(index.count(hi, lo)).as(context).isZero();
        if (lo < hi) {
          assertThat(index.range(hi, lo).isEmpty()).as(context).isTrue();
          assertThat(index.countInclusive(hi, lo)).as(context).isZero();
        }
      }
    }
  }

  @Test
  void staysExactOnLongSegmentsWhoseSlopeNeedsMoreThanAFloat() {
    // Slope 1/3 over millions of positions: a float slope alone would drift by several positions.
    long[] keys = new long[3_000_000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = 3L * i + (i % 7 == 0 ? 1 : 0);
    }
    Random random = new Random(SEED);
    for (int epsilon : new int[] {1, 4, 32}) {
      LearnedIndex index = LearnedIndex.build(keys, epsilon);
      KeyModel model = index.model();
      for (int i = 0; i < 20_000; i++) {
        long key = random.nextInt(3 * keys.length + 10) - 5;
        int expected = TestKeys.lowerBound(keys, key);
        assertThat(index.lowerBound(key))
            .as("epsilon %d, key %d", epsilon, key)
            .isEqualTo(expected);
        PositionRange window = model.lowerBoundWindow(key);
        assertThat(expected).isBetween((int) window.from(), (int) window.to());
      }
    }
  }

  @Test
  void emptyIndexAnswersZeroEverywhere() {
    LearnedIndex index = LearnedIndex.build(new long[0]);
    assertThat(index.size()).isZero();
    for (long key : new long[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE}) {
      assertThat(index.lowerBound(key)).isZero();
      assertThat(index.upperBound(key)).isZero();
      assertThat(index.range(Long.MIN_VALUE, key)).isEqualTo(PositionRange.empty(0));
    }
  }

  @Test
  void singleKeyIndex() {
    LearnedIndex index = LearnedIndex.build(new long[] {5});
    assertThat(index.lowerBound(4)).isZero();
    assertThat(index.lowerBound(5)).isZero();
    assertThat(index.upperBound(5)).isOne();
    assertThat(index.lowerBound(6)).isOne();
    assertThat(index.countInclusive(5, 5)).isOne();
    assertThat(index.countInclusive(Long.MIN_VALUE, Long.MAX_VALUE)).isOne();
  }

  @Test
  void rejectsUnsortedKeysSayingWhere() {
    assertThatThrownBy(() -> LearnedIndex.build(new long[] {1, 2, 3, 2, 5}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot build a learned index: keys are not sorted: keys[2] = 3 > keys[3] = 2;"
                + " sort the keys (ascending, signed) before building");
  }

  @Test
  void rejectsEpsilonOutOfRange() {
    assertThatThrownBy(() -> LearnedIndex.build(new long[] {1}, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("epsilon 0 is out of range [1, 1073741824]");
  }

  @Test
  void isSmallOnRegularKeys() {
    long[] keys = TestKeys.lognormal(new Random(SEED), 200_000);
    LearnedIndex index = LearnedIndex.build(keys);
    assertThat(index.indexBytes()).as(index.toString()).isLessThan(keys.length / 10);
    assertThat(index.epsilon()).isEqualTo(LearnedIndex.DEFAULT_EPSILON);
    assertThat(LearnedIndex.build(TestKeys.sequential(1_000, 0)).segmentCount()).isOne();
  }

  @Test
  void raisesEpsilonToStayWithinATenthOfAByteAKeyOnKeysClusteredAtEveryScale() {
    Random random = new Random(SEED);
    long[] keys = TestKeys.clusteredAtEveryScale(random, 400_000);
    long budget = keys.length / 10;
    assertThat(LearnedIndex.build(keys, LearnedIndex.DEFAULT_EPSILON).indexBytes())
        .as("the default epsilon does not fit")
        .isGreaterThan(budget);
    LearnedIndex index = LearnedIndex.build(keys);
    assertThat(index.epsilon()).as(index.toString()).isGreaterThan(LearnedIndex.DEFAULT_EPSILON);
    assertThat(index.indexBytes()).as(index.toString()).isLessThanOrEqualTo(budget);
    assertExact(index, keys, TestKeys.probes(keys, random, 2_000), "S2-like");
  }

  @Test
  void buildWithinAnyBudgetIsExactAndTakesTheSmallestEpsilonThatFits() {
    Random random = new Random(SEED + 2);
    for (Map.Entry<String, long[]> set : TestKeys.all(SEED).entrySet()) {
      long[] keys = set.getValue();
      long[] probes = TestKeys.probes(keys, random, 500);
      int previousEpsilon = Integer.MAX_VALUE;
      for (long budget : new long[] {0, 100, 300, 1_000, 3_000, 10_000, Long.MAX_VALUE}) {
        LearnedIndex index = LearnedIndex.buildWithin(keys, budget);
        String context = set.getKey() + ", budget " + budget + ", " + index;
        assertThat(index.epsilon())
            .as(context)
            .isIn(LearnedIndex.DEFAULT_EPSILON, 64, LearnedIndex.MAX_BUDGET_EPSILON)
            .isLessThanOrEqualTo(previousEpsilon);
        if (index.epsilon() < LearnedIndex.MAX_BUDGET_EPSILON && keys.length > 0) {
          assertThat(index.indexBytes()).as(context).isLessThanOrEqualTo(budget);
        }
        assertExact(index, keys, probes, context);
        previousEpsilon = index.epsilon();
      }
      assertThat(previousEpsilon).as("unbounded budget").isEqualTo(LearnedIndex.DEFAULT_EPSILON);
    }
  }

  private static void assertExact(LearnedIndex index, long[] keys, long[] probes, String context) {
    for (long probe : probes) {
      int lower = TestKeys.lowerBound(keys, probe);
      int upper = TestKeys.upperBound(keys, probe);
      if (index.lowerBound(probe) != lower || index.upperBound(probe) != upper) {
        assertThat(new int[] {index.lowerBound(probe), index.upperBound(probe)})
            .as("%s, key %d", context, probe)
            .containsExactly(lower, upper);
      }
    }
  }

  @Test
  void modelOfTheIndexPredictsTheSameWindows() {
    long[] keys = TestKeys.lognormal(new Random(SEED), 10_000);
    LearnedIndex index = LearnedIndex.build(keys, 8);
    KeyModel model = index.model();
    assertThat(model.epsilon()).isEqualTo(8);
    assertThat(model.size()).isEqualTo(keys.length);
    for (long key : keys) {
      PositionRange window = model.lowerBoundWindow(key);
      assertThat(index.lowerBound(key)).isBetween((int) window.from(), (int) window.to());
    }
  }
}

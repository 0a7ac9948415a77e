package io.lakestream.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyModelTest {
  private static final long SEED = 77L;

  @Test
  void windowsHoldTheBoundsOnEveryKeySetAndEpsilon() {
    Random random = new Random(SEED);
    for (Map.Entry<String, long[]> set : TestKeys.all(SEED).entrySet()) {
      long[] keys = set.getValue();
      long[] probes = TestKeys.probes(keys, random, 1_000);
      for (int epsilon : TestKeys.EPSILONS) {
        KeyModel model = KeyModel.buildWithEpsilon(keys, epsilon);
        for (long probe : probes) {
          String context = set.getKey() + ", epsilon " + epsilon + ", key " + probe;
          assertHolds(
              model.lowerBoundWindow(probe), TestKeys.lowerBound(keys, probe), model, context);
          assertHolds(
              model.upperBoundWindow(probe), TestKeys.upperBound(keys, probe), model, context);
        }
      }
    }
  }

  private static void assertHolds(PositionRange window, int bound, KeyModel model, String context) {
    if (window.from() > bound
        || window.to() < bound
        || window.to() > model.size()
        || window.length() > 2L * model.epsilon() + 1) {
      assertThat(window).as(context + ": bound " + bound + " of " + model.size()).isNull();
    }
  }

  @Test
  void rowRangesContainEveryMatchingRow() {
    Random random = new Random(SEED + 1);
    for (Map.Entry<String, long[]> set : TestKeys.all(SEED).entrySet()) {
      long[] keys = set.getValue();
      KeyModel model = KeyModel.build(keys);
      long[] probes = TestKeys.probes(keys, random, 500);
      for (int i = 0; i < 3_000; i++) {
        long lo = probes[random.nextInt(probes.length)];
        long hi = probes[random.nextInt(probes.length)];
        String context = set.getKey() + " [" + lo + ", " + hi + "], " + model;
        PositionRange rows = model.rowRange(lo, hi);
        int from = TestKeys.lowerBound(keys, lo);
        int to = TestKeys.lowerBound(keys, hi);
        assertThat(rows.to()).as(context).isLessThanOrEqualTo(model.size());
        if (from < to) {
          assertThat(rows.from()).as(context).isLessThanOrEqualTo(from);
          assertThat(rows.to()).as(context).isGreaterThanOrEqualTo(to);
        }
        if (lo >= hi) {
          assertThat(rows.isEmpty()).as(context).isTrue();
        }
        PositionRange inclusive = model.rowRangeInclusive(lo, hi);
        int last = TestKeys.upperBound(keys, hi);
        if (from < last) {
          assertThat(inclusive.from()).as(context).isLessThanOrEqualTo(from);
          assertThat(inclusive.to()).as(context).isGreaterThanOrEqualTo(last);
        }
      }
    }
  }

  @Test
  void rowRangeOfTheWholeKeySpaceIsEveryRow() {
    long[] keys = TestKeys.extremesWithRuns(new Random(SEED));
    KeyModel model = KeyModel.build(keys);
    assertThat(model.rowRangeInclusive(Long.MIN_VALUE, Long.MAX_VALUE))
        .isEqualTo(new PositionRange(0, keys.length));
    assertThat(model.minKey()).isEqualTo(Long.MIN_VALUE);
    assertThat(model.maxKey()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void rowRangeOutsideTheKeysIsEmpty() {
    KeyModel model = KeyModel.build(TestKeys.sequential(1_000, 100));
    assertThat(model.rowRange(0, 100).isEmpty()).isTrue();
    assertThat(model.rowRange(1_100, Long.MAX_VALUE).isEmpty()).isTrue();
    assertThat(model.rowRange(500, 501).length()).isLessThanOrEqualTo(2L * model.epsilon() + 2);
  }

  @Test
  void buildFitsTheTagBudgetByRaisingEpsilonOnHardData() {
    Random random = new Random(SEED);
    long[] hard = TestKeys.sorted(TestKeys.randomLongs(random, 300_000));
    KeyModel model = KeyModel.build(hard);
    assertThat(model.serializedSize()).isLessThanOrEqualTo(KeyModel.DEFAULT_MAX_BYTES);
    assertThat(model.toTag().length()).isLessThanOrEqualTo(4096);
    assertThat(model.epsilon()).isGreaterThan(8);

    KeyModel easy = KeyModel.build(TestKeys.sequential(300_000, 5));
    assertThat(easy.epsilon()).isEqualTo(8);
    assertThat(easy.segmentCount()).isOne();

    KeyModel small = KeyModel.buildWithin(hard, 200);
    assertThat(small.serializedSize()).isLessThanOrEqualTo(200);
    assertThat(small.epsilon()).isGreaterThan(model.epsilon());
  }

  @Test
  void everyKeySetFitsTheDefaultBudget() {
    for (Map.Entry<String, long[]> set : TestKeys.all(SEED).entrySet()) {
      assertThat(KeyModel.build(set.getValue()).serializedSize())
          .as(set.getKey())
          .isLessThanOrEqualTo(KeyModel.DEFAULT_MAX_BYTES);
    }
  }

  @Test
  void rejectsUnsortedKeysAndBadArguments() {
    assertThatThrownBy(() -> KeyModel.build(new long[] {Long.MAX_VALUE, Long.MIN_VALUE}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keys are not sorted: keys[0] = 9223372036854775807 > keys[1]");
    assertThatThrownBy(() -> KeyModel.buildWithEpsilon(new long[] {1}, KeyModel.MAX_EPSILON + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is out of range");
    assertThatThrownBy(() -> KeyModel.buildWithin(new long[] {1}, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBytes 10 is below 64");
  }

  @Test
  void emptyModel() {
    KeyModel model = KeyModel.build(new long[0]);
    assertThat(model.isEmpty()).isTrue();
    assertThat(model.rowRangeInclusive(Long.MIN_VALUE, Long.MAX_VALUE))
        .isEqualTo(PositionRange.empty(0));
    assertThat(KeyModel.fromTag(model.toTag())).isEqualTo(model);
    assertThatThrownBy(model::minKey)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("The key model is empty: it has no minimum or maximum key");
  }
}

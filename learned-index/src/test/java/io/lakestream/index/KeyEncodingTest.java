package io.lakestream.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyEncodingTest {
  @Test
  void doublesKeepTheirOrder() {
    double[] ordered = {
      Double.NEGATIVE_INFINITY,
      -Double.MAX_VALUE,
      -1e300,
      -1.5,
      -1.0,
      -Double.MIN_NORMAL,
      -Double.MIN_VALUE,
      0.0,
      Double.MIN_VALUE,
      Double.MIN_NORMAL,
      1.0,
      1.5,
      1e300,
      Double.MAX_VALUE,
      Double.POSITIVE_INFINITY,
      Double.NaN
    };
    for (int i = 1; i < ordered.length; i++) {
      assertThat(KeyEncoding.ofDouble(ordered[i - 1]))
          .as("%s < %s", ordered[i - 1], ordered[i])
          .isLessThan(KeyEncoding.ofDouble(ordered[i]));
    }
  }

  @Test
  void randomDoublesSortTheSameEncodedOrNot() {
    Random random = new Random(5);
    double[] values = new double[10_000];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20);
    }
    Arrays.sort(values);
    long[] keys = KeyEncoding.ofDoubles(values);
    for (int i = 1; i < keys.length; i++) {
      assertThat(Long.compare(keys[i - 1], keys[i]))
          .isEqualTo(Double.compare(values[i - 1], values[i]));
      assertThat(KeyEncoding.toDouble(keys[i])).isEqualTo(values[i]);
    }
  }

  @Test
  void negativeZeroIsTheSameKeyAsZero() {
    assertThat(KeyEncoding.ofDouble(-0.0)).isEqualTo(KeyEncoding.ofDouble(0.0)).isZero();
    assertThat(KeyEncoding.toDouble(0L)).isEqualTo(0.0);
    assertThat(KeyEncoding.ofFloat(-0.0f)).isZero();
  }

  @Test
  void everyNanIsOneKeyAboveInfinity() {
    long nan = KeyEncoding.ofDouble(Double.NaN);
    assertThat(KeyEncoding.ofDouble(Double.longBitsToDouble(0xFFF8_0000_0000_0001L)))
        .isEqualTo(nan);
    assertThat(KeyEncoding.ofFloat(Float.NaN)).isEqualTo(nan);
    assertThat(nan).isGreaterThan(KeyEncoding.ofDouble(Double.POSITIVE_INFINITY));
    assertThat(KeyEncoding.toDouble(nan)).isNaN();
  }

  @Test
  void floatsEncodeLikeTheSameDouble() {
    assertThat(KeyEncoding.ofFloat(1.25f)).isEqualTo(KeyEncoding.ofDouble(1.25));
    assertThat(KeyEncoding.ofFloat(-3.5f)).isLessThan(KeyEncoding.ofFloat(-3.25f));
  }

  @Test
  void integersDatesAndTimestampsAreThemselves() {
    assertThat(KeyEncoding.ofInt(Integer.MIN_VALUE)).isEqualTo(Integer.MIN_VALUE);
    assertThat(KeyEncoding.ofDateDays(19_000)).isEqualTo(19_000L);
    assertThat(KeyEncoding.ofTimestampMicros(-5L)).isEqualTo(-5L);
    assertThat(KeyEncoding.ofLong(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    assertThat(KeyEncoding.ofInts(new int[] {-1, 2})).containsExactly(-1L, 2L);
    assertThat(KeyEncoding.toInt(-7L)).isEqualTo(-7);
    assertThatThrownBy(() -> KeyEncoding.toInt(1L << 40))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Key 1099511627776 does not encode an int");
  }

  @Test
  void indexOverEncodedDoublesFindsNegativeAndPositiveZeros() {
    double[] values = {-2.0, -0.0, 0.0, 0.0, 3.0};
    LearnedIndex index = LearnedIndex.build(KeyEncoding.ofDoubles(values));
    long zero = KeyEncoding.ofDouble(0.0);
    assertThat(index.countInclusive(zero, zero)).isEqualTo(3);
    assertThat(index.lowerBound(KeyEncoding.ofDouble(-1.0))).isOne();
  }
}

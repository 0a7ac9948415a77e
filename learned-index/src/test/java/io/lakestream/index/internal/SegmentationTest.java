package io.lakestream.index.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SegmentationTest {
  @Test
  void findsAFloatSlopeInsideTheConeOrSaysThereIsNone() {
    double third = 1.0 / 3;
    float below = (float) third < third ? (float) third : Math.nextDown((float) third);
    float above = Math.nextUp(below);
    assertThat(Segmentation.holdsFloat(third - 1e-12, third + 1e-12)).isFalse();
    assertThat(Segmentation.holdsFloat(below, below)).isTrue();
    assertThat(Segmentation.holdsFloat(below + 1e-12, above)).isTrue();
    assertThat(Segmentation.toFloatWithin(below + 1e-12, above, third)).isEqualTo(above);
    assertThat(Segmentation.toFloatWithin(0, 1, 0.5)).isEqualTo(0.5f);
    assertThatThrownBy(() -> Segmentation.toFloatWithin(third - 1e-12, third + 1e-12, third))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("no float in [");
  }

  @Test
  void predictionsTruncateAndNeverOverflow() {
    long[] data = {Long.MIN_VALUE, Segments.pack(1e30f, 7)};
    assertThat(Segments.predict(data, 0, Long.MAX_VALUE, 100)).isEqualTo(107);
    assertThat(Segments.predict(data, 0, Long.MIN_VALUE, 100)).isEqualTo(7);
    assertThat(Segments.unsignedToDouble(-1L)).isEqualTo(0x1p64);
    assertThat(Segments.unsignedToDouble(Long.MIN_VALUE)).isEqualTo(0x1p63);
  }

  @Test
  void segmentsTileTheKeysFromTheMinimum() {
    long[] keys = {Long.MIN_VALUE, -5, -5, -5, 0, 1, 2, 1_000_000, Long.MAX_VALUE};
    Segments segments = Segmentation.fit(keys, 1, Integer.MAX_VALUE);
    assertThat(segments.startKey(0)).isEqualTo(Long.MIN_VALUE);
    for (int i = 1; i < segments.count(); i++) {
      assertThat(segments.startKey(i)).isGreaterThan(segments.startKey(i - 1));
      assertThat(segments.intercept(i)).isGreaterThanOrEqualTo(segments.intercept(i - 1));
    }
    assertThat(Segmentation.fit(keys, 1, 1)).as("over the segment budget").isNull();
  }
}

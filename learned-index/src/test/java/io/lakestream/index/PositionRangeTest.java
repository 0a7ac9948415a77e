package io.lakestream.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PositionRangeTest {
  @Test
  void holdsAHalfOpenRange() {
    PositionRange range = new PositionRange(3, 7);
    assertThat(range.length()).isEqualTo(4);
    assertThat(range.contains(3)).isTrue();
    assertThat(range.contains(7)).isFalse();
    assertThat(range.isEmpty()).isFalse();
    assertThat(PositionRange.empty(5).isEmpty()).isTrue();
    assertThat(range).hasToString("[3, 7)");
  }

  @Test
  void rejectsInvertedOrNegativeBounds() {
    assertThatThrownBy(() -> new PositionRange(5, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid position range [5, 4): need 0 <= from <= to");
    assertThatThrownBy(() -> new PositionRange(-1, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid position range [-1, 4): need 0 <= from <= to");
  }
}

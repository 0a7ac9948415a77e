package io.lakestream.ingest.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayStartTest {
  @Test
  void offsetsArePartitionColonOffsetPairs() {
    assertThat(ReplayStart.parseOffsets("0:120, 3:0"))
        .isEqualTo(new ReplayStart.AtOffsets(Map.of(0, 120L, 3, 0L)));
  }

  @Test
  void aPairThatIsNotTwoNumbersIsNamed() {
    assertThatThrownBy(() -> ReplayStart.parseOffsets("0:120,3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'3' is not partition:offset (two numbers from 0, e.g. 0:120,3:0)");
    assertThatThrownBy(() -> ReplayStart.parseOffsets("0:-1"))
        .hasMessage("'0:-1' is not partition:offset (two numbers from 0, e.g. 0:120,3:0)");
    assertThatThrownBy(() -> ReplayStart.parseOffsets("1:5,1:6"))
        .hasMessage("'1:5,1:6' names partition 1 twice");
  }
}

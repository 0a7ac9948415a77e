package io.lakestream.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.index.internal.ModelCodec;
import io.lakestream.index.internal.Segmentation;
import io.lakestream.index.internal.Segments;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyModelBudgetTest {
  @Test
  void stoppingTriesEarlyOnTheByteBudgetPicksTheSameModelAsFullTries() {
    for (Map.Entry<String, long[]> set : TestKeys.all(5L).entrySet()) {
      long[] keys = set.getValue();
      for (int maxBytes : new int[] {64, 200, 1_000, KeyModel.DEFAULT_MAX_BYTES}) {
        Segments expected = null;
        for (int epsilon = 8; expected == null; epsilon *= 2) {
          Segments full = Segmentation.fit(keys, epsilon, Integer.MAX_VALUE);
          if (ModelCodec.length(full) <= maxBytes) {
            expected = full;
          }
        }
        assertThat(KeyModel.buildWithin(keys, maxBytes).segments())
            .as("%s within %d bytes", set.getKey(), maxBytes)
            .isEqualTo(expected);
      }
    }
  }
}

package io.lakestream.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.index.internal.Segmentation;
import io.lakestream.index.internal.Segments;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SegmentationOptimalityTest {
  @Test
  void optimalSegmentationKeepsTheBoundAndNeverNeedsMoreSegmentsThanTheCone() {
    for (Map.Entry<String, long[]> set : TestKeys.all(7L).entrySet()) {
      long[] keys = set.getValue();
      if (keys.length == 0) {
        continue;
      }
      long[] probes = TestKeys.probes(keys, new Random(11), 2_000);
      for (int epsilon : TestKeys.EPSILONS) {
        if (epsilon < 2) {
          continue;
        }
        int[] outcome = new int[1];
        Segments optimal = Segmentation.fitOptimal(keys, epsilon, Integer.MAX_VALUE, outcome);
        assertThat(optimal).as("%s, epsilon %d: exact check", set.getKey(), epsilon).isNotNull();
        KeyModel model = KeyModel.of(optimal);
        for (long probe : probes) {
          long lowerBound = TestKeys.lowerBound(keys, probe);
          PositionRange window = model.lowerBoundWindow(probe);
          if (lowerBound < window.from() || lowerBound > window.to()) {
            assertThat(lowerBound)
                .as("%s, epsilon %d, key %d, window %s", set.getKey(), epsilon, probe, window)
                .isBetween(window.from(), window.to());
          }
        }
        if (epsilon < 16) {
          continue; // the cone's tolerance is epsilon - 0.5, the optimal one's epsilon - 1
        }
        Segments cone = Segmentation.fit(keys, epsilon, Integer.MAX_VALUE);
        assertThat(optimal.count())
            .as("%s, epsilon %d", set.getKey(), epsilon)
            .isLessThanOrEqualTo(cone.count());
      }
    }
  }
}

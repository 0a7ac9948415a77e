package io.lakestream.tables.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FileIndexerTest {
  @Test
  void sortedKeysNeedNoRowOrder() {
    long[] keys = {1, 2, 2, 5, 9};
    assertThat(FileIndexer.sortWithPositions(keys)).isNull();
    assertThat(keys).containsExactly(1, 2, 2, 5, 9);
  }

  @Test
  void unsortedKeysAreSortedWithTheirRowsTiesInRowOrder() {
    long[] keys = {7, 3, 7, 1, 3, 9, 0};
    int[] order = FileIndexer.sortWithPositions(keys);
    assertThat(keys).containsExactly(0, 1, 3, 3, 7, 7, 9);
    assertThat(order).containsExactly(6, 3, 1, 4, 0, 2, 5);
  }

  @Test
  void anyOrderGivesTheStableSortOfTheKeys() {
    Random random = new Random(4);
    for (int n : new int[] {2, 3, 17, 1000, 4097}) {
      long[] original = new long[n];
      for (int i = 0; i < n; i++) {
        original[i] = random.nextInt(n / 2 + 1) - n / 4;
      }
      long[] keys = original.clone();
      int[] order = FileIndexer.sortWithPositions(keys);
      long[] expected = original.clone();
      Arrays.sort(expected);
      assertThat(keys).containsExactly(expected);
      if (order == null) {
        assertThat(original).containsExactly(expected);
        continue;
      }
      for (int rank = 0; rank < n; rank++) {
        assertThat(original[order[rank]]).isEqualTo(keys[rank]);
        if (rank > 0 && keys[rank] == keys[rank - 1]) {
          assertThat(order[rank]).isGreaterThan(order[rank - 1]);
        }
      }
    }
  }
}

package io.lakestream.reader.internal;

import java.util.Arrays;

/** Row positions found one by one, ascending, in a growing array. Not thread-safe. */
final class SelectedRows {
  private int[] positions = new int[16];
  private int count;

  void add(int position) {
    if (count == positions.length) {
      positions = Arrays.copyOf(positions, count * 2);
    }
    positions[count++] = position;
  }

  /** The positions added, in order. */
  int[] toArray() {
    return Arrays.copyOf(positions, count);
  }
}

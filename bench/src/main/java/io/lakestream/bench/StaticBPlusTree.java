package io.lakestream.bench;

import java.util.Arrays;

/**
 * A cache-conscious static B+tree over a sorted {@code long[]}: implicit (no pointers; a child's
 * place is computed), nodes of 16 keys (two cache lines) laid out level by level, root first, in
 * one array, like a 16-ary Eytzinger layout. Each separator is the largest key of its subtree; the
 * sorted keys themselves are the leaves, read in blocks of 16. A lookup scans one node per level
 * without branches, counting the separators below the key.
 */
public final class StaticBPlusTree {
  /** Keys per node. */
  public static final int B = 16;

  private final long[] keys;
  private final int size;
  private final long maxKey;
  private final long[] tree;
  private final int[] levelOffsets;

  /** Builds the tree over {@code sortedKeys}, which it keeps (does not copy). */
  public StaticBPlusTree(long[] sortedKeys) {
    this.keys = sortedKeys;
    this.size = sortedKeys.length;
    this.maxKey = size == 0 ? Long.MIN_VALUE : sortedKeys[size - 1];
    // Levels from the bottom: the maximum of each block of B entries of the level below.
    long[][] levels = new long[64][];
    int height = 0;
    long[] below = sortedKeys;
    int belowCount = size;
    do {
      int count = (belowCount + B - 1) / B;
      long[] level = new long[((count + B - 1) / B) * B];
      Arrays.fill(level, Long.MAX_VALUE);
      for (int j = 0; j < count; j++) {
        level[j] = below[Math.min((j + 1) * B, belowCount) - 1];
      }
      levels[height++] = level;
      below = level;
      belowCount = count;
    } while (belowCount > B);
    int total = 0;
    levelOffsets = new int[height];
    for (int l = height - 1; l >= 0; l--) {
      levelOffsets[height - 1 - l] = total;
      total += levels[l].length;
    }
    tree = new long[total];
    for (int l = height - 1; l >= 0; l--) {
      System.arraycopy(levels[l], 0, tree, levelOffsets[height - 1 - l], levels[l].length);
    }
  }

  /** Number of keys. */
  public int size() {
    return size;
  }

  /** Bytes of the inner nodes, on top of the keys. */
  public long indexBytes() {
    return 16L + 8L * tree.length + 16L + 4L * levelOffsets.length;
  }

  /** The position of the first key {@code >= key}. */
  public int lowerBound(long key) {
    if (size == 0 || key > maxKey) {
      return size;
    }
    long[] tree = this.tree;
    int child = 0;
    for (int offset : levelOffsets) {
      int base = offset + child * B;
      int below = 0;
      for (int i = 0; i < B; i++) {
        below += tree[base + i] < key ? 1 : 0;
      }
      child = child * B + below;
    }
    int from = child * B;
    int to = Math.min(from + B, size);
    int position = from;
    for (int i = from; i < to; i++) {
      position += keys[i] < key ? 1 : 0;
    }
    return position;
  }
}

package io.lakestream.bench;

import io.lakestream.index.LearnedIndex;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One searchable structure over a sorted key array, with its own lookup loops so that each loop
 * calls one implementation (a monomorphic, inlined call) whatever else runs in the same JVM.
 *
 * <p>Throughput: independent lookups, the results summed, so the CPU overlaps the memory accesses
 * of consecutive lookups. Latency: a dependent chain, the next probe chosen by the last result, so
 * the lookups run one after the other and each pays its full memory latency.
 */
public abstract class Lookup {
  /** Largest key count for {@link TreeMapLookup}: a TreeMap costs about 80 bytes a key. */
  public static final int TREE_MAP_MAX_KEYS = 10_000_000;

  /** Structure names, as on the command line and in reports. */
  public static final String LEARNED = "learned";

  public static final String BTREE = "b+tree";
  public static final String BINARY_SEARCH = "binarySearch";
  public static final String TREE_MAP = "treeMap";

  /** Name in reports. */
  public abstract String name();

  /** Bytes on top of the sorted key array; -1 if unknown. */
  public abstract long indexBytes();

  /** What a report should say about how the structure was built, such as its epsilon; or "". */
  public String notes() {
    return "";
  }

  /** Sum of the lower bounds of every probe. */
  public abstract long throughput(long[] probes);

  /**
   * {@code count} lookups in a dependent chain: lookup {@code i} probes {@code probes[(i + last
   * result's low bit) & (probes.length - 1)]}; returns the last result.
   */
  public abstract long latency(long[] probes, int count);

  /**
   * Builds the named structure over {@code keys}: {@code learned}, {@code learned-e<epsilon>},
   * {@code b+tree}, {@code binarySearch}, {@code treeMap}.
   */
  public static Lookup build(String structure, long[] keys) {
    if (structure.equals(LEARNED)) {
      return new LearnedLookup(LearnedIndex.build(keys), structure);
    }
    if (structure.startsWith(LEARNED + "-e")) {
      int epsilon = Integer.parseInt(structure.substring(LEARNED.length() + 2));
      return new LearnedLookup(LearnedIndex.build(keys, epsilon), structure);
    }
    switch (structure) {
      case BTREE:
        return new BPlusTreeLookup(new StaticBPlusTree(keys));
      case BINARY_SEARCH:
        return new BinarySearchLookup(keys);
      case TREE_MAP:
        if (keys.length > TREE_MAP_MAX_KEYS) {
          throw new IllegalArgumentException(
              "TreeMap is capped at " + TREE_MAP_MAX_KEYS + " keys (about 80 bytes a key)");
        }
        return new TreeMapLookup(keys);
      default:
        throw new IllegalArgumentException("Unknown structure '" + structure + "'");
    }
  }

  static final class LearnedLookup extends Lookup {
    private final LearnedIndex index;
    private final String name;

    LearnedLookup(LearnedIndex index, String name) {
      this.index = index;
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public long indexBytes() {
      return index.indexBytes();
    }

    @Override
    public String notes() {
      return String.format(
          Locale.ROOT, "ε %d, %,d segments", index.epsilon(), index.segmentCount());
    }

    @Override
    public long throughput(long[] probes) {
      LearnedIndex index = this.index;
      long sum = 0;
      for (long probe : probes) {
        sum += index.lowerBound(probe);
      }
      return sum;
    }

    @Override
    public long latency(long[] probes, int count) {
      LearnedIndex index = this.index;
      int mask = probes.length - 1;
      int last = 0;
      for (int i = 0; i < count; i++) {
        last = index.lowerBound(probes[(i + (last & 1)) & mask]);
      }
      return last;
    }
  }

  static final class BPlusTreeLookup extends Lookup {
    private final StaticBPlusTree tree;

    BPlusTreeLookup(StaticBPlusTree tree) {
      this.tree = tree;
    }

    @Override
    public String name() {
      return BTREE;
    }

    @Override
    public long indexBytes() {
      return tree.indexBytes();
    }

    @Override
    public long throughput(long[] probes) {
      StaticBPlusTree tree = this.tree;
      long sum = 0;
      for (long probe : probes) {
        sum += tree.lowerBound(probe);
      }
      return sum;
    }

    @Override
    public long latency(long[] probes, int count) {
      StaticBPlusTree tree = this.tree;
      int mask = probes.length - 1;
      int last = 0;
      for (int i = 0; i < count; i++) {
        last = tree.lowerBound(probes[(i + (last & 1)) & mask]);
      }
      return last;
    }
  }

  static final class BinarySearchLookup extends Lookup {
    private final long[] keys;

    BinarySearchLookup(long[] keys) {
      this.keys = keys;
    }

    @Override
    public String name() {
      return BINARY_SEARCH;
    }

    @Override
    public long indexBytes() {
      return 0;
    }

    private static int position(long[] keys, long key) {
      int found = Arrays.binarySearch(keys, key);
      return found >= 0 ? found : -found - 1;
    }

    @Override
    public long throughput(long[] probes) {
      long[] keys = this.keys;
      long sum = 0;
      for (long probe : probes) {
        sum += position(keys, probe);
      }
      return sum;
    }

    @Override
    public long latency(long[] probes, int count) {
      long[] keys = this.keys;
      int mask = probes.length - 1;
      int last = 0;
      for (int i = 0; i < count; i++) {
        last = position(keys, probes[(i + (last & 1)) & mask]);
      }
      return last;
    }
  }

  static final class TreeMapLookup extends Lookup {
    private final TreeMap<Long, Integer> map = new TreeMap<>();
    private final int size;

    TreeMapLookup(long[] keys) {
      size = keys.length;
      for (int i = keys.length - 1; i >= 0; i--) {
        map.put(keys[i], i); // the last put of a key is its first position
      }
    }

    @Override
    public String name() {
      return TREE_MAP;
    }

    @Override
    public long indexBytes() {
      // Entry (40 B) + Long (16 B) + Integer (16 B, beyond the small-value cache), per entry.
      return 72L * map.size();
    }

    private int position(long key) {
      Map.Entry<Long, Integer> entry = map.ceilingEntry(key);
      return entry == null ? size : entry.getValue();
    }

    @Override
    public long throughput(long[] probes) {
      long sum = 0;
      for (long probe : probes) {
        sum += position(probe);
      }
      return sum;
    }

    @Override
    public long latency(long[] probes, int count) {
      int mask = probes.length - 1;
      int last = 0;
      for (int i = 0; i < count; i++) {
        last = position(probes[(i + (last & 1)) & mask]);
      }
      return last;
    }
  }
}

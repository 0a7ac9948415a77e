package io.lakestream.reader.internal;

import org.apache.parquet.column.values.bloomfilter.BlockSplitBloomFilter;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;

/**
 * What is known of the values of column chunks (a row group's values of one column) looked up by
 * one value: a Bloom filter, read from the file or made from the chunk's dictionary, or that the
 * chunk has neither. Kept up to a bound in bytes, most recently used last, each with its file's
 * count of row groups, so that a lookup over many files can skip a file whose every row group
 * refuses the value without opening it ({@link #refusesEverywhere}). A writer's file of a few
 * hundred ids costs about two kilobytes, a compacted row group of distinct ids up to a megabyte.
 * Thread-safe.
 */
final class BloomFilterCache {
  /** What an entry costs beyond its filter's bits. */
  private static final long ENTRY_BYTES = 96;

  /** The share of absent values a filter made from a dictionary admits. */
  static final double DICTIONARY_FILTER_FPP = 0.001;

  /**
   * A chunk's filter, or null when it has none (every value may be there); {@code rowGroups}: the
   * file's.
   */
  private record Entry(BloomFilter filter, int rowGroups) {
    long sizeBytes() {
      return filter == null ? ENTRY_BYTES : ENTRY_BYTES + filter.getBitsetSize();
    }

    boolean admits(long hash) {
      return filter == null || filter.findHash(hash);
    }
  }

  private final ChunkCache<Entry> entries;

  BloomFilterCache(long maxBytes) {
    this.entries = new ChunkCache<>(maxBytes);
  }

  /**
   * Whether the chunk admits the value of {@code hash} ({@link EqualityValue#hash}): empty when
   * nothing is kept of it, else false only when its filter refuses the value (which a filter never
   * does for a value it was given).
   */
  java.util.Optional<Boolean> admits(String location, int block, String column, long hash) {
    return java.util.Optional.ofNullable(entries.get(location, block, column))
        .map(entry -> entry.admits(hash));
  }

  /**
   * Keeps a chunk's filter read from its file, or that it has none ({@code filter} null); {@code
   * rowGroups}: the file's.
   */
  void keep(String location, int block, int rowGroups, String column, BloomFilter filter) {
    Entry entry = new Entry(filter, rowGroups);
    entries.put(location, block, column, entry, entry.sizeBytes());
  }

  /**
   * Keeps a filter of a dictionary-encoded chunk's values, made from its dictionary (the hashes of
   * its {@code size} values, by id): writers keep no filter of such a chunk, as the dictionary
   * answers exactly, but a dictionary costs far more to keep (its values) than a filter does.
   */
  void keepDictionary(
      String location,
      int block,
      int rowGroups,
      String column,
      java.util.function.IntToLongFunction hashes,
      int size) {
    int bytes =
        BlockSplitBloomFilter.optimalNumOfBits(Math.max(1, size), DICTIONARY_FILTER_FPP) / 8;
    BloomFilter filter = new BlockSplitBloomFilter(bytes);
    for (int id = 0; id < size; id++) {
      filter.insertHash(hashes.applyAsLong(id));
    }
    keep(location, block, rowGroups, column, filter);
  }

  /**
   * Whether every row group of the file at {@code location} is known to refuse the value of {@code
   * hash} in {@code column}: then none of the file's rows has it, and the file need not be opened.
   * False when anything is not known.
   */
  boolean refusesEverywhere(String location, String column, long hash) {
    Entry first = entries.get(location, 0, column);
    if (first == null) {
      return false;
    }
    for (int block = 0; block < first.rowGroups(); block++) {
      Entry entry = block == 0 ? first : entries.get(location, block, column);
      if (entry == null || entry.admits(hash)) {
        return false;
      }
    }
    return true;
  }

  /** Drops what is kept of a file (removed from the table). */
  void forget(String location) {
    entries.forget(location);
  }
}

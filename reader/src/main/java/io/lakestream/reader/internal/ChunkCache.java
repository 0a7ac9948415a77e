package io.lakestream.reader.internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Values kept per column chunk (a file's row group's values of one column: its decoded dictionary,
 * its Bloom filter), bounded by their bytes, least recently used first out; a value larger than a
 * quarter of the bound is not kept. Thread-safe.
 */
final class ChunkCache<V> {
  private record Key(String location, int block, String column) {}

  private record Sized<V>(V value, long sizeBytes) {}

  private final long maxBytes;
  private final LinkedHashMap<Key, Sized<V>> entries = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  ChunkCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The value kept for column {@code column} of row group {@code block}, or null. */
  synchronized V get(String location, int block, String column) {
    Sized<V> sized = entries.get(new Key(location, block, column));
    return sized == null ? null : sized.value();
  }

  /** Keeps {@code value}, of {@code sizeBytes}, dropping the least recently used past the bound. */
  synchronized void put(String location, int block, String column, V value, long sizeBytes) {
    if (sizeBytes > maxBytes / 4) {
      return;
    }
    Sized<V> previous =
        entries.put(new Key(location, block, column), new Sized<>(value, sizeBytes));
    bytes += sizeBytes - (previous == null ? 0 : previous.sizeBytes());
    Iterator<Map.Entry<Key, Sized<V>>> eldest = entries.entrySet().iterator();
    while (bytes > maxBytes && eldest.hasNext()) {
      bytes -= eldest.next().getValue().sizeBytes();
      eldest.remove();
    }
  }

  /** Drops what is kept of a file (removed from the table). */
  synchronized void forget(String location) {
    Iterator<Map.Entry<Key, Sized<V>>> all = entries.entrySet().iterator();
    while (all.hasNext()) {
      Map.Entry<Key, Sized<V>> entry = all.next();
      if (entry.getKey().location().equals(location)) {
        bytes -= entry.getValue().sizeBytes();
        all.remove();
      }
    }
  }
}

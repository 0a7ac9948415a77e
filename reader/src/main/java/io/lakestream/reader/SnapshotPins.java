package io.lakestream.reader;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Snapshots that cursors name, so that the next page of a read reads the snapshot of the previous
 * one (see {@link Cursor}): at most {@value #MAX_PINS}, each for {@value #TTL_SECONDS} s after its
 * last use, the least recently used dropped first. A cursor whose pin is gone (expired, dropped, or
 * made by another replica or before a restart) reads the current snapshot.
 *
 * <p>A pinned snapshot keeps its files and tail rows reachable: the memory a pin holds beyond the
 * current snapshot is the tail rows committed since (references to rows, not copies of them).
 */
final class SnapshotPins {
  static final int MAX_PINS = 1_024;
  static final long TTL_SECONDS = 300;
  private static final long TTL_NANOS = TTL_SECONDS * 1_000_000_000L;

  private record Pin(TableSnapshot snapshot, long usedNanos) {}

  private final SecureRandom random = new SecureRandom();
  private final LinkedHashMap<Long, Pin> pins =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Pin> eldest) {
          return size() > MAX_PINS;
        }
      };

  /** Pins {@code snapshot} (again, with {@code pin} when not 0): the id a cursor carries. */
  synchronized long pin(TableSnapshot snapshot, long pin) {
    long id = pin;
    while (id == 0) {
      id = random.nextLong();
    }
    pins.put(id, new Pin(snapshot, System.nanoTime()));
    return id;
  }

  /** The snapshot of {@code table} pinned as {@code pin}, or null when it is gone or another's. */
  synchronized TableSnapshot pinned(long pin, TableId table) {
    Pin found = pins.get(pin);
    if (found == null) {
      return null;
    }
    long now = System.nanoTime();
    if (now - found.usedNanos() > TTL_NANOS) {
      pins.remove(pin);
      return null;
    }
    if (!found.snapshot().id().equals(table)) {
      return null;
    }
    pins.put(pin, new Pin(found.snapshot(), now));
    return found.snapshot();
  }
}

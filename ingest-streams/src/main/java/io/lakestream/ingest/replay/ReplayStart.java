package io.lakestream.ingest.replay;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Where a replay starts in each partition of its topic. */
public sealed interface ReplayStart
    permits ReplayStart.Beginning, ReplayStart.AtTimestamp, ReplayStart.AtOffsets {

  /** Every partition from its first retained offset. */
  record Beginning() implements ReplayStart {}

  /** Every partition from its first record with a timestamp at or after {@code timestamp}. */
  record AtTimestamp(Instant timestamp) implements ReplayStart {
    public AtTimestamp {
      requireNonNull(timestamp, "timestamp is null");
    }
  }

  /**
   * Only the named partitions, each from its offset.
   *
   * @param offsets partition → first offset to replay
   */
  record AtOffsets(Map<Integer, Long> offsets) implements ReplayStart {
    public AtOffsets {
      offsets = Map.copyOf(offsets);
      if (offsets.isEmpty()) {
        throw new IllegalArgumentException("no partition:offset given");
      }
    }
  }

  /** From the beginning of every partition. */
  static ReplayStart beginning() {
    return new Beginning();
  }

  /** From a timestamp in every partition. */
  static ReplayStart at(Instant timestamp) {
    return new AtTimestamp(timestamp);
  }

  /**
   * Parses {@code partition:offset[,partition:offset…]}, e.g. {@code 0:120,3:0}.
   *
   * @throws IllegalArgumentException naming the part that is not {@code partition:offset}
   */
  static ReplayStart parseOffsets(String text) {
    requireNonNull(text, "text is null");
    Map<Integer, Long> offsets = new TreeMap<>();
    for (String part : text.split(",")) {
      String pair = part.trim();
      int colon = pair.indexOf(':');
      try {
        if (colon < 0) {
          throw new NumberFormatException();
        }
        int partition = Integer.parseInt(pair.substring(0, colon).trim());
        long offset = Long.parseLong(pair.substring(colon + 1).trim());
        if (partition < 0 || offset < 0) {
          throw new NumberFormatException();
        }
        if (offsets.put(partition, offset) != null) {
          throw new IllegalArgumentException(
              "'" + text + "' names partition " + partition + " twice");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "'" + pair + "' is not partition:offset (two numbers from 0, e.g. 0:120,3:0)");
      }
    }
    return new AtOffsets(offsets);
  }
}

package io.lakestream.reader;

import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * Where a limited read stopped: the last key served and how many rows of that key were served (over
 * all pages so far), and the order of the read. Exact with duplicate keys because rows of one key
 * are always served in the same order ({@link IndexedFile#TIE_ORDER}, then row order, then the live
 * tail's rows) while they stay where they are.
 *
 * <p>Rows of one key may change places when they move from the live tail into a file (the files'
 * rows of a key come first, and a commit may hold some of the tail's rows of a key and not others).
 * So a page that ends inside a run of equal keys holding tail rows <em>pins</em> its snapshot: the
 * cursor names it ({@link #pin}), and the next page reads that same snapshot (see {@code
 * SnapshotPins}), so the run is served in one order. A page that ends at the last row of a key says
 * so ({@link #servedAtKey} = {@link #ALL}): the next page starts after the key, whatever moved.
 *
 * <p>Opaque to clients: {@link #encode()} is URL-safe base64 of a versioned binary form.
 *
 * @param descending whether the read is in descending key order
 * @param key the last key served (encoded)
 * @param servedAtKey rows of {@code key} already served, at least 1; {@link #ALL} when every row of
 *     the key was served
 * @param pin the snapshot the next page reads ({@code SnapshotPins}), or 0 for the current one
 */
public record Cursor(boolean descending, long key, long servedAtKey, long pin) {
  /** {@link #servedAtKey} of a page that ended at the last row of its key. */
  public static final long ALL = Long.MAX_VALUE;

  private static final byte VERSION = 1;
  private static final byte PINNED = 2;
  private static final int LENGTH = 1 + 1 + 8 + 8;
  private static final int PINNED_LENGTH = LENGTH + 8;

  public Cursor {
    if (servedAtKey < 1) {
      throw new IllegalArgumentException("servedAtKey " + servedAtKey + " < 1");
    }
  }

  /** A cursor that reads the table's current snapshot. */
  public Cursor(boolean descending, long key, long servedAtKey) {
    this(descending, key, servedAtKey, 0);
  }

  /** Whether the next page reads a pinned snapshot. */
  public boolean pinned() {
    return pin != 0;
  }

  /** The cursor as a URL-safe token. */
  public String encode() {
    ByteBuffer bytes = ByteBuffer.allocate(pinned() ? PINNED_LENGTH : LENGTH);
    bytes
        .put(pinned() ? PINNED : VERSION)
        .put((byte) (descending ? 1 : 0))
        .putLong(key)
        .putLong(servedAtKey);
    if (pinned()) {
      bytes.putLong(pin);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
  }

  /**
   * Reads a token made by {@link #encode()}.
   *
   * @throws QueryException (bad request) when the token is not one
   */
  public static Cursor decode(String token) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(token.strip());
    } catch (IllegalArgumentException e) {
      throw QueryErrors.badCursor("it is not URL-safe base64");
    }
    boolean plain = bytes.length == LENGTH && bytes[0] == VERSION;
    boolean pinned = bytes.length == PINNED_LENGTH && bytes[0] == PINNED;
    if ((!plain && !pinned) || (bytes[1] != 0 && bytes[1] != 1)) {
      throw QueryErrors.badCursor("it was not made by this service");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes, 2, bytes.length - 2);
    long key = buffer.getLong();
    long served = buffer.getLong();
    long pin = pinned ? buffer.getLong() : 0;
    if (served < 1 || (pinned && pin == 0)) {
      throw QueryErrors.badCursor("it was not made by this service");
    }
    return new Cursor(bytes[1] == 1, key, served, pin);
  }
}

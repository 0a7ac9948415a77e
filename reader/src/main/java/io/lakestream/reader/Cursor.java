package io.lakestream.reader;

import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * Where a limited read stopped: the last key served and how many rows of that key were served (over
 * all pages so far), and the order of the read. Exact with duplicate keys because rows of one key
 * are always served in the same order ({@link IndexedFile#TIE_ORDER}, then row order).
 *
 * <p>Opaque to clients: {@link #encode()} is URL-safe base64 of a versioned binary form.
 *
 * @param descending whether the read is in descending key order
 * @param key the last key served (encoded)
 * @param servedAtKey rows of {@code key} already served, at least 1
 */
public record Cursor(boolean descending, long key, long servedAtKey) {
  private static final byte VERSION = 1;
  private static final int LENGTH = 1 + 1 + 8 + 8;

  public Cursor {
    if (servedAtKey < 1) {
      throw new IllegalArgumentException("servedAtKey " + servedAtKey + " < 1");
    }
  }

  /** The cursor as a URL-safe token. */
  public String encode() {
    ByteBuffer bytes = ByteBuffer.allocate(LENGTH);
    bytes.put(VERSION).put((byte) (descending ? 1 : 0)).putLong(key).putLong(servedAtKey);
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
    if (bytes.length != LENGTH || bytes[0] != VERSION || (bytes[1] != 0 && bytes[1] != 1)) {
      throw QueryErrors.badCursor("it was not made by this service");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes, 2, LENGTH - 2);
    long key = buffer.getLong();
    long served = buffer.getLong();
    if (served < 1) {
      throw QueryErrors.badCursor("it was not made by this service");
    }
    return new Cursor(bytes[1] == 1, key, served);
  }
}

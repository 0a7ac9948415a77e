package io.lakestream.reader;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A value of a string, json or bytes column as read from a data file: a slice of a page's bytes,
 * not copied and not decoded (strings and json are UTF-8). Slices of dictionary-encoded values are
 * shared by the rows that hold them; nobody may modify the bytes.
 */
public final class ByteSlice {
  private final byte[] array;
  private final int offset;
  private final int length;
  private byte json; // 0 = not checked yet, 1 = one JSON value, 2 = not JSON

  public ByteSlice(byte[] array, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > array.length) {
      throw new IllegalArgumentException(
          "slice [" + offset + ", " + (offset + length) + ") outside " + array.length + " bytes");
    }
    this.array = array;
    this.offset = offset;
    this.length = length;
  }

  /** A slice of all of {@code bytes}. */
  public static ByteSlice of(byte[] bytes) {
    return new ByteSlice(bytes, 0, bytes.length);
  }

  /** The backing array; read only {@code [offset(), offset() + length())}. */
  public byte[] array() {
    return array;
  }

  public int offset() {
    return offset;
  }

  public int length() {
    return length;
  }

  /** A copy of the bytes. */
  public byte[] toByteArray() {
    return Arrays.copyOfRange(array, offset, offset + length);
  }

  /**
   * Whether the bytes are exactly one JSON value (checked once per slice, see {@code
   * internal.JsonSyntax}).
   */
  public boolean isJson(java.util.function.Predicate<ByteSlice> check) {
    if (json == 0) {
      json = check.test(this) ? (byte) 1 : (byte) 2;
    }
    return json == 1;
  }

  /** The bytes decoded as UTF-8. */
  @Override
  public String toString() {
    return new String(array, offset, length, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteSlice other
        && Arrays.equals(
            array, offset, offset + length, other.array, other.offset, other.offset + other.length);
  }

  @Override
  public int hashCode() {
    int hash = 1;
    for (int i = offset; i < offset + length; i++) {
      hash = 31 * hash + array[i];
    }
    return hash;
  }
}

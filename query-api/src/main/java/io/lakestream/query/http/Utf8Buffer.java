package io.lakestream.query.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable buffer of UTF-8 bytes that a text answer is written into before it goes to the
 * response: numbers are written as digits without boxing, strings as their UTF-8 bytes with JSON's
 * escapes (exactly Jackson's: {@code \"}, {@code \\}, {@code \b \t \n \f \r}, other control
 * characters as a backslash, {@code u00} and two upper-case hex digits, characters beyond U+FFFF as
 * their two UTF-16 surrogates so escaped, everything else as is).
 */
final class Utf8Buffer {
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LONG_MIN =
      Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);

  /** For each ASCII byte, 0 when it is written as is, else the letter of its escape (or 'u'). */
  private static final byte[] ESCAPES = new byte[128];

  static {
    for (int i = 0; i < 0x20; i++) {
      ESCAPES[i] = 'u';
    }
    ESCAPES['"'] = '"';
    ESCAPES['\\'] = '\\';
    ESCAPES['\b'] = 'b';
    ESCAPES['\t'] = 't';
    ESCAPES['\n'] = 'n';
    ESCAPES['\f'] = 'f';
    ESCAPES['\r'] = 'r';
  }

  private byte[] bytes;
  private int size;

  /** An empty buffer of this many bytes at first; it grows as needed. */
  Utf8Buffer(int capacity) {
    bytes = new byte[capacity];
  }

  int size() {
    return size;
  }

  /** Drops everything from {@code position} on (a value written only to look at it). */
  void truncate(int position) {
    size = position;
  }

  /** Copies {@code length} bytes from {@code position} on into {@code target}, from its start. */
  void copy(int position, int length, byte[] target) {
    System.arraycopy(bytes, position, target, 0, length);
  }

  /** Writes the buffer to {@code out} and empties it. */
  void drainTo(OutputStream out) throws IOException {
    out.write(bytes, 0, size);
    size = 0;
  }

  void write(byte b) {
    ensure(1);
    bytes[size++] = b;
  }

  void write(byte[] source) {
    write(source, 0, source.length);
  }

  void write(byte[] source, int offset, int length) {
    ensure(length);
    System.arraycopy(source, offset, bytes, size, length);
    size += length;
  }

  /** Text of ASCII characters only (numbers, names of special values). */
  void writeAscii(String text) {
    int length = text.length();
    ensure(length);
    for (int i = 0; i < length; i++) {
      bytes[size++] = (byte) text.charAt(i);
    }
  }

  void writeLong(long value) {
    if (value == Long.MIN_VALUE) {
      write(LONG_MIN);
      return;
    }
    ensure(20);
    if (value < 0) {
      bytes[size++] = '-';
      value = -value;
    }
    int digits = digits(value);
    int end = size + digits;
    for (int i = end - 1; i >= size; i--) {
      bytes[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    size = end;
  }

  /** {@code value} with exactly {@code width} digits, zeros in front (0 ≤ value < 10^width). */
  void writePadded(long value, int width) {
    ensure(width);
    for (int i = size + width - 1; i >= size; i--) {
      bytes[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    size += width;
  }

  private static int digits(long value) {
    int digits = 1;
    for (long limit = 10; digits < 19 && value >= limit; limit *= 10) {
      digits++;
    }
    return digits;
  }

  /** A JSON string of these UTF-8 bytes: quoted, with JSON's escapes. */
  void writeJsonString(byte[] utf8, int offset, int length) {
    write((byte) '"');
    writeEscaped(utf8, offset, length);
    write((byte) '"');
  }

  /** A JSON string of a Java string (names, messages). */
  void writeJsonString(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    writeJsonString(utf8, 0, utf8.length);
  }

  private void writeEscaped(byte[] utf8, int offset, int length) {
    ensure(length);
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      byte b = utf8[i];
      if (b >= 0 ? ESCAPES[b] == 0 : (b & 0xF8) != 0xF0) { // not ASCII: a multi-byte character
        if (size == bytes.length) {
          ensure(end - i);
        }
        bytes[size++] = b;
        continue;
      }
      if (b < 0) { // the first of four bytes: a character beyond U+FFFF, as two escaped surrogates
        ensure(12 + end - i);
        int codePoint = 0;
        if (i + 3 < end) {
          codePoint =
              (b & 0x07) << 18
                  | (utf8[i + 1] & 0x3F) << 12
                  | (utf8[i + 2] & 0x3F) << 6
                  | (utf8[i + 3] & 0x3F);
        }
        writeUnicodeEscape(Character.highSurrogate(codePoint));
        writeUnicodeEscape(Character.lowSurrogate(codePoint));
        i += 3;
        continue;
      }
      ensure(6 + end - i);
      bytes[size++] = '\\';
      byte escape = ESCAPES[b];
      if (escape == 'u') {
        bytes[size++] = 'u';
        bytes[size++] = '0';
        bytes[size++] = '0';
        bytes[size++] = HEX[b >> 4];
        bytes[size++] = HEX[b & 0xF];
      } else {
        bytes[size++] = escape;
      }
    }
  }

  private void writeUnicodeEscape(char c) {
    bytes[size++] = '\\';
    bytes[size++] = 'u';
    bytes[size++] = HEX[c >> 12];
    bytes[size++] = HEX[c >> 8 & 0xF];
    bytes[size++] = HEX[c >> 4 & 0xF];
    bytes[size++] = HEX[c & 0xF];
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }
}

package io.lakestream.query.http;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.nio.charset.StandardCharsets;

/**
 * Whether the text of a JSON value is already exactly what Jackson writes after reading it into a
 * tree ({@code readTree} then {@code writeTree}, how a {@code json} column's value is embedded in
 * an answer), so that its bytes can be copied as they are instead of parsed and written again.
 *
 * <p>That is a single value, with nothing around it, of: objects without white space or repeated
 * keys; arrays; strings whose escapes are Jackson's own ({@code \" \\ \b \t \n \f \r}, {@code u00}
 * and two upper-case hex digits for the other control characters) and no other, and no character
 * beyond U+FFFF (Jackson escapes its surrogates); integers of at most 18 digits without a leading
 * zero or {@code -0}; numbers with a fraction or exponent whose text is Jackson's text of their
 * value as a double ({@link Double#toString}); {@code true}, {@code false}, {@code null}; at most
 * {@value #MAX_DEPTH} levels deep and {@value #MAX_KEYS} keys an object. Anything else (white
 * space, {@code 1.50}, (an escaped é), …) is not, and goes through Jackson as before. The text is
 * taken to be valid UTF-8, as the engine's strings are.
 */
final class CanonicalJson {
  static final int MAX_DEPTH = 64;
  static final int MAX_KEYS = 64;

  /**
   * Values longer than this, and keys longer than {@link #MAX_KEY_BYTES}, go through Jackson, which
   * applies its limits to them (e.g. 50,000 characters a key).
   */
  static final int MAX_BYTES = 1 << 20;

  static final int MAX_KEY_BYTES = 1_000;

  private final int[] keyStarts = new int[MAX_DEPTH * MAX_KEYS];
  private final int[] keyEnds = new int[MAX_DEPTH * MAX_KEYS];
  private byte[] text;
  private int end;
  private int position;

  /** Whether {@code text[offset, offset + length)} is a value Jackson writes back byte for byte. */
  boolean test(byte[] text, int offset, int length) {
    if (length == 0 || length > MAX_BYTES) {
      return false;
    }
    this.text = text;
    this.end = offset + length;
    this.position = offset;
    return value(0) && position == end;
  }

  private boolean value(int depth) {
    if (position >= end) {
      return false;
    }
    return switch (text[position]) {
      case '{' -> depth < MAX_DEPTH && object(depth);
      case '[' -> depth < MAX_DEPTH && array(depth);
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> number();
    };
  }

  private boolean object(int depth) {
    position++; // {
    if (position < end && text[position] == '}') {
      position++;
      return true;
    }
    int keys = 0;
    int base = depth * MAX_KEYS;
    while (true) {
      if (keys == MAX_KEYS || position >= end || text[position] != '"') {
        return false;
      }
      int keyStart = position;
      if (!string() || position - keyStart > MAX_KEY_BYTES) {
        return false;
      }
      for (int k = 0; k < keys; k++) {
        if (same(keyStarts[base + k], keyEnds[base + k], keyStart, position)) {
          return false;
        }
      }
      keyStarts[base + keys] = keyStart;
      keyEnds[base + keys] = position;
      keys++;
      if (position >= end || text[position] != ':') {
        return false;
      }
      position++;
      if (!value(depth + 1)) {
        return false;
      }
      if (position >= end) {
        return false;
      }
      byte next = text[position++];
      if (next == '}') {
        return true;
      }
      if (next != ',') {
        return false;
      }
    }
  }

  private boolean same(int start1, int end1, int start2, int end2) {
    if (end1 - start1 != end2 - start2) {
      return false;
    }
    for (int i = 0; i < end1 - start1; i++) {
      if (text[start1 + i] != text[start2 + i]) {
        return false;
      }
    }
    return true;
  }

  private boolean array(int depth) {
    position++; // [
    if (position < end && text[position] == ']') {
      position++;
      return true;
    }
    while (true) {
      if (!value(depth + 1) || position >= end) {
        return false;
      }
      byte next = text[position++];
      if (next == ']') {
        return true;
      }
      if (next != ',') {
        return false;
      }
    }
  }

  private boolean string() {
    position++; // "
    while (position < end) {
      byte b = text[position++];
      if (b == '"') {
        return true;
      }
      if ((b >= 0 && b < 0x20) || (b & 0xF8) == 0xF0) {
        return false; // control characters and characters beyond U+FFFF are written escaped
      }
      if (b == '\\') {
        if (position >= end) {
          return false;
        }
        byte escape = text[position++];
        switch (escape) {
          case '"', '\\', 'b', 't', 'n', 'f', 'r' -> {}
          case 'u' -> {
            if (!controlEscape()) {
              return false;
            }
          }
          default -> {
            return false;
          }
        }
      }
    }
    return false;
  }

  /**
   * {@code 00XX} after a backslash-u: a control character Jackson writes so (not b, t, n, f, r).
   */
  private boolean controlEscape() {
    if (end - position < 4 || text[position] != '0' || text[position + 1] != '0') {
      return false;
    }
    int high = hex(text[position + 2]);
    int low = hex(text[position + 3]);
    position += 4;
    if (high < 0 || high > 1 || low < 0) {
      return false;
    }
    int c = high * 16 + low;
    return c != '\b' && c != '\t' && c != '\n' && c != '\f' && c != '\r';
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    return b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
  }

  private boolean literal(String word) {
    if (end - position < word.length()) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (text[position + i] != word.charAt(i)) {
        return false;
      }
    }
    position += word.length();
    return true;
  }

  private boolean number() {
    int start = position;
    if (text[position] == '-') {
      position++;
    }
    int intStart = position;
    while (position < end && isDigit(text[position])) {
      position++;
    }
    int intDigits = position - intStart;
    if (intDigits == 0 || (intDigits > 1 && text[intStart] == '0')) {
      return false;
    }
    boolean integer = true;
    if (position < end && text[position] == '.') {
      integer = false;
      position++;
      int fraction = position;
      while (position < end && isDigit(text[position])) {
        position++;
      }
      if (position == fraction) {
        return false;
      }
    }
    if (position < end && (text[position] == 'e' || text[position] == 'E')) {
      integer = false;
      position++;
      if (position < end && (text[position] == '+' || text[position] == '-')) {
        position++;
      }
      int exponent = position;
      while (position < end && isDigit(text[position])) {
        position++;
      }
      if (position == exponent) {
        return false;
      }
    }
    if (integer) {
      // -0 is written back as 0; beyond 18 digits left to Jackson's big integers
      return intDigits <= 18 && !(intDigits == 1 && text[intStart] == '0' && start != intStart);
    }
    if (position - start > 32) {
      return false;
    }
    String number = new String(text, start, position - start, StandardCharsets.US_ASCII);
    double value = Double.parseDouble(number);
    return Double.isFinite(value) && NumberOutput.toString(value, false).equals(number);
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }
}

package io.lakestream.reader.internal;

/**
 * Checks that a string is exactly one JSON value (RFC 8259), without allocating: json columns are
 * embedded as they are when they pass, and written as strings when they do not. Nesting deeper than
 * {@value #MAX_DEPTH} is refused.
 */
final class JsonSyntax {
  static final int MAX_DEPTH = 512;

  private final byte[] text;
  private final int end;
  private int position;

  private JsonSyntax(byte[] text, int offset, int end) {
    this.text = text;
    this.position = offset;
    this.end = end;
  }

  /** Whether {@code text} is one JSON value, with optional white space around it. */
  static boolean isValue(String text) {
    return isValue(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Whether UTF-8 {@code text} is one JSON value, with optional white space around it. Bytes of
   * multi-byte characters are only accepted inside strings, as the grammar says.
   */
  static boolean isValue(byte[] text) {
    return isValue(text, 0, text.length);
  }

  /** Whether a slice of UTF-8 bytes is one JSON value. */
  static boolean isValue(io.lakestream.reader.ByteSlice slice) {
    return isValue(slice.array(), slice.offset(), slice.offset() + slice.length());
  }

  private static boolean isValue(byte[] text, int offset, int end) {
    JsonSyntax syntax = new JsonSyntax(text, offset, end);
    try {
      syntax.skipSpace();
      if (!syntax.value(0)) {
        return false;
      }
      syntax.skipSpace();
      return syntax.position == syntax.end;
    } catch (IndexOutOfBoundsException e) {
      return false;
    }
  }

  private char charAt(int index) {
    if (index >= end) {
      throw new IndexOutOfBoundsException(index);
    }
    return (char) (text[index] & 0xFF);
  }

  private boolean value(int depth) {
    if (depth > MAX_DEPTH || position >= end) {
      return false;
    }
    char c = charAt(position);
    return switch (c) {
      case '{' -> object(depth + 1);
      case '[' -> array(depth + 1);
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> number();
    };
  }

  private boolean object(int depth) {
    position++; // {
    skipSpace();
    if (charAt(position) == '}') {
      position++;
      return true;
    }
    while (true) {
      if (charAt(position) != '"' || !string()) {
        return false;
      }
      skipSpace();
      if (charAt(position++) != ':') {
        return false;
      }
      skipSpace();
      if (!value(depth)) {
        return false;
      }
      skipSpace();
      char c = charAt(position++);
      if (c == '}') {
        return true;
      }
      if (c != ',') {
        return false;
      }
      skipSpace();
    }
  }

  private boolean array(int depth) {
    position++; // [
    skipSpace();
    if (charAt(position) == ']') {
      position++;
      return true;
    }
    while (true) {
      if (!value(depth)) {
        return false;
      }
      skipSpace();
      char c = charAt(position++);
      if (c == ']') {
        return true;
      }
      if (c != ',') {
        return false;
      }
      skipSpace();
    }
  }

  private boolean string() {
    position++; // opening quote
    while (true) {
      char c = charAt(position++);
      if (c == '"') {
        return true;
      }
      if (c < 0x20) {
        return false;
      }
      if (c == '\\') {
        char escaped = charAt(position++);
        switch (escaped) {
          case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {}
          case 'u' -> {
            for (int i = 0; i < 4; i++) {
              if (Character.digit(charAt(position++), 16) < 0) {
                return false;
              }
            }
          }
          default -> {
            return false;
          }
        }
      }
    }
  }

  private boolean literal(String word) {
    if (position + word.length() > end) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (charAt(position + i) != word.charAt(i)) {
        return false;
      }
    }
    position += word.length();
    return true;
  }

  private boolean number() {
    int start = position;
    if (peek() == '-') {
      position++;
    }
    if (peek() == '0') {
      position++;
    } else if (!digits()) {
      return false;
    }
    if (peek() == '.') {
      position++;
      if (!digits()) {
        return false;
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      position++;
      if (peek() == '+' || peek() == '-') {
        position++;
      }
      if (!digits()) {
        return false;
      }
    }
    return position > start;
  }

  private boolean digits() {
    int start = position;
    while (position < end && charAt(position) >= '0' && charAt(position) <= '9') {
      position++;
    }
    return position > start;
  }

  private char peek() {
    return position < end ? charAt(position) : '\0';
  }

  private void skipSpace() {
    while (position < end) {
      char c = charAt(position);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      position++;
    }
  }
}

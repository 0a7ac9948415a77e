package io.lakestream.reader.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharTypes;
import io.lakestream.reader.ByteSlice;
import io.lakestream.schema.ColumnType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/** Writes column values as JSON, the conventions of {@link io.lakestream.reader.RowWriter}. */
final class JsonValues {
  static final JsonFactory FACTORY = new JsonFactory();

  private static final int[] ESCAPES = CharTypes.get7BitOutputEscapes();
  private static final byte[] HEX = CharTypes.copyHexBytes(true);

  private JsonValues() {}

  /**
   * The values of a dictionary as JSON text, one after the other: value {@code id} is {@code
   * bytes[offsets[id], offsets[id + 1])}.
   */
  record DictionaryTexts(byte[] bytes, int[] offsets) {}

  private static final Function<DictionaryCache.Entry, DictionaryTexts> STRING_TEXTS =
      dictionary -> texts(dictionary, JsonValues::quoted);

  private static final Function<DictionaryCache.Entry, DictionaryTexts> JSON_TEXTS =
      dictionary ->
          texts(
              dictionary,
              utf8 -> utf8.isJson(JsonSyntax::isValue) ? utf8.toByteArray() : quoted(utf8));

  private static final Function<DictionaryCache.Entry, DictionaryTexts> BYTES_TEXTS =
      dictionary ->
          texts(
              dictionary,
              bytes -> ('"' + base64(bytes) + '"').getBytes(StandardCharsets.ISO_8859_1));

  /**
   * How to make the JSON texts of a dictionary of a string, json or bytes column ({@link
   * DictionaryCache.Entry#derived}): for each value, the text {@link #write} writes.
   */
  static Function<DictionaryCache.Entry, DictionaryTexts> dictionaryTexts(ColumnType type) {
    return switch (type) {
      case STRING -> STRING_TEXTS;
      case JSON -> JSON_TEXTS;
      case BYTES -> BYTES_TEXTS;
      default -> throw new IllegalArgumentException("no dictionary texts for " + type);
    };
  }

  private static DictionaryTexts texts(
      DictionaryCache.Entry dictionary, Function<ByteSlice, byte[]> text) {
    int[] offsets = new int[dictionary.size() + 1];
    byte[][] values = new byte[dictionary.size()][];
    for (int id = 0; id < values.length; id++) {
      values[id] = text.apply(dictionary.slice(id));
      offsets[id + 1] = offsets[id] + values[id].length;
    }
    byte[] bytes = new byte[offsets[values.length]];
    for (int id = 0; id < values.length; id++) {
      System.arraycopy(values[id], 0, bytes, offsets[id], values[id].length);
    }
    return new DictionaryTexts(bytes, offsets);
  }

  /**
   * UTF-8 bytes as a quoted JSON string, escaped as Jackson's {@link JsonGenerator#writeUTF8String}
   * escapes them (its own escape table and hex digits): quote, backslash and control characters;
   * other bytes, multi-byte characters included, as they are.
   */
  static byte[] quoted(ByteSlice utf8) {
    byte[] out = new byte[quotedLength(utf8)];
    quote(utf8, out, 0);
    return out;
  }

  /** The length of {@link #quoted}. */
  static int quotedLength(ByteSlice utf8) {
    byte[] in = utf8.array();
    int end = utf8.offset() + utf8.length();
    int length = utf8.length() + 2;
    for (int i = utf8.offset(); i < end; i++) {
      int b = in[i];
      if (b >= 0 && ESCAPES[b] != 0) {
        length += ESCAPES[b] > 0 ? 1 : 5;
      }
    }
    return length;
  }

  /** Writes {@link #quoted} into {@code out} at {@code at}, which has room; returns the end. */
  static int quote(ByteSlice utf8, byte[] out, int at) {
    byte[] in = utf8.array();
    int end = utf8.offset() + utf8.length();
    int n = at;
    out[n++] = '"';
    for (int i = utf8.offset(); i < end; i++) {
      byte b = in[i];
      int escape = b >= 0 ? ESCAPES[b] : 0;
      if (escape == 0) {
        out[n++] = b;
      } else if (escape > 0) {
        out[n++] = '\\';
        out[n++] = (byte) escape;
      } else {
        out[n++] = '\\';
        out[n++] = 'u';
        out[n++] = '0';
        out[n++] = '0';
        out[n++] = HEX[b >> 4];
        out[n++] = HEX[b & 0xF];
      }
    }
    out[n++] = '"';
    return n;
  }

  static void write(JsonGenerator json, ColumnType type, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
      return;
    }
    switch (type) {
      case BOOLEAN -> json.writeBoolean((Boolean) value);
      case INT, DATE -> json.writeNumber((Integer) value);
      case LONG, TIMESTAMP -> json.writeNumber((Long) value);
      case FLOAT -> json.writeNumber((Float) value);
      case DOUBLE -> json.writeNumber((Double) value);
      case STRING -> {
        ByteSlice utf8 = (ByteSlice) value;
        json.writeUTF8String(utf8.array(), utf8.offset(), utf8.length());
      }
      case JSON -> {
        ByteSlice utf8 = (ByteSlice) value;
        if (utf8.isJson(JsonSyntax::isValue)) {
          json.writeRawValue(new RawUtf8(utf8));
        } else {
          json.writeUTF8String(utf8.array(), utf8.offset(), utf8.length());
        }
      }
      case BYTES -> json.writeString(base64((ByteSlice) value));
      case ARRAY_LONG, ARRAY_DOUBLE, ARRAY_STRING -> {
        ColumnType element = type.elementType().orElseThrow();
        json.writeStartArray();
        for (Object item : (List<?>) value) {
          write(json, element, item);
        }
        json.writeEndArray();
      }
    }
  }

  static String base64(ByteSlice bytes) {
    return new String(
        Base64.getEncoder()
            .encode(java.nio.ByteBuffer.wrap(bytes.array(), bytes.offset(), bytes.length()))
            .array(),
        StandardCharsets.ISO_8859_1);
  }

  /** UTF-8 bytes written as they are, as a raw JSON value (only the unquoted forms are used). */
  private record RawUtf8(ByteSlice slice) implements SerializableString {
    @Override
    public String getValue() {
      return slice.toString();
    }

    @Override
    public int charLength() {
      return getValue().length();
    }

    @Override
    public char[] asQuotedChars() {
      return getValue().toCharArray();
    }

    @Override
    public byte[] asUnquotedUTF8() {
      return slice.toByteArray();
    }

    @Override
    public byte[] asQuotedUTF8() {
      return slice.toByteArray();
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
      return appendUnquotedUTF8(buffer, offset);
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
      return appendUnquoted(buffer, offset);
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
      if (offset + slice.length() > buffer.length) {
        return -1;
      }
      System.arraycopy(slice.array(), slice.offset(), buffer, offset, slice.length());
      return slice.length();
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
      char[] chars = asQuotedChars();
      if (offset + chars.length > buffer.length) {
        return -1;
      }
      System.arraycopy(chars, 0, buffer, offset, chars.length);
      return chars.length;
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) throws IOException {
      return writeUnquotedUTF8(out);
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
      out.write(slice.array(), slice.offset(), slice.length());
      return slice.length();
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) {
      return putUnquotedUTF8(buffer);
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
      if (buffer.remaining() < slice.length()) {
        return -1;
      }
      buffer.put(slice.array(), slice.offset(), slice.length());
      return slice.length();
    }
  }
}

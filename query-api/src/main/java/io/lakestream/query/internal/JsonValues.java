package io.lakestream.query.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import io.lakestream.query.ByteSlice;
import io.lakestream.schema.ColumnType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** Writes column values as JSON, the conventions of {@link io.lakestream.query.RowWriter}. */
final class JsonValues {
  static final JsonFactory FACTORY = new JsonFactory();

  private JsonValues() {}

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

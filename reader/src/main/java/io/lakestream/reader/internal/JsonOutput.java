package io.lakestream.reader.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.NumberOutput;
import io.lakestream.reader.ByteSlice;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * JSON text written as UTF-8 bytes into a buffer, then to a stream: the few pieces the row writers
 * need, each written as Jackson's {@link JsonGenerator} writes it with default settings (numbers by
 * Jackson's own {@link NumberOutput}, non-finite floating point numbers as strings, strings escaped
 * as {@link JsonValues#quoted}). No structure is checked: callers write valid JSON.
 */
final class JsonOutput {
  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);

  /** Room for any number: 20 digits and a sign for longs. */
  private static final int MAX_NUMBER = 24;

  private final OutputStream out;
  private byte[] buffer;
  private int position;

  JsonOutput(OutputStream out, int bufferBytes) {
    this.out = out;
    this.buffer = new byte[bufferBytes];
  }

  void writeByte(byte b) throws IOException {
    if (position == buffer.length) {
      flushBuffer();
    }
    buffer[position++] = b;
  }

  void write(byte[] bytes) throws IOException {
    write(bytes, 0, bytes.length);
  }

  void write(byte[] bytes, int offset, int length) throws IOException {
    if (length > buffer.length - position) {
      flushBuffer();
      if (length > buffer.length) {
        out.write(bytes, offset, length);
        return;
      }
    }
    System.arraycopy(bytes, offset, buffer, position, length);
    position += length;
  }

  void writeNull() throws IOException {
    write(NULL);
  }

  void writeBoolean(boolean value) throws IOException {
    write(value ? TRUE : FALSE);
  }

  void writeInt(int value) throws IOException {
    room(MAX_NUMBER);
    position = NumberOutput.outputInt(value, buffer, position);
  }

  void writeLong(long value) throws IOException {
    room(MAX_NUMBER);
    position = NumberOutput.outputLong(value, buffer, position);
  }

  void writeDouble(double value) throws IOException {
    writeNumberText(NumberOutput.toString(value, false), NumberOutput.notFinite(value));
  }

  void writeFloat(float value) throws IOException {
    writeNumberText(NumberOutput.toString(value, false), NumberOutput.notFinite(value));
  }

  private void writeNumberText(String text, boolean quoted) throws IOException {
    room(text.length() + 2);
    if (quoted) {
      buffer[position++] = '"';
    }
    for (int i = 0; i < text.length(); i++) {
      buffer[position++] = (byte) text.charAt(i);
    }
    if (quoted) {
      buffer[position++] = '"';
    }
  }

  /** UTF-8 bytes as a quoted, escaped JSON string. */
  void writeString(ByteSlice utf8) throws IOException {
    int length = JsonValues.quotedLength(utf8);
    if (length > buffer.length - position) {
      flushBuffer();
      if (length > buffer.length) {
        out.write(JsonValues.quoted(utf8));
        return;
      }
    }
    position = JsonValues.quote(utf8, buffer, position);
  }

  private void room(int bytes) throws IOException {
    if (bytes > buffer.length - position) {
      flushBuffer();
    }
  }

  private void flushBuffer() throws IOException {
    if (position > 0) {
      out.write(buffer, 0, position);
      position = 0;
    }
  }

  /**
   * Writes the buffer to the stream without flushing it: a server can then send a small response
   * whole, with its length, instead of chunk by chunk.
   */
  void finish() throws IOException {
    flushBuffer();
  }

  /** Writes the buffer to the stream and flushes the stream. */
  void flush() throws IOException {
    flushBuffer();
    out.flush();
  }
}

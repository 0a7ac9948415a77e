package io.lakestream.pgwire.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one backend message at a time (type byte, length, body) and hands it to a buffered stream,
 * which sends when its buffer fills: rows go out in chunks as they are produced.
 */
public final class MessageWriter {
  private final OutputStream out;
  private byte[] buffer = new byte[8192];
  private int position;

  /** A writer onto {@code out}, which should be buffered. */
  public MessageWriter(OutputStream out) {
    this.out = out;
  }

  /** Starts a message of {@code type}. */
  public MessageWriter begin(char type) {
    position = 0;
    ensure(5);
    buffer[0] = (byte) type;
    position = 5;
    return this;
  }

  public MessageWriter int8(int value) {
    ensure(1);
    buffer[position++] = (byte) value;
    return this;
  }

  public MessageWriter int16(int value) {
    ensure(2);
    buffer[position++] = (byte) (value >>> 8);
    buffer[position++] = (byte) value;
    return this;
  }

  public MessageWriter int32(int value) {
    ensure(4);
    putInt(position, value);
    position += 4;
    return this;
  }

  /** A NUL-terminated UTF-8 string. */
  public MessageWriter cstring(String value) {
    bytes(value.getBytes(StandardCharsets.UTF_8));
    return int8(0);
  }

  public MessageWriter bytes(byte[] value) {
    ensure(value.length);
    System.arraycopy(value, 0, buffer, position, value.length);
    position += value.length;
    return this;
  }

  public MessageWriter bytes(byte[] value, int offset, int length) {
    ensure(length);
    System.arraycopy(value, offset, buffer, position, length);
    position += length;
    return this;
  }

  /** Ends the message: writes its length and passes it on to the stream. */
  public void end() throws IOException {
    putInt(1, position - 1);
    out.write(buffer, 0, position);
    if (buffer.length > 1 << 20) {
      buffer = new byte[8192]; // a huge row does not keep its buffer
    }
  }

  /** One byte outside any message (the answer to SSLRequest). */
  public void raw(char value) throws IOException {
    out.write(value);
  }

  /** Sends what is buffered. */
  public void flush() throws IOException {
    out.flush();
  }

  private void putInt(int at, int value) {
    buffer[at] = (byte) (value >>> 24);
    buffer[at + 1] = (byte) (value >>> 16);
    buffer[at + 2] = (byte) (value >>> 8);
    buffer[at + 3] = (byte) value;
  }

  private void ensure(int more) {
    if (position + more > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, position + more));
    }
  }
}

package io.lakestream.index.internal;

import io.lakestream.index.IndexFormatException;

/** The one place where the messages of {@link IndexFormatException} are written. */
public final class IndexErrors {
  private static final String PREFIX = "Cannot read key model: ";

  private IndexErrors() {}

  public static IndexFormatException tooShort(int length, int minimum) {
    return new IndexFormatException(
        PREFIX
            + "truncated: "
            + length
            + " bytes, fewer than the "
            + minimum
            + " of the smallest model; rebuild the model from the keys");
  }

  public static IndexFormatException badMagic(int found, int expected) {
    return new IndexFormatException(
        PREFIX
            + String.format(
                "bad magic 0x%08X, expected 0x%08X ('LSKM'): the bytes are not a Lakestream key"
                    + " model",
                found, expected));
  }

  public static IndexFormatException unknownVersion(int found, int supported) {
    return new IndexFormatException(
        PREFIX
            + "unknown format version "
            + found
            + " (this library reads version "
            + supported
            + "); upgrade the reader or rebuild the model from the keys");
  }

  public static IndexFormatException truncated(int declared, int actual) {
    return new IndexFormatException(
        PREFIX
            + "truncated: the header declares "
            + declared
            + " bytes but only "
            + actual
            + " are present; rebuild the model from the keys");
  }

  public static IndexFormatException trailingBytes(int declared, int actual) {
    return new IndexFormatException(
        PREFIX
            + "inconsistent sizes: the header declares "
            + declared
            + " bytes but "
            + actual
            + " are present ("
            + (actual - declared)
            + " trailing bytes)");
  }

  public static IndexFormatException checksumMismatch(int stored, int computed) {
    return new IndexFormatException(
        PREFIX
            + String.format(
                "checksum mismatch (stored CRC32 0x%08X, computed 0x%08X): the bytes are corrupt",
                stored, computed));
  }

  public static IndexFormatException inconsistent(String what) {
    return new IndexFormatException(PREFIX + "inconsistent sizes: " + what);
  }

  public static IndexFormatException invalid(String what) {
    return new IndexFormatException(PREFIX + "invalid content: " + what);
  }

  public static IndexFormatException notBase64(IllegalArgumentException cause) {
    return new IndexFormatException(
        "Cannot read key model tag: not valid base64 (" + cause.getMessage() + ")", cause);
  }
}

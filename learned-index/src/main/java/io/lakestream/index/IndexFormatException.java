package io.lakestream.index;

/**
 * Thrown when serialized index bytes (a {@link KeyModel} or its tag) cannot be read: wrong magic,
 * unknown version, checksum mismatch, truncation or inconsistent content. The message says which,
 * and the input must then be treated as absent (rebuild the model from the keys).
 */
public final class IndexFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message saying what is wrong with the input. */
  public IndexFormatException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the failure that revealed the problem. */
  public IndexFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}

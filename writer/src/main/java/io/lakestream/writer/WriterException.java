package io.lakestream.writer;

/**
 * The one unchecked exception family of the writer: a bad configuration, or a failure of Kafka,
 * Delta or S3 that the writer cannot retry away. Created through {@link WriterErrors}.
 */
public class WriterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WriterException(String message) {
    super(message);
  }

  public WriterException(String message, Throwable cause) {
    super(message, cause);
  }
}

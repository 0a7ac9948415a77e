package io.lakestream.writer;

import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.LakestreamException;

/**
 * The one unchecked exception family of the writer: a bad configuration, or a failure of Kafka,
 * Delta or S3 that the writer cannot retry away. Created through {@link WriterErrors}.
 */
public class WriterException extends LakestreamException {
  private static final long serialVersionUID = 1L;

  WriterException(ErrorKind kind, String message) {
    super(kind, message);
  }

  WriterException(ErrorKind kind, String message, Throwable cause) {
    super(kind, message, cause);
  }
}

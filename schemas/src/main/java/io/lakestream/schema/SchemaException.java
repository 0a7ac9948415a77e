package io.lakestream.schema;

/**
 * A table definition is invalid; the message names the source, the column and the fix. Created
 * through {@link SchemaErrors}.
 */
public final class SchemaException extends LakestreamException {
  private static final long serialVersionUID = 1L;

  SchemaException(String message) {
    super(ErrorKind.BAD_REQUEST, message);
  }

  SchemaException(String message, Throwable cause) {
    super(ErrorKind.BAD_REQUEST, message, cause);
  }
}

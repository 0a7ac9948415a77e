package io.lakestream.schema;

/** A table definition is invalid; the message names the source, the column and the fix. */
public final class SchemaException extends RuntimeException {
  SchemaException(String message) {
    super(message);
  }

  SchemaException(String message, Throwable cause) {
    super(message, cause);
  }
}

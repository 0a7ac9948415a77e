package io.lakestream.writer;

import io.lakestream.schema.ErrorKind;
import java.net.URI;

/** The one place that creates {@link WriterException}s, so messages read alike. */
public final class WriterErrors {
  private WriterErrors() {}

  /** A configuration value is missing or out of range. */
  public static WriterException invalidConfig(String setting, String fix) {
    return new WriterException(
        ErrorKind.BAD_REQUEST, "Invalid writer configuration '" + setting + "': " + fix + ".");
  }

  /** The warehouse URI has a scheme the writer cannot write to. */
  public static WriterException unsupportedWarehouse(URI warehouse) {
    return new WriterException(
        ErrorKind.BAD_REQUEST,
        "Cannot write to warehouse "
            + warehouse
            + ": scheme '"
            + warehouse.getScheme()
            + "' is not supported. Use file:///absolute/path or s3://bucket/prefix.");
  }

  /** A Delta table could not be opened, read or committed to. */
  public static WriterException deltaFailure(
      String action, String project, String table, String path, Throwable cause) {
    return new WriterException(
        ErrorKind.UNAVAILABLE,
        "Cannot "
            + action
            + " Delta table '"
            + table
            + "' of project '"
            + project
            + "' at "
            + path
            + ": "
            + cause.getMessage(),
        cause);
  }

  /** A Parquet data file could not be written. */
  public static WriterException dataFileFailure(
      String project, String table, String file, Throwable cause) {
    return new WriterException(
        ErrorKind.UNAVAILABLE,
        "Cannot write data file "
            + file
            + " of table '"
            + table
            + "' of project '"
            + project
            + "': "
            + cause.getMessage(),
        cause);
  }

  /** Other commits kept winning the race to a table's next version. */
  public static WriterException keptConflicting(String path, int attempts) {
    return new WriterException(
        ErrorKind.CONFLICT,
        "Cannot commit to Delta table "
            + path
            + ": it changed under "
            + attempts
            + " attempts in a row. The rows stay buffered and the flush is retried.");
  }
}

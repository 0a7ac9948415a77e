package io.lakestream.maintenance;

import io.lakestream.schema.ErrorKind;

/** The one place that creates {@link MaintenanceException}s, so messages read alike. */
public final class MaintenanceErrors {
  private MaintenanceErrors() {}

  /** A configuration value is missing or out of range. */
  public static MaintenanceException invalidConfig(String setting, String fix) {
    return new MaintenanceException(
        ErrorKind.BAD_REQUEST, "Invalid maintenance configuration '" + setting + "': " + fix + ".");
  }

  /** A step on one table failed. */
  public static MaintenanceException tableFailure(
      String action, String project, String table, String path, Throwable cause) {
    return new MaintenanceException(
        ErrorKind.UNAVAILABLE,
        "Cannot "
            + action
            + " table '"
            + table
            + "' of project '"
            + project
            + "' at "
            + path
            + ": "
            + cause.getMessage(),
        cause);
  }

  /** The warehouse could not be listed. */
  public static MaintenanceException listingFailure(String warehouse, Throwable cause) {
    return new MaintenanceException(
        ErrorKind.UNAVAILABLE,
        "Cannot list the tables of warehouse "
            + warehouse
            + ": "
            + cause.getMessage()
            + ". Check the warehouse and S3 settings.",
        cause);
  }
}

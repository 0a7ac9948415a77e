package io.lakestream.catalog;

import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.Topics;
import java.time.Duration;

/** The one place that creates {@link CatalogException}s, each with its {@link ErrorKind}. */
final class CatalogErrors {
  private CatalogErrors() {}

  static CatalogException tableExists(String table) {
    return new CatalogException(
        ErrorKind.CONFLICT,
        "Table '" + table + "' exists already. Drop it first, or choose another name.");
  }

  static CatalogException builtIn(String table) {
    return new CatalogException(
        ErrorKind.CONFLICT, "Table '" + table + "' is built in and cannot be dropped.");
  }

  static CatalogException noSuchTable(String table) {
    return new CatalogException(ErrorKind.NOT_FOUND, "There is no table '" + table + "'.");
  }

  static CatalogException notRegistered(String projectId) {
    return new CatalogException(
        ErrorKind.NOT_FOUND, "Project '" + projectId + "' is not registered.");
  }

  static CatalogException invalidProjectId(String id) {
    return new CatalogException(
        ErrorKind.BAD_REQUEST,
        "Project id '"
            + (id == null ? "" : id.replaceAll("\\p{Cntrl}", "?"))
            + "' is not valid: use 1 to 64 letters, digits, '-' or '_'.");
  }

  static CatalogException writeNotReadBack(Duration timeout) {
    return new CatalogException(
        ErrorKind.UNAVAILABLE,
        "The catalog write to " + Topics.CATALOG + " was not read back within " + timeout);
  }

  static CatalogException interrupted() {
    return new CatalogException(ErrorKind.UNAVAILABLE, "Interrupted while writing the catalog");
  }

  static CatalogException kafkaNotReached(
      String bootstrapServers, Duration timeout, Throwable cause) {
    return new CatalogException(
        ErrorKind.UNAVAILABLE,
        "Cannot reach Kafka at " + bootstrapServers + " within " + timeout.toSeconds() + " s",
        cause);
  }

  static CatalogException topicUnavailable(String bootstrapServers, Throwable cause) {
    return new CatalogException(
        ErrorKind.UNAVAILABLE,
        "Cannot read or create the catalog topic "
            + Topics.CATALOG
            + " at "
            + bootstrapServers
            + ": "
            + cause.getMessage(),
        cause);
  }
}

package io.lakestream.catalog;

import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.Topics;
import java.time.Duration;
import java.util.Map;

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

  static CatalogException badRetention(String projectId, String table, String text, String why) {
    return new CatalogException(
        ErrorKind.BAD_REQUEST,
        "Cannot set the retention of project '"
            + projectId
            + "' for table '"
            + table
            + "' to '"
            + text
            + "': "
            + why
            + ". Write it as a number of days, hours or minutes (30d, 12h, 90m), or null to keep"
            + " the table type's own retention.");
  }

  static CatalogException retentionOfUnknownTable(
      String projectId, String table, Map<String, TableDefinition> tables) {
    return new CatalogException(
        ErrorKind.BAD_REQUEST,
        "Cannot set the retention of project '"
            + projectId
            + "' for table '"
            + table
            + "': there is no table type '"
            + table
            + "'. Use one of "
            + String.join(", ", new java.util.TreeSet<>(tables.keySet()))
            + ".");
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

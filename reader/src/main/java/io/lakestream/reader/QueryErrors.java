package io.lakestream.reader;

import io.lakestream.schema.ErrorKind;
import java.util.Collection;

/**
 * The one factory of {@link QueryException}s: each message says what went wrong, why, and what to
 * do. Messages never contain secrets.
 */
public final class QueryErrors {
  private QueryErrors() {}

  public static QueryException badParameter(String parameter, String value, String expected) {
    return new QueryException(
        ErrorKind.BAD_REQUEST,
        "Parameter '" + parameter + "' is '" + value + "', which is not " + expected + ".",
        null);
  }

  public static QueryException badKey(
      String parameter, String value, String keyColumn, String type) {
    String hint =
        switch (type) {
          case "timestamp" ->
              "an integer (microseconds since the epoch, UTC) or an ISO-8601 instant such as"
                  + " 2026-11-21T10:00:00Z";
          case "date" -> "an integer (days since the epoch) or an ISO-8601 date such as 2026-11-21";
          case "float", "double" -> "a number";
          default -> "an integer";
        };
    return new QueryException(
        ErrorKind.BAD_REQUEST,
        "Cannot read '"
            + value
            + "' given as '"
            + parameter
            + "' as a key of column '"
            + keyColumn
            + "' ("
            + type
            + "): give "
            + hint
            + ".",
        null);
  }

  public static QueryException emptyRange(String from, String to) {
    return new QueryException(
        ErrorKind.BAD_REQUEST,
        "The range from="
            + from
            + " to="
            + to
            + " is empty: 'from' is inclusive and 'to' exclusive, so 'from' must be below 'to'.",
        null);
  }

  public static QueryException limitTooHigh(long limit, int maximum) {
    return new QueryException(
        ErrorKind.BAD_REQUEST,
        "limit="
            + limit
            + " is above the maximum of "
            + maximum
            + " rows per request: ask for at most "
            + maximum
            + " and follow the next cursor.",
        null);
  }

  public static QueryException badLimit(String value) {
    return badParameter("limit", value, "a positive integer");
  }

  public static QueryException badOrder(String value) {
    return badParameter("order", value, "'asc' or 'desc'");
  }

  public static QueryException badCursor(String why) {
    return new QueryException(
        ErrorKind.BAD_REQUEST,
        "The cursor cannot be used: "
            + why
            + ". Pass the cursor exactly as a previous response gave it, with the same from, to"
            + " and order.",
        null);
  }

  public static QueryException unknownColumns(String table, Collection<String> unknown) {
    return new QueryException(
        ErrorKind.BAD_REQUEST,
        "Table '" + table + "' has no column " + String.join(", ", unknown) + ".",
        null);
  }

  public static QueryException unknownProject(String project) {
    return new QueryException(
        ErrorKind.NOT_FOUND,
        "Project '" + project + "' has no table here: check the project id.",
        null);
  }

  public static QueryException unregisteredProject(String project) {
    return new QueryException(
        ErrorKind.NOT_FOUND,
        "Project '" + project + "' is not registered. POST /v1/projects registers it.",
        null);
  }

  public static QueryException unknownTable(
      String project, String table, Collection<String> known) {
    return new QueryException(
        ErrorKind.NOT_FOUND,
        "Project '"
            + project
            + "' has no table '"
            + table
            + "'"
            + (known.isEmpty() ? "." : "; it has " + String.join(", ", known) + "."),
        null);
  }

  public static QueryException unsupportedFormat(String requested, Collection<String> supported) {
    return new QueryException(
        ErrorKind.NOT_ACCEPTABLE,
        "Cannot answer in '"
            + requested
            + "': ask for one of "
            + String.join(", ", supported)
            + " (Accept header or format=).",
        null);
  }

  /**
   * A request whose answer has no form in the format asked for, e.g. the count of an {@code INSERT}
   * as an Arrow stream; {@code reason} says why (a sentence).
   */
  public static QueryException unsupportedFormat(
      String requested, String reason, Collection<String> supported) {
    return new QueryException(
        ErrorKind.NOT_ACCEPTABLE,
        "Cannot answer in '"
            + requested
            + "': "
            + reason
            + " Ask for one of "
            + String.join(", ", supported)
            + " (Accept header or format=).",
        null);
  }

  public static QueryException missingToken() {
    return new QueryException(
        ErrorKind.UNAUTHENTICATED,
        "This request needs a token: send 'Authorization: Bearer <token>'.",
        null);
  }

  public static QueryException unknownToken() {
    return new QueryException(
        ErrorKind.UNAUTHENTICATED, "The bearer token is not valid here: check the token.", null);
  }

  public static QueryException forbiddenProject(String project) {
    return new QueryException(
        ErrorKind.FORBIDDEN,
        "The bearer token does not grant access to project '"
            + project
            + "': use a token of that project or an admin token.",
        null);
  }

  public static QueryException adminOnly(String what) {
    return new QueryException(
        ErrorKind.FORBIDDEN, "Only an admin token may " + what + ": use the admin token.", null);
  }

  public static QueryException badRegistration(String why) {
    return new QueryException(
        ErrorKind.BAD_REQUEST, "Cannot register the project: " + why + ".", null);
  }

  /**
   * The one answer for a bucket that cannot be used, whatever the cause (no answer, not S3, no such
   * bucket, credentials refused): the cause goes to the log only, so that the answer never tells
   * what a server can reach.
   */
  public static QueryException bucketUnreachable(String project, String bucket, String endpoint) {
    return new QueryException(
        ErrorKind.BAD_REQUEST,
        "Cannot register project '"
            + project
            + "': bucket '"
            + bucket
            + "' is not reachable at "
            + endpoint
            + " with the given credentials. Check the endpoint, region, bucket, access_key and"
            + " secret_key.",
        null);
  }

  /** An endpoint whose address is private while private endpoints are not allowed. */
  public static QueryException privateEndpoint(String endpoint) {
    return new QueryException(
        ErrorKind.BAD_REQUEST,
        "Cannot register the project: endpoint '"
            + endpoint
            + "' is a loopback, link-local, private or unspecified address, which this server"
            + " does not contact. Use a public endpoint, or set"
            + " query.register.allow-private-endpoints=true where private endpoints are meant.",
        null);
  }

  /** A request that asks, by a header, to be treated as another method. */
  public static QueryException methodOverride(String header, String method) {
    return new QueryException(
        ErrorKind.BAD_REQUEST,
        "The header '"
            + header
            + "' is not supported: method overrides are off. Send the request with its real"
            + " method instead of "
            + method
            + ".",
        null);
  }

  /** A request path with a {@code %} not followed by two hex digits, e.g. {@code %uFF0E}. */
  public static QueryException badPathEncoding(String found) {
    return new QueryException(
        ErrorKind.BAD_REQUEST,
        "The request path has an invalid percent-encoding at '"
            + found
            + "': escape each byte of the UTF-8 text as %XX, with two hex digits (e.g. %2E for"
            + " '.').",
        null);
  }

  /** A request that nests too deeply to be answered (the server's stack would overflow). */
  public static QueryException tooComplex() {
    return new QueryException(
        ErrorKind.BAD_REQUEST,
        "The request is too deeply nested to answer: simplify it (fewer nested parentheses or"
            + " conditions).",
        null);
  }

  public static QueryException notReady(String what) {
    return new QueryException(ErrorKind.UNAVAILABLE, "Not ready: " + what + ".", null);
  }

  /**
   * A table whose last poll failed: not served, so that nobody reads an old version believing it
   * current.
   *
   * @param servedVersion the version loaded before the failure, -2 when none
   */
  public static QueryException tableNotServed(TableId table, long servedVersion, String reason) {
    return new QueryException(
        ErrorKind.UNAVAILABLE,
        "Table "
            + table
            + " is not served: "
            + reason
            + (servedVersion < -1
                ? ""
                : " (the sidecar has it up to version "
                    + servedVersion
                    + " and does not serve that old state)")
            + ". The sidecar retries it every poll interval and serves it again once it can read"
            + " the table (e.g. after a commit that removes or replaces that file).",
        null);
  }

  public static QueryException storageFailure(
      String action, TableId table, String file, Throwable cause) {
    return new QueryException(
        ErrorKind.INTERNAL,
        "Cannot "
            + action
            + " of table "
            + table
            + (file == null ? "" : " (file " + file + ")")
            + ": "
            + storageProblem(cause),
        cause);
  }

  /** What went wrong with the storage, in words rather than the failure's class name. */
  private static String storageProblem(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String name = t.getClass().getSimpleName();
      if (name.contains("Timeout")) {
        return "the storage did not answer in time; try again";
      }
      if (t instanceof java.net.ConnectException || name.contains("Connect")) {
        return "the storage cannot be reached";
      }
      if (t instanceof java.io.FileNotFoundException) {
        return "a file of the table is missing";
      }
    }
    return cause.getMessage() == null ? "the storage failed" : cause.getMessage();
  }

  public static QueryException invalidConfig(String setting, String fix) {
    return new QueryException(
        ErrorKind.BAD_REQUEST, "Invalid query configuration '" + setting + "': " + fix + ".", null);
  }

  /**
   * A request body with a field its route does not take: refused rather than ignored.
   *
   * @param route the route, e.g. {@code POST /v1/sql}
   * @param field the field as the body nests it, e.g. {@code columns[1].nulable}
   * @param where empty for a top-level field, else the list or object the field is in ({@code
   *     columns})
   * @param accepted the fields taken there
   * @param hint a sentence more, or empty
   */
  public static QueryException unknownField(
      String route, String field, String where, Collection<String> accepted, String hint) {
    String takes =
        where.isEmpty()
            ? ", which takes " + enumerate(accepted)
            : ", whose " + where + " take " + enumerate(accepted);
    return new QueryException(
        ErrorKind.BAD_REQUEST,
        "Unknown field '"
            + field
            + "' in the body of "
            + route
            + takes
            + ": remove it or correct its name."
            + (hint.isEmpty() ? "" : " " + hint),
        null);
  }

  /** {@code a, b and c}. */
  private static String enumerate(Collection<String> names) {
    java.util.List<String> list = java.util.List.copyOf(names);
    if (list.size() <= 1) {
      return String.join("", list);
    }
    return String.join(", ", list.subList(0, list.size() - 1))
        + " and "
        + list.get(list.size() - 1);
  }

  /** A SQL statement that cannot run as written; the message says why. */
  public static QueryException badSql(String message) {
    return new QueryException(ErrorKind.BAD_REQUEST, message, null);
  }

  /** A table definition that is not valid; the message names the column and the fix. */
  public static QueryException badTableDefinition(String message) {
    return new QueryException(ErrorKind.BAD_REQUEST, message, null);
  }

  /** A purge of a table type that neither exists nor left data. */
  public static QueryException nothingToPurge(String tableType) {
    return new QueryException(
        ErrorKind.NOT_FOUND,
        "There is no table '" + tableType + "', nor data kept from a dropped one.",
        null);
  }

  /** A new table type named like a dropped one whose kept data has other columns. */
  public static QueryException keptDataWithOtherColumns(
      String tableType, int tables, TableId example) {
    return new QueryException(
        ErrorKind.CONFLICT,
        "Table '"
            + tableType
            + "' was dropped, and the data kept of it ("
            + tables
            + " project table(s), e.g. "
            + example
            + ") has other columns. Purge it first (DELETE /v1/tables/"
            + tableType
            + "?purge=true) or choose another name. Re-creating it with the same columns resumes"
            + " the kept tables.",
        null);
  }

  /** The data of a table type could not be deleted entirely. */
  public static QueryException purgeFailed(String tableType, Throwable cause) {
    return new QueryException(
        ErrorKind.INTERNAL,
        "Purging table '"
            + tableType
            + "' stopped: "
            + cause.getMessage()
            + ". The table type is dropped; DELETE /v1/tables/"
            + tableType
            + "?purge=true again deletes what is left.",
        cause);
  }

  /** No table type of that name in the catalog. */
  public static QueryException unknownTableType(String name) {
    return new QueryException(
        ErrorKind.NOT_FOUND,
        "There is no table type '" + name + "'. GET /v1/tables lists them.",
        null);
  }
}

package io.lakestream.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.schema.ErrorKind;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The one place that creates the SQL module's errors ({@link SqlException}), so that each has its
 * {@link ErrorKind} and messages read alike: what went wrong, why, and what to do.
 *
 * <p>The embedded engine's failures are classified here once ({@link #fromEngine}), by DuckDB's own
 * error type and subtype: the engine runs with {@code errors_as_json}, so a failure carries {@code
 * exception_type} ({@code Parser}, {@code Catalog}, {@code Binder}, {@code Conversion}, …) and,
 * where DuckDB has one, {@code error_subtype} ({@code SYNTAX_ERROR}, {@code MISSING_ENTRY}, {@code
 * COLUMN_NOT_FOUND}, …). The message the user reads is DuckDB's, prefixed with its type as DuckDB
 * writes it ({@code Catalog Error: …}).
 */
public final class SqlErrors {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What DuckDB's JDBC driver (2.0.0.1) says, instead of the engine's error, of a streamed result
   * whose execution failed before its first rows were fetched: {@code executeQuery} finds the error
   * stored in the result and reports this instead ({@code duckdb_jdbc_query_result_meta}).
   */
  private static final String STREAM_FAILED = "Invalid Input Error: Invalid result set";

  private SqlErrors() {}

  /** A statement that is not valid as written (a wrong value, a misplaced clause). */
  public static SqlException badStatement(String message) {
    return new SqlException(ErrorKind.BAD_REQUEST, message, null);
  }

  /** A statement that is not valid as written, found by a check that failed with {@code cause}. */
  public static SqlException badStatement(String message, Throwable cause) {
    return new SqlException(ErrorKind.BAD_REQUEST, message, cause);
  }

  /** A statement that does not parse. */
  public static SqlException syntax(String message) {
    return new SqlException(ErrorKind.SYNTAX_ERROR, message, null);
  }

  /** A statement that names a table that does not exist. */
  public static SqlException noSuchTable(String table) {
    return new SqlException(ErrorKind.UNDEFINED_TABLE, "There is no table '" + table + "'.", null);
  }

  /** A statement that names a column its table does not have. */
  public static SqlException noSuchColumn(String message) {
    return new SqlException(ErrorKind.UNDEFINED_COLUMN, message, null);
  }

  /** A statement, or a part of one, that Lakestream does not run; {@code message} says instead. */
  public static SqlException unsupported(String message) {
    return new SqlException(ErrorKind.UNSUPPORTED, message, null);
  }

  /** A statement beyond a limit (its length, its nesting, the rows it reads). */
  public static SqlException limitExceeded(String message) {
    return new SqlException(ErrorKind.LIMIT_EXCEEDED, message, null);
  }

  /** The statement's parameters do not match its placeholders. */
  public static SqlException parameterCount(int expected, int given) {
    return badStatement(
        expected > 0 && given == 0
            ? "The statement has "
                + expected
                + " parameter(s) ($1 or ?) and no values were given: write the values in the"
                + " statement, or send them as parameters (e.g. through the PostgreSQL"
                + " protocol's extended query)."
            : "The statement has "
                + expected
                + " parameter(s) and "
                + given
                + " value(s) were given: give one value for each parameter.");
  }

  /** A statement stopped by {@link StatementCancel#cancel}, in PostgreSQL's words. */
  public static SqlException canceled() {
    return new SqlException(ErrorKind.CANCELED, "canceling statement due to user request", null);
  }

  /** A statement stopped by {@code cancel}, saying why. */
  public static SqlException canceled(StatementCancel cancel) {
    return new SqlException(ErrorKind.CANCELED, cancel.message(), null);
  }

  /** A statement that reads more rows than the engine may load. */
  public static SqlException tooManyRows(
      long maxRows, String table, String projectId, String primaryKey) {
    return limitExceeded(
        "The statement reads more than "
            + maxRows
            + " rows (table "
            + table
            + " of project "
            + projectId
            + "): narrow the range of "
            + primaryKey
            + " (e.g. a shorter time range) so that it reads fewer rows.");
  }

  /** The rows of an {@code INSERT} could not be handed to the ingest topic. */
  public static SqlException sinkUnavailable(String message, Throwable cause) {
    return new SqlException(ErrorKind.UNAVAILABLE, message, cause);
  }

  /** The embedded engine did not start or connect: a fault of the server, not of the statement. */
  public static SqlException engineDown(String what, Throwable cause) {
    return new SqlException(
        ErrorKind.INTERNAL,
        "The embedded SQL engine " + what + ": " + firstLine(cause.getMessage()),
        cause);
  }

  /**
   * A failure of the embedded engine (DuckDB) on the user's statement, classified by the engine's
   * error type: its message, which names no Java class, with a fix where one is known. A failure
   * whose error the JDBC driver lost ({@link #lostEngineError}) is a statement error that says so.
   */
  public static SqlException fromEngine(SQLException e) {
    if (isStreamFailed(e)) {
      return new SqlException(
          ErrorKind.BAD_REQUEST,
          "The statement failed while the SQL engine ran it over the rows read (for example a value"
              + " that does not convert to the type asked for, or an error() call), and the engine"
              + " did not say which: check the statement's casts and functions on a narrower range.",
          e);
    }
    EngineError error = EngineError.of(e);
    ErrorKind kind = error.kind();
    if (kind == ErrorKind.CANCELED) {
      return canceled(); // the engine's "Interrupted!"
    }
    String message = error.message();
    switch (error.type()) {
      case "Out of Memory" -> {
        return new SqlException(
            kind,
            "The statement needs more memory than the SQL engine may use (Out of Memory Error: "
                + firstLine(error.detail())
                + "): narrow the key range (e.g. a shorter time range on the primary key) or select"
                + " fewer columns.",
            e);
      }
      case "INTERNAL" -> {
        return new SqlException(
            kind,
            "The SQL engine failed on this statement: "
                + firstLine(message)
                + " Rewrite the statement (e.g. without the construct named).",
            e);
      }
      default -> {}
    }
    if (message.contains("Division by zero in expression")) {
      return new SqlException(ErrorKind.INVALID_DATA, "division by zero", e); // PostgreSQL's words
    }
    if (message.contains("UNNEST() can only be applied to lists") && message.contains("VARCHAR")) {
      // node-postgres and others send a JavaScript array as the text '{a,b}'
      return new SqlException(
          ErrorKind.UNSUPPORTED,
          "= ANY($n) got text, not a list: a client sends an array parameter as text ('{a,b}'),"
              + " and Lakestream takes no array parameters. List the values instead: IN ($1, $2,"
              + " …), or = ANY(['a', 'b']) in the statement.",
          e);
    }
    if (message.contains("Cannot compare values of type TIMESTAMP WITH TIME ZONE and type")) {
      message +=
          "\nTimestamps are timestamptz: compare them with '2026-11-21T10:00:00Z',"
              + " to_timestamp(<seconds>) or make_timestamptz(<microseconds>).";
    }
    if (message.contains("'@>(JSON") || message.contains("'<@(JSON")) {
      message +=
          "\nJSON columns take json_contains(attributes, '{\"key\": \"value\"}') for"
              + " containment (PostgreSQL's jsonb @>).";
    } else if (message.contains("syntax error at or near \"?\"")) {
      message +=
          "\nA ? is a parameter here: for a JSON key's presence (jsonb's ? operator) write"
              + " attributes->>'key' IS NOT NULL.";
    }
    message =
        message.replace(
            " Use \"SET max_expression_depth TO x\" to increase the maximum expression depth.",
            " Simplify the expression.");
    // The engine suggests its own catalog tables for a misspelt name; the user's tables are the
    // project's table types, which a suggestion of pg_sequences does not help find.
    message = INTERNAL_SUGGESTION.matcher(message).replaceAll("");
    return new SqlException(kind, message, e);
  }

  /**
   * Whether {@code e} is the engine's failure of a statement that DuckDB's JDBC driver reported
   * without the engine's error (a streamed statement that failed before its first rows were
   * fetched): running the statement again without streaming gives that error.
   */
  static boolean lostEngineError(SqlException e) {
    return e.getCause() instanceof SQLException cause && isStreamFailed(cause);
  }

  private static boolean isStreamFailed(SQLException e) {
    return STREAM_FAILED.equals(String.valueOf(e.getMessage()).strip());
  }

  private static final java.util.regex.Pattern INTERNAL_SUGGESTION =
      java.util.regex.Pattern.compile(
          "\\s*Did you mean \"(?:pg_catalog\\.|information_schema\\.)?(?:pg_|duckdb_|sqlite_)[^\"]*\"\\??");

  private static String firstLine(String text) {
    return text == null ? "" : text.lines().findFirst().orElse("");
  }

  /**
   * DuckDB's error as it reports it with {@code errors_as_json}: {@code [<Type> Error:
   * ]{"exception_type": …, "exception_message": …, "error_subtype": …}}. Errors of the JDBC driver
   * itself are plain text; they are read as {@code Invalid Input} errors of the statement.
   */
  private record EngineError(String type, String subtype, String entry, String detail) {
    static EngineError of(SQLException e) {
      String text = e.getMessage() == null ? "" : e.getMessage().strip();
      text = text.replaceFirst("^java\\.sql\\.SQLException: ", "");
      int json = text.indexOf('{');
      if (json >= 0) {
        try {
          JsonNode error = JSON.readTree(text.substring(json));
          if (error.hasNonNull("exception_type")) {
            return new EngineError(
                error.path("exception_type").asText(),
                error.path("error_subtype").asText(""),
                error.path("type").asText(""),
                error.path("exception_message").asText(""));
          }
        } catch (IOException notJson) {
          // a message that holds a brace but is not DuckDB's JSON: read it as text below
        }
      }
      int colon = text.indexOf(" Error: ");
      if (colon > 0 && colon < 40) {
        return new EngineError(text.substring(0, colon), "", "", text.substring(colon + 8));
      }
      return new EngineError("Invalid Input", "", "", text);
    }

    /**
     * The message as DuckDB writes it: {@code Catalog Error: Table with name x does not exist!}.
     */
    String message() {
      return type + " Error: " + detail;
    }

    ErrorKind kind() {
      return switch (type.toLowerCase(Locale.ROOT)) {
        case "parser", "syntax" -> ErrorKind.SYNTAX_ERROR;
        case "catalog" ->
            subtype.equals("MISSING_ENTRY") && isFunction()
                ? ErrorKind.UNDEFINED_FUNCTION
                : subtype.equals("MISSING_ENTRY")
                    ? ErrorKind.UNDEFINED_TABLE
                    : ErrorKind.BAD_REQUEST;
        case "binder" ->
            switch (subtype) {
              case "COLUMN_NOT_FOUND" -> ErrorKind.UNDEFINED_COLUMN;
              case "MISSING_ENTRY" -> ErrorKind.UNDEFINED_TABLE;
              default ->
                  // e.nme with e an alias: no subtype, PostgreSQL's 42703 all the same
                  detail.contains("does not have a column named")
                      ? ErrorKind.UNDEFINED_COLUMN
                      // a timestamp compared with a number: PostgreSQL's "operator does not exist"
                      : detail.contains("Cannot compare values of type")
                          ? ErrorKind.UNDEFINED_FUNCTION
                          : ErrorKind.BAD_REQUEST;
            };
        case "conversion", "out of range", "divide by zero", "invalid type", "mismatch type" ->
            ErrorKind.INVALID_DATA;
        case "not implemented", "permission" -> ErrorKind.UNSUPPORTED;
        case "out of memory" -> ErrorKind.LIMIT_EXCEEDED;
        case "interrupt" -> ErrorKind.CANCELED;
        // DuckDB's own INTERNAL error on a statement is a construct the engine fails on: the
        // user can rewrite it (the message says so), so it is refused as unsupported, not a 500.
        case "internal" -> ErrorKind.UNSUPPORTED;
        case "fatal", "connection", "io" -> ErrorKind.INTERNAL;
        default -> ErrorKind.BAD_REQUEST;
      };
    }

    /** Whether a missing catalog entry is a function (its type: {@code Scalar Function}, …). */
    private boolean isFunction() {
      return entry.endsWith("Function");
    }
  }
}

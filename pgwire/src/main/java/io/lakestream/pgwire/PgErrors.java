package io.lakestream.pgwire;

/** The SQLSTATE codes Lakestream answers with, and the errors the protocol itself raises. */
public final class PgErrors {
  /** Syntax error, or a statement the engine does not run as written. */
  public static final String SYNTAX_ERROR = "42601";

  /** The table does not exist. */
  public static final String UNDEFINED_TABLE = "42P01";

  /** The credentials do not grant what the statement reads. */
  public static final String INSUFFICIENT_PRIVILEGE = "42501";

  /** Wrong user name or password. */
  public static final String INVALID_PASSWORD = "28P01";

  /** The query was cancelled by a cancel request. */
  public static final String QUERY_CANCELED = "57014";

  /** A feature Lakestream does not support. */
  public static final String FEATURE_NOT_SUPPORTED = "0A000";

  /** Something broke inside the server. */
  public static final String INTERNAL_ERROR = "XX000";

  /** A value that cannot be read as its type (a parameter, a cast). */
  public static final String INVALID_TEXT_REPRESENTATION = "22P02";

  /** A value out of range or not allowed where it is used. */
  public static final String INVALID_PARAMETER_VALUE = "22023";

  /** A value that cannot be computed (a division by zero, an overflow). */
  public static final String DATA_EXCEPTION = "22000";

  /** A numeric value beyond what its type holds. */
  public static final String NUMERIC_VALUE_OUT_OF_RANGE = "22003";

  /** The column does not exist. */
  public static final String UNDEFINED_COLUMN = "42703";

  /** The function does not exist, or does not take these arguments. */
  public static final String UNDEFINED_FUNCTION = "42883";

  /** The table exists already. */
  public static final String DUPLICATE_TABLE = "42P07";

  /** A limit of the server: rows read, memory, statement length. */
  public static final String PROGRAM_LIMIT_EXCEEDED = "54000";

  /** Something outside the SQL engine failed (storage, the catalog topic). */
  public static final String SYSTEM_ERROR = "58000";

  /** The client broke the protocol. */
  public static final String PROTOCOL_VIOLATION = "08P01";

  /** Too many connections. */
  public static final String TOO_MANY_CONNECTIONS = "53300";

  /** An unknown prepared statement, portal or setting. */
  public static final String UNDEFINED_OBJECT = "42704";

  /** A prepared statement of that name exists already. */
  public static final String DUPLICATE_PREPARED_STATEMENT = "42P05";

  /** An unknown prepared statement. */
  public static final String INVALID_SQL_STATEMENT_NAME = "26000";

  /** An unknown portal. */
  public static final String INVALID_CURSOR_NAME = "34000";

  private PgErrors() {}

  /** A statement the engine cannot run as written. */
  public static PgException syntax(String message) {
    return new PgException(SYNTAX_ERROR, message, null, null);
  }

  /** The statement reads a table that does not exist. */
  public static PgException undefinedTable(String message) {
    return new PgException(UNDEFINED_TABLE, message, null, null);
  }

  /** The credentials do not grant what the statement reads. */
  public static PgException forbidden(String message) {
    return new PgException(INSUFFICIENT_PRIVILEGE, message, null, null);
  }

  /** Password authentication failed for {@code user}. */
  public static PgException badPassword(String user) {
    return new PgException(
        INVALID_PASSWORD,
        "password authentication failed for user \"" + user + "\"",
        null,
        "Use the project's bearer token (or the admin token) as the password.");
  }

  /** The running query was cancelled. */
  public static PgException cancelled() {
    return new PgException(QUERY_CANCELED, "canceling statement due to user request", null, null);
  }

  /** A statement that ran longer than the session's {@code statement_timeout}. */
  public static PgException statementTimeout(String timeout) {
    return new PgException(
        QUERY_CANCELED,
        "canceling statement due to statement timeout",
        "statement_timeout is " + timeout + ".",
        "Narrow the statement (a shorter time range on the primary key), or raise"
            + " statement_timeout (SET statement_timeout = '60s'; 0 for none).");
  }

  /** A feature Lakestream does not support. */
  public static PgException notSupported(String message) {
    return new PgException(FEATURE_NOT_SUPPORTED, message, null, null);
  }

  /** Something broke inside the server: the message names what, never a class or a stack. */
  public static PgException internal(String message) {
    return new PgException(INTERNAL_ERROR, message, null, null);
  }

  /** A parameter value that cannot be read as its type. */
  public static PgException badParameter(int index, String type, String why) {
    return new PgException(
        INVALID_TEXT_REPRESENTATION,
        "parameter $" + index + " is not a valid " + type + ": " + why,
        null,
        null);
  }

  /** A numeric value beyond what its type holds. */
  public static PgException outOfRange(String message) {
    return new PgException(NUMERIC_VALUE_OUT_OF_RANGE, message, null, null);
  }

  /** The client broke the protocol. */
  public static PgException protocol(String message) {
    return new PgException(PROTOCOL_VIOLATION, message, null, null);
  }
}

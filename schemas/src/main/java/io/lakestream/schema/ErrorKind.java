package io.lakestream.schema;

/**
 * What kind of failure a {@link LakestreamException} is, in the caller's terms. Each serving layer
 * turns a kind into its own answer in one place: the HTTP status and the {@code error} code of the
 * JSON body ({@code query-api}'s {@code ErrorResponses}), the SQLSTATE of a PostgreSQL {@code
 * ErrorResponse} ({@code PgSqlBackend}).
 *
 * <p>The kinds a statement can fail with are finer than HTTP needs (a statement naming a table that
 * does not exist, or a column, or written with a syntax error, is a bad request to {@code POST
 * /v1/sql} alike), because PostgreSQL clients tell them apart by SQLSTATE.
 */
public enum ErrorKind {
  /** A parameter or a value is malformed or out of range (a bad request). */
  BAD_REQUEST,
  /** A statement that does not parse. */
  SYNTAX_ERROR,
  /** A statement names a table that does not exist. */
  UNDEFINED_TABLE,
  /** A statement names a column that does not exist. */
  UNDEFINED_COLUMN,
  /** A statement calls a function that does not exist, or with arguments it does not take. */
  UNDEFINED_FUNCTION,
  /** A value of a statement cannot be converted or computed (a cast, a division by zero). */
  INVALID_DATA,
  /** A statement or request asks for something Lakestream does not do (on purpose). */
  UNSUPPORTED,
  /** A request goes beyond a configured limit (rows read, memory, statement length). */
  LIMIT_EXCEEDED,
  /** The caller canceled the request, or a timeout did. */
  CANCELED,
  /** No credentials, or credentials that are not valid. */
  UNAUTHENTICATED,
  /** Valid credentials that do not grant this resource or action. */
  FORBIDDEN,
  /** The project, table or key named by the request does not exist. */
  NOT_FOUND,
  /** The resource exists already, or cannot be changed (a built-in table type). */
  CONFLICT,
  /** None of the accepted response formats is supported. */
  NOT_ACCEPTABLE,
  /** The index is not ready, or a dependency (storage, the catalog topic) is unavailable. */
  UNAVAILABLE,
  /** A bug, or an unexpected failure of storage or of the SQL engine. */
  INTERNAL
}

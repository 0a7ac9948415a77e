package io.lakestream.pgwire;

import java.util.Collection;
import java.util.List;

/**
 * What the PostgreSQL protocol server asks of the system behind it: who a user is, and what a
 * statement returns. The server answers session statements ({@code SET}, {@code SHOW}, {@code
 * BEGIN}, {@code SELECT version()}, …) and the catalog queries of clients itself; everything else
 * comes here.
 *
 * <p>Methods may be called from many connections at once. A failure the user should see is a {@link
 * PgException} with its SQLSTATE; any other exception is reported as an internal error (SQLSTATE
 * {@code XX000}) with its message.
 */
public interface PgBackend {

  /**
   * Checks a user's password and returns who the session runs as (kept in {@link
   * PgSession#principal()}).
   *
   * @param password the password, or the empty string under {@link PgAuthentication#TRUST}
   * @throws PgException {@code 28P01} when the password does not authenticate the user
   */
  Object authenticate(String user, String database, String password);

  /**
   * The passwords that could authenticate {@code user}: SCRAM proves knowledge of a password
   * without sending it, so the server checks the client's proof against each of these and then
   * calls {@link #authenticate} with the one that matched.
   */
  Collection<String> passwords(String user);

  /**
   * Runs one statement.
   *
   * @param parameters the bound values of {@code $1}, {@code $2}, …: null, {@code String}, {@code
   *     Long}, {@code Integer}, {@code Short}, {@code Double}, {@code Float}, {@code Boolean},
   *     {@code java.time.Instant} (timestamptz), {@code LocalDateTime}, {@code LocalDate}, {@code
   *     BigDecimal} or {@code byte[]}; a text parameter of unspecified type is a {@code String}
   * @throws PgException with the SQLSTATE the client should see
   */
  PgResult execute(PgSession session, String sql, List<Object> parameters);

  /**
   * The columns a statement would return, for {@code Describe} of a prepared statement before its
   * parameters are bound; empty for a statement without rows. The default runs the statement with
   * every parameter null and reads its columns.
   */
  default List<PgColumn> describe(PgSession session, String sql, List<PgType> parameterTypes) {
    List<Object> nulls = new java.util.ArrayList<>();
    parameterTypes.forEach(t -> nulls.add(null));
    try (PgResult result = execute(session, sql, nulls)) {
      return result instanceof PgResult.Rows rows ? rows.columns() : List.of();
    }
  }

  /** The tables the session may list, for {@code \dt}, {@code \d table} and similar. */
  List<PgTable> tables(PgSession session);
}

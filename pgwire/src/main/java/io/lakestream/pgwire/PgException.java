package io.lakestream.pgwire;

import static java.util.Objects.requireNonNull;

/**
 * An error a client sees as an {@code ErrorResponse}: a SQLSTATE code, a message that says what
 * went wrong and what to do, and optionally a detail and a hint. Create them through {@link
 * PgErrors}.
 */
public final class PgException extends RuntimeException {
  private final String sqlState;
  private final String detail;
  private final String hint;

  /**
   * @param sqlState the five-character SQLSTATE code, e.g. {@code 42601}
   * @param message the primary message, in the user's terms
   * @param detail more detail, or null
   * @param hint what to do, or null
   */
  public PgException(String sqlState, String message, String detail, String hint) {
    super(requireNonNull(message, "message is null"));
    this.sqlState = requireNonNull(sqlState, "sqlState is null");
    if (sqlState.length() != 5) {
      throw new IllegalArgumentException("sqlState must have five characters: " + sqlState);
    }
    this.detail = detail;
    this.hint = hint;
  }

  /** The SQLSTATE code. */
  public String sqlState() {
    return sqlState;
  }

  /** More detail, or null. */
  public String detail() {
    return detail;
  }

  /** What to do, or null. */
  public String hint() {
    return hint;
  }
}

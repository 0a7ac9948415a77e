package io.lakestream.reader;

import static java.util.Objects.requireNonNull;

/**
 * A failure the query API reports to its caller: what went wrong ({@link #getMessage()}) and of
 * which {@link Kind}, which the HTTP layer maps to a status code in one place. Create instances
 * through {@link QueryErrors}.
 */
public final class QueryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The kinds of failure, each with a stable machine-readable code. */
  public enum Kind {
    /** A parameter is malformed or out of range. */
    BAD_REQUEST("bad_request"),
    /** No credentials, or credentials that are not valid. */
    UNAUTHENTICATED("unauthorized"),
    /** Valid credentials that do not grant this resource. */
    FORBIDDEN("forbidden"),
    /** The project, table or key does not exist. */
    NOT_FOUND("not_found"),
    /** The resource exists already, or cannot be changed (a built-in table type). */
    CONFLICT("conflict"),
    /** None of the accepted response formats is supported. */
    NOT_ACCEPTABLE("not_acceptable"),
    /** The index is not ready, or a dependency (storage) is unavailable. */
    UNAVAILABLE("unavailable"),
    /** A bug or an unexpected storage failure. */
    INTERNAL("internal");

    private final String code;

    Kind(String code) {
      this.code = code;
    }

    /** The value of the {@code error} field of JSON error bodies. */
    public String code() {
      return code;
    }
  }

  private final Kind kind;

  QueryException(Kind kind, String message, Throwable cause) {
    super(requireNonNull(message, "message is null"), cause);
    this.kind = requireNonNull(kind, "kind is null");
  }

  /** What kind of failure this is. */
  public Kind kind() {
    return kind;
  }
}

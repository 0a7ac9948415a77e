package io.lakestream.schema;

import static java.util.Objects.requireNonNull;

/**
 * The root of Lakestream's user-facing errors: a message saying what went wrong, why and what to
 * do, and an {@link ErrorKind} that the serving layers turn into an HTTP status or a SQLSTATE, each
 * in one place. Each module creates its errors through its own factory ({@code SchemaErrors},
 * {@code CatalogErrors}, {@code SqlErrors}, {@code QueryErrors}).
 */
public class LakestreamException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorKind kind;

  /** An error of {@code kind}; {@code message} is in the user's terms. */
  public LakestreamException(ErrorKind kind, String message) {
    this(kind, message, null);
  }

  /** An error of {@code kind} caused by {@code cause}; {@code message} is in the user's terms. */
  public LakestreamException(ErrorKind kind, String message, Throwable cause) {
    super(requireNonNull(message, "message is null"), cause);
    this.kind = requireNonNull(kind, "kind is null");
  }

  /** What kind of failure this is. */
  public final ErrorKind kind() {
    return kind;
  }
}

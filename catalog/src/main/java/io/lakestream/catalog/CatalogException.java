package io.lakestream.catalog;

/** A catalog request that cannot be done; {@link #kind()} tells callers which HTTP status fits. */
public final class CatalogException extends RuntimeException {
  /** What went wrong, in the terms of a request. */
  public enum Kind {
    /** The request is malformed or names something invalid (400). */
    INVALID,
    /** The named table or project does not exist (404). */
    NOT_FOUND,
    /** The table or project exists already, or is built in (409). */
    CONFLICT,
    /** The catalog topic could not be read or written (503). */
    UNAVAILABLE
  }

  private final Kind kind;

  CatalogException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  CatalogException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** The kind of failure. */
  public Kind kind() {
    return kind;
  }
}

package io.lakestream.catalog;

import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.LakestreamException;

/**
 * A catalog request that cannot be done: {@link #kind()} is {@link ErrorKind#BAD_REQUEST} (an
 * invalid name or definition), {@link ErrorKind#NOT_FOUND}, {@link ErrorKind#CONFLICT} (exists
 * already, or built in) or {@link ErrorKind#UNAVAILABLE} (the catalog topic cannot be read or
 * written).
 */
public final class CatalogException extends LakestreamException {
  private static final long serialVersionUID = 1L;

  CatalogException(ErrorKind kind, String message) {
    super(kind, message);
  }

  CatalogException(ErrorKind kind, String message, Throwable cause) {
    super(kind, message, cause);
  }
}

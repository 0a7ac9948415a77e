package io.lakestream.query;

import io.lakestream.catalog.CatalogException;
import io.lakestream.reader.QueryErrors;
import io.lakestream.reader.QueryException;
import io.lakestream.reader.QueryException.Kind;

/** Catalog failures as query errors, with the status their kind calls for. */
public final class CatalogErrors {
  private CatalogErrors() {}

  /** A catalog failure, with the status its kind calls for. */
  public static QueryException of(CatalogException e) {
    Kind kind =
        switch (e.kind()) {
          case INVALID -> Kind.BAD_REQUEST;
          case NOT_FOUND -> Kind.NOT_FOUND;
          case CONFLICT -> Kind.CONFLICT;
          case UNAVAILABLE -> Kind.UNAVAILABLE;
        };
    return QueryErrors.reported(kind, e);
  }
}

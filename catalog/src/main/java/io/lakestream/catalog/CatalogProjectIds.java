package io.lakestream.catalog;

import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.ProjectIds;

/** Checks project ids ({@link ProjectIds}) for catalog requests. */
final class CatalogProjectIds {
  private CatalogProjectIds() {}

  /** {@code id}, or an {@link ErrorKind#BAD_REQUEST} error saying what a project id is. */
  static String require(String id) {
    if (!ProjectIds.isValid(id)) {
      throw new CatalogException(
          ErrorKind.BAD_REQUEST,
          "Project id '"
              + (id == null ? "" : id.replaceAll("\\p{Cntrl}", "?"))
              + "' is not valid: use 1 to 64 letters, digits, '-' or '_'.");
    }
    return id;
  }
}

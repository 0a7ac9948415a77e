package io.lakestream.catalog;

import io.lakestream.schema.ProjectIds;

/** Checks project ids ({@link ProjectIds}) for catalog requests. */
final class CatalogProjectIds {
  private CatalogProjectIds() {}

  /** {@code id}, or an {@link ErrorKind#BAD_REQUEST} error saying what a project id is. */
  static String require(String id) {
    if (!ProjectIds.isValid(id)) {
      throw CatalogErrors.invalidProjectId(id);
    }
    return id;
  }
}

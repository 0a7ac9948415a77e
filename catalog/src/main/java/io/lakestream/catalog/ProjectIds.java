package io.lakestream.catalog;

import java.util.regex.Pattern;

/**
 * Project ids: letters, digits, {@code -} and {@code _}, 1 to 64 characters. Nothing else can
 * appear in a storage path built from one ({@code ..}, {@code /}, {@code %2F}, control characters
 * are all refused).
 */
public final class ProjectIds {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private ProjectIds() {}

  /** Whether {@code id} is a valid project id. */
  public static boolean isValid(String id) {
    return id != null && SAFE.matcher(id).matches();
  }

  /** {@code id}, or an {@link CatalogException.Kind#INVALID} error saying what a project id is. */
  public static String require(String id) {
    if (!isValid(id)) {
      throw new CatalogException(
          CatalogException.Kind.INVALID,
          "Project id '"
              + (id == null ? "" : id.replaceAll("\\p{Cntrl}", "?"))
              + "' is not valid: use 1 to 64 letters, digits, '-' or '_'.");
    }
    return id;
  }
}

package io.lakestream.schema;

import static java.util.Objects.requireNonNull;

/**
 * One column of a table definition.
 *
 * @param name an identifier: letters, digits and underscores, not starting with a digit
 * @param type the column's type
 * @param nullable whether rows may omit a value
 * @param doc what the column holds, for readers of the schema; may be empty
 */
public record Column(String name, ColumnType type, boolean nullable, String doc) {
  public Column {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    doc = doc == null ? "" : doc;
  }

  /** A non-null column without documentation. */
  public static Column required(String name, ColumnType type) {
    return new Column(name, type, false, "");
  }

  /** A nullable column without documentation. */
  public static Column optional(String name, ColumnType type) {
    return new Column(name, type, true, "");
  }
}

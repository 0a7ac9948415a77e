package io.lakestream.pgwire;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A table as the catalog queries of clients ({@code psql}'s {@code \dt} and {@code \d}) see it.
 *
 * @param name the table's name
 * @param columns its columns in order
 * @param description what it holds, or empty
 */
public record PgTable(String name, List<Column> columns, String description) {
  public PgTable {
    requireNonNull(name, "name is null");
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    requireNonNull(description, "description is null");
  }

  /**
   * A column of a table.
   *
   * @param name its name
   * @param type its PostgreSQL type
   * @param nullable whether it may hold nulls
   * @param description what it holds (the table definition's {@code doc}), or empty
   */
  public record Column(String name, PgType type, boolean nullable, String description) {
    public Column {
      requireNonNull(name, "name is null");
      requireNonNull(type, "type is null");
      requireNonNull(description, "description is null");
    }

    /** A column without a description. */
    public Column(String name, PgType type, boolean nullable) {
      this(name, type, nullable, "");
    }
  }
}

package io.lakestream.pgwire;

import static java.util.Objects.requireNonNull;

/**
 * A result column.
 *
 * @param name the column's name as the client shows it
 * @param type its PostgreSQL type
 */
public record PgColumn(String name, PgType type) {
  public PgColumn {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
  }
}

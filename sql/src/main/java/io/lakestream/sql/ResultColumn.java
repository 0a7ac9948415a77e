package io.lakestream.sql;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A result column: its name and type.
 *
 * @param name the column's label as the statement names it (its alias, else the engine's name for
 *     the expression, e.g. {@code count_star()}); several columns may share a name
 * @param type the type of its values
 * @param elementType the type of an {@link SqlType#ARRAY}'s elements; empty for other types
 * @param engineType the engine's own name of the type (e.g. {@code TIMESTAMP WITH TIME ZONE}), for
 *     messages and for types mapped to the nearest PostgreSQL one (a struct or map is {@link
 *     SqlType#TEXT})
 */
public record ResultColumn(
    String name, SqlType type, Optional<SqlType> elementType, String engineType) {
  public ResultColumn {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    requireNonNull(elementType, "elementType is null");
    requireNonNull(engineType, "engineType is null");
    if ((type == SqlType.ARRAY) != elementType.isPresent()) {
      throw new IllegalArgumentException("an array column, and only one, has an element type");
    }
  }

  /** A column of a type that is not an array. */
  public static ResultColumn of(String name, SqlType type) {
    return new ResultColumn(name, type, Optional.empty(), type.name());
  }
}

package io.lakestream.schema;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where a role finds a table type by name while it runs. A lookup over a fixed map sees the table
 * types known at start; one over the catalog ({@code catalog::table}, {@code catalog::tables}) also
 * sees those created or dropped later. Implementations must be safe to call from any thread.
 */
public interface TableLookup {
  /**
   * The table type named {@code name} now; empty when there is none (never created, or dropped).
   */
  Optional<TableDefinition> table(String name);

  /** Every table type known now, by name (for messages and logs). */
  Map<String, TableDefinition> tables();

  /** A lookup that always answers from a copy of {@code tables}, in its order. */
  static TableLookup of(Map<String, TableDefinition> tables) {
    Map<String, TableDefinition> copy =
        Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(tables, "tables is null")));
    return new TableLookup() {
      @Override
      public Optional<TableDefinition> table(String name) {
        return Optional.ofNullable(copy.get(name));
      }

      @Override
      public Map<String, TableDefinition> tables() {
        return copy;
      }
    };
  }
}

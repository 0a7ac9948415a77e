package io.lakestream.writer;

import io.lakestream.schema.Column;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Copies of the built-in tables under test-specific names, so tests share a broker safely. */
public final class TestTables {
  private TestTables() {}

  /** The built-in tables renamed {@code <prefix>_<name>}, by new name. */
  public static Map<String, TableDefinition> builtInsPrefixed(String prefix) {
    Map<String, TableDefinition> tables = new LinkedHashMap<>();
    for (TableDefinition table : TableDefinitions.builtIns().values()) {
      TableDefinition renamed = renamed(table, prefix + "_" + table.name());
      tables.put(renamed.name(), renamed);
    }
    return tables;
  }

  /** {@code table} under another name. */
  public static TableDefinition renamed(TableDefinition table, String name) {
    List<TableDefinition.ColumnSpec> columns =
        table.columns().stream()
            .map(
                (Column c) ->
                    new TableDefinition.ColumnSpec(
                        c.name(), c.type().typeName(), c.nullable(), c.doc()))
            .toList();
    return TableDefinition.validate(
        "test",
        name,
        table.description(),
        columns,
        table.primaryKey(),
        table.sortOrder(),
        table.partitionColumns());
  }
}

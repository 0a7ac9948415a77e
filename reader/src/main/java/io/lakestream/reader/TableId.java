package io.lakestream.reader;

import static java.util.Objects.requireNonNull;

/**
 * One Delta table of the warehouse: a project's table of one table type, at {@code
 * {warehouse}/projects/{project}/{table}/}.
 *
 * @param project the project id
 * @param table the table type's name
 */
public record TableId(String project, String table) implements Comparable<TableId> {
  public TableId {
    requireNonNull(project, "project is null");
    requireNonNull(table, "table is null");
  }

  @Override
  public int compareTo(TableId other) {
    int c = project.compareTo(other.project);
    return c != 0 ? c : table.compareTo(other.table);
  }

  @Override
  public String toString() {
    return project + "/" + table;
  }
}

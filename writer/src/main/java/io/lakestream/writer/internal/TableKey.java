package io.lakestream.writer.internal;

import static java.util.Objects.requireNonNull;

/** One Delta table: a project's table of one type. */
public record TableKey(String project, String table) {
  public TableKey {
    requireNonNull(project, "project is null");
    requireNonNull(table, "table is null");
  }

  @Override
  public String toString() {
    return project + "/" + table;
  }
}

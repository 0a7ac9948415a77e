package io.lakestream.sql;

import io.lakestream.schema.TableDefinition;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.avro.generic.GenericRecord;

/** A planned SQL statement, checked against the catalog's tables. */
public sealed interface SqlStatement {

  /** {@code CREATE TABLE}: a new table type. */
  record CreateTable(TableDefinition table) implements SqlStatement {}

  /** {@code DROP TABLE}: stop routing to a table type; its data stays. */
  record DropTable(String tableName) implements SqlStatement {}

  /** {@code INSERT ... VALUES}: rows to produce to the table's ingest topic, type-checked. */
  record Insert(TableDefinition table, List<GenericRecord> rows) implements SqlStatement {}

  /**
   * {@code SELECT} over one project's table: a primary-key range read, then a filter on the rows
   * read, then a projection or aggregates.
   *
   * @param table the table type
   * @param projectId the project named by {@code project_id = '…'}
   * @param columns the columns to return, in order (all columns for {@code *}); a column may appear
   *     more than once; empty with aggregates
   * @param labels the name of each returned column: its alias, else its name
   * @param from the smallest key (inclusive), as the primary key's value (Long for int, long,
   *     timestamp and date keys; Double for float and double keys)
   * @param to the key bound (exclusive), same representation
   * @param descending whether rows come in descending key order
   * @param limit the most rows to return
   * @param filter conditions on other columns, applied to the rows of the range
   * @param aggregates aggregate functions instead of rows; empty for a plain select
   */
  record Select(
      TableDefinition table,
      String projectId,
      List<String> columns,
      List<String> labels,
      Optional<Object> from,
      Optional<Object> to,
      boolean descending,
      OptionalLong limit,
      RowFilter filter,
      List<Aggregate> aggregates)
      implements SqlStatement {

    /** Whether the range is empty by its bounds alone (e.g. {@code pk > 5 AND pk < 3}). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public boolean isEmptyRange() {
      return from.isPresent()
          && to.isPresent()
          && ((Comparable) from.get()).compareTo(to.get()) >= 0;
    }

    /** The columns the range read must return: the selected ones and those the filter reads. */
    public List<String> columnsToRead() {
      java.util.LinkedHashSet<String> needed = new java.util.LinkedHashSet<>(columns);
      needed.addAll(filter.columns());
      aggregates.forEach(a -> a.column().ifPresent(needed::add));
      needed.add(table.primaryKey());
      return List.copyOf(needed);
    }
  }

  /**
   * An aggregate over the selected rows: {@code COUNT(*)}, {@code COUNT/MIN/MAX/SUM/AVG([DISTINCT]
   * col)}.
   *
   * @param column the column aggregated; empty for {@code COUNT(*)}
   * @param distinct whether each distinct non-null value counts once
   * @param label the result's column name: the alias, else e.g. {@code count(distinct trace_id)}
   */
  record Aggregate(Function function, Optional<String> column, boolean distinct, String label) {
    /** The aggregate functions supported. */
    public enum Function {
      COUNT,
      MIN,
      MAX,
      SUM,
      AVG
    }
  }
}

package io.lakestream.sql;

import static java.util.Objects.requireNonNull;

import io.lakestream.catalog.Catalog;
import io.lakestream.sql.SqlStatement.Aggregate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Runs planned statements: DDL against the catalog, INSERT through the ingest topics, SELECT
 * through the learned-index range reader, with the row filter, limit and aggregates applied here.
 */
public final class SqlExecutor {
  /** The most rows one SELECT returns when it names no LIMIT. */
  public static final long DEFAULT_LIMIT = 10_000;

  private final Catalog catalog;
  private final RowRange range;
  private final RowSink sink;
  private final SqlPlanner planner;

  /** An executor over a catalog, a range reader and a row sink. */
  public SqlExecutor(Catalog catalog, RowRange range, RowSink sink) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.range = requireNonNull(range, "range is null");
    this.sink = requireNonNull(sink, "sink is null");
    this.planner = new SqlPlanner(catalog::table);
  }

  /**
   * Plans a statement without running it, so a caller can check it first (e.g. that the request may
   * read the project it names).
   */
  public SqlStatement plan(String sql, Optional<String> defaultProject) {
    return planner.plan(sql, defaultProject);
  }

  /** Runs a planned statement. */
  public SqlResult execute(SqlStatement statement) {
    if (statement instanceof SqlStatement.CreateTable create) {
      catalog.createTable(create.table());
      return SqlResult.message("created table " + create.table().name(), 0);
    }
    if (statement instanceof SqlStatement.DropTable drop) {
      catalog.dropTable(drop.tableName());
      return SqlResult.message("dropped table " + drop.tableName() + "; its data is kept", 0);
    }
    if (statement instanceof SqlStatement.Insert insert) {
      int sent = sink.send(insert.table(), insert.rows());
      return SqlResult.message(
          "sent "
              + sent
              + " row(s) to table "
              + insert.table().name()
              + " through the ingest router",
          sent);
    }
    return select((SqlStatement.Select) statement);
  }

  private SqlResult select(SqlStatement.Select select) {
    long limit =
        select.limit().orElse(select.aggregates().isEmpty() ? DEFAULT_LIMIT : Long.MAX_VALUE);
    if (limit == 0 && !select.aggregates().isEmpty()) {
      // LIMIT 0 limits the result, and aggregates have one row: none is returned.
      return new SqlResult(
          select.aggregates().stream().map(Aggregate::label).toList(), List.of(), "", 0);
    }
    if (select.isEmptyRange() || limit == 0) {
      return aggregateOrRows(select, Stream.empty());
    }
    try (Stream<Map<String, Object>> rows =
        range.read(
            select.table(),
            select.projectId(),
            select.from(),
            select.to(),
            select.descending(),
            select.columnsToRead())) {
      Stream<Map<String, Object>> filtered = rows.filter(select.filter()::test);
      if (select.aggregates().isEmpty()) {
        filtered = filtered.limit(limit);
      }
      return aggregateOrRows(select, filtered);
    }
  }

  private SqlResult aggregateOrRows(SqlStatement.Select select, Stream<Map<String, Object>> rows) {
    if (select.aggregates().isEmpty()) {
      List<List<Object>> out = new ArrayList<>();
      rows.forEach(
          row -> {
            List<Object> values = new ArrayList<>(select.columns().size());
            for (String column : select.columns()) {
              values.add(row.get(column));
            }
            out.add(values);
          });
      return new SqlResult(select.labels(), out, "", out.size());
    }
    List<Accumulator> accumulators = select.aggregates().stream().map(Accumulator::new).toList();
    rows.forEach(row -> accumulators.forEach(a -> a.add(row)));
    List<Object> values = accumulators.stream().map(Accumulator::result).toList();
    return new SqlResult(
        select.aggregates().stream().map(Aggregate::label).toList(), List.of(values), "", 1);
  }

  /** One aggregate's running state. */
  private static final class Accumulator {
    private final Aggregate aggregate;
    private long count;
    private Object min;
    private Object max;
    private double sum;
    private long longSum;
    private boolean integral = true;
    private final Set<Object> seen;

    Accumulator(Aggregate aggregate) {
      this.aggregate = aggregate;
      this.seen = aggregate.distinct() ? new TreeSet<>(Values::compare) : null;
    }

    void add(Map<String, Object> row) {
      if (aggregate.column().isEmpty()) {
        count++;
        return;
      }
      Object value = row.get(aggregate.column().get());
      if (value == null || seen != null && !seen.add(value)) {
        return;
      }
      count++;
      if (min == null || Values.compare(value, min) < 0) {
        min = value;
      }
      if (max == null || Values.compare(value, max) > 0) {
        max = value;
      }
      if (value instanceof Number n) {
        sum += n.doubleValue();
        if (n instanceof Long || n instanceof Integer) {
          longSum += n.longValue();
        } else {
          integral = false;
        }
      }
    }

    Object result() {
      return switch (aggregate.function()) {
        case COUNT -> count;
        case MIN -> min;
        case MAX -> max;
        case SUM -> count == 0 ? null : integral ? (Object) longSum : (Object) sum;
        case AVG -> count == 0 ? null : sum / count;
      };
    }
  }
}

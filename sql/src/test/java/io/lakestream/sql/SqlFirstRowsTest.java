package io.lakestream.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.schema.Column;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.sql.internal.BoxedRowBatches;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A statement that orders a table by its key and keeps a number of rows ({@code ORDER BY timestamp
 * DESC LIMIT 20}) asks the scan for the range's first rows in key order only, when the scan meets
 * every condition of the top-N; its answer is the one it has over every row. The scan here gives
 * exactly the fewest rows the request allows (the first rows, ties included), so that a statement
 * asking for them wrongly (a condition the scan does not meet, another scan of the table) answers
 * differently from the same statement over every row.
 */
class SqlFirstRowsTest {
  static final long BASE = SqlEngineTest.BASE;
  static final long MINUTE = 60_000_000L;

  /** 600 rows, three to a key (a minute apart), with columns that statements filter on. */
  static class Rows implements TableScan {
    final List<String> calls = new ArrayList<>();

    @Override
    public void scan(
        TableDefinition table,
        String projectId,
        Optional<Object> from,
        Optional<Object> to,
        List<String> columns,
        Consumer<Object[]> rows) {
      SqlEngineTest.rowsOver(
          600,
          i -> BASE + (i / 3) * MINUTE,
          from,
          to,
          columns,
          (i, column) ->
              switch (column) {
                case "project_id" -> projectId;
                case "body" -> String.format("row %03d", i);
                case "service_name" -> projectId + (i % 2 == 0 ? "-api" : "-db");
                case "severity_text" -> i % 7 == 0 ? "ERROR" : "INFO";
                case "trace_id" -> "t" + (i % 10);
                case "duration_ns" -> (long) i * 1000;
                default -> null;
              },
          rows);
    }

    @Override
    public Optional<ArrowReader> batches(
        TableDefinition table,
        String projectId,
        Optional<Object> from,
        Optional<Object> to,
        List<String> columns,
        Map<String, Object> equalities,
        BufferAllocator allocator) {
      calls.add("all " + equalities);
      return TableScan.super.batches(table, projectId, from, to, columns, equalities, allocator);
    }
  }

  /** {@link Rows}, whose first rows are exactly the first rows in key order and their key's. */
  static final class FewestFirstRows extends Rows {
    @Override
    public Optional<ArrowReader> firstBatches(
        TableDefinition table,
        String projectId,
        Optional<Object> from,
        Optional<Object> to,
        List<String> columns,
        Map<String, Object> equalities,
        First first,
        BufferAllocator allocator) {
      calls.add("first " + first.rows() + (first.descending() ? " desc " : " asc ") + equalities);
      int key = columns.indexOf(table.primaryKey());
      List<Object[]> rows = new ArrayList<>();
      scan(
          table,
          projectId,
          from,
          to,
          columns,
          values -> {
            for (Map.Entry<String, Object> e : equalities.entrySet()) {
              if (!e.getValue().equals(values[columns.indexOf(e.getKey())])) {
                return;
              }
            }
            rows.add(values);
          });
      Comparator<Object[]> byKey = Comparator.comparing(r -> (Long) r[key]);
      rows.sort(first.descending() ? byKey.reversed() : byKey);
      List<Object[]> kept = new ArrayList<>();
      for (Object[] row : rows) {
        boolean tie = !kept.isEmpty() && kept.get(kept.size() - 1)[key].equals(row[key]);
        if (kept.size() < first.rows() || tie) {
          kept.add(row);
        } else {
          break;
        }
      }
      List<Column> typed = columns.stream().map(n -> table.column(n).orElseThrow()).toList();
      return Optional.of(new BoxedRowBatches(typed, kept, allocator));
    }
  }

  final FewestFirstRows fewest = new FewestFirstRows();
  final Rows every = new Rows();
  final SqlEngine engine =
      new SqlEngine(TableDefinitions::builtIns, fewest, SqlEngine.Limits.DEFAULT);
  final SqlEngine reference =
      new SqlEngine(TableDefinitions::builtIns, every, SqlEngine.Limits.DEFAULT);

  @AfterEach
  void close() {
    engine.close();
    reference.close();
  }

  /** The statement's answer over the first rows, checked against its answer over every row. */
  private String firstRowsOf(String sql, List<?> parameters) {
    fewest.calls.clear();
    List<List<Object>> answer = SqlEngineTest.rows(engine, sql, parameters, "acme");
    assertThat(answer)
        .as(sql)
        .isEqualTo(SqlEngineTest.rows(reference, sql, parameters, "acme"))
        .isNotEmpty();
    assertThat(fewest.calls).as(sql).hasSize(1);
    return fewest.calls.get(0);
  }

  @Test
  void aTopNByTheKeyReadsTheFirstRowsOnly() {
    assertThat(
            firstRowsOf(
                "SELECT * FROM otel_logs_and_spans ORDER BY timestamp DESC, body LIMIT 20",
                List.of()))
        .isEqualTo("first 20 desc {}");
    // the key alone: the last key's rows are all there, whichever the engine keeps
    assertThat(
            firstRowsOf(
                "SELECT timestamp FROM otel_logs_and_spans ORDER BY timestamp DESC LIMIT 4",
                List.of()))
        .isEqualTo("first 4 desc {}");
    assertThat(
            firstRowsOf(
                "SELECT timestamp, body FROM otel_logs_and_spans WHERE severity_text = 'ERROR'"
                    + " AND project_id = 'acme' ORDER BY timestamp DESC, body LIMIT 7 OFFSET 3",
                List.of()))
        .isEqualTo("first 10 desc {severity_text=ERROR}");
    assertThat(
            firstRowsOf(
                "SELECT timestamp, body FROM otel_logs_and_spans WHERE timestamp >= to_timestamp("
                    + (BASE / 1_000_000 + 3_000)
                    + ") AND timestamp < to_timestamp("
                    + (BASE / 1_000_000 + 6_000)
                    + ") ORDER BY timestamp, body LIMIT 5",
                List.of()))
        .isEqualTo("first 5 asc {}");
    // a top-N in a subquery, filtered after it
    assertThat(
            firstRowsOf(
                "SELECT body FROM (SELECT * FROM otel_logs_and_spans ORDER BY timestamp DESC, body"
                    + " LIMIT 10) WHERE service_name = 'acme-api' ORDER BY body",
                List.of()))
        .isEqualTo("first 10 desc {}");
    // a limit given as a parameter
    assertThat(
            firstRowsOf(
                "SELECT body FROM otel_logs_and_spans WHERE trace_id = $1"
                    + " ORDER BY timestamp DESC, body LIMIT $2",
                List.of("t3", 6)))
        .isEqualTo("first 6 desc {trace_id=t3}");
  }

  @Test
  void everyRowIsReadWhenTheScanDoesNotMeetTheTopNsConditions() {
    for (String sql :
        List.of(
            // conditions the engine applies itself
            "SELECT body FROM otel_logs_and_spans WHERE body LIKE '%1%'"
                + " ORDER BY timestamp DESC, body LIMIT 5",
            "SELECT body FROM otel_logs_and_spans WHERE severity_text = 'ERROR'"
                + " OR service_name = 'acme-db' ORDER BY timestamp DESC, body LIMIT 5",
            "SELECT body FROM otel_logs_and_spans WHERE duration_ns > 300000"
                + " ORDER BY timestamp, body LIMIT 5",
            // not by the key
            "SELECT body FROM otel_logs_and_spans ORDER BY body DESC LIMIT 5",
            "SELECT body FROM otel_logs_and_spans ORDER BY duration_ns DESC, body LIMIT 5",
            // the table read again elsewhere in the statement
            "SELECT a.body, count(*) FROM (SELECT * FROM otel_logs_and_spans"
                + " ORDER BY timestamp DESC, body LIMIT 3) a JOIN otel_logs_and_spans b"
                + " ON a.trace_id = b.trace_id GROUP BY 1 ORDER BY 1",
            "(SELECT body FROM otel_logs_and_spans ORDER BY timestamp DESC, body LIMIT 3)"
                + " UNION ALL (SELECT body FROM otel_logs_and_spans ORDER BY timestamp, body"
                + " LIMIT 3) ORDER BY 1")) {
      assertThat(firstRowsOf(sql, List.of())).as(sql).startsWith("all ");
    }
  }
}

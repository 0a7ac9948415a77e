package io.lakestream.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The engine over a hand-written table scan: what it reads, and what it answers. */
class SqlEngineTest {
  static final TableDefinition OTEL = TableDefinitions.builtIn("otel_logs_and_spans");
  static final long HOUR = 3_600_000_000L;
  static final long BASE = 1_795_000_000_000_000L; // 2026-11-18T...Z, micros

  /** Rows of two projects; records every scan asked for. */
  static final class FakeScan implements TableScan {
    final List<String> calls = new ArrayList<>();

    @Override
    public void scan(
        TableDefinition table,
        String projectId,
        Optional<Object> from,
        Optional<Object> to,
        List<String> columns,
        Consumer<Object[]> rows) {
      calls.add(table.name() + " " + projectId + " " + from + " " + to + " " + columns);
      // one row a minute, two hours
      rowsOver(
          120,
          60_000_000L,
          from,
          to,
          columns,
          (i, column) ->
              switch (column) {
                case "project_id" -> projectId;
                case "service_name" -> projectId + (i % 2 == 0 ? "-api" : "-db");
                case "severity_text" -> i % 3 == 0 ? "ERROR" : "INFO";
                case "trace_id" -> "t" + (i % 10);
                case "record_type" -> i % 4 == 0 ? "span" : "log";
                case "duration_ns" -> (long) i * 1000;
                case "attributes" -> "{\"http.route\": \"/r" + (i % 3) + "\"}";
                default -> null;
              },
          rows);
    }
  }

  /**
   * Passes row {@code i} of {@code count} (key {@code BASE + i * step}) to {@code rows} when its
   * key is in {@code [from, to)}: the key in {@code timestamp}, the other columns from {@code
   * value}.
   */
  static void rowsOver(
      int count,
      long step,
      Optional<Object> from,
      Optional<Object> to,
      List<String> columns,
      java.util.function.BiFunction<Integer, String, Object> value,
      Consumer<Object[]> rows) {
    rowsOver(count, i -> BASE + i * step, from, to, columns, value, rows);
  }

  /** As above, row {@code i}'s key {@code key.applyAsLong(i)}. */
  static void rowsOver(
      int count,
      java.util.function.IntToLongFunction key,
      Optional<Object> from,
      Optional<Object> to,
      List<String> columns,
      java.util.function.BiFunction<Integer, String, Object> value,
      Consumer<Object[]> rows) {
    for (int i = 0; i < count; i++) {
      long timestamp = key.applyAsLong(i);
      if (from.isPresent() && timestamp < (Long) from.get()
          || to.isPresent() && timestamp >= (Long) to.get()) {
        continue;
      }
      Object[] values = new Object[columns.size()];
      for (int c = 0; c < values.length; c++) {
        String column = columns.get(c);
        values[c] = column.equals("timestamp") ? timestamp : value.apply(i, column);
      }
      rows.accept(values);
    }
  }

  /**
   * {@code count} rows a second apart ({@link #rowsOver}) whose {@code body} is the row's number,
   * but row 5,000's, which is {@code abc}: a cast of the body to {@code INTEGER} fails there, past
   * the engine's first vectors.
   */
  static TableScan numberedBodies(int count) {
    return new TableScan() {
      @Override
      public void scan(
          TableDefinition table,
          String projectId,
          Optional<Object> from,
          Optional<Object> to,
          List<String> columns,
          Consumer<Object[]> rows) {
        rowsOver(
            count,
            1_000_000L,
            from,
            to,
            columns,
            (i, column) -> column.equals("body") ? i == 5_000 ? "abc" : "" + i : null,
            rows);
      }
    };
  }

  final FakeScan scan = new FakeScan();
  final SqlEngine engine =
      new SqlEngine(TableDefinitions::builtIns, scan, SqlEngine.Limits.DEFAULT);

  List<List<Object>> rows(String sql, String project) {
    return rows(engine, sql, project);
  }

  /** Every row of {@code sql}'s answer, as {@code project} reads it. */
  static List<List<Object>> rows(SqlEngine engine, String sql, String project) {
    return rows(engine, sql, List.of(), project);
  }

  /** Every row of {@code sql}'s answer with its parameters bound, as {@code project} reads it. */
  static List<List<Object>> rows(SqlEngine engine, String sql, List<?> parameters, String project) {
    try (QueryResult result = engine.query(sql, parameters, named -> project)) {
      List<List<Object>> rows = new ArrayList<>();
      while (result.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 0; i < result.columns().size(); i++) {
          row.add(result.value(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  @Test
  void keyConditionsBecomeTheRangeReadAndOnlyUsedColumnsAreRead() {
    List<List<Object>> rows =
        rows(
            "SELECT count(*) FROM otel_logs_and_spans WHERE timestamp >= to_timestamp("
                + (BASE / 1_000_000 + 600)
                + ") AND timestamp < to_timestamp("
                + (BASE / 1_000_000 + 1200)
                + ") AND severity_text = 'ERROR'",
            "acme");
    assertThat(rows).containsExactly(List.of(3L)); // minutes 12, 15 and 18
    assertThat(scan.calls)
        .containsExactly(
            "otel_logs_and_spans acme Optional["
                + (BASE + 600_000_000L)
                + "] Optional["
                + (BASE + 1_200_000_000L)
                + "] [timestamp, severity_text]");
  }

  @Test
  void theArrowBatchesThatCarriedTheRowsAreReleasedWithTheStatement() {
    assertThat(rows("SELECT service_name, count(*) FROM otel_logs_and_spans GROUP BY 1", "acme"))
        .hasSize(2);
    assertThat(rows("SELECT body FROM otel_logs_and_spans WHERE trace_id = 't3'", "acme"))
        .hasSize(12);
    assertThat(engine.batchBytes()).isZero();
  }

  @Test
  void parametersAreBoundAndTheirKeyConditionsBecomeTheRange() {
    try (QueryResult result =
        engine.query(
            "SELECT count(*) FROM otel_logs_and_spans WHERE timestamp >= $1 AND timestamp < $2"
                + " AND severity_text = $3",
            List.of(
                Instant.ofEpochSecond(BASE / 1_000_000 + 600),
                Instant.ofEpochSecond(BASE / 1_000_000 + 1200),
                "ERROR"),
            named -> "acme")) {
      assertThat(result.next()).isTrue();
      assertThat(result.value(0)).isEqualTo(3L);
    }
    assertThat(scan.calls.get(0))
        .startsWith(
            "otel_logs_and_spans acme Optional["
                + (BASE + 600_000_000L)
                + "] Optional["
                + (BASE + 1_200_000_000L)
                + "]");
    assertThatThrownBy(() -> rows("SELECT * FROM otel_logs_and_spans WHERE trace_id = $1", "acme"))
        .isInstanceOf(SqlException.class)
        .hasMessageStartingWith("The statement has 1 parameter(s) ($1 or ?) and no values");
  }

  @Test
  void grafanaTimeBucketsGroupAndOrder() {
    List<List<Object>> rows =
        rows(
            "SELECT floor(extract(epoch from \"timestamp\")/600)*600 AS time, service_name,"
                + " count(*) FROM otel_logs_and_spans WHERE \"timestamp\" BETWEEN"
                + " '2026-11-18T07:00:00Z' AND '2026-11-18T23:59:59Z' GROUP BY 1, 2 ORDER BY 1,"
                + " 2 LIMIT 2",
            "acme");
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).get(1)).isEqualTo("acme-api");
    assertThat(scan.calls.get(0)).contains("[timestamp, service_name]");
  }

  @Test
  void aSelfJoinReadsOneRangeAndKeepsTheEqualityBothSidesShare() {
    List<List<Object>> rows =
        rows(
            "SELECT s.duration_ns, l.severity_text FROM otel_logs_and_spans s JOIN"
                + " otel_logs_and_spans l ON l.trace_id = s.trace_id WHERE s.trace_id = 't0' AND"
                + " s.record_type = 'span' AND l.record_type = 'log' ORDER BY 1, 2",
            "acme");
    // t0: rows 0, 10, …, 110; spans are every fourth row, logs the others.
    assertThat(rows).hasSize(6 * 6);
    // One read of the range with every column used (and trace_id = 't0' handed to it).
    assertThat(scan.calls)
        .containsExactly(
            "otel_logs_and_spans acme Optional.empty Optional.empty [timestamp, record_type,"
                + " trace_id, duration_ns, severity_text]");
  }

  @Test
  void anEqualityOnAnotherColumnReadsTheRangeOnce() {
    // 90 of the 120 rows are logs
    List<List<Object>> rows =
        rows(
            "SELECT body, service_name FROM otel_logs_and_spans WHERE record_type = 'log'"
                + " ORDER BY timestamp",
            "acme");
    assertThat(rows).hasSize(90);
    assertThat(scan.calls)
        .containsExactly(
            "otel_logs_and_spans acme Optional.empty Optional.empty [timestamp, record_type,"
                + " body, service_name]");
  }

  @Test
  void aLookupComparingTwoColumnsFindsExactlyTheMatchingRows() {
    // severity_text: ERROR on every third row, INFO on the others; acme-db on odd rows.
    List<List<Object>> rows =
        rows(
            "SELECT timestamp, body FROM otel_logs_and_spans WHERE service_name = 'acme-db'"
                + " AND severity_text = 'ERROR' AND timestamp < to_timestamp("
                + (BASE / 1_000_000 + 3600)
                + ") ORDER BY timestamp",
            "acme");
    // rows 3, 9, 15, …, 57: odd (acme-db) and a multiple of 3 (ERROR), in the first hour
    assertThat(rows).hasSize(10);
    assertThat(rows.get(0).get(0)).isEqualTo(Instant.ofEpochSecond(BASE / 1_000_000 + 180));
  }

  @Test
  void theDatabaseHoldsOnlyTheChosenProjectsRows() {
    List<List<Object>> rows =
        rows(
            "SELECT DISTINCT project_id FROM otel_logs_and_spans WHERE project_id = 'acme' OR"
                + " project_id = 'globex' UNION SELECT project_id FROM otel_logs_and_spans",
            "acme");
    assertThat(rows).containsExactly(List.of("acme"));
    // The optimizer drops the condition; the statement still binds to project_id.
    assertThat(
            rows(
                "SELECT count(*) FROM otel_logs_and_spans WHERE project_id <> 'acme' OR true",
                "acme"))
        .containsExactly(List.of(120L));
  }

  @Test
  void aStatementSeesNeitherTheRowsNorTheTablesOfAnotherRunningAtTheSameTime() {
    try (QueryResult acme =
        engine.query("SELECT project_id FROM otel_logs_and_spans", named -> "acme")) {
      assertThat(acme.next()).isTrue();
      assertThat(rows("SELECT DISTINCT project_id FROM otel_logs_and_spans", "globex"))
          .containsExactly(List.of("globex"));
      assertThat(
              rows(
                  "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '__lakestream%'",
                  "globex"))
          .containsExactly(List.of(0L));
      assertThat(acme.value(0)).isEqualTo("acme");
    }
  }

  @Test
  void theProjectsAStatementNamesGoToTheChoice() {
    List<Set<String>> asked = new ArrayList<>();
    engine
        .query(
            "SELECT 1 FROM otel_logs_and_spans WHERE project_id = 'globex'",
            named -> {
              asked.add(named);
              return "acme";
            })
        .close();
    assertThat(asked).containsExactly(Set.of("globex"));
  }

  @Test
  void filesNetworkAndSettingsAreRefused() {
    assertThatThrownBy(() -> rows("SELECT * FROM read_parquet('/tmp/other/x.parquet')", "acme"))
        .isInstanceOf(SqlException.class)
        .hasMessageContaining("file system operations are disabled by configuration");
    assertThatThrownBy(() -> rows("SELECT * FROM read_text('/etc/passwd')", "acme"))
        .isInstanceOf(SqlException.class)
        .hasMessageContaining("disabled by configuration");
  }

  @Test
  void typesMapToPostgresTypes() {
    try (QueryResult result =
        engine.query(
            "SELECT timestamp, sum(duration_ns) AS total, attributes, [1, 2] AS list, 1.5::float AS f"
                + " FROM otel_logs_and_spans WHERE timestamp < to_timestamp("
                + (BASE / 1_000_000 + 60)
                + ") GROUP BY ALL",
            named -> "acme")) {
      assertThat(result.columns())
          .extracting(ResultColumn::type)
          .containsExactly(
              SqlType.TIMESTAMPTZ, SqlType.NUMERIC, SqlType.JSON, SqlType.ARRAY, SqlType.REAL);
      assertThat(result.columns().get(3).elementType()).contains(SqlType.INTEGER);
      assertThat(result.next()).isTrue();
      assertThat(result.value(0)).isEqualTo(Instant.ofEpochSecond(BASE / 1_000_000));
      assertThat(result.value(3)).isEqualTo(List.of(1, 2));
    }
  }

  @Test
  void queriesAreToldFromOtherStatements() {
    assertThat(SqlEngine.isQuery("  -- c\n /* x */ (SELECT 1)")).isTrue();
    assertThat(SqlEngine.isQuery("with x as (select 1) select * from x")).isTrue();
    assertThat(SqlEngine.isQuery("INSERT INTO t VALUES (1)")).isFalse();
    assertThat(SqlEngine.isQuery("CREATE TABLE t (id BIGINT PRIMARY KEY)")).isFalse();
    assertThat(Map.of()).isEmpty();
  }

  /**
   * The engine's failures carry the kind DuckDB's error type and subtype say, not one read from the
   * message: a table or column whose name has a space, which a pattern such as {@code "Table with
   * name \\S+ does not exist"} missed, is still an undefined table or column.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "SELECT * FROM \"no such table\" | UNDEFINED_TABLE | Catalog Error: Table with name no such"
            + " table does not exist!",
        "SELECT \"no such column\" FROM otel_logs_and_spans | UNDEFINED_COLUMN | Binder Error:"
            + " Referenced column \"no such column\" not found",
        "SELECT no_such_function(1) | UNDEFINED_FUNCTION | Catalog Error: Scalar Function with name"
            + " no_such_function does not exist!",
        "SELECT * FROM otel_logs_and_spans WHERE | SYNTAX_ERROR | Parser Error: syntax error at or"
            + " near \"WHERE\"",
        "SELECT * FROM read_csv('/etc/passwd') | UNSUPPORTED | Permission Error: Cannot access file",
        "SELECT 1; SELECT 2 | BAD_REQUEST | The request holds 2 statements",
        "SELECT now() < 1 | UNDEFINED_FUNCTION | Binder Error: Cannot compare values of type"
            + " TIMESTAMP WITH TIME ZONE",
        "SELECT o.nme FROM otel_logs_and_spans o | UNDEFINED_COLUMN | Binder Error: Table \"o\""
            + " does not have a column named \"nme\"",
      })
  void engineErrorsHaveTheKindOfDuckDbsErrorType(String sql, ErrorKind kind, String message) {
    assertThatThrownBy(() -> rows(sql, "acme"))
        .hasMessageStartingWith(message)
        .isInstanceOfSatisfying(SqlException.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }

  @Test
  void aTableTheStatementScansOnceIsReadInPlaceWithoutARowsTable() {
    // While the statement runs, the engine holds no table of the rows read: it scans the batches.
    assertThat(
            rows(
                "SELECT (SELECT count(*) FROM otel_logs_and_spans WHERE service_name ="
                    + " 'acme-api'), (SELECT count(*) FROM duckdb_tables() WHERE table_name"
                    + " LIKE '__lakestream_rows%')",
                "acme"))
        .containsExactly(List.of(60L, 0L));
    assertThat(engine.batchBytes()).isZero();
  }

  /** 120 rows, 40 ERRORs: each statement reads the table twice, which a stream cannot give. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "SELECT count(*) FROM otel_logs_and_spans a JOIN otel_logs_and_spans b"
            + " ON a.timestamp = b.timestamp | 120",
        "SELECT (SELECT count(*) FROM otel_logs_and_spans) + (SELECT count(*) FROM"
            + " otel_logs_and_spans WHERE severity_text = 'ERROR') | 160",
        "SELECT count(*) FROM (SELECT timestamp FROM otel_logs_and_spans UNION ALL SELECT"
            + " timestamp FROM otel_logs_and_spans WHERE severity_text = 'ERROR') | 160",
        "WITH e AS (SELECT * FROM otel_logs_and_spans WHERE severity_text = 'ERROR')"
            + " SELECT (SELECT count(*) FROM e) + (SELECT count(*) FROM e) | 80",
        "SELECT count(*) FROM otel_logs_and_spans WHERE timestamp > (SELECT min(timestamp)"
            + " FROM otel_logs_and_spans) | 119"
      })
  void aTableTheStatementScansMoreThanOnceIsCopiedAndReadWhole(String sql, long count) {
    assertThat(rows(sql, "acme")).containsExactly(List.of(count));
    assertThat(engine.batchBytes()).isZero();
  }

  @Test
  void batchesScannedInPlaceAreFreedWhenTheStatementReadsFewOrFails() {
    try (QueryResult result = engine.query("SELECT * FROM otel_logs_and_spans", n -> "acme")) {
      assertThat(result.next()).isTrue();
    }
    assertThat(engine.batchBytes()).isZero();
    try (QueryResult result =
        engine.query("SELECT * FROM otel_logs_and_spans WHERE false", n -> "acme")) {
      assertThat(result.next()).isFalse();
    }
    assertThat(engine.batchBytes()).isZero();
    assertThatThrownBy(
            () -> rows("SELECT CAST(service_name AS INTEGER) FROM otel_logs_and_spans", "acme"))
        .isInstanceOf(SqlException.class);
    assertThat(engine.batchBytes()).isZero();
    // A table read in place, then the limit reached on the next table: the statement never runs.
    SqlEngine limited =
        new SqlEngine(TableDefinitions::builtIns, scan, new SqlEngine.Limits(50, 64L << 20, 1));
    try {
      String halfHour = "to_timestamp(" + (BASE / 1_000_000 + 1800) + ")";
      assertThatThrownBy(
              () ->
                  limited.query(
                      "SELECT (SELECT count(*) FROM otel_logs_and_spans WHERE timestamp < "
                          + halfHour
                          + "), (SELECT count(*) FROM events WHERE timestamp < "
                          + halfHour
                          + ")",
                      n -> "acme"))
          .hasMessageStartingWith("The statement reads more than 50 rows");
      assertThat(limited.batchBytes()).isZero();
    } finally {
      limited.close();
    }
    // the connection, given back, serves the next statement
    assertThat(rows("SELECT count(*) FROM otel_logs_and_spans", "acme"))
        .containsExactly(List.of(120L));
  }

  /**
   * A cast that fails at row 5,001 of 100,000, after the engine's first vectors of 2,048 rows but
   * before the first rows are fetched, which DuckDB's JDBC driver reports as "Invalid result set":
   * the user reads the engine's own error (the value and the type), of its kind, also with
   * parameters and over a range, and the next statement runs over the same rows.
   */
  @Test
  void aStatementFailingBeforeItsFirstRowsGivesTheEnginesError() {
    TableScan bodies = numberedBodies(100_000);
    String conversion = "Conversion Error: Could not convert string 'abc' to INT32";
    try (SqlEngine engine =
        new SqlEngine(TableDefinitions::builtIns, bodies, SqlEngine.Limits.DEFAULT)) {
      assertThatThrownBy(
              () -> rows(engine, "SELECT CAST(body AS INTEGER) FROM otel_logs_and_spans", "acme"))
          .isInstanceOfSatisfying(
              SqlException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_DATA))
          .hasMessageStartingWith(conversion);
      assertThatThrownBy(
              () ->
                  engine.query(
                      "SELECT timestamp, CAST(body AS INTEGER) AS n FROM otel_logs_and_spans"
                          + " WHERE timestamp >= $1 AND body <> $2 ORDER BY n",
                      List.of(Instant.ofEpochSecond(BASE / 1_000_000 + 10), "7"),
                      named -> "acme"))
          .isInstanceOf(SqlException.class)
          .hasMessageStartingWith(conversion);
      assertThat(engine.batchBytes()).isZero();
      assertThat(
              rows(
                  engine,
                  "SELECT count(*), sum(TRY_CAST(body AS INTEGER))::BIGINT FROM otel_logs_and_spans",
                  "acme"))
          .containsExactly(List.of(100_000L, 4_999_945_000L));
    }
  }

  @Test
  void aStatementReadingMoreRowsThanTheLimitIsALimitError() {
    SqlEngine limited =
        new SqlEngine(TableDefinitions::builtIns, scan, new SqlEngine.Limits(50, 64L << 20, 1));
    try {
      assertThatThrownBy(
              () -> limited.query("SELECT count(*) FROM otel_logs_and_spans", named -> "acme"))
          .isInstanceOfSatisfying(
              SqlException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.LIMIT_EXCEEDED))
          .hasMessage(
              "The statement reads more than 50 rows (table otel_logs_and_spans of project acme):"
                  + " narrow the range of timestamp (e.g. a shorter time range) so that it reads"
                  + " fewer rows.");
    } finally {
      limited.close();
    }
    assertThatThrownBy(() -> new SqlEngine.Limits(0, 64L << 20, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxRows must be at least 1, not 0");
  }

  @Test
  void projectIdComparesWithoutRegardToCase() {
    // Project ids are case-insensitive: the engine, which applies every condition again to the
    // project's rows, keeps them for project_id = 'ACME' as for 'acme'.
    assertThat(rows("SELECT count(*) FROM otel_logs_and_spans WHERE project_id = 'ACME'", "acme"))
        .containsExactly(List.of(120L));
    assertThat(
            rows(
                "SELECT count(*), min(project_id) FROM otel_logs_and_spans WHERE project_id IN"
                    + " ('Acme', 'x') AND project_id LIKE 'AC%'",
                "acme"))
        .containsExactly(List.of(120L, "acme"));
    assertThat(rows("SELECT count(*) FROM otel_logs_and_spans WHERE project_id <> 'ACME'", "acme"))
        .containsExactly(List.of(0L));
  }

  /**
   * Runs {@code sql} in another thread and cancels it once {@code started} says the statement is
   * under way; returns its failure.
   */
  private static Throwable cancelled(
      SqlEngine engine, String sql, java.util.function.Predicate<StatementCancel> started)
      throws Exception {
    StatementCancel cancel = new StatementCancel();
    java.util.concurrent.CompletableFuture<Long> counted =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try (QueryResult result = engine.query(sql, List.of(), named -> "acme", cancel)) {
                result.next();
                return (Long) result.value(0);
              }
            });
    // Cancelled again at each poll until it ends: an interrupt that reaches the engine just
    // before it begins the statement is not kept by it.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(
            () -> {
              if (started.test(cancel)) {
                cancel.cancel();
              }
              return counted.isDone();
            });
    try {
      return new AssertionError("not cancelled: " + counted.get());
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(
      value = 60,
      threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void aCancelStopsTheEngineMidStatementAndTheEngineAnswersTheNext() throws Exception {
    // Counting 10^13 numbers would take the engine hours: cancelled once the engine runs it.
    Throwable failure =
        cancelled(
            engine, "SELECT count(*) FROM range(10000000000000)", StatementCancel::engineRunning);
    assertThat(failure)
        .isInstanceOf(SqlException.class)
        .hasMessage("canceling statement due to user request");
    assertThat(((SqlException) failure).kind()).isEqualTo(ErrorKind.CANCELED);
    assertThat(rows("SELECT count(*) FROM otel_logs_and_spans", "acme"))
        .containsExactly(List.of(120L));
  }

  @Test
  @org.junit.jupiter.api.Timeout(
      value = 60,
      threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void aCancelStopsAResultBeingReadAndSaysSo() {
    StatementCancel cancel = new StatementCancel();
    try (QueryResult result =
        engine.query(
            "SELECT i FROM range(10000000000000) t(i)", List.of(), named -> "acme", cancel)) {
      assertThat(result.next()).isTrue();
      cancel.cancel();
      assertThatThrownBy(
              () -> {
                while (result.next()) {
                  // rows the engine had produced before the cancel
                }
              })
          .isInstanceOf(SqlException.class)
          .hasMessage("canceling statement due to user request");
    }
    assertThat(rows("SELECT count(*) FROM otel_logs_and_spans", "acme"))
        .containsExactly(List.of(120L));
  }

  @Test
  @org.junit.jupiter.api.Timeout(
      value = 60,
      threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void aStatementRunningLongerThanTheTimeoutIsCancelledAndSaysSo() {
    try (SqlEngine limited =
        new SqlEngine(
            TableDefinitions::builtIns,
            scan,
            new SqlEngine.Limits(20_000_000, 2L << 30, 2, java.time.Duration.ofMillis(300)))) {
      assertThatThrownBy(() -> rows(limited, "SELECT count(*) FROM range(10000000000000)", "acme"))
          .isInstanceOf(SqlException.class)
          .hasMessage(
              "canceling statement due to statement timeout (statements may run 300 ms at most)")
          .extracting(e -> ((SqlException) e).kind())
          .isEqualTo(ErrorKind.CANCELED);
      // Statements that end in time are untouched, and a closed one's timeout does not fire.
      for (int i = 0; i < 5; i++) {
        assertThat(rows(limited, "SELECT count(*) FROM otel_logs_and_spans", "acme"))
            .containsExactly(List.of(120L));
      }
    }
    assertThatThrownBy(
            () -> new SqlEngine.Limits(1, 16L << 20, 1, java.time.Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must be zero or more, not PT-1S");
  }

  @Test
  @org.junit.jupiter.api.Timeout(
      value = 60,
      threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void aCancelStopsTheRowsBeingReadForTheStatement() throws Exception {
    java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();
    // Batches of null bodies, as long as they are asked for: more rows than the limit.
    TableScan endless =
        new TableScan() {
          @Override
          public void scan(
              TableDefinition table,
              String projectId,
              Optional<Object> from,
              Optional<Object> to,
              List<String> columns,
              Consumer<Object[]> rows) {
            throw new AssertionError("read as batches");
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
            List<io.lakestream.schema.Column> typed =
                columns.stream().map(n -> table.column(n).orElseThrow()).toList();
            return Optional.of(
                new ArrowReader(allocator) {
                  @Override
                  public boolean loadNextBatch() throws java.io.IOException {
                    // a scan's pace: a batch a millisecond
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                    var root = getVectorSchemaRoot();
                    root.allocateNew();
                    root.setRowCount(1000);
                    read.addAndGet(1000);
                    return true;
                  }

                  @Override
                  public long bytesRead() {
                    return 0;
                  }

                  @Override
                  protected void closeReadSource() {}

                  @Override
                  protected org.apache.arrow.vector.types.pojo.Schema readSchema() {
                    return io.lakestream.sql.internal.BoxedRowBatches.schema(typed);
                  }
                });
          }
        };
    try (SqlEngine slow =
        new SqlEngine(TableDefinitions::builtIns, endless, SqlEngine.Limits.DEFAULT)) {
      Throwable failure =
          cancelled(
              slow, "SELECT count(body) FROM otel_logs_and_spans", cancel -> read.get() > 5_000);
      assertThat(failure)
          .isInstanceOf(SqlException.class)
          .hasMessage("canceling statement due to user request");
      long atCancel = read.get();
      assertThat(atCancel).isLessThan(SqlEngine.Limits.DEFAULT.maxRows());
      // Nothing read after the failure.
      org.awaitility.Awaitility.await()
          .during(java.time.Duration.ofMillis(100))
          .atMost(java.time.Duration.ofSeconds(5))
          .until(() -> read.get() == atCancel);
    }
  }

  @Test
  void columnsUsedByTheirPlaceInTheTableAreTheTableTypesOwn() {
    // The table type's third column is record_type, whatever else the statement reads: views of
    // only the columns a statement names would put trace_id there.
    assertThat(rows("SELECT #3 FROM otel_logs_and_spans WHERE trace_id = 't3'", "acme"))
        .hasSize(12)
        .allSatisfy(row -> assertThat(row).containsExactly("log"));
    assertThat(
            rows(
                "SELECT c FROM otel_logs_and_spans AS x(a, b, c) WHERE trace_id = 't3'"
                    + " AND severity_text = 'ERROR'",
                "acme"))
        .hasSize(4) // minutes 3, 33, 63 and 93
        .allSatisfy(row -> assertThat(row).containsExactly("log"));
    assertThat(
            rows(
                "SELECT x FROM otel_logs_and_spans x WHERE trace_id = 't3' ORDER BY timestamp"
                    + " LIMIT 1",
                "acme"))
        .singleElement()
        .satisfies(row -> assertThat(row.get(0).toString()).contains("body", "links", "t3"));
  }

  @Test
  void columnsWithoutAnAliasAreNamedAsInPostgres() {
    List<ResultColumn> columns =
        engine.describe(
            "SELECT count(*), count(*) FILTER (WHERE severity_text = 'ERROR'),"
                + " percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ns),"
                + " avg(duration_ns)::int, max(timestamp)::date, attributes->>'http.route'"
                + " FROM otel_logs_and_spans GROUP BY attributes->>'http.route'",
            List.of());
    assertThat(columns)
        .extracting(ResultColumn::name)
        .containsExactly("count", "count", "percentile_cont", "avg", "max", "?column?");
  }

  @Test
  void dateBinBinsAsPostgresDoes() {
    assertThat(
            rows(
                "SELECT date_bin(INTERVAL '15 minutes', TIMESTAMPTZ '2026-12-02 11:37:12+00',"
                    + " TIMESTAMPTZ '2001-01-01 00:00:00+00')::TEXT, date_bin(INTERVAL '15"
                    + " minutes', TIMESTAMPTZ '2026-12-02 11:37:12+00', TIMESTAMPTZ '2001-01-01"
                    + " 00:02:30+00')::TEXT",
                "acme"))
        .containsExactly(List.of("2026-12-02 11:30:00+00", "2026-12-02 11:32:30+00"));
  }

  @Test
  void divisionAndFunctionsAnswerAsInPostgres() {
    assertThat(
            rows(
                    "SELECT 7 / 2, -7 / 2, 7.0 / 2,"
                        + " to_char(TIMESTAMPTZ '2026-03-05 14:07:09.25+00', 'YYYY-MM-DD HH24:MI:SS.MS'),"
                        + " to_char(TIMESTAMPTZ '2026-03-05 14:07:09+00', 'Dy DD Mon YYYY, HH12:MI AM'),"
                        + " to_char(TIMESTAMPTZ '2026-03-05 14:07:09+00', 'Month 100%'),"
                        + " json_typeof('{\"a\": [1]}'), jsonb_typeof('[1]'),"
                        + " jsonb_array_length('[1, 2, 3]'),"
                        + " jsonb_extract_path_text('{\"a\": {\"b\": \"x\"}}', 'a', 'b'),"
                        + " '{\"k\": 1}'::jsonb ->> 'k'",
                    "acme")
                .get(0)
                .stream()
                .map(String::valueOf))
        .containsExactly(
            "3",
            "-3",
            "3.5",
            "2026-03-05 14:07:09.250",
            "Thu 05 Mar 2026, 02:07 PM",
            "March 100%",
            "object",
            "array",
            "3",
            "x",
            "1");
    assertThatThrownBy(
            () ->
                engine.query(
                    "SELECT count(*) FROM otel_logs_and_spans WHERE service_name = ANY($1)",
                    List.of("{api,db}"),
                    named -> "acme"))
        .isInstanceOfSatisfying(
            SqlException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED))
        .hasMessageStartingWith("= ANY($n) got text, not a list");
    assertThatThrownBy(() -> rows("SELECT count(*) / 0 FROM otel_logs_and_spans", "acme"))
        .isInstanceOfSatisfying(
            SqlException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_DATA))
        .hasMessage("division by zero");
  }

  @Test
  void tablesMayBeNamedInSchemaPublicAsTheCatalogShowsThem() {
    List<List<Object>> plain =
        rows(
            "SELECT count(*), min(service_name) FROM otel_logs_and_spans"
                + " WHERE project_id = 'acme' AND service_name <> 'public.x'",
            "acme");
    assertThat(plain.get(0).get(0)).isNotEqualTo(0L);
    for (String name :
        List.of(
            "public.otel_logs_and_spans",
            "\"public\".\"otel_logs_and_spans\"",
            "lakestream.public.otel_logs_and_spans",
            "PUBLIC.otel_logs_and_spans")) {
      assertThat(
              rows(
                  "SELECT count(*), min(service_name) FROM "
                      + name
                      + " WHERE project_id = 'acme' AND service_name <> 'public.x'",
                  "acme"))
          .as(name)
          .isEqualTo(plain);
    }
  }

  @Test
  void describeGivesTheColumnsWithoutReadingARow() {
    List<ResultColumn> columns =
        engine.describe(
            "SELECT date_trunc('minute', timestamp) AS minute, service_name, count(*) AS n"
                + " FROM otel_logs_and_spans WHERE project_id = $1 AND timestamp >= $2"
                + " GROUP BY ALL",
            java.util.Arrays.asList(null, null));
    assertThat(columns)
        .extracting(ResultColumn::name, ResultColumn::type)
        .containsExactly(
            tuple("minute", SqlType.TIMESTAMPTZ),
            tuple("service_name", SqlType.TEXT),
            tuple("n", SqlType.BIGINT));
    assertThat(scan.calls).isEmpty();
  }

  @Test
  void aStatementLeavesNothingForTheNextOnTheSameConnection() {
    String leftover =
        "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '__lakestream%' OR NOT"
            + " temporary";
    String views = "SELECT count(*) FROM duckdb_views() WHERE NOT internal";
    // a statement read to the end, one closed after its first row, one that failed while loading
    assertThat(rows("SELECT count(*) FROM otel_logs_and_spans", "acme"))
        .containsExactly(List.of(120L));
    try (QueryResult early = engine.query("SELECT body FROM otel_logs_and_spans", n -> "acme")) {
      assertThat(early.next()).isTrue();
    }
    SqlEngine limited =
        new SqlEngine(TableDefinitions::builtIns, scan, new SqlEngine.Limits(50, 64L << 20, 1));
    try {
      assertThatThrownBy(() -> limited.query("SELECT * FROM otel_logs_and_spans", n -> "acme"))
          .isInstanceOf(SqlException.class)
          .hasMessageStartingWith("The statement reads more than 50 rows");
      try (QueryResult result = limited.query(leftover, n -> "globex")) {
        assertThat(result.next()).isTrue();
        assertThat(result.value(0)).isEqualTo(0L);
      }
    } finally {
      limited.close();
    }
    // the next statements: the tables are empty again, no rows' table or view is left
    assertThat(rows(leftover, "globex")).containsExactly(List.of(0L));
    assertThat(rows(views, "globex")).containsExactly(List.of(0L));
    assertThatThrownBy(() -> rows("SELECT * FROM __lakestream_rows_otel_logs_and_spans", "globex"))
        .isInstanceOf(SqlException.class)
        .hasMessageContaining("does not exist");
    assertThat(engine.describe("SELECT count(*) FROM otel_logs_and_spans", List.of()))
        .extracting(ResultColumn::name)
        .containsExactly("count");
    assertThat(rows("SELECT DISTINCT project_id FROM otel_logs_and_spans", "globex"))
        .containsExactly(List.of("globex"));
  }

  @Test
  void aKeptPlanIsTheTextsOnlyTheProjectAndRowsAreTheCallers() {
    String sql =
        "SELECT service_name, count(*) FROM otel_logs_and_spans WHERE timestamp >= "
            + "to_timestamp("
            + (BASE / 1_000_000 + 600)
            + ") GROUP BY 1 ORDER BY 1";
    assertThat(rows(sql, "acme"))
        .containsExactly(List.of("acme-api", 55L), List.of("acme-db", 55L));
    assertThat(rows(sql, "globex"))
        .containsExactly(List.of("globex-api", 55L), List.of("globex-db", 55L));
    assertThat(scan.calls).extracting(c -> c.split(" ")[1]).containsExactly("acme", "globex");
    // the projects a statement names are checked for each caller, also with its plan kept
    String named = "SELECT count(*) FROM otel_logs_and_spans WHERE project_id = 'acme'";
    assertThat(rows(named, "acme")).containsExactly(List.of(120L));
    assertThatThrownBy(
            () ->
                engine.query(
                    named,
                    projects -> {
                      throw new IllegalStateException("globex's token may not read " + projects);
                    }))
        .hasMessage("globex's token may not read [acme]");
  }

  @Test
  void aPlanThatDependsOnTheTimeIsMadeAgainEachTime() {
    String sql =
        "SELECT count(*) FROM otel_logs_and_spans WHERE timestamp >= now() - interval '1 hour'";
    rows(sql, "acme");
    rows(sql, "acme");
    assertThat(scan.calls).hasSize(2);
    List<Long> froms =
        scan.calls.stream()
            .limit(2)
            .map(c -> Long.parseLong(c.split(" ")[2].replaceAll("\\D", "")))
            .toList();
    assertThat(froms.get(1)).isGreaterThan(froms.get(0));
  }

  @Test
  void aTraceLookupHandsItsEqualityToTheScanAndGetsEachRowOnce() {
    // 10,000 rows a second apart, 6 consecutive rows a trace; row 9,000 also of trace t100
    List<String> calls = new ArrayList<>();
    TableScan traces =
        new TableScan() {
          @Override
          public void scan(
              TableDefinition table,
              String projectId,
              Optional<Object> from,
              Optional<Object> to,
              List<String> columns,
              Consumer<Object[]> rows) {
            rowsOver(
                10_000,
                1_000_000L,
                from,
                to,
                columns,
                (i, column) ->
                    switch (column) {
                      case "trace_id" -> "t" + (i == 9_000 ? 100 : i / 6);
                      case "body" -> "row " + i;
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
            calls.add(from + " " + to + " " + columns.size() + " " + equalities);
            return TableScan.super.batches(
                table, projectId, from, to, columns, equalities, allocator);
          }
        };
    try (SqlEngine lookups =
        new SqlEngine(TableDefinitions::builtIns, traces, SqlEngine.Limits.DEFAULT)) {
      List<Object> bodies = new ArrayList<>();
      try (QueryResult result =
          lookups.query(
              "SELECT * FROM otel_logs_and_spans WHERE trace_id = 't100' ORDER BY timestamp",
              named -> "acme")) {
        int body = result.columns().stream().map(ResultColumn::name).toList().indexOf("body");
        while (result.next()) {
          bodies.add(result.value(body));
        }
      }
      assertThat(bodies)
          .containsExactly(
              "row 600", "row 601", "row 602", "row 603", "row 604", "row 605", "row 9000");
    }
    int columns = OTEL.columns().size() - 1; // all but project_id
    assertThat(calls)
        .containsExactly("Optional.empty Optional.empty " + columns + " {trace_id=t100}");
  }
}

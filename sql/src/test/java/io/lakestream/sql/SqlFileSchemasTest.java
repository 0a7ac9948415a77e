package io.lakestream.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A statement over a table's Parquet files read directly by the engine ({@link TableScan#files}),
 * where the files do not all have the same columns (a table whose type gained a column, a foreign
 * table written by another engine): every row once, a column a file lacks as null, columns matched
 * by name in whatever order a file has them.
 */
class SqlFileSchemasTest {
  static final TableDefinition OTEL = TableDefinitions.builtIn("otel_logs_and_spans");
  static final long BASE = SqlEngineTest.BASE;

  @TempDir static Path dir;
  static List<String> paths;

  /**
   * Three files of 100 rows, one a minute: without {@code severity_text}; with it; and the first
   * file's columns in another order, twice (two files of one schema).
   */
  @BeforeAll
  static void writeFiles() throws Exception {
    paths = new ArrayList<>();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = duck.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      String[] selects = {
        "make_timestamp(%s)::TIMESTAMPTZ AS timestamp, 'acme' AS project_id, 'a' || i AS body,"
            + " 'api' AS service_name",
        "make_timestamp(%s)::TIMESTAMPTZ AS timestamp, 'acme' AS project_id, 'b' || i AS body,"
            + " 'db' AS service_name, CASE WHEN i %% 2 = 0 THEN 'ERROR' ELSE 'INFO' END AS"
            + " severity_text",
        "'web' AS service_name, 'c' || i AS body, make_timestamp(%s)::TIMESTAMPTZ AS timestamp,"
            + " 'acme' AS project_id",
        "'web' AS service_name, 'd' || i AS body, make_timestamp(%s)::TIMESTAMPTZ AS timestamp,"
            + " 'acme' AS project_id",
      };
      for (int f = 0; f < selects.length; f++) {
        String path = dir.resolve("part-" + f + ".parquet").toString();
        String key = (BASE + f * 100 * 60_000_000L) + " + i * 60000000";
        s.execute(
            "COPY (SELECT "
                + selects[f].formatted(key)
                + " FROM range(100) t(i)) TO '"
                + path
                + "' (FORMAT parquet)");
        paths.add(path);
      }
    }
  }

  /** The files above, and one tail row; nothing through the range reads. */
  static final class FilesScan implements TableScan {
    final List<String> rangeReads = new ArrayList<>();
    boolean tail;

    @Override
    public void scan(
        TableDefinition table,
        String projectId,
        Optional<Object> from,
        Optional<Object> to,
        List<String> columns,
        Consumer<Object[]> rows) {
      if (!tail) {
        rangeReads.add(from + " " + to);
        return;
      }
      Object[] row = new Object[columns.size()];
      for (int c = 0; c < row.length; c++) {
        row[c] =
            switch (columns.get(c)) {
              case "timestamp" -> BASE + 400 * 60_000_000L;
              case "body" -> "tail";
              case "service_name" -> "api";
              case "severity_text" -> "WARN";
              default -> null;
            };
      }
      rows.accept(row);
    }

    @Override
    public Optional<FileRows> files(
        TableDefinition table,
        String projectId,
        Optional<Object> from,
        Optional<Object> to,
        List<String> columns,
        BufferAllocator allocator) {
      tail = true;
      try {
        return Optional.of(
            new FileRows(
                paths,
                400,
                batches(
                        table,
                        projectId,
                        Optional.empty(),
                        Optional.empty(),
                        columns,
                        Map.of(),
                        allocator)
                    .orElseThrow()));
      } finally {
        tail = false;
      }
    }
  }

  final FilesScan scan = new FilesScan();
  final SqlEngine engine =
      new SqlEngine(TableDefinitions::builtIns, scan, SqlEngine.Limits.DEFAULT);

  List<List<Object>> rows(String sql) {
    return SqlEngineTest.rows(engine, sql, "acme");
  }

  @Test
  void everyRowOnceAndAColumnAFileLacksIsNull() {
    assertThat(
            rows(
                "SELECT service_name, count(*), count(DISTINCT body), count(severity_text),"
                    + " count(*) FILTER (WHERE severity_text = 'ERROR') FROM otel_logs_and_spans"
                    + " GROUP BY 1 ORDER BY 1"))
        .containsExactly(
            List.of("api", 101L, 101L, 1L, 0L),
            List.of("db", 100L, 100L, 100L, 50L),
            List.of("web", 200L, 200L, 0L, 0L));
    assertThat(scan.rangeReads).isEmpty(); // the files were read by the engine, not range by range
  }

  /**
   * A statement over the files that fails before its first rows (the tail row's body is not a
   * number): the engine's own error, from the statement run again over the files.
   */
  @Test
  void aStatementFailingOverTheFilesGivesTheEnginesError() {
    assertThatThrownBy(
            () -> rows("SELECT CAST(substr(body, 2) AS INTEGER) FROM otel_logs_and_spans"))
        .isInstanceOf(SqlException.class)
        .hasMessageStartingWith("Conversion Error: Could not convert string 'ail' to INT32");
    assertThat(scan.rangeReads).isEmpty();
  }

  @Test
  void aKeyRangeAppliesToEveryFileAndTheTail() {
    // minutes 50 to 349: the second half of the first file, all of the second and third files,
    // half of the fourth; the tail row (minute 400) is outside
    assertThat(
            rows(
                "SELECT count(*), min(body), max(timestamp) FROM otel_logs_and_spans WHERE"
                    + " timestamp >= to_timestamp("
                    + (BASE / 1_000_000 + 50 * 60)
                    + ") AND timestamp < to_timestamp("
                    + (BASE / 1_000_000 + 350 * 60)
                    + ")"))
        .extracting(row -> row.subList(0, 2))
        .containsExactly(List.of(300L, "a50"));
    assertThat(scan.rangeReads).isEmpty();
  }
}

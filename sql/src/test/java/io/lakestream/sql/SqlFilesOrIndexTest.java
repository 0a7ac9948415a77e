package io.lakestream.sql;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A statement whose range is most of a table, which would read the table's files, reads through the
 * index instead when few rows meet its equalities (a trace by {@code trace_id} with no time range),
 * and the files when many do: the same answer either way.
 */
class SqlFilesOrIndexTest {
  static final long BASE = SqlEngineTest.BASE;
  static final int ROWS = 20_000;

  @TempDir static Path dir;
  static List<String> paths;

  /** Row {@code i}'s body: long enough that a tenth of the rows' bodies pass a megabyte. */
  static String body(long i) {
    return "b" + i + "x".repeat(200);
  }

  /** Two files of 10,000 rows, a minute apart: four rows a trace, services in turn. */
  @BeforeAll
  static void writeFiles() throws Exception {
    paths = new ArrayList<>();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = duck.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      for (int f = 0; f < 2; f++) {
        String path = dir.resolve("part-" + f + ".parquet").toString();
        s.execute(
            ("COPY (SELECT make_timestamp(%d + i * 60000000)::TIMESTAMPTZ AS timestamp, 'acme' AS"
                    + " project_id, 't' || (i // 4) AS trace_id, CASE WHEN i %% 2 = 0 THEN 'api'"
                    + " ELSE 'db' END AS service_name, 'b' || i || repeat('x', 200) AS body FROM"
                    + " range(%d, %d) t(i)) TO '%s' (FORMAT parquet)")
                .formatted(BASE, f * ROWS / 2, (f + 1) * ROWS / 2, path));
        paths.add(path);
      }
    }
  }

  /** The files' rows through {@link #scan} too; records which way a statement read them. */
  static final class Rows implements TableScan {
    final List<String> reads = new ArrayList<>();
    boolean tail;

    @Override
    public void scan(
        TableDefinition table,
        String projectId,
        Optional<Object> from,
        Optional<Object> to,
        List<String> columns,
        Consumer<Object[]> rows) {
      if (tail) {
        return; // no live tail rows
      }
      SqlEngineTest.rowsOver(
          ROWS,
          60_000_000L,
          from,
          to,
          columns,
          (i, column) ->
              switch (column) {
                case "trace_id" -> "t" + i / 4;
                case "service_name" -> i % 2 == 0 ? "api" : "db";
                case "body" -> body(i);
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
      if (!tail) {
        reads.add("index " + equalities);
      }
      return TableScan.super.batches(table, projectId, from, to, columns, equalities, allocator);
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
        ArrowReader none =
            batches(
                    table,
                    projectId,
                    Optional.empty(),
                    Optional.empty(),
                    columns,
                    Map.of(),
                    allocator)
                .orElseThrow();
        return Optional.of(new FileRows(paths, ROWS, none));
      } finally {
        tail = false;
      }
    }

    @Override
    public void readingFiles(TableDefinition table, FileRows files) {
      reads.add("files");
    }
  }

  final Rows scan = new Rows();
  final SqlEngine engine =
      new SqlEngine(TableDefinitions::builtIns, scan, SqlEngine.Limits.DEFAULT);

  @AfterEach
  void close() {
    engine.close();
  }

  @Test
  void aTraceWithNoTimeRangeIsReadThroughTheIndex() {
    assertThat(
            SqlEngineTest.rows(
                engine,
                "SELECT body FROM otel_logs_and_spans WHERE trace_id = 't1234' ORDER BY body",
                "acme"))
        .containsExactly(
            List.of(body(4936)), List.of(body(4937)), List.of(body(4938)), List.of(body(4939)));
    assertThat(scan.reads).containsExactly("index {trace_id=t1234}");
    assertThat(engine.batchBytes()).isZero();
  }

  @Test
  void anEqualityManyRowsMeetReadsTheFiles() {
    // half the rows, their bodies 2 MB of Arrow buffers: more than the index is tried for
    assertThat(
            SqlEngineTest.rows(
                engine,
                "SELECT count(*), min(body), max(length(body)) FROM otel_logs_and_spans"
                    + " WHERE service_name = 'api'",
                "acme"))
        .containsExactly(List.of((long) ROWS / 2, body(0), (long) body(ROWS - 2).length()));
    assertThat(scan.reads).containsExactly("index {service_name=api}", "files");
    assertThat(engine.batchBytes()).isZero();
    // without an equality: the files at once
    scan.reads.clear();
    assertThat(
            SqlEngineTest.rows(
                engine, "SELECT count(*) FROM otel_logs_and_spans WHERE body LIKE 'b1%'", "acme"))
        .containsExactly(List.of(11_111L));
    assertThat(scan.reads).containsExactly("files");
  }
}

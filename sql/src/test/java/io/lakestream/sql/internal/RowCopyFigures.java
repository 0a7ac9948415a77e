package io.lakestream.sql.internal;

import io.lakestream.schema.Column;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * How long it takes to copy rows, as {@link io.lakestream.sql.TableScan} gives them, into one of
 * the engine's temporary tables: DuckDB's appender (a call per value) against Arrow batches through
 * the C data interface ({@link ArrowRowLoader}). A plain main, not a test:
 *
 * <pre>
 * mvn -o -q -B -pl sql -am test-compile dependency:build-classpath \
 *   -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java --add-opens=java.base/java.nio=ALL-UNNAMED -cp sql/target/classes:sql/target/test-classes:$(cat sql/target/cp.txt) \
 *   io.lakestream.sql.internal.RowCopyFigures [rows=2000000] [repeats=5]
 * </pre>
 *
 * <p>Columns: {@code timestamp}, {@code service_name} and {@code body} of {@code
 * otel_logs_and_spans} (a long and two strings, one of ~40 bytes).
 */
public final class RowCopyFigures {
  private RowCopyFigures() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    TableDefinition logs = TableDefinitions.builtIn("otel_logs_and_spans");
    List<String> names = List.of("timestamp", "service_name", "body");
    List<Column> columns = names.stream().map(n -> logs.column(n).orElseThrow()).toList();
    // The same 4,096 rows over and over: in the cache, as rows just decoded by the reader are.
    List<Object[]> pool = new ArrayList<>(4096);
    String[] services = {"api", "db", "web", "auth"};
    for (int i = 0; i < 4096; i++) {
      pool.add(
          new Object[] {
            1_700_000_000_000_000L + i * 130_000L,
            services[i % 4],
            "GET /api/v1/orders/" + i + " answered 200 in 12 ms"
          });
    }
    List<Object[]> values =
        new java.util.AbstractList<>() {
          @Override
          public Object[] get(int index) {
            return pool.get(index & 4095);
          }

          @Override
          public int size() {
            return rows;
          }
        };
    System.out.printf(
        "Java %s, %d cores; %d rows x %s%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        rows,
        names);
    try (DuckDbDatabase database = new DuckDbDatabase("2GB", 2);
        BufferAllocator allocator = new RootAllocator()) {
      long[][] copy = new long[3][repeats];
      long[][] total = new long[3][repeats];
      for (int r = -2; r < repeats; r++) { // two warm-up rounds
        for (int way = 0; way < 3; way++) {
          long[] times = time(database, allocator, columns, values, way);
          if (r >= 0) {
            copy[way][r] = times[0];
            total[way][r] = times[1];
          }
        }
      }
      System.out.println(
          "| rows into the engine | copy p50 / min ms | ns per row | with the GROUP BY p50 ms |");
      System.out.println("|---|---|---|---|");
      String[] ways = {
        "appender into a temporary table (today)",
        "Arrow batches of 32,768 rows, INSERT … SELECT into the table",
        "one Arrow batch scanned in place (no table)"
      };
      for (int way = 0; way < 3; way++) {
        Arrays.sort(copy[way]);
        Arrays.sort(total[way]);
        System.out.printf(
            Locale.ROOT,
            "| %s | %.1f / %.1f | %.0f | %.1f |%n",
            ways[way],
            copy[way][repeats / 2] / 1e6,
            copy[way][0] / 1e6,
            (double) copy[way][repeats / 2] / rows,
            total[way][repeats / 2] / 1e6);
      }
    }
  }

  /** The copy's time and the copy's and query's, in nanoseconds. */
  private static long[] time(
      DuckDbDatabase database,
      BufferAllocator allocator,
      List<Column> columns,
      List<Object[]> values,
      int way)
      throws SQLException {
    try (DuckDBConnection connection = database.connect();
        Statement s = connection.createStatement()) {
      long started = System.nanoTime();
      ArrowRowLoader inPlace = null;
      if (way == 2) {
        inPlace = new ArrowRowLoader(connection, "t", columns, allocator, values.size(), true);
        for (Object[] row : values) {
          inPlace.append(row);
        }
        inPlace.close();
      } else {
        s.execute("CREATE TEMPORARY TABLE t (ts TIMESTAMPTZ, service VARCHAR, body VARCHAR)");
        started = System.nanoTime();
        if (way == 1) {
          try (ArrowRowLoader loader = new ArrowRowLoader(connection, "t", columns, allocator)) {
            for (Object[] row : values) {
              loader.append(row);
            }
          }
        } else {
          try (DuckDBAppender appender = connection.createAppender("temp", "main", "t")) {
            for (Object[] row : values) {
              appender.beginRow();
              appender.appendEpochMicros((Long) row[0]);
              appender.append((String) row[1]);
              appender.append((String) row[2]);
              appender.endRow();
            }
          }
        }
      }
      long copied = System.nanoTime();
      long rows = 0;
      // The view in place names its columns c0, c1, c2.
      String query =
          way == 2
              ? "SELECT c1, count(*), max(length(c2)) FROM t GROUP BY 1"
              : "SELECT service, count(*), max(length(body)) FROM t GROUP BY 1";
      try (ResultSet groups = s.executeQuery(query)) {
        while (groups.next()) {
          rows += groups.getLong(2);
        }
      }
      long queried = System.nanoTime();
      if (rows != values.size()) {
        throw new IllegalStateException("copied " + rows + " rows");
      }
      if (inPlace != null) {
        s.execute("DROP VIEW t");
        inPlace.free();
      }
      return new long[] {copied - started, queried - started};
    }
  }
}

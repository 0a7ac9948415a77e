package io.lakestream.sql;

import io.lakestream.schema.TableDefinitions;
import java.util.Arrays;
import java.util.List;

/**
 * What a small statement costs above the rows it reads: statements over a few of the 120 rows of
 * {@link SqlEngineTest.FakeScan} (two hours, a row a minute), through {@link SqlEngine}, timed one
 * after another in one engine: the engine's own work per statement (session, plan, the tables'
 * views, prepare, run). A plain main, not a test:
 *
 * <pre>
 * mvn -o -q -B -pl sql -am test-compile dependency:build-classpath \
 *   -Dmdep.outputFile=/tmp/sql-cp.txt -Dmdep.includeScope=test
 * java --add-opens=java.base/java.nio=ALL-UNNAMED \
 *   -Dlogback.configurationFile=query-api/src/test/resources/logback-test.xml \
 *   -cp sql/target/classes:sql/target/test-classes:$(cat /tmp/sql-cp.txt) \
 *   io.lakestream.sql.StatementOverheadBench [repeats=2000]
 * </pre>
 */
public final class StatementOverheadBench {
  private StatementOverheadBench() {}

  public static void main(String[] args) {
    int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    long from = SqlEngineTest.BASE / 1_000_000 + 600;
    String range =
        " FROM otel_logs_and_spans WHERE timestamp >= to_timestamp("
            + from
            + ") AND timestamp < to_timestamp("
            + (from + 600)
            + ")";
    List<String> statements =
        List.of(
            "SELECT count(*)" + range,
            "SELECT date_trunc('minute', timestamp) AS minute, count(*) AS n"
                + range
                + " GROUP BY 1 ORDER BY 1",
            "SELECT timestamp, service_name, body" + range + " AND severity_text = 'ERROR'",
            "SELECT *" + range + " AND trace_id = 't3' ORDER BY timestamp");
    try (SqlEngine engine =
        new SqlEngine(
            TableDefinitions::builtIns, new SqlEngineTest.FakeScan(), SqlEngine.Limits.DEFAULT)) {
      long[][] took = new long[statements.size()][repeats];
      for (int turn = -repeats / 4; turn < repeats; turn++) { // a quarter more to warm up
        for (int s = 0; s < statements.size(); s++) {
          long start = System.nanoTime();
          try (QueryResult result = engine.query(statements.get(s), named -> "acme")) {
            while (result.next()) {
              // every row
            }
          }
          if (turn >= 0) {
            took[s][turn] = System.nanoTime() - start;
          }
        }
      }
      for (int s = 0; s < statements.size(); s++) {
        Arrays.sort(took[s]);
        System.out.printf(
            "%.3f ms median, %.3f p10, %.3f p90: %s%n",
            took[s][repeats / 2] / 1e6,
            took[s][repeats / 10] / 1e6,
            took[s][repeats * 9 / 10] / 1e6,
            statements.get(s).length() > 90
                ? statements.get(s).substring(0, 90) + "…"
                : statements.get(s));
      }
    }
  }
}

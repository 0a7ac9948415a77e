package io.lakestream.sql;

import io.lakestream.schema.TableDefinitions;
import java.util.Arrays;

/**
 * What a statement that fails before its first rows are fetched costs, against one that reads every
 * row: {@code rows} rows of {@code otel_logs_and_spans} whose {@code body} is a number but at row
 * 5,001 ({@code 'abc'}), through {@link SqlEngine} (boxed rows, as {@link TableScan#scan} gives
 * them). A plain main, not a test:
 *
 * <pre>
 * mvn -o -q -B -pl sql -am test-compile dependency:build-classpath \
 *   -Dmdep.outputFile=/tmp/sql-cp.txt -Dmdep.includeScope=test
 * java --add-opens=java.base/java.nio=ALL-UNNAMED \
 *   -Dlogback.configurationFile=query-api/src/test/resources/logback-test.xml \
 *   -cp sql/target/classes:sql/target/test-classes:$(cat /tmp/sql-cp.txt) \
 *   io.lakestream.sql.FailedStatementBench [rows=100000] [repeats=21]
 * </pre>
 */
public final class FailedStatementBench {
  private FailedStatementBench() {}

  public static void main(String[] args) {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 21;
    TableScan scan = SqlEngineTest.numberedBodies(rows);
    String failing = "SELECT CAST(body AS INTEGER) FROM otel_logs_and_spans";
    String reading = failing + " WHERE body <> 'abc'";
    try (SqlEngine engine =
        new SqlEngine(TableDefinitions::builtIns, scan, SqlEngine.Limits.DEFAULT)) {
      String error = "";
      long[] failed = new long[repeats];
      long[] read = new long[repeats];
      for (int turn = -5; turn < repeats; turn++) { // five turns to warm up
        long start = System.nanoTime();
        try (QueryResult result = engine.query(failing, named -> "acme")) {
          while (result.next()) {
            // the statement fails before its first row
          }
        } catch (SqlException e) {
          error = e.getMessage();
        }
        long failedIn = System.nanoTime() - start;
        start = System.nanoTime();
        try (QueryResult result = engine.query(reading, named -> "acme")) {
          while (result.next()) {
            // every row but one
          }
        }
        if (turn >= 0) {
          failed[turn] = failedIn;
          read[turn] = System.nanoTime() - start;
        }
      }
      Arrays.sort(failed);
      Arrays.sort(read);
      System.out.printf(
          "%,d rows: failing statement %.1f ms (median of %d; min %.1f), reading statement %.1f ms"
              + " (min %.1f)%n  %s%n",
          rows,
          failed[repeats / 2] / 1e6,
          repeats,
          failed[0] / 1e6,
          read[repeats / 2] / 1e6,
          read[0] / 1e6,
          error.lines().findFirst().orElse(""));
    }
  }
}

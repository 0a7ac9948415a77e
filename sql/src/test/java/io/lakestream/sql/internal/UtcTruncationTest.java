package io.lakestream.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code date_trunc} as the sidecar's engine runs it gives what the engine's own function gives,
 * for every unit, argument type and value, and takes the arithmetic path for instants.
 */
class UtcTruncationTest {
  private static final List<String> UNITS =
      List.of(
          "microsecond",
          "us",
          "usecs",
          "millisecond",
          "ms",
          "msec",
          "second",
          "seconds",
          "s",
          "sec",
          "minute",
          "MINUTE",
          "Minutes",
          "m",
          "min",
          "mins",
          "hour",
          "hours",
          "h",
          "hr",
          "hrs",
          "day",
          "days",
          "d",
          "dayofmonth",
          "week",
          "month",
          "mon",
          "quarter",
          "year",
          "decade",
          "century",
          "millennium",
          "isoyear");

  private static DuckDbDatabase database;
  private static DuckDBConnection connection;

  @BeforeAll
  static void start() throws SQLException {
    database = new DuckDbDatabase("1GB", 2);
    connection = database.lease(Map.of());
    connection.setAutoCommit(true); // a refused statement must not end the test's transaction
    Random random = new Random(7);
    StringBuilder values = new StringBuilder();
    // Instants from 1600 to 2400, at any microsecond, and the edges around the epoch and of the
    // units; infinities; null.
    long from = -11_676_096_000_000_000L;
    long to = 13_569_465_600_000_000L;
    for (int i = 0; i < 5_000; i++) {
      long micros = from + (long) (random.nextDouble() * (to - from));
      values.append(i == 0 ? "" : ", ").append("(").append(micros).append(")");
    }
    long[] edges = {
      0, -1, 1, -59_999_999, -60_000_000, -60_000_001, 86_399_999_999L, 9_223_371_244_800_000_000L
    };
    for (long edge : edges) {
      values.append(", (").append(edge).append(")");
    }
    try (Statement s = connection.createStatement()) {
      s.execute(
          "CREATE TEMP TABLE instants AS SELECT make_timestamptz(micros) AS ts FROM (VALUES "
              + values
              + ") v(micros) UNION ALL SELECT * FROM (VALUES ('infinity'::TIMESTAMPTZ),"
              + " ('-infinity'::TIMESTAMPTZ), (NULL::TIMESTAMPTZ))");
    }
  }

  @AfterAll
  static void stop() {
    database.giveBack(connection, Map.of());
    database.close();
  }

  @Test
  void everyUnitOfEveryInstantTruncatesAsTheEnginesOwnFunction() throws SQLException {
    for (String unit : UNITS) {
      String sql =
          "SELECT count(*), count(*) FILTER (date_trunc('%1$s', ts) IS DISTINCT FROM"
              + " system.main.date_trunc('%1$s', ts)), any_value(typeof(date_trunc('%1$s', ts)))"
              + " FROM instants";
      try (Statement s = connection.createStatement();
          ResultSet rows = s.executeQuery(String.format(sql, unit))) {
        rows.next();
        assertThat(rows.getLong(1)).isEqualTo(5_011);
        assertThat(rows.getLong(2)).as("values unlike the engine's, unit %s", unit).isZero();
        assertThat(rows.getString(3)).isEqualTo("TIMESTAMP WITH TIME ZONE");
      }
    }
    // The unit may come from a column too.
    assertThat(
            one(
                "SELECT count(*) FROM instants, (VALUES ('minute'), ('week'), (NULL)) u(unit)"
                    + " WHERE date_trunc(unit, ts) IS DISTINCT FROM system.main.date_trunc(unit,"
                    + " ts)"))
        .isEqualTo("0");
  }

  @Test
  void otherTypesKeepTheirTypesAndValues() throws SQLException {
    for (String value :
        List.of(
            "TIMESTAMP '1969-12-31 23:59:30.5'",
            "DATE '2024-02-29'",
            "INTERVAL '1 day 61 seconds'",
            "TIMESTAMPTZ '2024-05-06 07:08:09.123456+02'",
            "TIMESTAMP_MS '2024-05-06 07:08:09.123'")) {
      for (String unit : List.of("minute", "day", "month")) {
        String ours = "date_trunc('" + unit + "', " + value + ")";
        String engines = "system.main." + ours;
        assertThat(one("SELECT typeof(" + ours + ") || ' ' || " + ours))
            .isEqualTo(one("SELECT typeof(" + engines + ") || ' ' || " + engines));
      }
    }
    assertThat(one("SELECT datetrunc('hour', TIMESTAMPTZ '2024-05-06 07:08:09+00')::VARCHAR"))
        .isEqualTo("2024-05-06 07:00:00+00");
  }

  @Test
  void namesErrorsAndPlansAreTheStatementsOwn() throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rows = s.executeQuery("SELECT date_trunc('minute', ts) FROM instants LIMIT 1")) {
      assertThat(rows.getMetaData().getColumnLabel(1)).isEqualTo("date_trunc('minute', ts)");
    }
    assertThatThrownBy(() -> one("SELECT date_trunc('minute', '2024-01-01 10:10:10')"))
        .hasMessageContaining("date_trunc(STRING_LITERAL, STRING_LITERAL)");
    // Instants by arithmetic, planned once; a TIMESTAMP by the engine's function.
    String plan = plan("SELECT date_trunc('minute', ts) FROM instants");
    assertThat(plan)
        .contains("make_timestamptz")
        .doesNotContain("date_trunc")
        .doesNotContain("typeof");
    assertThat(plan("SELECT date_trunc('minute', ts::TIMESTAMP) FROM instants"))
        .contains("date_trunc")
        .doesNotContain("make_timestamptz");
  }

  private static String plan(String sql) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (Statement s = connection.createStatement();
        ResultSet rows = s.executeQuery("EXPLAIN " + sql)) {
      while (rows.next()) {
        plan.append(rows.getString(2));
      }
    }
    return plan.toString();
  }

  private static String one(String sql) throws SQLException {
    Connection c = connection;
    try (Statement s = c.createStatement();
        ResultSet rows = s.executeQuery(sql)) {
      rows.next();
      return rows.getString(1);
    }
  }
}

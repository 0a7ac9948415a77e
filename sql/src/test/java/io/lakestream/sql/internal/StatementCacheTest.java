package io.lakestream.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the cache reads from DuckDB's parse of a statement. */
class StatementCacheTest {
  /** DuckDB's parse of {@code sql}, as the session asks for it. */
  private static JsonNode parse(String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        PreparedStatement statement = connection.prepareStatement("SELECT json_serialize_sql(?)")) {
      statement.setString(1, sql);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return new ObjectMapper().readTree(rows.getString(1)).path("statements");
      }
    }
  }

  @Test
  void theColumnsAStatementNamesAreEveryPartOfItsColumnReferences() throws Exception {
    assertThat(
            StatementCache.columnNames(
                parse(
                    "SELECT date_trunc('minute', \"Timestamp\") AS minute, count(*) FROM"
                        + " otel_logs_and_spans l JOIN otel_logs_and_spans s USING (span_id)"
                        + " WHERE l.trace_id = 'x' AND attributes->>'http.route' = '/a'"
                        + " GROUP BY 1 ORDER BY minute")))
        .hasValueSatisfying(
            names ->
                assertThat(names)
                    .containsExactlyInAnyOrder(
                        "timestamp", "l", "trace_id", "attributes", "minute"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT * FROM otel_logs_and_spans",
        "SELECT l.* FROM otel_logs_and_spans l",
        "SELECT * EXCLUDE (body) FROM otel_logs_and_spans",
        "SELECT COLUMNS('.*_id') FROM otel_logs_and_spans",
        "FROM otel_logs_and_spans",
        "SELECT count(*) FROM (SELECT * FROM otel_logs_and_spans) t",
        "SELECT #2 FROM otel_logs_and_spans",
        "SELECT b FROM otel_logs_and_spans AS x(a, b)",
        "SELECT trace_id FROM otel_logs_and_spans NATURAL JOIN otel_logs_and_spans",
      })
  void aStatementUsingColumnsItDoesNotNameMayUseAny(String sql) throws Exception {
    assertThat(StatementCache.columnNames(parse(sql))).isEqualTo(Optional.empty());
  }
}

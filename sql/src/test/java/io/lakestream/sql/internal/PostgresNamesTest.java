package io.lakestream.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Result columns without an alias are named as PostgreSQL names them, from the engine's labels
 * (these are DuckDB 2.0's labels of the expressions in the comments): a Grafana series, a JDBC
 * column lookup and a psql header read the same as over PostgreSQL.
 */
class PostgresNamesTest {
  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // count(*), count(*) FILTER (WHERE severity_text = 'ERROR')
        "count_star() | count",
        "count_star() FILTER (WHERE (severity_text = 'ERROR')) | count",
        "sum(duration) FILTER (WHERE (duration > 1)) | sum",
        "count(DISTINCT severity_text) | count",
        "max(\"timestamp\") | max",
        // percentile_cont(0.95) WITHIN GROUP (ORDER BY duration)
        "quantile_cont(0.95 ORDER BY duration) | percentile_cont",
        "string_agg(severity_text, ',' ORDER BY severity_text) | string_agg",
        "row_number() OVER (ORDER BY \"timestamp\") | row_number",
        "lag(duration) OVER (PARTITION BY severity_text ORDER BY \"timestamp\") | lag",
        "upper(severity_text) | upper",
        "COALESCE(duration, 0) | coalesce",
        // substring('hello' from 2 for 3), position('l' in 'hello'), nullif(1, 1), trim(name)
        "\"substring\"('hello', 2, 3) | substring",
        "\"position\"('hello', 'l') | position",
        "\"nullif\"(1, 1) | nullif",
        "\"trim\"(\"name\") | btrim",
        "CASE  WHEN (true) THEN (1) ELSE NULL END | case",
        // timestamp::date, duration::double, avg(duration)::int
        "CAST(\"timestamp\" AS date) | timestamp",
        "CAST(duration AS DOUBLE) | duration",
        "CAST(avg(duration) AS INTEGER) | avg",
        // attributes->>'plan', duration / 1000
        "(attributes ->> 'plan') | ?column?",
        "(duration / 1000) | ?column?",
        // kept: columns, aliases, constants
        "service_name | service_name",
        "Errors (5xx) | Errors (5xx)",
        // constants, and casts of constants by their type: SELECT 1, 'abc', 82893580.2::float8
        "1 | ?column?",
        "-2.5 | ?column?",
        "CAST(82893580.2 AS float8) | float8",
        "CAST('abc' AS VARCHAR) | varchar",
        "CAST(1 AS INTEGER) | int4",
        "(a) + (b) | (a) + (b)",
      })
  void aColumnWithoutAnAliasIsNamedAsPostgresNamesIt(String label, String name) {
    assertThat(DuckDbResult.postgresName(label)).isEqualTo(name);
  }

  @org.junit.jupiter.api.Test
  void aTextConstantIsAnUnnamedColumn() {
    assertThat(DuckDbResult.postgresName("'abc'")).isEqualTo("?column?"); // SELECT 'abc'
    assertThat(DuckDbResult.postgresName("'it''s'")).isEqualTo("?column?");
  }
}

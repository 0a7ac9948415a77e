package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.pgwire.PgColumn;
import io.lakestream.pgwire.PgType;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.sql.QueryResult;
import io.lakestream.sql.ResultColumn;
import io.lakestream.sql.SqlEngine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Rows sent in the text format from the engine's Arrow batches ({@link PgTextBatch}) are byte for
 * byte the rows sent from the values read row by row ({@link PgType#text}, the path before it), for
 * every type read from batches and their edges: nulls, extremes, special floats, strings with
 * quotes, backslashes, whitespace and Unicode, JSON as the engine gives it, arrays with nulls and
 * elements that need quoting, timestamps of years 1 to 9999, and more rows than a batch; types off
 * the list are read row by row.
 */
class PgTextBatchTest {
  private static final SqlEngine ENGINE =
      new SqlEngine(
          TableDefinitions::builtIns,
          (table, project, from, to, columns, rows) -> {},
          SqlEngine.Limits.DEFAULT);

  private static final String EDGES =
      """
      SELECT * FROM (VALUES
        (true, 1::TINYINT, (-32768)::SMALLINT, 2147483647, (-9223372036854775808)::BIGINT,
         1.5::FLOAT, 'NaN'::DOUBLE, 'plain', '{"a":1,"b":[1.5,true,null,"x"]}'::JSON,
         DATE '1969-12-31', TIMESTAMP '1969-12-31 23:59:59.999999',
         TIMESTAMPTZ '0001-01-01 00:00:00+00', [1, NULL, -3]::BIGINT[],
         ['a"b', NULL, 'ü\\', 'NULL', 'null', '', 'a b', '{x}', 'c,d', 'tab	']::VARCHAR[],
         [1.5, NULL, 'Infinity'::DOUBLE, 1e20, -0.0, 1e-7]::DOUBLE[], [true, false, NULL]::BOOLEAN[],
         [7]::INTEGER[], [0.1::FLOAT, 1e10::FLOAT]::FLOAT[], [1::SMALLINT]::SMALLINT[],
         [1::TINYINT]::TINYINT[]),
        (false, (-128)::TINYINT, 32767::SMALLINT, (-2147483648)::INTEGER, 9223372036854775807::BIGINT,
         'Infinity'::FLOAT, '-Infinity'::DOUBLE, '', '{ "a" : 1 }'::JSON, DATE '0001-01-01',
         TIMESTAMP '9999-12-31 23:59:59.999999', TIMESTAMPTZ '1970-01-01 00:00:00+00',
         []::BIGINT[], []::VARCHAR[], []::DOUBLE[], []::BOOLEAN[], []::INTEGER[], []::FLOAT[],
         []::SMALLINT[], []::TINYINT[]),
        (NULL, 0::TINYINT, 0::SMALLINT, 0, 0::BIGINT, 'NaN'::FLOAT, 1e300,
         'tab	quote" back\\ nl
       cr' || chr(13) || ' ctl' || chr(1) || chr(31) || chr(127) || ' / ' || chr(8232) || ' 😀 日本',
         '[1.50,1e5,-0,0,-0.0,1E400,0.1,1.0E10,123456789012345678901234567890]'::JSON,
         DATE '9999-12-31', TIMESTAMP '2026-01-02 03:04:05', TIMESTAMPTZ '2026-11-21 10:00:00.000001+00',
         NULL, [NULL, 'x y', chr(8232)]::VARCHAR[], NULL, NULL, NULL, NULL, NULL, NULL),
        (NULL, NULL, NULL, NULL, -1::BIGINT, (-0.0)::FLOAT, (-0.0)::DOUBLE, NULL,
         '{"a":1,"a":2,"😀":"😀"}'::JSON, NULL, TIMESTAMP '1500-06-30 12:34:56.12',
         TIMESTAMPTZ '1500-06-30 12:34:56.000007+00', NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL),
        (NULL, NULL, NULL, NULL, NULL, 3.4028235e38::FLOAT, 4.9e-324, NULL,
         '"\\u00e9 \\u001F \\n é"'::JSON, NULL, NULL, TIMESTAMPTZ '1999-12-31 23:59:59.5+00', NULL,
         NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL, NULL)
      ) t(bool, tiny, small, int, big, real, double, text, json, date, ts, tstz,
          longs, texts, doubles, bools, ints, floats, smalls, tinys)
      """;

  /** 5,000 rows (three batches) of values spread over their types' ranges. */
  private static final String SPREAD =
      """
      SELECT i,
        make_timestamp((hash(i) % 315537897599999999)::BIGINT - 62135596800000000) AS ts,
        make_timestamp((hash(i + 1) % 315537897599999999)::BIGINT - 62135596800000000)::TIMESTAMPTZ
          AS tstz,
        (hash(i)::DOUBLE / (hash(i + 2) + 1)::DOUBLE) * pow(10, (hash(i + 3) % 600)::INT - 300)
          AS double,
        (((hash(i + 4) % 2000000)::DOUBLE - 1e6) / pow(10, (hash(i + 5) % 12)::INT))::FLOAT AS real,
        chr((i % 128)::INT + 1) || chr(((hash(i) % 1000) + 128)::INT) || 'x' || chr((i % 32)::INT + 1)
          AS text,
        ('{"v":' || ((hash(i + 7) % 100000)::DOUBLE / 7)::VARCHAR || ',"i":' || i::VARCHAR || '}')::JSON
          AS json,
        [i, NULL, -i]::BIGINT[] AS longs,
        [chr((i % 128)::INT + 1), 'v' || i::VARCHAR]::VARCHAR[] AS texts,
        (DATE '0001-01-01' + (hash(i + 8) % 3652000)::INT) AS date,
        (i % 7 = 0) AS bool
      FROM range(5000) r(i)
      """;

  @AfterAll
  static void close() {
    ENGINE.close();
  }

  @Test
  void edgeValuesAreSentAsFromValues() {
    List<List<String>> fromValues = fromValues(EDGES);
    assertThat(fromBatches(EDGES)).isEqualTo(fromValues);
    assertThat(fromValues).hasSize(6);
    assertThat(fromValues.get(0))
        .contains("t", "{1,NULL,-3}", "0001-01-01 00:00:00+00", "1969-12-31 23:59:59.999999");
    assertThat(fromValues.get(5)).containsOnlyNulls();
  }

  @Test
  void valuesSpreadOverTheirRangesAreSentAsFromValues() {
    List<List<String>> fromValues = fromValues(SPREAD);
    assertThat(fromValues).hasSize(5000);
    assertThat(fromBatches(SPREAD)).isEqualTo(fromValues);
  }

  @Test
  void anEmptyResultIsEmptyBothWays() {
    String sql = "SELECT 1 AS a, 'x' AS b WHERE false";
    assertThat(fromBatches(sql)).isEmpty();
    assertThat(fromValues(sql)).isEmpty();
  }

  @Test
  void typesOffTheListAreReadAsValues() {
    String sql = "SELECT 1.5::DECIMAL(10,2) AS d, 'x' AS b, INTERVAL 1 DAY AS i";
    try (QueryResult result = ENGINE.query(sql, named -> "acme")) {
      PgSqlBackend.Rows rows = new PgSqlBackend.Rows(result, columns(result));
      assertThat(rows.asText()).isFalse();
      assertThat(rows.asText()).isFalse();
      assertThat(rows.hasNext()).isTrue();
      assertThat(PgType.NUMERIC.text(rows.next().get(0))).isEqualTo("1.50");
    }
  }

  private static List<PgColumn> columns(QueryResult result) {
    List<PgColumn> columns = new ArrayList<>();
    for (ResultColumn column : result.columns()) {
      columns.add(new PgColumn(column.name(), PgSqlBackend.type(column)));
    }
    return columns;
  }

  /** Each value's bytes (ISO-8859-1, one char per byte), as the rows were sent before. */
  private static List<List<String>> fromValues(String sql) {
    List<List<String>> sent = new ArrayList<>();
    try (QueryResult result = ENGINE.query(sql, named -> "acme")) {
      List<PgColumn> columns = columns(result);
      PgSqlBackend.Rows rows = new PgSqlBackend.Rows(result, columns);
      while (rows.hasNext()) {
        List<?> row = rows.next();
        List<String> values = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
          Object value = row.get(c);
          values.add(
              value == null
                  ? null
                  : new String(
                      columns.get(c).type().text(value).getBytes(StandardCharsets.UTF_8),
                      StandardCharsets.ISO_8859_1));
        }
        sent.add(values);
      }
      rows.close();
    }
    return sent;
  }

  private static List<List<String>> fromBatches(String sql) {
    List<List<String>> sent = new ArrayList<>();
    try (QueryResult result = ENGINE.query(sql, named -> "acme")) {
      assertThat(PgTextBatch.reads(result.columns())).as("%s", result.columns()).isTrue();
      List<PgColumn> columns = columns(result);
      PgSqlBackend.Rows rows = new PgSqlBackend.Rows(result, columns);
      assertThat(rows.asText()).isTrue();
      assertThat(rows.asText()).isTrue();
      while (rows.hasNext()) {
        rows.nextText();
        List<String> values = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
          int length = rows.textLength(c);
          values.add(
              length < 0
                  ? null
                  : new String(
                      rows.textBytes(), rows.textStart(c), length, StandardCharsets.ISO_8859_1));
        }
        sent.add(values);
      }
      rows.close();
    }
    return sent;
  }
}

package io.lakestream.query.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.reader.RowFormat;
import io.lakestream.reader.TimestampStyle;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.sql.QueryResult;
import io.lakestream.sql.ResultBatches;
import io.lakestream.sql.ResultColumn;
import io.lakestream.sql.SqlEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The answer written from the engine's Arrow batches ({@link SqlBatchWriter}) is byte for byte the
 * answer written row by row from the same statement ({@link SqlResultWriter}, the writer before
 * it), in JSON, NDJSON and CSV and both timestamp styles, for a result with every type the batch
 * writer takes and their edge values: nulls, extremes, special doubles, decimals, strings needing
 * escapes, Unicode, JSON values that Jackson writes back changed and unchanged, lists with nulls,
 * timestamps before 1970 and of years 1 to 9999, and more rows than a batch.
 */
class SqlBatchWriterTest {
  private static final SqlEngine ENGINE =
      new SqlEngine(
          TableDefinitions::builtIns,
          (table, project, from, to, columns, rows) -> {},
          SqlEngine.Limits.DEFAULT);

  /** Values of every type and their edges, one row each, plus a row of nulls. */
  private static final String EDGES =
      """
      SELECT * FROM (VALUES
        (true, 1::TINYINT, (-32768)::SMALLINT, 2147483647, (-9223372036854775808)::BIGINT,
         170141183460469231731687303715884105727::HUGEINT, 1.5::FLOAT, 'NaN'::DOUBLE,
         123.4500::DECIMAL(10,4), 'plain', '{"a":1,"b":[1.5,true,null,"x"]}'::JSON,
         '\\x00\\xFF\\x10'::BLOB, DATE '1969-12-31', TIMESTAMP '1969-12-31 23:59:59.999999',
         TIMESTAMPTZ '0001-01-01 00:00:00+00', [1, NULL, -3]::BIGINT[], ['a"b', NULL, 'ü\\']::VARCHAR[],
         [1.5, NULL, 'Infinity'::DOUBLE]::DOUBLE[], [true, false]::BOOLEAN[], [7]::INTEGER[],
         [0.1::FLOAT]::FLOAT[], [1::SMALLINT]::SMALLINT[], [1::TINYINT]::TINYINT[]),
        (false, (-128)::TINYINT, 32767::SMALLINT, (-2147483648)::INTEGER, 9223372036854775807::BIGINT,
         (-170141183460469231731687303715884105727)::HUGEINT, 'Infinity'::FLOAT, '-Infinity'::DOUBLE,
         0.0000001::DECIMAL(18,7), '', '{ "a" : 1 }'::JSON, ''::BLOB, DATE '0001-01-01',
         TIMESTAMP '9999-12-31 23:59:59.999999', TIMESTAMPTZ '1970-01-01 00:00:00+00',
         []::BIGINT[], []::VARCHAR[], []::DOUBLE[], []::BOOLEAN[], []::INTEGER[], []::FLOAT[],
         []::SMALLINT[], []::TINYINT[]),
        (NULL, NULL, NULL, NULL, NULL, NULL, 'NaN'::FLOAT, 1e300, -99999999.99::DECIMAL(10,2),
         'tab	quote" back\\ nl
       cr' || chr(13) || ' ctl' || chr(1) || chr(31) || chr(127) || ' / ' || chr(8232) || ' 😀 日本',
         '[1.50,1e5,-0,0,-0.0,1E400,0.1,1.0E10,123456789012345678901234567890]'::JSON,
         NULL, NULL, NULL, TIMESTAMPTZ '2026-11-21 10:00:00.000001+00', NULL, [NULL]::VARCHAR[],
         NULL, NULL, NULL, NULL, NULL, NULL),
        (NULL, NULL, NULL, NULL, NULL, NULL, (-0.0)::FLOAT, (-0.0)::DOUBLE, NULL, NULL,
         '{"a":1,"a":2,"😀":"😀"}'::JSON, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL),
        (NULL, NULL, NULL, NULL, NULL, NULL, NULL, 4.9e-324, NULL, NULL,
         '"\\u00e9 \\u001F \\u001f \\n \\/ é"'::JSON, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL, NULL),
        (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'null'::JSON, NULL, NULL,
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ' [1, 2] '::JSON, NULL,
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         '{"k":"\\"q\\" \\\\ \\b\\f\\n\\r\\t \\u0000","n":-12,"d":-1.5E-7,"e":[{},[],""]}'::JSON,
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         repeat('[', 70) || repeat(']', 70), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL),
        (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
      ) t(bool, tiny, small, int, big, huge, real, double, dec, text, json, bytes, date, ts, tstz,
          longs, texts, doubles, bools, ints, floats, smalls, tinys)
      """;

  /**
   * 5,000 rows (three batches) of values spread over their types' ranges: timestamps over years 1
   * to 9999, doubles over 600 orders of magnitude, floats, decimals, every ASCII character in
   * strings, and JSON with numbers as DuckDB writes them.
   */
  private static final String SPREAD =
      """
      SELECT i,
        make_timestamp((hash(i) % 315537897599999999)::BIGINT - 62135596800000000) AS ts,
        make_timestamp((hash(i + 1) % 315537897599999999)::BIGINT - 62135596800000000)::TIMESTAMPTZ
          AS tstz,
        (hash(i)::DOUBLE / (hash(i + 2) + 1)::DOUBLE) * pow(10, (hash(i + 3) % 600)::INT - 300)
          AS double,
        (((hash(i + 4) % 2000000)::DOUBLE - 1e6) / pow(10, (hash(i + 5) % 12)::INT))::FLOAT AS real,
        ((hash(i + 6) % 2000000000)::BIGINT - 1000000000)::DECIMAL(12,3) / 1000 AS dec,
        chr((i % 128)::INT + 1) || chr(((hash(i) % 1000) + 128)::INT) || 'x' || chr((i % 32)::INT + 1)
          AS text,
        ('{"v":' || ((hash(i + 7) % 100000)::DOUBLE / 7)::VARCHAR || ',"i":' || i::VARCHAR || ',"s":"'
          || (i % 10)::VARCHAR || '"}')::JSON AS json,
        [i, NULL, -i]::BIGINT[] AS longs,
        (i % 7 = 0) AS bool
      FROM range(5000) r(i)
      """;

  @AfterAll
  static void close() {
    ENGINE.close();
  }

  @ParameterizedTest
  @CsvSource({
    "JSON, MICROS",
    "JSON, ISO",
    "NDJSON, MICROS",
    "NDJSON, ISO",
    "CSV, MICROS",
    "CSV, ISO"
  })
  void edgeValuesAreWrittenAsRowByRow(RowFormat format, TimestampStyle timestamps)
      throws IOException {
    String rowByRow = rowByRow(EDGES, format, timestamps);
    assertThat(fromBatches(EDGES, format, timestamps)).isEqualTo(rowByRow);
    assertThat(rowByRow).contains("ü").contains("日本");
  }

  @ParameterizedTest
  @CsvSource({
    "JSON, MICROS",
    "JSON, ISO",
    "NDJSON, MICROS",
    "NDJSON, ISO",
    "CSV, MICROS",
    "CSV, ISO"
  })
  void valuesSpreadOverTheirRangesAreWrittenAsRowByRow(RowFormat format, TimestampStyle timestamps)
      throws IOException {
    assertThat(fromBatches(SPREAD, format, timestamps))
        .isEqualTo(rowByRow(SPREAD, format, timestamps));
  }

  /**
   * Timestamps of years 1 to 9999, beyond 1677 to 2262, in both styles (in microseconds the
   * row-by-row writer failed on them before: it counted in nanoseconds).
   */
  @ParameterizedTest
  @CsvSource({"JSON", "NDJSON", "CSV"})
  void timestampsFarFromNowAreWrittenInBothStyles(RowFormat format) throws IOException {
    String sql =
        "SELECT TIMESTAMPTZ '0001-01-01 00:00:00+00' AS a, TIMESTAMP '9999-12-31 23:59:59.999999'"
            + " AS b, TIMESTAMPTZ '1500-06-30 12:34:56.000007+00' AS c";
    assertThat(fromBatches(sql, format, TimestampStyle.ISO))
        .isEqualTo(rowByRow(sql, format, TimestampStyle.ISO))
        .contains("0001-01-01T00:00:00.000000Z")
        .contains("9999-12-31T23:59:59.999999Z")
        .contains("1500-06-30T12:34:56.000007Z");
    assertThat(fromBatches(sql, format, TimestampStyle.MICROS))
        .isEqualTo(rowByRow(sql, format, TimestampStyle.MICROS))
        .contains("-62135596800000000")
        .contains("253402300799999999")
        .contains("-14816172303999993");
  }

  @ParameterizedTest
  @CsvSource({"JSON", "NDJSON", "CSV"})
  void anEmptyResultIsWrittenAsRowByRow(RowFormat format) throws IOException {
    String sql = "SELECT 1 AS a, 'x' AS b WHERE false";
    assertThat(fromBatches(sql, format, TimestampStyle.MICROS))
        .isEqualTo(rowByRow(sql, format, TimestampStyle.MICROS));
  }

  private static String rowByRow(String sql, RowFormat format, TimestampStyle timestamps)
      throws IOException {
    try (QueryResult result = ENGINE.query(sql, named -> "acme")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new SqlResultWriter(result, timestamps).write(format, result.next(), out);
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  private static String fromBatches(String sql, RowFormat format, TimestampStyle timestamps)
      throws IOException {
    try (QueryResult result = ENGINE.query(sql, named -> "acme")) {
      List<ResultColumn> columns = result.columns();
      assertThat(SqlBatchWriter.writes(columns)).as("written from batches: %s", columns).isTrue();
      try (ResultBatches batches = result.batches(SqlBatchWriter.BATCH_ROWS)) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SqlBatchWriter(batches, columns, timestamps).write(format, batches.next(), out);
        return out.toString(StandardCharsets.UTF_8);
      }
    }
  }
}

package io.lakestream.query;

import io.lakestream.schema.TableDefinitions;
import io.lakestream.sql.SqlEngine;

/**
 * Statements whose results hold every type the writers from the engine's Arrow batches take (the
 * PostgreSQL rows, {@code PgBatchRow}, and the HTTP answers, {@code SqlBatchWriter}) with their
 * edge values, for the tests that compare what those writers send with what the row-by-row writers
 * before them sent; and the engine they run on.
 */
public final class EdgeResults {
  private EdgeResults() {}

  /** An engine over the built-in tables, without data: the statements read no table. */
  public static SqlEngine newEngine() {
    return new SqlEngine(
        TableDefinitions::builtIns,
        (table, project, from, to, columns, rows) -> {},
        SqlEngine.Limits.DEFAULT);
  }

  /** How many rows {@link #EDGES} has, the last all nulls. */
  public static final int EDGE_ROWS = 10;

  /**
   * Values of every type and their edges, one row each, then a row of nulls: extremes, special
   * floats, decimals, strings with quotes, backslashes, whitespace, control characters and Unicode,
   * empty strings and bytea, JSON that Jackson writes back changed and unchanged, arrays with nulls
   * and elements that need quoting, timestamps before 1970 and of years 1 to 9999.
   */
  public static final String EDGES =
      """
      SELECT * FROM (VALUES
        (true, 1::TINYINT, (-32768)::SMALLINT, 2147483647, (-9223372036854775808)::BIGINT,
         170141183460469231731687303715884105727::HUGEINT, 1.5::FLOAT, 'NaN'::DOUBLE,
         123.4500::DECIMAL(10,4), 'plain', '{"a":1,"b":[1.5,true,null,"x"]}'::JSON,
         '\\x00\\xFF\\x10'::BLOB, DATE '1969-12-31', TIMESTAMP '1969-12-31 23:59:59.999999',
         TIMESTAMPTZ '0001-01-01 00:00:00+00', [1, NULL, -3]::BIGINT[],
         ['a"b', NULL, 'ü\\', 'NULL', 'null', '', 'a b', '{x}', 'c,d', 'tab	']::VARCHAR[],
         [1.5, NULL, 'Infinity'::DOUBLE, 1e20, -0.0, 1e-7]::DOUBLE[], [true, false, NULL]::BOOLEAN[],
         [7]::INTEGER[], [0.1::FLOAT, 1e10::FLOAT]::FLOAT[], [1::SMALLINT]::SMALLINT[],
         [1::TINYINT]::TINYINT[]),
        (false, (-128)::TINYINT, 32767::SMALLINT, (-2147483648)::INTEGER, 9223372036854775807::BIGINT,
         (-170141183460469231731687303715884105727)::HUGEINT, 'Infinity'::FLOAT, '-Infinity'::DOUBLE,
         0.0000001::DECIMAL(18,7), '', '{ "a" : 1 }'::JSON, ''::BLOB, DATE '0001-01-01',
         TIMESTAMP '9999-12-31 23:59:59.999999', TIMESTAMPTZ '1970-01-01 00:00:00+00',
         []::BIGINT[], []::VARCHAR[], []::DOUBLE[], []::BOOLEAN[], []::INTEGER[], []::FLOAT[],
         []::SMALLINT[], []::TINYINT[]),
        (NULL, 0::TINYINT, 0::SMALLINT, 0, 0::BIGINT, 0::HUGEINT, 'NaN'::FLOAT, 1e300,
         -99999999.99::DECIMAL(10,2),
         'tab	quote" back\\ nl
       cr' || chr(13) || ' ctl' || chr(1) || chr(31) || chr(127) || ' / ' || chr(8232) || ' 😀 日本',
         '[1.50,1e5,-0,0,-0.0,1E400,0.1,1.0E10,123456789012345678901234567890]'::JSON,
         NULL, DATE '9999-12-31', TIMESTAMP '2026-01-02 03:04:05',
         TIMESTAMPTZ '2026-11-21 10:00:00.000001+00', NULL, [NULL, 'x y', chr(8232)]::VARCHAR[],
         NULL, NULL, NULL, NULL, NULL, NULL),
        (NULL, NULL, NULL, NULL, -1::BIGINT, NULL, (-0.0)::FLOAT, (-0.0)::DOUBLE, NULL, NULL,
         '{"a":1,"a":2,"😀":"😀"}'::JSON, NULL, NULL, TIMESTAMP '1500-06-30 12:34:56.12',
         TIMESTAMPTZ '1500-06-30 12:34:56.000007+00', NULL, [NULL]::VARCHAR[], NULL, NULL, NULL,
         NULL, NULL, NULL),
        (NULL, NULL, NULL, NULL, NULL, NULL, 3.4028235e38::FLOAT, 4.9e-324, NULL, NULL,
         '"\\u00e9 \\u001F \\u001f \\n \\/ é"'::JSON, NULL, NULL, NULL,
         TIMESTAMPTZ '1999-12-31 23:59:59.5+00', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
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
   * 5,000 rows (three batches) of values spread over their types' ranges: timestamps and dates over
   * years 1 to 9999, doubles over 600 orders of magnitude, floats, decimals, every ASCII character
   * in strings, JSON with numbers as DuckDB writes them, and arrays.
   */
  public static final String SPREAD =
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
        [chr((i % 128)::INT + 1), 'v' || i::VARCHAR]::VARCHAR[] AS texts,
        (DATE '0001-01-01' + (hash(i + 8) % 3652000)::INT) AS date,
        (i % 7 = 0) AS bool
      FROM range(5000) r(i)
      """;
}

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
 * Rows sent from the engine's Arrow batches ({@link PgBatchRow}) are byte for byte the rows sent
 * from the values read row by row ({@link PgType#text} and {@link PgType#binary}, the path before
 * it), in the text format, the binary format and both mixed column by column, for every type read
 * from batches and their edges: nulls, extremes, special floats, strings with quotes, backslashes,
 * whitespace and Unicode, empty strings and bytea, JSON as the engine gives it, negative and large
 * numerics, arrays with nulls and elements that need quoting, timestamps of years 1 to 9999 and
 * beyond, and more rows than a batch; types off the list are read row by row.
 */
class PgBatchRowTest {
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

  /** The types read from batches that the text rows were not, and values far from 2000. */
  private static final String MORE_EDGES =
      """
      SELECT * FROM (VALUES
        (1.50::DECIMAL(10,2), (-12345678901234.5678)::DECIMAL(18,4),
         (-0.0000000001)::DECIMAL(38,10), 12345678901234567890123456789.0123456789::DECIMAL(38,9),
         '\\x00\\xFF\\x5C'::BLOB, 170141183460469231731687303715884105727::HUGEINT,
         TIMESTAMP '20000-01-01 00:00:00.000001', TIMESTAMPTZ '0001-01-01 00:00:00.000001+00',
         DATE '0001-01-01', 'x'),
        (0::DECIMAL(10,2), (-0.01)::DECIMAL(18,4), 10000::DECIMAL(38,10),
         (-99999999999999999999999999999.999999999)::DECIMAL(38,9), ''::BLOB,
         (-170141183460469231731687303715884105727)::HUGEINT, TIMESTAMP '1999-12-31 23:59:59.999999',
         TIMESTAMPTZ '2000-01-01 00:00:00+00', DATE '2000-01-01', ''),
        (NULL, 100.0001::DECIMAL(18,4), 1::DECIMAL(38,10), 0.000000001::DECIMAL(38,9), NULL, 0::HUGEINT,
         TIMESTAMP '1970-01-01 00:00:00', TIMESTAMPTZ '9999-12-31 23:59:59.999999+00',
         DATE '1999-12-31', NULL)
      ) t(dec, dec18, dec38, big38, blob, huge, ts, tstz, date, text)
      """;

  @AfterAll
  static void close() {
    ENGINE.close();
  }

  @Test
  void edgeValuesAreSentAsFromValues() {
    for (Formats formats : Formats.values()) {
      List<List<String>> fromValues = fromValues(EDGES, formats);
      assertThat(fromBatches(EDGES, formats)).as("%s", formats).isEqualTo(fromValues);
      assertThat(fromValues).hasSize(6);
      assertThat(fromValues.get(5)).containsOnlyNulls();
    }
    assertThat(fromValues(EDGES, Formats.TEXT).get(0))
        .contains("t", "{1,NULL,-3}", "0001-01-01 00:00:00+00", "1969-12-31 23:59:59.999999");
  }

  @Test
  void numericsByteaAndFarTimestampsAreSentAsFromValues() {
    for (Formats formats : Formats.values()) {
      List<List<String>> fromValues = fromValues(MORE_EDGES, formats);
      assertThat(fromValues).hasSize(3);
      assertThat(fromBatches(MORE_EDGES, formats)).as("%s", formats).isEqualTo(fromValues);
    }
    assertThat(fromValues(MORE_EDGES, Formats.TEXT).get(0))
        .contains("1.50", "-12345678901234.5678", "\\134x00ff5c", "+20000-01-01 00:00:00.000001");
  }

  @Test
  void valuesSpreadOverTheirRangesAreSentAsFromValues() {
    for (Formats formats : Formats.values()) {
      List<List<String>> fromValues = fromValues(SPREAD, formats);
      assertThat(fromValues).hasSize(5000);
      assertThat(fromBatches(SPREAD, formats)).as("%s", formats).isEqualTo(fromValues);
    }
  }

  /** The binary bytes are PostgreSQL's, not only the row-by-row writer's (a check of both). */
  @Test
  void binaryValuesAreInPostgresqlsLayout() {
    String sql =
        "SELECT 1::SMALLINT, -2, 3::BIGINT, TIMESTAMPTZ '2000-01-01 00:00:01+00', DATE '1999-12-31',"
            + " '{}'::JSON, [1, NULL]::INTEGER[], 1.5::DOUBLE";
    assertThat(fromBatches(sql, Formats.BINARY))
        .containsExactly(
            List.of(
                "\\0\\1",
                "\\377\\377\\377\\376",
                "\\0\\0\\0\\0\\0\\0\\0\\3",
                "\\0\\0\\0\\0\\0\\17B@",
                "\\377\\377\\377\\377",
                "\\1{}",
                "\\0\\0\\0\\1\\0\\0\\0\\1\\0\\0\\0\\27\\0\\0\\0\\2\\0\\0\\0\\1"
                    + "\\0\\0\\0\\4\\0\\0\\0\\1\\377\\377\\377\\377",
                "?\\370\\0\\0\\0\\0\\0\\0"));
  }

  @Test
  void anEmptyResultIsEmptyBothWays() {
    String sql = "SELECT 1 AS a, 'x' AS b WHERE false";
    for (Formats formats : Formats.values()) {
      assertThat(fromBatches(sql, formats)).isEmpty();
      assertThat(fromValues(sql, formats)).isEmpty();
    }
  }

  @Test
  void typesOffTheListAreReadAsValues() {
    String sql = "SELECT 1.5::DECIMAL(10,2) AS d, 'x' AS b, INTERVAL 1 DAY AS i";
    try (QueryResult result = ENGINE.query(sql, named -> "acme")) {
      PgSqlBackend.Rows rows = new PgSqlBackend.Rows(result, columns(result));
      boolean[] binary = Formats.BINARY.of(3);
      assertThat(rows.encodes(binary)).isFalse();
      assertThat(rows.encodes(binary)).isFalse();
      assertThat(rows.hasNext()).isTrue();
      assertThat(PgType.NUMERIC.text(rows.next().get(0))).isEqualTo("1.50");
    }
  }

  /** The formats a client asks for, column by column. */
  enum Formats {
    TEXT,
    BINARY,
    /** Binary and text in turn, from the first column. */
    MIXED;

    boolean[] of(int columns) {
      boolean[] binary = new boolean[columns];
      for (int i = 0; i < columns; i++) {
        binary[i] = this == BINARY || (this == MIXED && i % 2 == 0);
      }
      return binary;
    }
  }

  private static List<PgColumn> columns(QueryResult result) {
    List<PgColumn> columns = new ArrayList<>();
    for (ResultColumn column : result.columns()) {
      columns.add(new PgColumn(column.name(), PgSqlBackend.type(column)));
    }
    return columns;
  }

  /** Each value's bytes (escaped, see {@link #bytes}), as the rows were sent before. */
  private static List<List<String>> fromValues(String sql, Formats formats) {
    List<List<String>> sent = new ArrayList<>();
    try (QueryResult result = ENGINE.query(sql, named -> "acme")) {
      List<PgColumn> columns = columns(result);
      boolean[] binary = formats.of(columns.size());
      PgSqlBackend.Rows rows = new PgSqlBackend.Rows(result, columns);
      while (rows.hasNext()) {
        List<?> row = rows.next();
        List<String> values = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
          Object value = row.get(c);
          PgType type = columns.get(c).type();
          if (value == null) {
            values.add(null);
          } else {
            byte[] encoded =
                binary[c] ? type.binary(value) : type.text(value).getBytes(StandardCharsets.UTF_8);
            values.add(bytes(encoded, 0, encoded.length));
          }
        }
        sent.add(values);
      }
      rows.close();
    }
    return sent;
  }

  private static List<List<String>> fromBatches(String sql, Formats formats) {
    List<List<String>> sent = new ArrayList<>();
    try (QueryResult result = ENGINE.query(sql, named -> "acme")) {
      assertThat(PgBatchRow.reads(result.columns())).as("%s", result.columns()).isTrue();
      List<PgColumn> columns = columns(result);
      boolean[] binary = formats.of(columns.size());
      PgSqlBackend.Rows rows = new PgSqlBackend.Rows(result, columns);
      assertThat(rows.encodes(binary)).isTrue();
      assertThat(rows.encodes(binary)).isTrue();
      while (rows.hasNext()) {
        rows.nextEncoded();
        List<String> values = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
          int length = rows.encodedLength(c);
          values.add(length < 0 ? null : bytes(rows.encodedBytes(), rows.encodedStart(c), length));
        }
        sent.add(values);
      }
      rows.close();
    }
    return sent;
  }

  /** Bytes as text: printable ASCII as itself but backslash, others as {@code \\} and octal. */
  private static String bytes(byte[] bytes, int start, int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = start; i < start + length; i++) {
      int b = bytes[i] & 0xff;
      if (b >= 0x20 && b < 0x7f && b != '\\') {
        text.append((char) b);
      } else {
        text.append('\\').append(Integer.toOctalString(b));
      }
    }
    return text.toString();
  }
}

package io.lakestream.query;

import static io.lakestream.query.EdgeResults.EDGES;
import static io.lakestream.query.EdgeResults.EDGE_ROWS;
import static io.lakestream.query.EdgeResults.SPREAD;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.pgwire.PgColumn;
import io.lakestream.pgwire.PgType;
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
  private static final SqlEngine ENGINE = EdgeResults.newEngine();

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
      assertThat(fromValues).hasSize(EDGE_ROWS);
      assertThat(fromValues.get(EDGE_ROWS - 1)).containsOnlyNulls();
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

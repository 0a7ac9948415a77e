package io.lakestream.query.http;

import static io.lakestream.query.EdgeResults.EDGES;
import static io.lakestream.query.EdgeResults.SPREAD;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.query.EdgeResults;
import io.lakestream.reader.RowFormat;
import io.lakestream.reader.TimestampStyle;
import io.lakestream.sql.QueryResult;
import io.lakestream.sql.ResultBatches;
import io.lakestream.sql.ResultColumn;
import io.lakestream.sql.SqlEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The answer written from the engine's Arrow batches ({@link SqlBatchWriter}) is byte for byte the
 * answer written row by row from the same statement ({@link SqlResultWriter}, the writer before
 * it), in JSON, NDJSON and CSV and both timestamp styles, for a result with every type the batch
 * writer takes and their edge values: nulls, extremes, special doubles, decimals, strings needing
 * escapes, Unicode, JSON values that Jackson writes back changed and unchanged, lists with nulls,
 * timestamps before 1970 and of years 1 to 9999, and more rows than a batch.
 */
class SqlBatchWriterTest {
  private static final SqlEngine ENGINE = EdgeResults.newEngine();

  /** Every answer format with each timestamp style. */
  static Stream<Arguments> formatsAndStyles() {
    return Stream.of(RowFormat.JSON, RowFormat.NDJSON, RowFormat.CSV)
        .flatMap(
            format ->
                Stream.of(TimestampStyle.MICROS, TimestampStyle.ISO)
                    .map(style -> Arguments.of(format, style)));
  }

  @AfterAll
  static void close() {
    ENGINE.close();
  }

  /** NDJSON keys: a repeated name is numbered, past names other columns have. */
  @org.junit.jupiter.api.Test
  void columnsSharingANameGetKeysOfTheirOwn() {
    List<ResultColumn> columns =
        Stream.of("count", "count", "count_2", "n", "count")
            .map(name -> ResultColumn.of(name, io.lakestream.sql.SqlType.BIGINT))
            .toList();
    assertThat(SqlResultWriter.objectKeys(columns))
        .containsExactly("count", "count_3", "count_2", "n", "count_4");
  }

  @ParameterizedTest
  @MethodSource("formatsAndStyles")
  void edgeValuesAreWrittenAsRowByRow(RowFormat format, TimestampStyle timestamps)
      throws IOException {
    String rowByRow = rowByRow(EDGES, format, timestamps);
    assertThat(fromBatches(EDGES, format, timestamps)).isEqualTo(rowByRow);
    assertThat(rowByRow).contains("ü").contains("日本");
  }

  @ParameterizedTest
  @MethodSource("formatsAndStyles")
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

package io.lakestream.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RowFormatTest {
  @Test
  void formatParameterOverridesAccept() {
    assertThat(RowFormat.negotiate("csv", "application/json")).isEqualTo(RowFormat.CSV);
    assertThat(RowFormat.negotiate("ARROW", null)).isEqualTo(RowFormat.ARROW);
    assertThat(RowFormat.negotiate("application/x-ndjson", null)).isEqualTo(RowFormat.NDJSON);
  }

  @Test
  void acceptPicksTheBestSupportedTypeByQuality() {
    assertThat(RowFormat.negotiate(null, null)).isEqualTo(RowFormat.JSON);
    assertThat(RowFormat.negotiate(null, "*/*")).isEqualTo(RowFormat.JSON);
    assertThat(RowFormat.negotiate(null, "text/csv")).isEqualTo(RowFormat.CSV);
    assertThat(RowFormat.negotiate(null, "application/vnd.apache.arrow.stream"))
        .isEqualTo(RowFormat.ARROW);
    assertThat(RowFormat.negotiate(null, "text/html, application/x-ndjson;q=0.5, text/csv;q=0.9"))
        .isEqualTo(RowFormat.CSV);
    assertThat(RowFormat.negotiate(null, "application/xml, */*;q=0.1")).isEqualTo(RowFormat.JSON);
  }

  @Test
  void nothingSupportedIsNotAcceptable() {
    assertThatThrownBy(() -> RowFormat.negotiate(null, "application/xml"))
        .isInstanceOf(QueryException.class)
        .hasMessageStartingWith("Cannot answer in 'application/xml': ask for one of json")
        .extracting(e -> ((QueryException) e).kind())
        .isEqualTo(io.lakestream.schema.ErrorKind.NOT_ACCEPTABLE);
    assertThatThrownBy(() -> RowFormat.negotiate("parquet", null))
        .hasMessageContaining("'parquet'");
    assertThatThrownBy(() -> RowFormat.negotiate(null, "text/csv;q=0"))
        .isInstanceOf(QueryException.class);
  }
}

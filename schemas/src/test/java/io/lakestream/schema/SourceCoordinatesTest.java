package io.lakestream.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class SourceCoordinatesTest {
  private static Map<String, String> text(Headers headers) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Header header : headers) {
      values.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
    }
    return values;
  }

  private static Headers headers(String... namesAndValues) {
    Headers headers = new RecordHeaders();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.add(namesAndValues[i], namesAndValues[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return headers;
  }

  @Test
  void aRowsCoordinatesAreWrittenAsDecimalTextAndReadBack() {
    SourceCoordinates row = SourceCoordinates.of("otlp_logs", 4, 1_234_567_890_123L).row(7, 52);

    Headers headers = row.toHeaders();

    assertThat(text(headers))
        .containsExactly(
            Map.entry("lakestream.source.topic", "otlp_logs"),
            Map.entry("lakestream.source.partition", "4"),
            Map.entry("lakestream.source.offset", "1234567890123"),
            Map.entry("lakestream.source.index", "7"),
            Map.entry("lakestream.source.count", "52"));
    assertThat(SourceCoordinates.read(headers)).isEqualTo(row);
    assertThat(row.appId()).isEqualTo("otlp_logs-4");
    assertThat(row.hasCount()).isTrue();
  }

  @Test
  void aDeadLettersCoordinatesHaveNoIndexOrCount() {
    SourceCoordinates record = SourceCoordinates.of("lakestream.ingest.events", 0, 9);

    assertThat(text(record.toHeaders())).hasSize(3);
    SourceCoordinates read = SourceCoordinates.read(record.toHeaders());
    assertThat(read.index()).isEqualTo(SourceCoordinates.UNKNOWN);
    assertThat(read.hasCount()).isFalse();
  }

  @Test
  void writingReplacesEarlierCoordinatesAndKeepsOtherHeaders() {
    Headers headers =
        headers(
            "traceparent",
            "00-abc",
            "lakestream.source.topic",
            "old",
            "lakestream.source.count",
            "3");

    SourceCoordinates.of("lakestream.dlq", 0, 12).row(1, 3).writeTo(headers);

    assertThat(text(headers))
        .containsEntry("traceparent", "00-abc")
        .containsEntry("lakestream.source.topic", "lakestream.dlq")
        .containsEntry("lakestream.source.count", "3");
    assertThat(headers.toArray()).hasSize(6);
  }

  @Test
  void movingARowToAnotherSourceKeepsItsIndexAndCount() {
    SourceCoordinates moved =
        SourceCoordinates.of("otlp_logs", 1, 5).row(2, 4).movedTo("lakestream.dlq", 0, 77);

    assertThat(moved).isEqualTo(new SourceCoordinates("lakestream.dlq", 0, 77, 2, 4));
  }

  @Test
  void aRecordWithoutSourceHeadersHasNone() {
    assertThat(SourceCoordinates.read(headers("traceparent", "x"))).isNull();
  }

  @Test
  void partOrBadHeadersAreRefusedNamingTheHeader() {
    assertThatThrownBy(() -> SourceCoordinates.read(headers("lakestream.source.topic", "t")))
        .isInstanceOf(SourceCoordinates.InvalidSourceHeadersException.class)
        .hasMessage("The header lakestream.source.partition is missing");
    assertThatThrownBy(
            () ->
                SourceCoordinates.read(
                    headers(
                        "lakestream.source.topic", "t",
                        "lakestream.source.partition", "0",
                        "lakestream.source.offset", "-1")))
        .hasMessage(
            "The header lakestream.source.offset is '-1', not a decimal number from 0 to "
                + Long.MAX_VALUE);
    assertThatThrownBy(
            () ->
                SourceCoordinates.read(
                    headers(
                        "lakestream.source.topic", "t",
                        "lakestream.source.partition", "0",
                        "lakestream.source.offset", "1",
                        "lakestream.source.count", "0")))
        .hasMessageContaining("lakestream.source.count is 0");
    assertThatThrownBy(
            () ->
                SourceCoordinates.read(
                    headers(
                        "lakestream.source.topic", "t",
                        "lakestream.source.partition", "99999999999",
                        "lakestream.source.offset", "1")))
        .hasMessageContaining("lakestream.source.partition is '99999999999'");
  }
}

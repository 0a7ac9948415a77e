package io.lakestream.schema.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.TestTables;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class JsonRowsTest {
  private final TableDefinition events = TableDefinitions.builtIn("events");
  private final TableDefinition metrics = TableDefinitions.builtIn("metrics");

  @Test
  void convertsAnEventWithIsoTimestampAndJsonPayload() {
    GenericRecord row =
        JsonRows.toRow(
            events,
            """
            {"timestamp": "2026-11-21T10:00:00.123456Z", "event_type": "user.signup",
             "payload": {"plan": "pro", "seats": 3}}
            """,
            "acme");
    assertThat(row.get("timestamp")).isEqualTo(1_795_255_200_123_456L);
    assertThat(row.get("payload")).isEqualTo("{\"plan\":\"pro\",\"seats\":3}");
    assertThat(row.get("project_id")).isEqualTo("acme");
    assertThat(row.get("name")).isNull();
    assertThat(GenericData.get().validate(row.getSchema(), row)).isTrue();
  }

  /** Time text as everywhere in Lakestream (TimeText): an offset, or UTC without one. */
  @Test
  void acceptsTimesWithAnOffsetOrInUtcAsSqlWritesThem() {
    for (String time :
        new String[] {
          "2026-11-21T11:00:00.5+01:00", "2026-11-21 10:00:00.5", "2026-11-21 12:00:00.5+02"
        }) {
      GenericRecord row =
          JsonRows.toRow(
              events, "{\"timestamp\": \"" + time + "\", \"event_type\": \"x\"}", "acme");
      assertThat(row.get("timestamp")).as(time).isEqualTo(1_795_255_200_500_000L);
    }
  }

  @Test
  void acceptsIntegerMicrosAndArrays() {
    GenericRecord row =
        JsonRows.toRow(
            metrics,
            """
            {"timestamp": 1795255200000000, "metric_name": "m", "metric_type": "histogram",
             "bucket_counts": [1, 2, 3], "explicit_bounds": [0.5, 1.5], "project_id": "globex"}
            """,
            null);
    assertThat(row.get("bucket_counts")).isEqualTo(List.of(1L, 2L, 3L));
    assertThat(row.get("explicit_bounds")).isEqualTo(List.of(0.5, 1.5));
    assertThat(row.get("project_id")).isEqualTo("globex");
  }

  @Test
  void aUserTableRowWorks() {
    GenericRecord row =
        JsonRows.toRow(TestTables.users(), "{\"user_id\": 42, \"email\": \"a@b.c\"}", "acme");
    assertThat(row.get("user_id")).isEqualTo(42L);
  }

  @Test
  void rejectsAValueOfTheWrongType() {
    assertThatThrownBy(
            () -> JsonRows.toRow(TestTables.users(), "{\"user_id\": \"forty-two\"}", "acme"))
        .isInstanceOf(JsonRows.RowException.class)
        .hasMessage(
            "Column 'user_id' of table users (long) cannot hold \"forty-two\": expected a 64-bit"
                + " integer.");
  }

  @Test
  void rejectsABadTimestamp() {
    assertThatThrownBy(
            () ->
                JsonRows.toRow(
                    events, "{\"timestamp\": \"yesterday\", \"event_type\": \"x\"}", "a"))
        .hasMessage(
            "Column 'timestamp' of table events (timestamp) cannot hold \"yesterday\": expected"
                + " microseconds since 1970-01-01T00:00:00Z or an ISO-8601 time like"
                + " 2026-11-21T10:00:00Z.");
  }

  @Test
  void rejectsAMissingRequiredValue() {
    assertThatThrownBy(() -> JsonRows.toRow(events, "{\"timestamp\": 1}", "acme"))
        .hasMessage("Column 'event_type' of table events needs a value; it is not nullable.");
  }

  @Test
  void rejectsAnUnknownColumn() {
    assertThatThrownBy(
            () -> JsonRows.toRow(TestTables.users(), "{\"user_id\": 1, \"age\": 3}", "a"))
        .hasMessage(
            "Table users has no column 'age'. Its columns are: user_id, email, created_at,"
                + " project_id.");
  }

  @Test
  void rejectsText() {
    assertThatThrownBy(() -> JsonRows.toRow(events, "not json", "acme"))
        .hasMessageStartingWith("Not valid JSON: ");
    assertThatThrownBy(() -> JsonRows.toRow(events, "[1]", "acme"))
        .hasMessage("A row of table events must be a JSON object.");
  }
}

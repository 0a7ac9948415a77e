package io.lakestream.ingest;

import static io.lakestream.ingest.RouterDriver.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.ingest.RouterDriver.Row;
import io.lakestream.schema.RecordHeaders;
import io.lakestream.schema.Topics;
import io.lakestream.schema.convert.AvroSchemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AvroRowsRoutingTest {
  static final Schema EVENTS = AvroSchemas.rowSchema(RouterDriver.table("events"));
  static final long NOW_MICROS = NOW.getEpochSecond() * 1_000_000L;
  private static final String TOPIC = Topics.ingest("events");

  private final RouterDriver router = new RouterDriver();

  @AfterEach
  void close() {
    router.close();
  }

  static GenericRecord event(String project, long timestampMicros) {
    GenericRecord row = new GenericData.Record(EVENTS);
    row.put("timestamp", timestampMicros);
    row.put("event_id", "e-1");
    row.put("event_type", "user.signup");
    row.put("name", "Signup");
    row.put("source", "web");
    row.put("attributes", "{\"plan\":\"pro\"}");
    row.put("payload", "{\"user\":42}");
    row.put("project_id", project);
    return row;
  }

  static byte[] encode(GenericRecord row) {
    try {
      return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), row.getSchema())
          .encode(row)
          .array();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anEventRowIsRoutedAsItCameKeyedByItsProject() {
    router.pipe(TOPIC, encode(event("acme", NOW_MICROS)));

    List<Row> rows = router.rows("events");
    assertThat(rows).hasSize(1);
    Row row = rows.get(0);
    assertThat(row.key()).isEqualTo("acme");
    assertThat(row.headers()).isEqualTo(RouterDriver.sourceHeaders(TOPIC, 0, 0, 1));
    assertThat(row.value()).isEqualTo(event("acme", NOW_MICROS));
    assertThat(router.counter("lakestream.ingest.records.in", "table", "events")).isEqualTo(1);
    assertThat(router.counter("lakestream.ingest.rows.out", "table", "events")).isEqualTo(1);
  }

  @Test
  void anEmptyProjectIdIsFilledFromTheKeyThenTheHeaderThenTheDefault() {
    try (RouterDriver withDefault =
        new RouterDriver(RouterDriver.config().defaultProject("fallback").build())) {
      byte[] unnamed = encode(event("", NOW_MICROS));
      withDefault.pipe(TOPIC, utf8("from-key"), unnamed, RouterDriver.noHeaders());
      withDefault.pipe(TOPIC, null, unnamed, RouterDriver.header("project_id", "from-header"));
      withDefault.pipe(TOPIC, null, unnamed, RouterDriver.noHeaders());
      withDefault.pipe(
          TOPIC, utf8("from-key"), encode(event("from-row", NOW_MICROS)), RouterDriver.noHeaders());

      List<Row> rows = withDefault.rows("events");
      assertThat(rows)
          .extracting(Row::key)
          .containsExactly("from-key", "from-header", "fallback", "from-row");
      assertThat(rows)
          .extracting(r -> r.get("project_id"))
          .containsExactly("from-key", "from-header", "fallback", "from-row");
    }
  }

  @Test
  void projectIdsAreRoutedInLowerCaseWhereverTheyComeFrom() {
    try (RouterDriver withDefault =
        new RouterDriver(RouterDriver.config().defaultProject("Fallback").build())) {
      byte[] unnamed = encode(event("", NOW_MICROS));
      withDefault.pipe(TOPIC, null, encode(event("ACME", NOW_MICROS)), RouterDriver.noHeaders());
      withDefault.pipe(TOPIC, utf8("Acme"), unnamed, RouterDriver.noHeaders());
      withDefault.pipe(TOPIC, null, unnamed, RouterDriver.header("project_id", "aCmE"));
      withDefault.pipe(TOPIC, null, unnamed, RouterDriver.noHeaders());

      List<Row> rows = withDefault.rows("events");
      assertThat(rows).extracting(Row::key).containsExactly("acme", "acme", "acme", "fallback");
      assertThat(rows)
          .extracting(r -> r.get("project_id"))
          .containsExactly("acme", "acme", "acme", "fallback");
    }
  }

  @Test
  void aRowWithoutAnyProjectIsADeadLetter() {
    router.pipe(TOPIC, encode(event("", NOW_MICROS)));

    TestRecord<byte[], byte[]> letter = router.onlyDeadLetter();
    assertThat(RouterDriver.headers(letter.headers()))
        .containsEntry(RecordHeaders.DLQ_REASON, "invalid_project")
        .containsEntry(
            RecordHeaders.DLQ_MESSAGE,
            "The events row names no project: project_id is empty and there is no record key, no"
                + " 'project_id' header and no default project. Set project_id in the row.");
  }

  @Test
  void anInvalidKeyIsNotSkippedForTheHeader() {
    Headers headers = RouterDriver.header("project_id", "good");
    router.pipe(TOPIC, utf8("user:42"), encode(event("", NOW_MICROS)), headers);

    TestRecord<byte[], byte[]> letter = router.onlyDeadLetter();
    assertThat(RouterDriver.headers(letter.headers()))
        .containsEntry(RecordHeaders.DLQ_REASON, "invalid_project")
        .containsEntry(
            RecordHeaders.DLQ_MESSAGE,
            "Project id 'user:42' from the record key is not valid. Use 1 to 64 letters,"
                + " digits, '_' or '-'.");
  }

  @Test
  void aRowWrittenWithAnotherSchemaIsASchemaMismatch() {
    Schema other =
        org.apache.avro.SchemaBuilder.record("Events")
            .namespace(AvroSchemas.NAMESPACE)
            .fields()
            .requiredLong("timestamp")
            .requiredString("project_id")
            .endRecord();
    GenericRecord row = new GenericData.Record(other);
    row.put("timestamp", NOW_MICROS);
    row.put("project_id", "acme");

    router.pipe(TOPIC, encode(row));

    TestRecord<byte[], byte[]> letter = router.onlyDeadLetter();
    assertThat(RouterDriver.headers(letter.headers()))
        .containsEntry(RecordHeaders.DLQ_REASON, "schema_mismatch")
        .containsEntry(
            RecordHeaders.DLQ_ERROR_CLASS, "org.apache.avro.message.MissingSchemaException");
    assertThat(RouterDriver.headers(letter.headers()).get(RecordHeaders.DLQ_MESSAGE))
        .startsWith("The Avro row was written with a schema (fingerprint ")
        .endsWith(
            ") that is not the row schema of table 'events'. Produce rows with the table's"
                + " current row schema.");
  }

  @Test
  void bytesThatAreNotSingleObjectEncodedAreUndecodable() {
    router.pipe(TOPIC, utf8("{\"event_type\":\"json, not avro\"}"));

    TestRecord<byte[], byte[]> letter = router.onlyDeadLetter();
    assertThat(RouterDriver.headers(letter.headers()))
        .containsEntry(RecordHeaders.DLQ_REASON, "undecodable")
        .containsEntry(RecordHeaders.DLQ_ERROR_CLASS, "org.apache.avro.message.BadHeaderException")
        .containsEntry(
            RecordHeaders.DLQ_MESSAGE,
            "Cannot decode the value as an Avro single-object encoded events row: it does not"
                + " start with the single-object marker C3 01. Check the producer's encoding for"
                + " this topic.");
  }

  @Test
  void aTruncatedRowIsUndecodable() {
    byte[] whole = encode(event("acme", NOW_MICROS));
    byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 5);

    router.pipe(TOPIC, truncated);

    assertThat(RouterDriver.headers(router.onlyDeadLetter().headers()))
        .containsEntry(RecordHeaders.DLQ_REASON, "undecodable");
  }

  @Test
  void aTopicOfATableThatIsNotConfiguredIsUnknownTable() {
    router.pipe(Topics.ingest("orders"), encode(event("acme", NOW_MICROS)));

    TestRecord<byte[], byte[]> letter = router.onlyDeadLetter();
    assertThat(RouterDriver.headers(letter.headers()))
        .containsEntry(RecordHeaders.DLQ_REASON, "unknown_table")
        .containsEntry(RecordHeaders.SOURCE_TOPIC, "lakestream.ingest.orders")
        .containsEntry(
            RecordHeaders.DLQ_MESSAGE,
            "Table 'orders' (from topic 'lakestream.ingest.orders') is not configured; known"
                + " tables: otel_logs_and_spans, metrics, events. Define the table, then replay"
                + " the record from the dead-letter topic.");
    assertThat(router.counter("lakestream.ingest.records.in", "table", "_unknown")).isEqualTo(1);
  }

  @Test
  void anEventFromBefore1970OrTooFarAheadIsOutOfRange() {
    router.pipe(TOPIC, encode(event("acme", -1L)));
    router.pipe(TOPIC, encode(event("acme", NOW_MICROS + 86_400_000_001L)));
    router.pipe(TOPIC, encode(event("acme", NOW_MICROS + 86_400_000_000L)));
    router.pipe(TOPIC, encode(event("acme", 0L)));

    assertThat(router.rows("events"))
        .extracting(r -> r.get("timestamp"))
        .containsExactly(NOW_MICROS + 86_400_000_000L, 0L);
    List<TestRecord<byte[], byte[]>> letters = router.deadLetters();
    assertThat(letters)
        .extracting(l -> RouterDriver.headers(l.headers()).get(RecordHeaders.DLQ_REASON))
        .containsExactly("timestamp_out_of_range", "timestamp_out_of_range");
    assertThat(RouterDriver.headers(letters.get(0).headers()).get(RecordHeaders.DLQ_MESSAGE))
        .isEqualTo(
            "The events row has timestamp -1 µs (1969-12-31T23:59:59.999999Z), outside the"
                + " accepted range [1970-01-01T00:00:00Z, 2025-06-02T12:00:00Z]. Fix the source"
                + " clock (ingest.max.future.skew says how far ahead of the router's clock a"
                + " timestamp may be); the whole record was set aside.");
  }
}

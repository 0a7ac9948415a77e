package io.lakestream.ingest;

import static io.lakestream.ingest.Otlp.kv;
import static io.lakestream.ingest.Otlp.resource;
import static io.lakestream.ingest.Otlp.str;
import static io.lakestream.ingest.OtlpLogsRoutingTest.log;
import static io.lakestream.ingest.OtlpLogsRoutingTest.logs;
import static io.lakestream.ingest.RouterDriver.NOW_NANOS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.schema.RecordHeaders;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeadLetterTest {
  private final RouterDriver router = new RouterDriver();

  @AfterEach
  void close() {
    router.close();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String reason(TestRecord<byte[], byte[]> letter) {
    return RouterDriver.headers(letter.headers()).get(RecordHeaders.DLQ_REASON);
  }

  private static String message(TestRecord<byte[], byte[]> letter) {
    return RouterDriver.headers(letter.headers()).get(RecordHeaders.DLQ_MESSAGE);
  }

  @Test
  void aDeadLetterKeepsKeyValueTimestampAndHeadersAndAddsTheReason() {
    byte[] garbage = utf8("this is not protobuf");
    Headers headers = RouterDriver.header("trace", "abc");
    headers.add(RecordHeaders.DLQ_REASON, utf8("stale reason from an earlier pass"));
    router.pipe(Topics.OTLP_LOGS, utf8("k1"), garbage, headers);

    TestRecord<byte[], byte[]> letter = router.onlyDeadLetter();
    assertThat(letter.key()).isEqualTo(utf8("k1"));
    assertThat(letter.value()).isEqualTo(garbage);
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("trace", "abc");
    expected.put(RecordHeaders.DLQ_REASON, "undecodable");
    expected.put(RecordHeaders.DLQ_MESSAGE, message(letter));
    expected.put(
        RecordHeaders.DLQ_ERROR_CLASS, "com.google.protobuf.InvalidProtocolBufferException");
    expected.put(RecordHeaders.SOURCE_TOPIC, "otlp_logs");
    expected.put(RecordHeaders.SOURCE_PARTITION, "0");
    expected.put(RecordHeaders.SOURCE_OFFSET, "0");
    assertThat(RouterDriver.headers(letter.headers())).containsExactlyEntriesOf(expected);
    assertThat(letter.headers().headers(RecordHeaders.DLQ_REASON)).hasSize(1);
    assertThat(message(letter))
        .startsWith("Cannot decode the value as OTLP protobuf LogsData: ")
        .endsWith(". Check the producer's encoding for this topic.")
        .doesNotContain(".."); // the parser's own message ends with a period
    assertThat(router.counter("lakestream.ingest.dlq", "reason", "undecodable")).isEqualTo(1);
    assertThat(router.counter("lakestream.ingest.records.in", "table", "otel_logs_and_spans"))
        .isEqualTo(1);
  }

  @Test
  void bytesThatParseOnlyAsUnknownFieldsAreUndecodable() {
    // Field 2, varint 1: valid protobuf, but LogsData has no field 2.
    router.pipe(Topics.OTLP_LOGS, new byte[] {0x10, 0x01});

    TestRecord<byte[], byte[]> letter = router.onlyDeadLetter();
    assertThat(reason(letter)).isEqualTo("undecodable");
    assertThat(message(letter))
        .isEqualTo(
            "Cannot decode the value as OTLP protobuf LogsData: the bytes hold fields [2] that"
                + " LogsData does not have. Check the producer's encoding for this topic.");
  }

  @Test
  void anEmptyOrNullValueIsUndecodable() {
    router.pipe(Topics.OTLP_SPANS, new byte[0]);
    router.pipe(Topics.OTLP_METRICS, null, null, RouterDriver.noHeaders());

    List<TestRecord<byte[], byte[]>> letters = router.deadLetters();
    assertThat(letters).extracting(DeadLetterTest::reason).containsOnly("undecodable");
    assertThat(letters).hasSize(2);
    assertThat(letters.get(1).value()).isNull();
    assertThat(message(letters.get(0)))
        .isEqualTo("The record has no value (null or empty). Produce a non-empty payload.");
  }

  @Test
  void malformedOtlpJsonAndNonHexIdsAreUndecodable() {
    try (RouterDriver json =
        new RouterDriver(
            RouterDriver.config().spans(Topics.OTLP_SPANS, OtlpEncoding.JSON).build())) {
      json.pipe(Topics.OTLP_SPANS, utf8("{\"resourceSpans\": ["));
      json.pipe(
          Topics.OTLP_SPANS,
          utf8(
              "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"zz\","
                  + "\"startTimeUnixNano\":\"1748779200000000000\"}]}]}]}"));
      json.pipe(Topics.OTLP_SPANS, utf8("[1, 2]"));

      List<TestRecord<byte[], byte[]>> letters = json.deadLetters();
      assertThat(letters).extracting(DeadLetterTest::reason).containsOnly("undecodable");
      assertThat(letters).hasSize(3);
      assertThat(message(letters.get(1)))
          .isEqualTo(
              "Cannot decode the value as OTLP/JSON: traceId 'zz' is not a hex string as"
                  + " OTLP/JSON requires. Check the producer's encoding for this topic.");
      assertThat(message(letters.get(2)))
          .isEqualTo(
              "Cannot decode the value as OTLP/JSON TracesData: the document is not a JSON"
                  + " object. Check the producer's encoding for this topic.");
    }
  }

  @Test
  void oneLogWithoutAnyTimestampSendsTheWholeRecordToTheDeadLetters() {
    LogsData data =
        logs(
            resource("acme", "svc"),
            log(NOW_NANOS, "fine"),
            LogRecord.newBuilder().setBody(str("no time")).build());

    router.pipe(Topics.OTLP_LOGS, data.toByteArray());

    TestRecord<byte[], byte[]> letter = router.onlyDeadLetter();
    assertThat(reason(letter)).isEqualTo("missing_timestamp");
    assertThat(letter.value()).isEqualTo(data.toByteArray());
    assertThat(message(letter))
        .isEqualTo(
            "Log record resource_logs[0].scope_logs[0].log_records[1] (neither time_unix_nano"
                + " nor observed_time_unix_nano) has no timestamp. Set it at the source; the"
                + " whole record was set aside.");
    assertThat(RouterDriver.headers(letter.headers()))
        .containsEntry(
            RecordHeaders.DLQ_ERROR_CLASS, "io.lakestream.ingest.internal.RecordRejectedException");
  }

  @Test
  void spansAndDataPointsWithoutTimeAreMissingTimestamp() {
    router.pipe(
        Topics.OTLP_SPANS,
        TracesData.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(resource("acme", "svc"))
                    .addScopeSpans(
                        ScopeSpans.newBuilder().addSpans(Span.newBuilder().setName("x"))))
            .build()
            .toByteArray());
    router.pipe(
        Topics.OTLP_METRICS,
        MetricsData.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .setResource(resource("acme", "svc"))
                    .addScopeMetrics(
                        ScopeMetrics.newBuilder()
                            .addMetrics(
                                Metric.newBuilder()
                                    .setName("g")
                                    .setGauge(
                                        Gauge.newBuilder()
                                            .addDataPoints(
                                                NumberDataPoint.newBuilder().setAsInt(1))))))
            .build()
            .toByteArray());

    List<TestRecord<byte[], byte[]>> letters = router.deadLetters();
    assertThat(letters).extracting(DeadLetterTest::reason).containsOnly("missing_timestamp");
    assertThat(message(letters.get(1)))
        .startsWith(
            "Data point resource_metrics[0].scope_metrics[0].metrics[0].gauge.data_points[0] (no"
                + " time_unix_nano) has no timestamp.");
    assertThat(router.counter("lakestream.ingest.dlq", "reason", "missing_timestamp")).isEqualTo(2);
  }

  @Test
  void aTimestampPastTheFutureSkewSendsTheWholeRecordToTheDeadLetters() {
    long dayNanos = 86_400_000_000_000L;
    router.pipe(
        Topics.OTLP_LOGS,
        logs(resource("acme", "svc"), log(NOW_NANOS, "ok"), log(NOW_NANOS + dayNanos + 1_000, "x"))
            .toByteArray());
    router.pipe(
        Topics.OTLP_LOGS,
        logs(resource("acme", "svc"), log(NOW_NANOS + dayNanos, "edge")).toByteArray());

    assertThat(router.rows("otel_logs_and_spans"))
        .extracting(r -> r.get("body"))
        .containsExactly("edge");
    TestRecord<byte[], byte[]> letter = router.deadLetters().get(0);
    assertThat(reason(letter)).isEqualTo("timestamp_out_of_range");
    assertThat(message(letter))
        .isEqualTo(
            "Log record resource_logs[0].scope_logs[0].log_records[1] has timestamp"
                + " 1748865600000001 µs (2025-06-02T12:00:00.000001Z), outside the accepted range"
                + " [1970-01-01T00:00:00Z, 2025-06-02T12:00:00Z]. Fix the source clock"
                + " (ingest.max.future.skew says how far ahead of the router's clock a timestamp may"
                + " be); the whole record was set aside.");
  }

  @Test
  void theTimestampBoundsAreConfigurable() {
    try (RouterDriver strict =
        new RouterDriver(
            RouterDriver.config()
                .minTimestamp(RouterDriver.NOW.minusSeconds(3600))
                .maxFutureSkew(java.time.Duration.ZERO)
                .build())) {
      long hourNanos = 3_600_000_000_000L;
      strict.pipe(
          Topics.OTLP_LOGS,
          logs(resource("acme", "svc"), log(NOW_NANOS - hourNanos - 1000, "old")).toByteArray());
      strict.pipe(
          Topics.OTLP_LOGS,
          logs(resource("acme", "svc"), log(NOW_NANOS + 1000, "ahead")).toByteArray());
      strict.pipe(
          Topics.OTLP_LOGS,
          logs(resource("acme", "svc"), log(NOW_NANOS - hourNanos, "first")).toByteArray());

      assertThat(strict.rows("otel_logs_and_spans"))
          .extracting(r -> r.get("body"))
          .containsExactly("first");
      assertThat(strict.deadLetters())
          .extracting(DeadLetterTest::reason)
          .containsExactly("timestamp_out_of_range", "timestamp_out_of_range");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "..",
        "../etc",
        "a/b",
        "a%2Fb",
        "tab\there",
        "new\nline",
        "dot.ted",
        "spa ce",
        "ünïcode",
        "x12345678901234567890123456789012345678901234567890123456789012345"
      })
  void aProjectIdThatCouldEscapeAPathIsInvalid(String project) {
    router.pipe(
        Topics.OTLP_LOGS, logs(resource(project, "svc"), log(NOW_NANOS, "x")).toByteArray());

    TestRecord<byte[], byte[]> letter = router.onlyDeadLetter();
    assertThat(reason(letter)).isEqualTo("invalid_project");
    assertThat(message(letter))
        .startsWith("Project id '")
        .endsWith(
            " from resource attribute 'project_id' of resource_logs[0] is not valid. Use 1 to 64"
                + " letters, digits, '_' or '-'.")
        .doesNotContain("\n", "\t");
  }

  @Test
  void anInvalidHeaderProjectIsInvalidToo() {
    router.pipe(
        Topics.OTLP_LOGS,
        null,
        logs(resource(kv("service.name", "svc")), log(NOW_NANOS, "x")).toByteArray(),
        RouterDriver.header("project_id", "../../etc"));

    assertThat(message(router.onlyDeadLetter()))
        .isEqualTo(
            "Project id '../../etc' from header 'project_id' is not valid. Use 1 to 64 letters,"
                + " digits, '_' or '-'.");
  }

  @Test
  void aResourceWithoutProjectAndNoDefaultSendsTheWholeRecordToTheDeadLetters() {
    LogsData data =
        LogsData.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .setResource(resource("acme", "svc"))
                    .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(log(NOW_NANOS, "a"))))
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .setResource(resource(kv("service.name", "anonymous")))
                    .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(log(NOW_NANOS, "b"))))
            .build();

    router.pipe(Topics.OTLP_LOGS, data.toByteArray());

    TestRecord<byte[], byte[]> letter = router.onlyDeadLetter();
    assertThat(reason(letter)).isEqualTo("invalid_project");
    assertThat(message(letter))
        .isEqualTo(
            "resource_logs[1] names no project: no resource attribute 'project_id', no"
                + " 'project_id' header and no default project. Set one of them.");
  }

  @Test
  void aRecordAboveTheBatchLimitIsTooLarge() {
    try (RouterDriver small = new RouterDriver(RouterDriver.config().maxBatchBytes(2048).build())) {
      byte[] big = logs(resource("acme", "svc"), log(NOW_NANOS, "x".repeat(3000))).toByteArray();
      small.pipe(Topics.OTLP_LOGS, big);

      TestRecord<byte[], byte[]> letter = small.onlyDeadLetter();
      assertThat(reason(letter)).isEqualTo("record_too_large");
      assertThat(message(letter))
          .isEqualTo(
              "The record is "
                  + big.length
                  + " bytes decoded, above the router's limit of 2048 bytes for one batch. Send"
                  + " smaller batches (e.g. lower the collector's send_batch_max_size) or raise"
                  + " ingest.max.batch.bytes.");
      assertThat(letter.value()).isEqualTo(big);
      assertThat(small.counter("lakestream.ingest.dlq", "reason", "record_too_large")).isEqualTo(1);
    }
  }

  @Test
  void aBatchLargerThanTheRowLimitIsRoutedWhenEachRowFits() {
    try (RouterDriver small =
        new RouterDriver(RouterDriver.config().maxRecordBytes(2048).build())) {
      LogRecord[] many = new LogRecord[200];
      for (int i = 0; i < many.length; i++) {
        many[i] = log(NOW_NANOS, "line " + i + " " + "x".repeat(100));
      }
      byte[] batch = logs(resource("acme", "svc"), many).toByteArray();
      assertThat(batch.length).isGreaterThan(10 * 2048);

      small.pipe(Topics.OTLP_LOGS, batch);

      assertThat(small.deadLetters()).isEmpty();
      assertThat(small.counter("lakestream.ingest.rows.out", "table", "otel_logs_and_spans"))
          .isEqualTo(200);
    }
  }

  @Test
  void aDeadLetterLargerThanTheDeadLetterTopicAcceptsIsCutWithItsSizeAndChecksum() {
    try (RouterDriver router = new RouterDriver()) {
      byte[] garbage = new byte[3_000_000];
      new java.util.Random(7).nextBytes(garbage);

      router.pipe(Topics.OTLP_LOGS, garbage);

      TestRecord<byte[], byte[]> letter = router.onlyDeadLetter();
      assertThat(reason(letter)).isEqualTo("undecodable");
      Map<String, String> headers = RouterDriver.headers(letter.headers());
      assertThat(headers)
          .containsEntry(RecordHeaders.DLQ_TRUNCATED, "value")
          .containsEntry(RecordHeaders.DLQ_ORIGINAL_BYTES, "3000000")
          .containsEntry(
              RecordHeaders.DLQ_ORIGINAL_SHA256,
              io.lakestream.ingest.internal.DeadLetterRecord.sha256(garbage))
          .containsEntry(RecordHeaders.SOURCE_OFFSET, "0");
      assertThat(letter.value())
          .hasSizeLessThan(router.config.deadLetterBytes())
          .isEqualTo(java.util.Arrays.copyOf(garbage, letter.value().length));
      assertThat(router.counter("lakestream.ingest.dlq", "reason", "undecodable")).isEqualTo(1);
    }
  }

  @Test
  void aRowAboveTheLimitIsTooLargeEvenWhenTheRecordIsNot() {
    try (RouterDriver small =
        new RouterDriver(RouterDriver.config().maxRecordBytes(2048).build())) {
      // Control characters take 1 byte in protobuf and 6 in JSON (\u0001).
      LogRecord.Builder log =
          LogRecord.newBuilder()
              .setTimeUnixNano(NOW_NANOS)
              .addAttributes(kv("raw", "\u0001".repeat(400)));
      byte[] record = logs(resource("acme", "svc"), log.build()).toByteArray();
      assertThat(record.length).isLessThan(2048);

      small.pipe(Topics.OTLP_LOGS, record);

      TestRecord<byte[], byte[]> letter = small.onlyDeadLetter();
      assertThat(reason(letter)).isEqualTo("record_too_large");
      assertThat(message(letter)).startsWith("Row 0 made from the record is ");
    }
  }

  @Test
  void otlpWithoutItsTableConfiguredIsUnknownTable() {
    Map<String, TableDefinition> eventsOnly = Map.of("events", TableDefinitions.builtIn("events"));
    try (RouterDriver events = new RouterDriver(RouterDriver.config().tables(eventsOnly).build())) {
      events.pipe(
          Topics.OTLP_LOGS, logs(resource("acme", "svc"), log(NOW_NANOS, "x")).toByteArray());

      TestRecord<byte[], byte[]> letter = events.onlyDeadLetter();
      assertThat(reason(letter)).isEqualTo("unknown_table");
      assertThat(message(letter))
          .isEqualTo(
              "Table 'otel_logs_and_spans' (from topic 'otlp_logs') is not configured; known"
                  + " tables: events. Define the table, then replay the record from the"
                  + " dead-letter topic.");
    }
  }

  @Test
  void aRedefinedOtlpTableWithoutAColumnTheRouterFillsIsASchemaMismatch() {
    TableDefinition narrow =
        TableDefinition.validate(
            "test",
            "otel_logs_and_spans",
            "",
            List.of(
                new TableDefinition.ColumnSpec("timestamp", "timestamp", false, ""),
                new TableDefinition.ColumnSpec("record_type", "string", false, "")),
            "timestamp",
            List.of(),
            List.of());
    try (RouterDriver custom =
        new RouterDriver(
            RouterDriver.config().tables(Map.of("otel_logs_and_spans", narrow)).build())) {
      custom.pipe(
          Topics.OTLP_LOGS, logs(resource("acme", "svc"), log(NOW_NANOS, "x")).toByteArray());

      TestRecord<byte[], byte[]> letter = custom.onlyDeadLetter();
      assertThat(reason(letter)).isEqualTo("schema_mismatch");
      assertThat(message(letter))
          .isEqualTo(
              "A row does not fit the schema of table 'otel_logs_and_spans': the table has no"
                  + " column 'flags'. Align the table definition with what the router writes.");
    }
  }

  @Test
  void everyReasonHasACounterFromTheStart() {
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      assertThat(
              router.registry.find("lakestream.ingest.dlq").tag("reason", reason.code()).counter())
          .as(reason.code())
          .isNotNull();
    }
  }
}

package io.lakestream.ingest;

import static io.lakestream.ingest.Otlp.array;
import static io.lakestream.ingest.Otlp.bool;
import static io.lakestream.ingest.Otlp.bytes;
import static io.lakestream.ingest.Otlp.dbl;
import static io.lakestream.ingest.Otlp.id;
import static io.lakestream.ingest.Otlp.integer;
import static io.lakestream.ingest.Otlp.kv;
import static io.lakestream.ingest.Otlp.kvlist;
import static io.lakestream.ingest.Otlp.resource;
import static io.lakestream.ingest.Otlp.scope;
import static io.lakestream.ingest.Otlp.str;
import static io.lakestream.ingest.RouterDriver.NOW_NANOS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.ingest.RouterDriver.Row;
import io.lakestream.schema.Topics;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OtlpLogsRoutingTest {
  private static final String TABLE = "otel_logs_and_spans";
  private final RouterDriver router = new RouterDriver();

  @AfterEach
  void close() {
    router.close();
  }

  static LogsData logs(Resource resource, LogRecord... records) {
    return LogsData.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(resource)
                .addScopeLogs(ScopeLogs.newBuilder().addAllLogRecords(List.of(records))))
        .build();
  }

  static LogRecord log(long timeNanos, String body) {
    return LogRecord.newBuilder().setTimeUnixNano(timeNanos).setBody(str(body)).build();
  }

  @Test
  void logRecordMapsToOneRowFieldByField() {
    LogsData data =
        LogsData.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .setResource(
                        resource(
                            kv("service.name", "checkout"),
                            kv("project_id", "acme"),
                            kv("host.cpus", integer(8))))
                    .addScopeLogs(
                        ScopeLogs.newBuilder()
                            .setScope(scope("io.acme.logger", "1.2.3", kv("lib", "slf4j")))
                            .addLogRecords(
                                LogRecord.newBuilder()
                                    .setTimeUnixNano(NOW_NANOS + 123_456_789L)
                                    .setObservedTimeUnixNano(NOW_NANOS + 999_999_999L)
                                    .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_WARN)
                                    .setSeverityText("WARN")
                                    .setBody(str("disk almost full"))
                                    .setEventName("disk.warning")
                                    .addAttributes(kv("free", dbl(0.05)))
                                    .addAttributes(kv("ok", bool(false)))
                                    .setDroppedAttributesCount(2)
                                    .setFlags(1)
                                    .setTraceId(id("5b8efff798038103d269b633813fc60c"))
                                    .setSpanId(id("eee19b7ec3c1b174")))))
            .build();

    router.pipe(Topics.OTLP_LOGS, data.toByteArray());

    List<Row> rows = router.rows(TABLE);
    assertThat(rows).hasSize(1);
    Row row = rows.get(0);
    assertThat(row.key()).isEqualTo("acme");
    assertThat(row.headers()).isEqualTo(RouterDriver.sourceHeaders(Topics.OTLP_LOGS, 0, 0, 1));
    long nowMicros = NOW_NANOS / 1000;
    assertThat(row.get("timestamp")).isEqualTo(nowMicros + 123_456L);
    assertThat(row.get("observed_timestamp")).isEqualTo(nowMicros + 999_999L);
    assertThat(row.get("record_type")).isEqualTo("log");
    assertThat(row.get("trace_id")).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(row.get("span_id")).isEqualTo("eee19b7ec3c1b174");
    assertThat(row.get("parent_span_id")).isNull();
    assertThat(row.get("trace_state")).isNull();
    assertThat(row.get("flags")).isEqualTo(1L);
    assertThat(row.get("name")).isEqualTo("disk.warning");
    assertThat(row.get("span_kind")).isNull();
    assertThat(row.get("end_timestamp")).isNull();
    assertThat(row.get("duration_ns")).isNull();
    assertThat(row.get("status_code")).isNull();
    assertThat(row.get("status_message")).isNull();
    assertThat(row.get("severity_text")).isEqualTo("WARN");
    assertThat(row.get("severity_number")).isEqualTo(13);
    assertThat(row.get("body")).isEqualTo("disk almost full");
    assertThat(row.get("service_name")).isEqualTo("checkout");
    assertThat(row.get("scope_name")).isEqualTo("io.acme.logger");
    assertThat(row.get("scope_version")).isEqualTo("1.2.3");
    assertThat(row.get("resource_attributes"))
        .isEqualTo("{\"service.name\":\"checkout\",\"project_id\":\"acme\",\"host.cpus\":8}");
    assertThat(row.get("scope_attributes")).isEqualTo("{\"lib\":\"slf4j\"}");
    assertThat(row.get("attributes")).isEqualTo("{\"free\":0.05,\"ok\":false}");
    assertThat(row.get("events")).isNull();
    assertThat(row.get("links")).isNull();
    assertThat(row.get("dropped_attributes_count")).isEqualTo(2);
    assertThat(row.get("project_id")).isEqualTo("acme");
    assertThat(router.counter("lakestream.ingest.records.in", "table", TABLE)).isEqualTo(1);
    assertThat(router.counter("lakestream.ingest.rows.out", "table", TABLE)).isEqualTo(1);
  }

  @Test
  void observedTimeStandsInForAMissingTimeAndEmptyFieldsAreNull() {
    LogRecord log = LogRecord.newBuilder().setObservedTimeUnixNano(NOW_NANOS + 1_999L).build();

    router.pipe(Topics.OTLP_LOGS, logs(resource("acme", "svc"), log).toByteArray());

    Row row = router.rows(TABLE).get(0);
    assertThat(row.get("timestamp")).isEqualTo(NOW_NANOS / 1000 + 1L);
    assertThat(row.get("observed_timestamp")).isEqualTo(NOW_NANOS / 1000 + 1L);
    assertThat(row.get("trace_id")).isNull();
    assertThat(row.get("span_id")).isNull();
    assertThat(row.get("name")).isNull();
    assertThat(row.get("severity_text")).isNull();
    assertThat(row.get("severity_number")).isEqualTo(0);
    assertThat(row.get("body")).isNull();
    assertThat(row.get("flags")).isEqualTo(0L);
    assertThat(row.get("scope_name")).isNull();
    assertThat(row.get("scope_version")).isNull();
    assertThat(row.get("scope_attributes")).isEqualTo("{}");
    assertThat(row.get("attributes")).isEqualTo("{}");
  }

  @Test
  void bodiesOtherThanStringsAreJson() {
    AnyValue body =
        kvlist(
            kv("msg", "hi"),
            kv("n", integer(-7)),
            kv("nested", array(str("a"), bool(true), dbl(1.5), bytes((byte) 1, (byte) 2))),
            kv("none", AnyValue.getDefaultInstance()));
    LogRecord log = LogRecord.newBuilder().setTimeUnixNano(NOW_NANOS).setBody(body).build();

    router.pipe(Topics.OTLP_LOGS, logs(resource("acme", "svc"), log).toByteArray());

    assertThat(router.rows(TABLE).get(0).get("body"))
        .isEqualTo("{\"msg\":\"hi\",\"n\":-7,\"nested\":[\"a\",true,1.5,\"AQI=\"],\"none\":null}");
  }

  @Test
  void eachResourceRoutesToItsOwnProjectWithRowIndexesAcrossTheRecord() {
    LogsData data =
        LogsData.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .setResource(resource("alpha", "a"))
                    .addScopeLogs(
                        ScopeLogs.newBuilder()
                            .addLogRecords(log(NOW_NANOS, "a1"))
                            .addLogRecords(log(NOW_NANOS, "a2"))))
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .setResource(resource("beta", "b"))
                    .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(log(NOW_NANOS, "b1"))))
            .build();

    router.pipe(
        Topics.OTLP_LOGS, logs(resource("alpha", "a"), log(NOW_NANOS, "first")).toByteArray());
    router.pipe(Topics.OTLP_LOGS, data.toByteArray());

    List<Row> rows = router.rows(TABLE);
    assertThat(rows).extracting(Row::key).containsExactly("alpha", "alpha", "alpha", "beta");
    assertThat(rows).extracting(r -> r.get("body")).containsExactly("first", "a1", "a2", "b1");
    assertThat(rows)
        .extracting(r -> r.get("project_id"))
        .containsExactly("alpha", "alpha", "alpha", "beta");
    // Record 1 has two rows for alpha and one for beta: each row says how many its project has.
    assertThat(rows.get(0).headers())
        .isEqualTo(RouterDriver.sourceHeaders(Topics.OTLP_LOGS, 0, 0, 1));
    assertThat(rows.get(1).headers())
        .isEqualTo(RouterDriver.sourceHeaders(Topics.OTLP_LOGS, 1, 0, 2));
    assertThat(rows.get(2).headers())
        .isEqualTo(RouterDriver.sourceHeaders(Topics.OTLP_LOGS, 1, 1, 2));
    assertThat(rows.get(3).headers())
        .isEqualTo(RouterDriver.sourceHeaders(Topics.OTLP_LOGS, 1, 2, 1));
  }

  @Test
  void projectComesFromTheHeaderWhenNoAttributeNamesIt() {
    Headers headers = RouterDriver.header("project_id", "from-header");

    router.pipe(
        Topics.OTLP_LOGS,
        null,
        logs(resource(kv("service.name", "svc")), log(NOW_NANOS, "x")).toByteArray(),
        headers);

    Row row = router.rows(TABLE).get(0);
    assertThat(row.key()).isEqualTo("from-header");
    assertThat(row.get("project_id")).isEqualTo("from-header");
  }

  @Test
  void theAttributeWinsOverTheHeaderAndTheDefault() {
    try (RouterDriver withDefault =
        new RouterDriver(RouterDriver.config().defaultProject("fallback").build())) {
      Headers headers = RouterDriver.header("project_id", "from-header");
      withDefault.pipe(
          Topics.OTLP_LOGS,
          null,
          logs(resource("from-attribute", "svc"), log(NOW_NANOS, "x")).toByteArray(),
          headers);
      withDefault.pipe(
          Topics.OTLP_LOGS,
          null,
          logs(resource(), log(NOW_NANOS, "y")).toByteArray(),
          RouterDriver.noHeaders());

      assertThat(withDefault.rows(TABLE))
          .extracting(Row::key)
          .containsExactly("from-attribute", "fallback");
    }
  }

  @Test
  void theProjectAttributeIsConfigurable() {
    try (RouterDriver custom =
        new RouterDriver(RouterDriver.config().projectAttribute("tenant").build())) {
      custom.pipe(
          Topics.OTLP_LOGS,
          logs(resource(kv("tenant", "t-1"), kv("project_id", "ignored")), log(NOW_NANOS, "x"))
              .toByteArray());

      assertThat(custom.rows(TABLE)).extracting(Row::key).containsExactly("t-1");
    }
  }

  @Test
  void otlpJsonWithHexIdsDecodesToTheSameRow() {
    String json =
        """
        {"resourceLogs":[{"resource":{"attributes":[
            {"key":"service.name","value":{"stringValue":"checkout"}},
            {"key":"project_id","value":{"stringValue":"acme"}}]},
          "scopeLogs":[{"scope":{"name":"io.acme.logger","version":"1.2.3"},
            "logRecords":[{"timeUnixNano":"1748779200123456789",
              "observedTimeUnixNano":"1748779200999999999",
              "severityNumber":13,"severityText":"WARN",
              "traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"eee19b7ec3c1b174",
              "body":{"stringValue":"disk almost full"},
              "attributes":[{"key":"traceId","value":{"stringValue":"not an id"}},
                            {"key":"count","value":{"intValue":"42"}}],
              "flags":1,"futureField":"ignored"}]}]}]}
        """;
    try (RouterDriver jsonRouter =
        new RouterDriver(RouterDriver.config().logs(Topics.OTLP_LOGS, OtlpEncoding.JSON).build())) {
      jsonRouter.pipe(Topics.OTLP_LOGS, json.getBytes(StandardCharsets.UTF_8));

      Row row = jsonRouter.rows(TABLE).get(0);
      assertThat(row.key()).isEqualTo("acme");
      assertThat(row.get("timestamp")).isEqualTo(1748779200123456L);
      assertThat(row.get("observed_timestamp")).isEqualTo(1748779200999999L);
      assertThat(row.get("trace_id")).isEqualTo("5b8efff798038103d269b633813fc60c");
      assertThat(row.get("span_id")).isEqualTo("eee19b7ec3c1b174");
      assertThat(row.get("severity_number")).isEqualTo(13);
      assertThat(row.get("severity_text")).isEqualTo("WARN");
      assertThat(row.get("body")).isEqualTo("disk almost full");
      assertThat(row.get("attributes")).isEqualTo("{\"traceId\":\"not an id\",\"count\":42}");
      assertThat(row.get("flags")).isEqualTo(1L);
      assertThat(row.get("scope_name")).isEqualTo("io.acme.logger");
      assertThat(row.get("service_name")).isEqualTo("checkout");
    }
  }
}

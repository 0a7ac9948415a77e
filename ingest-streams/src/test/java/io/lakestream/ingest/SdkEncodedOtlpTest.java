package io.lakestream.ingest;

import static io.lakestream.ingest.RouterDriver.NOW_NANOS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.ingest.RouterDriver.Row;
import io.lakestream.schema.Topics;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Payloads from the OpenTelemetry Java SDK's OTLP marshalers, an encoder independent of the
 * opentelemetry-proto classes the router decodes with, in both encodings.
 */
class SdkEncodedOtlpTest {
  private static final long NOW_MICROS = NOW_NANOS / 1000;

  private static List<Row> route(boolean json, String topic, byte[] payload, String table) {
    OtlpEncoding encoding = json ? OtlpEncoding.JSON : OtlpEncoding.PROTO;
    IngestConfig config =
        RouterDriver.config()
            .logs(Topics.OTLP_LOGS, encoding)
            .spans(Topics.OTLP_SPANS, encoding)
            .build();
    try (RouterDriver router = new RouterDriver(config)) {
      router.pipe(topic, payload);
      assertThat(router.deadLetters()).isEmpty();
      return router.rows(table);
    }
  }

  @Test
  void sdkSpansDecodeAlikeFromProtobufAndJson() {
    List<SpanData> spans = SdkOtlp.spans(SdkOtlp.resource("gamma", "sdk-svc"), NOW_NANOS, 2);
    List<Row> fromProto =
        route(false, Topics.OTLP_SPANS, SdkOtlp.tracesProto(spans), "otel_logs_and_spans");
    List<Row> fromJson =
        route(true, Topics.OTLP_SPANS, SdkOtlp.tracesJson(spans), "otel_logs_and_spans");

    assertThat(fromProto).hasSize(2);
    assertThat(fromJson).isEqualTo(fromProto);
    SpanData child = spans.get(0);
    SpanData parent = spans.get(1);
    Row parentRow =
        fromProto.stream().filter(r -> "op-0".equals(r.get("name"))).findFirst().orElseThrow();
    Row childRow =
        fromProto.stream().filter(r -> "op-1".equals(r.get("name"))).findFirst().orElseThrow();
    assertThat(child.getName()).isEqualTo("op-1");
    assertThat(childRow.key()).isEqualTo("gamma");
    assertThat(childRow.get("trace_id")).isEqualTo(child.getTraceId());
    assertThat(childRow.get("span_id")).isEqualTo(child.getSpanId());
    assertThat(childRow.get("parent_span_id")).isEqualTo(parent.getSpanId());
    assertThat(childRow.get("timestamp")).isEqualTo(NOW_MICROS + 1);
    assertThat(childRow.get("duration_ns")).isEqualTo(2_000_000L);
    assertThat(childRow.get("span_kind")).isEqualTo("client");
    assertThat(childRow.get("attributes")).isEqualTo("{\"i\":1}");
    assertThat(childRow.get("service_name")).isEqualTo("sdk-svc");
    assertThat(childRow.get("scope_name")).isEqualTo("io.lakestream.test");
    assertThat(childRow.get("scope_version")).isEqualTo("9.9");
    assertThat(parentRow.get("parent_span_id")).isNull();
    assertThat(parentRow.get("status_code")).isEqualTo("error");
    assertThat(parentRow.get("status_message")).isEqualTo("boom");
    assertThat(parentRow.get("span_kind")).isEqualTo("server");
    assertThat(parentRow.get("events"))
        .isEqualTo("[{\"timestamp\":" + NOW_MICROS + ",\"name\":\"event-0\",\"attributes\":{}}]");
  }

  @Test
  void sdkLogsDecodeAlikeFromProtobufAndJson() {
    List<LogRecordData> logs = SdkOtlp.logs(SdkOtlp.resource("gamma", "sdk-svc"), NOW_NANOS, 2);
    List<Row> fromProto =
        route(false, Topics.OTLP_LOGS, SdkOtlp.logsProto(logs), "otel_logs_and_spans");
    List<Row> fromJson =
        route(true, Topics.OTLP_LOGS, SdkOtlp.logsJson(logs), "otel_logs_and_spans");

    assertThat(fromProto).hasSize(2);
    assertThat(fromJson).isEqualTo(fromProto);
    Row row = fromProto.get(1);
    assertThat(row.key()).isEqualTo("gamma");
    assertThat(row.get("record_type")).isEqualTo("log");
    assertThat(row.get("timestamp")).isEqualTo(NOW_MICROS + 1);
    assertThat(row.get("observed_timestamp")).isEqualTo(NOW_MICROS + 8);
    assertThat(row.get("severity_number")).isEqualTo(9);
    assertThat(row.get("severity_text")).isEqualTo("INFO");
    assertThat(row.get("body")).isEqualTo("body-1");
    assertThat(row.get("attributes")).isEqualTo("{\"i\":1}");
    assertThat(row.get("trace_id")).isNull();
    assertThat(row.get("resource_attributes"))
        .isEqualTo("{\"project_id\":\"gamma\",\"service.name\":\"sdk-svc\"}");
  }
}

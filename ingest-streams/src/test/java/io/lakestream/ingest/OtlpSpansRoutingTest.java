package io.lakestream.ingest;

import static io.lakestream.ingest.Otlp.id;
import static io.lakestream.ingest.Otlp.integer;
import static io.lakestream.ingest.Otlp.kv;
import static io.lakestream.ingest.Otlp.resource;
import static io.lakestream.ingest.Otlp.scope;
import static io.lakestream.ingest.RouterDriver.NOW_NANOS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.ingest.RouterDriver.Row;
import io.lakestream.schema.Topics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OtlpSpansRoutingTest {
  private static final String TABLE = "otel_logs_and_spans";
  private static final long NOW_MICROS = NOW_NANOS / 1000;
  private final RouterDriver router = new RouterDriver();

  @AfterEach
  void close() {
    router.close();
  }

  static TracesData traces(Span... spans) {
    return TracesData.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(resource("acme", "checkout"))
                .addScopeSpans(
                    ScopeSpans.newBuilder()
                        .setScope(scope("io.acme.tracer", "2.0", kv("k", "v")))
                        .addAllSpans(List.of(spans))))
        .build();
  }

  @Test
  void spanMapsToOneRowFieldByField() {
    Span span =
        Span.newBuilder()
            .setTraceId(id("5b8efff798038103d269b633813fc60c"))
            .setSpanId(id("eee19b7ec3c1b174"))
            .setParentSpanId(id("aaaabbbbccccdddd"))
            .setTraceState("rojo=00f067aa0ba902b7")
            .setFlags(0x101)
            .setName("GET /cart")
            .setKind(Span.SpanKind.SPAN_KIND_SERVER)
            .setStartTimeUnixNano(NOW_NANOS + 1_000_999L)
            .setEndTimeUnixNano(NOW_NANOS + 251_000_999L)
            .addAttributes(kv("http.status_code", integer(503)))
            .setDroppedAttributesCount(1)
            .addEvents(
                Span.Event.newBuilder()
                    .setTimeUnixNano(NOW_NANOS + 2_000_000L)
                    .setName("retry")
                    .addAttributes(kv("attempt", integer(2))))
            .addLinks(
                Span.Link.newBuilder()
                    .setTraceId(id("0102030405060708090a0b0c0d0e0f10"))
                    .setSpanId(id("1112131415161718"))
                    .setTraceState("a=b")
                    .addAttributes(kv("kind", "follows")))
            .setStatus(
                Status.newBuilder()
                    .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                    .setMessage("upstream down"))
            .build();

    router.pipe(Topics.OTLP_SPANS, traces(span).toByteArray());

    List<Row> rows = router.rows(TABLE);
    assertThat(rows).hasSize(1);
    Row row = rows.get(0);
    assertThat(row.key()).isEqualTo("acme");
    assertThat(row.headers()).isEqualTo(RouterDriver.sourceHeaders(Topics.OTLP_SPANS, 0, 0, 1));
    assertThat(row.get("timestamp")).isEqualTo(NOW_MICROS + 1_000L);
    assertThat(row.get("observed_timestamp")).isNull();
    assertThat(row.get("record_type")).isEqualTo("span");
    assertThat(row.get("trace_id")).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(row.get("span_id")).isEqualTo("eee19b7ec3c1b174");
    assertThat(row.get("parent_span_id")).isEqualTo("aaaabbbbccccdddd");
    assertThat(row.get("trace_state")).isEqualTo("rojo=00f067aa0ba902b7");
    assertThat(row.get("flags")).isEqualTo(0x101L);
    assertThat(row.get("name")).isEqualTo("GET /cart");
    assertThat(row.get("span_kind")).isEqualTo("server");
    assertThat(row.get("end_timestamp")).isEqualTo(NOW_MICROS + 251_000L);
    assertThat(row.get("duration_ns")).isEqualTo(250_000_000L);
    assertThat(row.get("status_code")).isEqualTo("error");
    assertThat(row.get("status_message")).isEqualTo("upstream down");
    assertThat(row.get("severity_text")).isNull();
    assertThat(row.get("severity_number")).isNull();
    assertThat(row.get("body")).isNull();
    assertThat(row.get("service_name")).isEqualTo("checkout");
    assertThat(row.get("scope_name")).isEqualTo("io.acme.tracer");
    assertThat(row.get("scope_version")).isEqualTo("2.0");
    assertThat(row.get("resource_attributes"))
        .isEqualTo("{\"project_id\":\"acme\",\"service.name\":\"checkout\"}");
    assertThat(row.get("scope_attributes")).isEqualTo("{\"k\":\"v\"}");
    assertThat(row.get("attributes")).isEqualTo("{\"http.status_code\":503}");
    assertThat(row.get("events"))
        .isEqualTo(
            "[{\"timestamp\":"
                + (NOW_MICROS + 2_000L)
                + ",\"name\":\"retry\",\"attributes\":{\"attempt\":2}}]");
    assertThat(row.get("links"))
        .isEqualTo(
            "[{\"trace_id\":\"0102030405060708090a0b0c0d0e0f10\",\"span_id\":\"1112131415161718\","
                + "\"trace_state\":\"a=b\",\"attributes\":{\"kind\":\"follows\"}}]");
    assertThat(row.get("dropped_attributes_count")).isEqualTo(1);
    assertThat(row.get("project_id")).isEqualTo("acme");
  }

  @Test
  void rootSpanWithoutEndOrStatusHasNulls() {
    Span span =
        Span.newBuilder()
            .setTraceId(id("5b8efff798038103d269b633813fc60c"))
            .setSpanId(id("eee19b7ec3c1b174"))
            .setName("root")
            .setStartTimeUnixNano(NOW_NANOS)
            .build();

    router.pipe(Topics.OTLP_SPANS, traces(span).toByteArray());

    Row row = router.rows(TABLE).get(0);
    assertThat(row.get("parent_span_id")).isNull();
    assertThat(row.get("trace_state")).isNull();
    assertThat(row.get("span_kind")).isEqualTo("unspecified");
    assertThat(row.get("end_timestamp")).isNull();
    assertThat(row.get("duration_ns")).isNull();
    assertThat(row.get("status_code")).isEqualTo("unset");
    assertThat(row.get("status_message")).isNull();
    assertThat(row.get("events")).isEqualTo("[]");
    assertThat(row.get("links")).isEqualTo("[]");
  }

  @Test
  void everySpanKindAndStatusHasItsName() {
    Span.Builder span = Span.newBuilder().setStartTimeUnixNano(NOW_NANOS);
    router.pipe(
        Topics.OTLP_SPANS,
        traces(
                span.setKind(Span.SpanKind.SPAN_KIND_INTERNAL).build(),
                span.setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                    .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK))
                    .build(),
                span.setKind(Span.SpanKind.SPAN_KIND_PRODUCER).build(),
                span.setKind(Span.SpanKind.SPAN_KIND_CONSUMER).build())
            .toByteArray());

    List<Row> rows = router.rows(TABLE);
    assertThat(rows)
        .extracting(r -> r.get("span_kind"))
        .containsExactly("internal", "client", "producer", "consumer");
    assertThat(rows)
        .extracting(r -> r.get("status_code"))
        .containsExactly("unset", "ok", "ok", "ok");
  }

  @Test
  void otlpJsonSpanIdsAreReadAsHex() {
    String json =
        """
        {"resourceSpans":[{"resource":{"attributes":[
            {"key":"project_id","value":{"stringValue":"acme"}}]},
          "scopeSpans":[{"spans":[{
            "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
            "parentSpanId":"","name":"GET","kind":2,
            "startTimeUnixNano":"1748779200000000000","endTimeUnixNano":"1748779200000001000",
            "links":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718"}],
            "status":{"code":1}}]}]}]}
        """;
    try (RouterDriver jsonRouter =
        new RouterDriver(
            RouterDriver.config().spans(Topics.OTLP_SPANS, OtlpEncoding.JSON).build())) {
      jsonRouter.pipe(Topics.OTLP_SPANS, json.getBytes(StandardCharsets.UTF_8));

      Row row = jsonRouter.rows(TABLE).get(0);
      assertThat(row.get("trace_id")).isEqualTo("5b8efff798038103d269b633813fc60c");
      assertThat(row.get("span_id")).isEqualTo("eee19b7ec3c1b174");
      assertThat(row.get("parent_span_id")).isNull();
      assertThat(row.get("span_kind")).isEqualTo("server");
      assertThat(row.get("status_code")).isEqualTo("ok");
      assertThat(row.get("duration_ns")).isEqualTo(1000L);
      assertThat(row.get("links"))
          .isEqualTo(
              "[{\"trace_id\":\"0102030405060708090a0b0c0d0e0f10\","
                  + "\"span_id\":\"1112131415161718\",\"trace_state\":null,\"attributes\":{}}]");
    }
  }
}

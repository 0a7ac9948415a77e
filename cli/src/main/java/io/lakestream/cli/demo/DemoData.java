package io.lakestream.cli.demo;

import com.google.protobuf.ByteString;
import io.lakestream.avro.Events;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Realistic telemetry for a few projects: traces of a request through several services, the log
 * lines those services write, their metrics of every OTLP type, and business events. OTLP is built
 * with the opentelemetry-proto classes, exactly as a Collector's Kafka exporter would send it;
 * events are Avro single-object encoded {@link Events}.
 */
public final class DemoData {
  /** The projects the demo writes for. */
  public static final List<String> PROJECTS = List.of("acme", "globex", "initech");

  private static final List<String> SERVICES =
      List.of("frontend", "checkout", "payments", "inventory");
  private static final List<String> ROUTES =
      List.of(
          "GET /products", "GET /cart", "POST /checkout", "POST /payments", "GET /inventory/{sku}");
  private static final List<String> EVENT_TYPES =
      List.of("user.signup", "user.login", "order.placed", "order.shipped", "payment.failed");

  private final Random random;

  /** A generator; the same seed gives the same shapes (timestamps follow the clock). */
  public DemoData(long seed) {
    this.random = new Random(seed);
  }

  /** One batch of data for one project at {@code now}: what a Collector exports in one flush. */
  public record Batch(
      String project,
      TracesData traces,
      LogsData logs,
      MetricsData metrics,
      List<ByteBuffer> events) {}

  /** A batch for {@code project} with {@code requests} traced requests around {@code now}. */
  public Batch batch(String project, Instant now, int requests) {
    long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    List<ResourceSpans> resourceSpans = new ArrayList<>();
    List<ResourceLogs> resourceLogs = new ArrayList<>();
    for (String service : SERVICES) {
      ScopeSpans.Builder spans = ScopeSpans.newBuilder().setScope(scope(service));
      ScopeLogs.Builder logs = ScopeLogs.newBuilder().setScope(scope(service));
      for (int r = 0; r < requests; r++) {
        addRequest(service, nowNanos - random.nextInt(1_000_000_000), spans, logs);
      }
      resourceSpans.add(
          ResourceSpans.newBuilder()
              .setResource(resource(project, service))
              .addScopeSpans(spans)
              .build());
      resourceLogs.add(
          ResourceLogs.newBuilder()
              .setResource(resource(project, service))
              .addScopeLogs(logs)
              .build());
    }
    List<ByteBuffer> events = new ArrayList<>();
    for (int i = 0; i < 1 + random.nextInt(3); i++) {
      events.add(event(project, now));
    }
    return new Batch(
        project,
        TracesData.newBuilder().addAllResourceSpans(resourceSpans).build(),
        LogsData.newBuilder().addAllResourceLogs(resourceLogs).build(),
        metrics(project, nowNanos),
        events);
  }

  private void addRequest(
      String service, long startNanos, ScopeSpans.Builder spans, ScopeLogs.Builder logs) {
    byte[] traceId = randomBytes(16);
    byte[] rootId = randomBytes(8);
    String route = ROUTES.get(random.nextInt(ROUTES.size()));
    long duration = 2_000_000L + (long) (Math.abs(random.nextGaussian()) * 40_000_000L);
    boolean error = random.nextInt(20) == 0;
    spans.addSpans(
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(traceId))
            .setSpanId(ByteString.copyFrom(rootId))
            .setName(route)
            .setKind(Span.SpanKind.SPAN_KIND_SERVER)
            .setStartTimeUnixNano(startNanos)
            .setEndTimeUnixNano(startNanos + duration)
            .addAttributes(attribute("http.route", route))
            .addAttributes(intAttribute("http.response.status_code", error ? 500 : 200))
            .addEvents(
                Span.Event.newBuilder()
                    .setTimeUnixNano(startNanos + duration / 2)
                    .setName("cache.lookup")
                    .addAttributes(attribute("cache.hit", random.nextBoolean() ? "true" : "false")))
            .setStatus(
                error
                    ? Status.newBuilder()
                        .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                        .setMessage("upstream timeout")
                    : Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK))
            .build());
    long childStart = startNanos + duration / 10;
    spans.addSpans(
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(traceId))
            .setSpanId(ByteString.copyFrom(randomBytes(8)))
            .setParentSpanId(ByteString.copyFrom(rootId))
            .setName("SELECT " + service)
            .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
            .setStartTimeUnixNano(childStart)
            .setEndTimeUnixNano(childStart + duration / 3)
            .addAttributes(attribute("db.system", "postgresql"))
            .build());
    logs.addLogRecords(
        LogRecord.newBuilder()
            .setTimeUnixNano(startNanos + duration)
            .setObservedTimeUnixNano(startNanos + duration + 1_000_000)
            .setSeverityNumber(
                error ? SeverityNumber.SEVERITY_NUMBER_ERROR : SeverityNumber.SEVERITY_NUMBER_INFO)
            .setSeverityText(error ? "ERROR" : "INFO")
            .setBody(
                AnyValue.newBuilder()
                    .setStringValue(
                        route
                            + (error
                                ? " failed: upstream timeout"
                                : " served in " + duration / 1_000_000 + " ms")))
            .setTraceId(ByteString.copyFrom(traceId))
            .setSpanId(ByteString.copyFrom(rootId))
            .addAttributes(attribute("http.route", route))
            .build());
  }

  private MetricsData metrics(String project, long nowNanos) {
    List<ResourceMetrics> resources = new ArrayList<>();
    long start = nowNanos - 60_000_000_000L;
    for (String service : SERVICES) {
      List<Metric> metrics = new ArrayList<>();
      metrics.add(
          Metric.newBuilder()
              .setName("process.cpu.utilization")
              .setUnit("1")
              .setDescription("CPU in use, 0..1")
              .setGauge(
                  Gauge.newBuilder()
                      .addDataPoints(
                          NumberDataPoint.newBuilder()
                              .setTimeUnixNano(nowNanos)
                              .setAsDouble(random.nextDouble())))
              .build());
      metrics.add(
          Metric.newBuilder()
              .setName("http.server.requests")
              .setUnit("{request}")
              .setSum(
                  Sum.newBuilder()
                      .setIsMonotonic(true)
                      .setAggregationTemporality(
                          AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                      .addDataPoints(
                          NumberDataPoint.newBuilder()
                              .setStartTimeUnixNano(start)
                              .setTimeUnixNano(nowNanos)
                              .setAsInt(1000 + random.nextInt(5000))
                              .addAttributes(
                                  attribute(
                                      "http.route", ROUTES.get(random.nextInt(ROUTES.size()))))))
              .build());
      metrics.add(
          Metric.newBuilder()
              .setName("http.server.duration")
              .setUnit("ms")
              .setHistogram(
                  Histogram.newBuilder()
                      .setAggregationTemporality(
                          AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                      .addDataPoints(
                          HistogramDataPoint.newBuilder()
                              .setStartTimeUnixNano(start)
                              .setTimeUnixNano(nowNanos)
                              .setCount(60)
                              .setSum(1234.5)
                              .setMin(1.5)
                              .setMax(250)
                              .addAllExplicitBounds(List.of(5.0, 10.0, 50.0, 100.0))
                              .addAllBucketCounts(List.of(10L, 20L, 20L, 5L, 5L))))
              .build());
      metrics.add(
          Metric.newBuilder()
              .setName("http.server.body.size")
              .setUnit("By")
              .setExponentialHistogram(
                  ExponentialHistogram.newBuilder()
                      .setAggregationTemporality(
                          AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                      .addDataPoints(
                          ExponentialHistogramDataPoint.newBuilder()
                              .setStartTimeUnixNano(start)
                              .setTimeUnixNano(nowNanos)
                              .setCount(12)
                              .setSum(20480)
                              .setScale(2)
                              .setZeroCount(1)
                              .setPositive(
                                  ExponentialHistogramDataPoint.Buckets.newBuilder()
                                      .setOffset(40)
                                      .addAllBucketCounts(List.of(3L, 5L, 3L)))))
              .build());
      metrics.add(
          Metric.newBuilder()
              .setName("queue.latency")
              .setUnit("ms")
              .setSummary(
                  Summary.newBuilder()
                      .addDataPoints(
                          SummaryDataPoint.newBuilder()
                              .setStartTimeUnixNano(start)
                              .setTimeUnixNano(nowNanos)
                              .setCount(100)
                              .setSum(900)
                              .addQuantileValues(
                                  SummaryDataPoint.ValueAtQuantile.newBuilder()
                                      .setQuantile(0.5)
                                      .setValue(7))
                              .addQuantileValues(
                                  SummaryDataPoint.ValueAtQuantile.newBuilder()
                                      .setQuantile(0.99)
                                      .setValue(40))))
              .build());
      resources.add(
          ResourceMetrics.newBuilder()
              .setResource(resource(project, service))
              .addScopeMetrics(
                  ScopeMetrics.newBuilder().setScope(scope(service)).addAllMetrics(metrics))
              .build());
    }
    return MetricsData.newBuilder().addAllResourceMetrics(resources).build();
  }

  private ByteBuffer event(String project, Instant now) {
    String type = EVENT_TYPES.get(random.nextInt(EVENT_TYPES.size()));
    Events event =
        Events.newBuilder()
            .setTimestamp(now.minusMillis(random.nextInt(1000)))
            .setEventId(new UUID(random.nextLong(), random.nextLong()).toString())
            .setEventType(type)
            .setName(type.replace('.', ' '))
            .setSource(SERVICES.get(random.nextInt(SERVICES.size())))
            .setAttributes("{\"plan\":\"" + (random.nextBoolean() ? "pro" : "free") + "\"}")
            .setPayload("{\"amount\":" + random.nextInt(500) + ",\"currency\":\"EUR\"}")
            .setProjectId(project)
            .build();
    try {
      return event.toByteBuffer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Resource resource(String project, String service) {
    return Resource.newBuilder()
        .addAttributes(attribute("service.name", service))
        .addAttributes(attribute("project_id", project))
        .addAttributes(attribute("deployment.environment", "demo"))
        .build();
  }

  private static InstrumentationScope scope(String service) {
    return InstrumentationScope.newBuilder()
        .setName("io.lakestream.demo." + service)
        .setVersion("1.0.0")
        .build();
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static KeyValue intAttribute(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }

  private byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }
}

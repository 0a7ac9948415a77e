package io.lakestream.ingest;

import static io.lakestream.ingest.Otlp.id;
import static io.lakestream.ingest.Otlp.kv;
import static io.lakestream.ingest.Otlp.resource;
import static io.lakestream.ingest.Otlp.scope;
import static io.lakestream.ingest.RouterDriver.NOW_NANOS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.ingest.RouterDriver.Row;
import io.lakestream.schema.Topics;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OtlpMetricsRoutingTest {
  private static final String TABLE = "metrics";
  private static final long NOW_MICROS = NOW_NANOS / 1000;
  private static final long START_NANOS = NOW_NANOS - 60_000_000_000L;
  private static final long START_MICROS = START_NANOS / 1000;

  private final RouterDriver router = new RouterDriver();

  @AfterEach
  void close() {
    router.close();
  }

  static MetricsData metrics(Metric... metrics) {
    return MetricsData.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(resource("acme", "checkout"))
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .setScope(scope("io.acme.meter", "3.1"))
                        .addAllMetrics(List.of(metrics))))
        .build();
  }

  private Row only(Metric metric) {
    router.pipe(Topics.OTLP_METRICS, metrics(metric).toByteArray());
    List<Row> rows = router.rows(TABLE);
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  @Test
  void gaugePointsCarryTheCommonColumnsAndTheirValue() {
    Metric gauge =
        Metric.newBuilder()
            .setName("cpu.utilization")
            .setDescription("CPU in use")
            .setUnit("1")
            .setGauge(
                Gauge.newBuilder()
                    .addDataPoints(
                        NumberDataPoint.newBuilder()
                            .setTimeUnixNano(NOW_NANOS + 5_999L)
                            .setAsDouble(0.75)
                            .addAttributes(kv("cpu", "0"))
                            .setFlags(1)
                            .addExemplars(
                                Exemplar.newBuilder()
                                    .setTimeUnixNano(NOW_NANOS + 1_000L)
                                    .setAsDouble(0.9)
                                    .setTraceId(id("5b8efff798038103d269b633813fc60c"))
                                    .setSpanId(id("eee19b7ec3c1b174"))
                                    .addFilteredAttributes(kv("thread", "main"))))
                    .addDataPoints(
                        NumberDataPoint.newBuilder().setTimeUnixNano(NOW_NANOS).setAsInt(42)))
            .build();

    router.pipe(Topics.OTLP_METRICS, metrics(gauge).toByteArray());

    List<Row> rows = router.rows(TABLE);
    assertThat(rows).hasSize(2);
    Row row = rows.get(0);
    assertThat(row.key()).isEqualTo("acme");
    assertThat(row.headers()).isEqualTo(RouterDriver.sourceHeaders(Topics.OTLP_METRICS, 0, 0, 2));
    assertThat(rows.get(1).headers())
        .isEqualTo(RouterDriver.sourceHeaders(Topics.OTLP_METRICS, 0, 1, 2));
    assertThat(row.get("timestamp")).isEqualTo(NOW_MICROS + 5L);
    assertThat(row.get("start_timestamp")).isNull();
    assertThat(row.get("metric_name")).isEqualTo("cpu.utilization");
    assertThat(row.get("description")).isEqualTo("CPU in use");
    assertThat(row.get("unit")).isEqualTo("1");
    assertThat(row.get("metric_type")).isEqualTo("gauge");
    assertThat(row.get("value")).isEqualTo(0.75);
    assertThat(row.get("value_int")).isNull();
    assertThat(row.get("aggregation_temporality")).isNull();
    assertThat(row.get("is_monotonic")).isNull();
    assertThat(row.get("count")).isNull();
    assertThat(row.get("flags")).isEqualTo(1L);
    assertThat(row.get("exemplars"))
        .isEqualTo(
            "[{\"timestamp\":"
                + (NOW_MICROS + 1)
                + ",\"value\":0.9,\"trace_id\":\"5b8efff798038103d269b633813fc60c\","
                + "\"span_id\":\"eee19b7ec3c1b174\",\"attributes\":{\"thread\":\"main\"}}]");
    assertThat(row.get("attributes")).isEqualTo("{\"cpu\":\"0\"}");
    assertThat(row.get("resource_attributes"))
        .isEqualTo("{\"project_id\":\"acme\",\"service.name\":\"checkout\"}");
    assertThat(row.get("scope_name")).isEqualTo("io.acme.meter");
    assertThat(row.get("scope_version")).isEqualTo("3.1");
    assertThat(row.get("service_name")).isEqualTo("checkout");
    assertThat(row.get("project_id")).isEqualTo("acme");

    Row intPoint = rows.get(1);
    assertThat(intPoint.get("value")).isEqualTo(42.0);
    assertThat(intPoint.get("value_int")).isEqualTo(42L);
    assertThat(intPoint.get("exemplars")).isEqualTo("[]");
    assertThat(intPoint.get("attributes")).isEqualTo("{}");
  }

  @Test
  void sumPointsCarryTemporalityAndMonotonicity() {
    Row row =
        only(
            Metric.newBuilder()
                .setName("requests")
                .setSum(
                    Sum.newBuilder()
                        .setAggregationTemporality(
                            AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                        .setIsMonotonic(true)
                        .addDataPoints(
                            NumberDataPoint.newBuilder()
                                .setStartTimeUnixNano(START_NANOS)
                                .setTimeUnixNano(NOW_NANOS)
                                .setAsInt(1234)))
                .build());

    assertThat(row.get("metric_type")).isEqualTo("sum");
    assertThat(row.get("timestamp")).isEqualTo(NOW_MICROS);
    assertThat(row.get("start_timestamp")).isEqualTo(START_MICROS);
    assertThat(row.get("value")).isEqualTo(1234.0);
    assertThat(row.get("value_int")).isEqualTo(1234L);
    assertThat(row.get("aggregation_temporality")).isEqualTo("cumulative");
    assertThat(row.get("is_monotonic")).isEqualTo(true);
    assertThat(row.get("description")).isNull();
    assertThat(row.get("unit")).isNull();
  }

  @Test
  void histogramPointsCarryBucketsAndOptionalSumMinMax() {
    Row row =
        only(
            Metric.newBuilder()
                .setName("latency")
                .setUnit("ms")
                .setHistogram(
                    Histogram.newBuilder()
                        .setAggregationTemporality(
                            AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                        .addDataPoints(
                            HistogramDataPoint.newBuilder()
                                .setStartTimeUnixNano(START_NANOS)
                                .setTimeUnixNano(NOW_NANOS)
                                .setCount(6)
                                .setSum(105.5)
                                .setMin(0.5)
                                .setMax(80)
                                .addAllBucketCounts(List.of(1L, 3L, 2L))
                                .addAllExplicitBounds(List.of(1.0, 10.0))))
                .build());

    assertThat(row.get("metric_type")).isEqualTo("histogram");
    assertThat(row.get("count")).isEqualTo(6L);
    assertThat(row.get("sum")).isEqualTo(105.5);
    assertThat(row.get("min")).isEqualTo(0.5);
    assertThat(row.get("max")).isEqualTo(80.0);
    assertThat(row.get("bucket_counts")).isEqualTo(List.of(1L, 3L, 2L));
    assertThat(row.get("explicit_bounds")).isEqualTo(List.of(1.0, 10.0));
    assertThat(row.get("aggregation_temporality")).isEqualTo("delta");
    assertThat(row.get("value")).isNull();
    assertThat(row.get("is_monotonic")).isNull();
  }

  @Test
  void histogramWithoutSumMinMaxHasNulls() {
    Row row =
        only(
            Metric.newBuilder()
                .setName("latency")
                .setHistogram(
                    Histogram.newBuilder()
                        .addDataPoints(
                            HistogramDataPoint.newBuilder().setTimeUnixNano(NOW_NANOS).setCount(0)))
                .build());

    assertThat(row.get("sum")).isNull();
    assertThat(row.get("min")).isNull();
    assertThat(row.get("max")).isNull();
    assertThat(row.get("bucket_counts")).isEqualTo(List.of());
    assertThat(row.get("aggregation_temporality")).isEqualTo("unspecified");
  }

  @Test
  void exponentialHistogramPointsCarryScaleAndBothBucketRanges() {
    Row row =
        only(
            Metric.newBuilder()
                .setName("sizes")
                .setExponentialHistogram(
                    ExponentialHistogram.newBuilder()
                        .setAggregationTemporality(
                            AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                        .addDataPoints(
                            ExponentialHistogramDataPoint.newBuilder()
                                .setStartTimeUnixNano(START_NANOS)
                                .setTimeUnixNano(NOW_NANOS)
                                .setCount(10)
                                .setSum(99.0)
                                .setMin(-2.0)
                                .setMax(40.0)
                                .setScale(3)
                                .setZeroCount(1)
                                .setPositive(
                                    ExponentialHistogramDataPoint.Buckets.newBuilder()
                                        .setOffset(-2)
                                        .addAllBucketCounts(List.of(4L, 3L)))
                                .setNegative(
                                    ExponentialHistogramDataPoint.Buckets.newBuilder()
                                        .setOffset(5)
                                        .addAllBucketCounts(List.of(2L)))))
                .build());

    assertThat(row.get("metric_type")).isEqualTo("exponential_histogram");
    assertThat(row.get("count")).isEqualTo(10L);
    assertThat(row.get("sum")).isEqualTo(99.0);
    assertThat(row.get("min")).isEqualTo(-2.0);
    assertThat(row.get("max")).isEqualTo(40.0);
    assertThat(row.get("scale")).isEqualTo(3);
    assertThat(row.get("zero_count")).isEqualTo(1L);
    assertThat(row.get("positive_offset")).isEqualTo(-2);
    assertThat(row.get("positive_bucket_counts")).isEqualTo(List.of(4L, 3L));
    assertThat(row.get("negative_offset")).isEqualTo(5);
    assertThat(row.get("negative_bucket_counts")).isEqualTo(List.of(2L));
    assertThat(row.get("aggregation_temporality")).isEqualTo("cumulative");
    assertThat(row.get("bucket_counts")).isNull();
  }

  @Test
  void summaryPointsCarryQuantiles() {
    Row row =
        only(
            Metric.newBuilder()
                .setName("rpc.duration")
                .setSummary(
                    Summary.newBuilder()
                        .addDataPoints(
                            SummaryDataPoint.newBuilder()
                                .setStartTimeUnixNano(START_NANOS)
                                .setTimeUnixNano(NOW_NANOS)
                                .setCount(100)
                                .setSum(250.0)
                                .addQuantileValues(
                                    SummaryDataPoint.ValueAtQuantile.newBuilder()
                                        .setQuantile(0.5)
                                        .setValue(2.0))
                                .addQuantileValues(
                                    SummaryDataPoint.ValueAtQuantile.newBuilder()
                                        .setQuantile(0.99)
                                        .setValue(9.5))))
                .build());

    assertThat(row.get("metric_type")).isEqualTo("summary");
    assertThat(row.get("count")).isEqualTo(100L);
    assertThat(row.get("sum")).isEqualTo(250.0);
    assertThat(row.get("quantiles")).isEqualTo(List.of(0.5, 0.99));
    assertThat(row.get("quantile_values")).isEqualTo(List.of(2.0, 9.5));
    assertThat(row.get("start_timestamp")).isEqualTo(START_MICROS);
    assertThat(row.get("aggregation_temporality")).isNull();
    assertThat(row.get("exemplars")).isEqualTo("[]");
  }

  @Test
  void everyMetricOfARecordBecomesRowsInOrderAndAMetricWithoutDataNone() {
    Metric gauge =
        Metric.newBuilder()
            .setName("g")
            .setGauge(
                Gauge.newBuilder()
                    .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(NOW_NANOS)))
            .build();
    Metric empty = Metric.newBuilder().setName("nothing").build();
    Metric summary =
        Metric.newBuilder()
            .setName("s")
            .setSummary(
                Summary.newBuilder()
                    .addDataPoints(SummaryDataPoint.newBuilder().setTimeUnixNano(NOW_NANOS)))
            .build();

    router.pipe(Topics.OTLP_METRICS, metrics(gauge, empty, summary).toByteArray());

    List<Row> rows = router.rows(TABLE);
    assertThat(rows).extracting(r -> r.get("metric_name")).containsExactly("g", "s");
    assertThat(rows.get(0).get("value")).isNull();
    assertThat(rows.get(1).headers().get(io.lakestream.schema.RecordHeaders.SOURCE_INDEX))
        .isEqualTo("1");
  }
}

package io.lakestream.ingest.internal;

import static io.lakestream.ingest.internal.OtlpLogsMapper.emptyToNull;
import static io.lakestream.ingest.internal.OtlpLogsMapper.optionalMicros;

import io.lakestream.ingest.IngestConfig;
import io.lakestream.ingest.OtlpEncoding;
import io.lakestream.ingest.SourceRecord;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * OTLP metrics → {@code metrics} rows, one per data point of every type: gauge, sum, histogram,
 * exponential histogram, summary. The timestamp is the point's time_unix_nano. A metric without
 * data makes no row.
 */
public final class OtlpMetricsMapper implements RecordMapper {
  private static final String TABLE = IngestConfig.METRICS_TABLE;

  private final OtlpPayloads<MetricsData> payloads;
  private final OtlpTables tables;
  private final ProjectResolver projects;
  private final TimestampBounds bounds;

  public OtlpMetricsMapper(
      OtlpEncoding encoding, OtlpTables tables, ProjectResolver projects, TimestampBounds bounds) {
    this.payloads = OtlpPayloads.metrics(encoding);
    this.tables = tables;
    this.projects = projects;
    this.bounds = bounds;
  }

  @Override
  public String table(String topic) {
    return TABLE;
  }

  @Override
  public List<RoutedRow> map(SourceRecord source) {
    Schema schema = tables.require(TABLE, source.topic());
    MetricsData data = payloads.decode(source.value());
    List<RoutedRow> rows = new ArrayList<>();
    for (int r = 0; r < data.getResourceMetricsCount(); r++) {
      ResourceMetrics resourceMetrics = data.getResourceMetrics(r);
      ResourceContext resource = null;
      for (int s = 0; s < resourceMetrics.getScopeMetricsCount(); s++) {
        ScopeMetrics scopeMetrics = resourceMetrics.getScopeMetrics(s);
        for (int m = 0; m < scopeMetrics.getMetricsCount(); m++) {
          Metric metric = scopeMetrics.getMetrics(m);
          if (resource == null && pointCount(metric) > 0) {
            resource =
                ResourceContext.of(
                    resourceMetrics.getResource(),
                    source.headers(),
                    projects,
                    "resource_metrics[" + r + "]");
          }
          String where = "resource_metrics[" + r + "].scope_metrics[" + s + "].metrics[" + m + "]";
          Points points =
              new Points(schema, resource, scopeMetrics.getScope(), metric, where, rows);
          points.addAll();
        }
      }
    }
    return rows;
  }

  private static int pointCount(Metric metric) {
    return switch (metric.getDataCase()) {
      case GAUGE -> metric.getGauge().getDataPointsCount();
      case SUM -> metric.getSum().getDataPointsCount();
      case HISTOGRAM -> metric.getHistogram().getDataPointsCount();
      case EXPONENTIAL_HISTOGRAM -> metric.getExponentialHistogram().getDataPointsCount();
      case SUMMARY -> metric.getSummary().getDataPointsCount();
      case DATA_NOT_SET -> 0;
    };
  }

  static String temporality(AggregationTemporality temporality) {
    return switch (temporality) {
      case AGGREGATION_TEMPORALITY_DELTA -> "delta";
      case AGGREGATION_TEMPORALITY_CUMULATIVE -> "cumulative";
      case AGGREGATION_TEMPORALITY_UNSPECIFIED, UNRECOGNIZED -> "unspecified";
    };
  }

  /** The rows of one metric's data points. */
  private final class Points {
    private final Schema schema;
    private final ResourceContext resource;
    private final InstrumentationScope scope;
    private final Metric metric;
    private final String where;
    private final List<RoutedRow> rows;

    Points(
        Schema schema,
        ResourceContext resource,
        InstrumentationScope scope,
        Metric metric,
        String where,
        List<RoutedRow> rows) {
      this.schema = schema;
      this.resource = resource;
      this.scope = scope;
      this.metric = metric;
      this.where = where;
      this.rows = rows;
    }

    void addAll() {
      switch (metric.getDataCase()) {
        case GAUGE -> {
          List<NumberDataPoint> points = metric.getGauge().getDataPointsList();
          for (int i = 0; i < points.size(); i++) {
            add(number(row("gauge", points.get(i), i), points.get(i)));
          }
        }
        case SUM -> {
          List<NumberDataPoint> points = metric.getSum().getDataPointsList();
          for (int i = 0; i < points.size(); i++) {
            add(
                number(row("sum", points.get(i), i), points.get(i))
                    .set(
                        "aggregation_temporality",
                        temporality(metric.getSum().getAggregationTemporality()))
                    .set("is_monotonic", metric.getSum().getIsMonotonic()));
          }
        }
        case HISTOGRAM -> {
          List<HistogramDataPoint> points = metric.getHistogram().getDataPointsList();
          for (int i = 0; i < points.size(); i++) {
            HistogramDataPoint p = points.get(i);
            add(
                row("histogram", p, i)
                    .set("count", p.getCount())
                    .set("sum", p.hasSum() ? p.getSum() : null)
                    .set("min", p.hasMin() ? p.getMin() : null)
                    .set("max", p.hasMax() ? p.getMax() : null)
                    .set("bucket_counts", p.getBucketCountsList())
                    .set("explicit_bounds", p.getExplicitBoundsList())
                    .set(
                        "aggregation_temporality",
                        temporality(metric.getHistogram().getAggregationTemporality())));
          }
        }
        case EXPONENTIAL_HISTOGRAM -> {
          List<ExponentialHistogramDataPoint> points =
              metric.getExponentialHistogram().getDataPointsList();
          for (int i = 0; i < points.size(); i++) {
            ExponentialHistogramDataPoint p = points.get(i);
            add(
                row("exponential_histogram", p, i)
                    .set("count", p.getCount())
                    .set("sum", p.hasSum() ? p.getSum() : null)
                    .set("min", p.hasMin() ? p.getMin() : null)
                    .set("max", p.hasMax() ? p.getMax() : null)
                    .set("scale", p.getScale())
                    .set("zero_count", p.getZeroCount())
                    .set("positive_offset", p.getPositive().getOffset())
                    .set("positive_bucket_counts", p.getPositive().getBucketCountsList())
                    .set("negative_offset", p.getNegative().getOffset())
                    .set("negative_bucket_counts", p.getNegative().getBucketCountsList())
                    .set(
                        "aggregation_temporality",
                        temporality(metric.getExponentialHistogram().getAggregationTemporality())));
          }
        }
        case SUMMARY -> {
          List<SummaryDataPoint> points = metric.getSummary().getDataPointsList();
          for (int i = 0; i < points.size(); i++) {
            SummaryDataPoint p = points.get(i);
            List<Double> quantiles = new ArrayList<>(p.getQuantileValuesCount());
            List<Double> values = new ArrayList<>(p.getQuantileValuesCount());
            for (SummaryDataPoint.ValueAtQuantile q : p.getQuantileValuesList()) {
              quantiles.add(q.getQuantile());
              values.add(q.getValue());
            }
            add(
                row("summary", p, i)
                    .set("count", p.getCount())
                    .set("sum", p.getSum())
                    .set("quantiles", quantiles)
                    .set("quantile_values", values));
          }
        }
        case DATA_NOT_SET -> {}
      }
    }

    private void add(RowBuilder row) {
      rows.add(new RoutedRow(TABLE, resource.project(), row.build()));
    }

    private RowBuilder number(RowBuilder row, NumberDataPoint point) {
      return switch (point.getValueCase()) {
        case AS_DOUBLE -> row.set("value", point.getAsDouble());
        case AS_INT ->
            row.set("value", (double) point.getAsInt()).set("value_int", point.getAsInt());
        case VALUE_NOT_SET -> row;
      };
    }

    /** A row with the columns every point type shares. */
    private RowBuilder row(String type, com.google.protobuf.MessageOrBuilder point, int index) {
      Point p = Point.of(point);
      String what = "Data point " + where + "." + type + ".data_points[" + index + "]";
      if (p.timeUnixNano() == 0) {
        throw IngestErrors.missingTimestamp(what + " (no time_unix_nano)");
      }
      long timestamp = bounds.check(TimestampBounds.nanosToMicros(p.timeUnixNano()), what);
      return new RowBuilder(TABLE, schema)
          .set("timestamp", timestamp)
          .set("start_timestamp", optionalMicros(p.startTimeUnixNano()))
          .set("metric_name", metric.getName())
          .set("description", emptyToNull(metric.getDescription()))
          .set("unit", emptyToNull(metric.getUnit()))
          .set("metric_type", type)
          .set("flags", Integer.toUnsignedLong(p.flags()))
          .set("exemplars", OtlpJson.exemplars(p.exemplars()))
          .set("attributes", OtlpJson.attributes(p.attributes()))
          .set("resource_attributes", resource.attributesJson())
          .set("scope_name", emptyToNull(scope.getName()))
          .set("scope_version", emptyToNull(scope.getVersion()))
          .set("service_name", resource.serviceName())
          .set("project_id", resource.project());
    }
  }

  /** The fields every data point type has, read from whichever type it is. */
  private record Point(
      long timeUnixNano,
      long startTimeUnixNano,
      int flags,
      List<KeyValue> attributes,
      List<Exemplar> exemplars) {
    static Point of(com.google.protobuf.MessageOrBuilder point) {
      if (point instanceof NumberDataPoint p) {
        return new Point(
            p.getTimeUnixNano(),
            p.getStartTimeUnixNano(),
            p.getFlags(),
            p.getAttributesList(),
            p.getExemplarsList());
      }
      if (point instanceof HistogramDataPoint p) {
        return new Point(
            p.getTimeUnixNano(),
            p.getStartTimeUnixNano(),
            p.getFlags(),
            p.getAttributesList(),
            p.getExemplarsList());
      }
      if (point instanceof ExponentialHistogramDataPoint p) {
        return new Point(
            p.getTimeUnixNano(),
            p.getStartTimeUnixNano(),
            p.getFlags(),
            p.getAttributesList(),
            p.getExemplarsList());
      }
      if (point instanceof SummaryDataPoint p) {
        return new Point(
            p.getTimeUnixNano(),
            p.getStartTimeUnixNano(),
            p.getFlags(),
            p.getAttributesList(),
            List.of());
      }
      throw new IllegalArgumentException("Not a data point: " + point.getClass().getName());
    }
  }
}

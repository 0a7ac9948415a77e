package io.lakestream.ingest.internal;

import static io.lakestream.ingest.internal.OtlpLogsMapper.emptyToNull;
import static io.lakestream.ingest.internal.OtlpLogsMapper.optionalMicros;

import io.lakestream.ingest.IngestConfig;
import io.lakestream.ingest.OtlpEncoding;
import io.lakestream.ingest.SourceRecord;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * OTLP traces → {@code otel_logs_and_spans} rows with record_type {@code span}, one per span. The
 * timestamp is start_time_unix_nano.
 */
public final class OtlpSpansMapper implements RecordMapper {
  private static final String TABLE = IngestConfig.LOGS_AND_SPANS_TABLE;

  private final OtlpPayloads<TracesData> payloads;
  private final OtlpTables tables;
  private final ProjectResolver projects;
  private final TimestampBounds bounds;

  public OtlpSpansMapper(
      OtlpEncoding encoding, OtlpTables tables, ProjectResolver projects, TimestampBounds bounds) {
    this.payloads = OtlpPayloads.traces(encoding);
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
    TracesData data = payloads.decode(source.value());
    List<RoutedRow> rows = new ArrayList<>();
    for (int r = 0; r < data.getResourceSpansCount(); r++) {
      ResourceSpans resourceSpans = data.getResourceSpans(r);
      ResourceContext resource = null;
      for (int s = 0; s < resourceSpans.getScopeSpansCount(); s++) {
        ScopeSpans scopeSpans = resourceSpans.getScopeSpans(s);
        InstrumentationScope scope = scopeSpans.getScope();
        String scopeAttributes = null;
        for (int i = 0; i < scopeSpans.getSpansCount(); i++) {
          Span span = scopeSpans.getSpans(i);
          String what = "Span resource_spans[" + r + "].scope_spans[" + s + "].spans[" + i + "]";
          if (resource == null) {
            resource =
                ResourceContext.of(
                    resourceSpans.getResource(),
                    source.headers(),
                    projects,
                    "resource_spans[" + r + "]");
          }
          if (scopeAttributes == null) {
            scopeAttributes = OtlpJson.attributes(scope.getAttributesList());
          }
          if (span.getStartTimeUnixNano() == 0) {
            throw IngestErrors.missingTimestamp(what + " (no start_time_unix_nano)");
          }
          long timestamp =
              bounds.check(TimestampBounds.nanosToMicros(span.getStartTimeUnixNano()), what);
          Long duration =
              span.getEndTimeUnixNano() == 0
                  ? null
                  : span.getEndTimeUnixNano() - span.getStartTimeUnixNano();
          RowBuilder row =
              new RowBuilder(TABLE, schema)
                  .set("timestamp", timestamp)
                  .set("record_type", "span")
                  .set("trace_id", OtlpJson.hexId(span.getTraceId()))
                  .set("span_id", OtlpJson.hexId(span.getSpanId()))
                  .set("parent_span_id", OtlpJson.hexId(span.getParentSpanId()))
                  .set("trace_state", emptyToNull(span.getTraceState()))
                  .set("flags", Integer.toUnsignedLong(span.getFlags()))
                  .set("name", emptyToNull(span.getName()))
                  .set("span_kind", spanKind(span.getKind()))
                  .set("end_timestamp", optionalMicros(span.getEndTimeUnixNano()))
                  .set("duration_ns", duration)
                  .set("status_code", statusCode(span.getStatus().getCode()))
                  .set("status_message", emptyToNull(span.getStatus().getMessage()))
                  .set("service_name", resource.serviceName())
                  .set("scope_name", emptyToNull(scope.getName()))
                  .set("scope_version", emptyToNull(scope.getVersion()))
                  .set("resource_attributes", resource.attributesJson())
                  .set("scope_attributes", scopeAttributes)
                  .set("attributes", OtlpJson.attributes(span.getAttributesList()))
                  .set("events", OtlpJson.events(span.getEventsList()))
                  .set("links", OtlpJson.links(span.getLinksList()))
                  .set("dropped_attributes_count", span.getDroppedAttributesCount())
                  .set("project_id", resource.project());
          rows.add(new RoutedRow(TABLE, resource.project(), row.build()));
        }
      }
    }
    return rows;
  }

  static String spanKind(Span.SpanKind kind) {
    return switch (kind) {
      case SPAN_KIND_INTERNAL -> "internal";
      case SPAN_KIND_SERVER -> "server";
      case SPAN_KIND_CLIENT -> "client";
      case SPAN_KIND_PRODUCER -> "producer";
      case SPAN_KIND_CONSUMER -> "consumer";
      case SPAN_KIND_UNSPECIFIED, UNRECOGNIZED -> "unspecified";
    };
  }

  static String statusCode(Status.StatusCode code) {
    return switch (code) {
      case STATUS_CODE_OK -> "ok";
      case STATUS_CODE_ERROR -> "error";
      case STATUS_CODE_UNSET, UNRECOGNIZED -> "unset";
    };
  }
}

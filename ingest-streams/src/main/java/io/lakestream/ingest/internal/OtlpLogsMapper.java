package io.lakestream.ingest.internal;

import io.lakestream.ingest.IngestConfig;
import io.lakestream.ingest.OtlpEncoding;
import io.lakestream.ingest.SourceRecord;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * OTLP logs → {@code otel_logs_and_spans} rows with record_type {@code log}, one per log record.
 * The timestamp is time_unix_nano, else observed_time_unix_nano.
 */
public final class OtlpLogsMapper implements RecordMapper {
  private static final String TABLE = IngestConfig.LOGS_AND_SPANS_TABLE;

  private final OtlpPayloads<LogsData> payloads;
  private final OtlpTables tables;
  private final ProjectResolver projects;
  private final TimestampBounds bounds;

  public OtlpLogsMapper(
      OtlpEncoding encoding, OtlpTables tables, ProjectResolver projects, TimestampBounds bounds) {
    this.payloads = OtlpPayloads.logs(encoding);
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
    LogsData data = payloads.decode(source.value());
    List<RoutedRow> rows = new ArrayList<>();
    for (int r = 0; r < data.getResourceLogsCount(); r++) {
      ResourceLogs resourceLogs = data.getResourceLogs(r);
      ResourceContext resource = null;
      for (int s = 0; s < resourceLogs.getScopeLogsCount(); s++) {
        ScopeLogs scopeLogs = resourceLogs.getScopeLogs(s);
        InstrumentationScope scope = scopeLogs.getScope();
        String scopeAttributes = null;
        for (int l = 0; l < scopeLogs.getLogRecordsCount(); l++) {
          LogRecord log = scopeLogs.getLogRecords(l);
          String what = "resource_logs[" + r + "].scope_logs[" + s + "].log_records[" + l + "]";
          if (resource == null) {
            resource =
                ResourceContext.of(
                    resourceLogs.getResource(),
                    source.headers(),
                    projects,
                    "resource_logs[" + r + "]");
          }
          if (scopeAttributes == null) {
            scopeAttributes = OtlpJson.attributes(scope.getAttributesList());
          }
          long nanos =
              log.getTimeUnixNano() != 0 ? log.getTimeUnixNano() : log.getObservedTimeUnixNano();
          if (nanos == 0) {
            throw IngestErrors.missingTimestamp(
                "Log record " + what + " (neither time_unix_nano nor observed_time_unix_nano)");
          }
          long timestamp = bounds.check(TimestampBounds.nanosToMicros(nanos), "Log record " + what);
          RowBuilder row =
              new RowBuilder(TABLE, schema)
                  .set("timestamp", timestamp)
                  .set("observed_timestamp", optionalMicros(log.getObservedTimeUnixNano()))
                  .set("record_type", "log")
                  .set("trace_id", OtlpJson.hexId(log.getTraceId()))
                  .set("span_id", OtlpJson.hexId(log.getSpanId()))
                  .set("flags", Integer.toUnsignedLong(log.getFlags()))
                  .set("name", emptyToNull(log.getEventName()))
                  .set("severity_text", emptyToNull(log.getSeverityText()))
                  .set("severity_number", log.getSeverityNumberValue())
                  .set("body", body(log.getBody()))
                  .set("service_name", resource.serviceName())
                  .set("scope_name", emptyToNull(scope.getName()))
                  .set("scope_version", emptyToNull(scope.getVersion()))
                  .set("resource_attributes", resource.attributesJson())
                  .set("scope_attributes", scopeAttributes)
                  .set("attributes", OtlpJson.attributes(log.getAttributesList()))
                  .set("dropped_attributes_count", log.getDroppedAttributesCount())
                  .set("project_id", resource.project());
          rows.add(new RoutedRow(TABLE, resource.project(), row.build()));
        }
      }
    }
    return rows;
  }

  /** A string body as is; any other value as JSON; none as null. */
  static String body(AnyValue body) {
    return switch (body.getValueCase()) {
      case STRING_VALUE -> body.getStringValue();
      case VALUE_NOT_SET -> null;
      default -> OtlpJson.anyValue(body);
    };
  }

  static Long optionalMicros(long nanos) {
    return nanos == 0 ? null : TimestampBounds.nanosToMicros(nanos);
  }

  static String emptyToNull(String text) {
    return text.isEmpty() ? null : text;
  }
}

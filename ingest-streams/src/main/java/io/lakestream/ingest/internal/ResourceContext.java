package io.lakestream.ingest.internal;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import org.apache.kafka.common.header.Headers;

/**
 * What every row of one OTLP resource shares: its project, its attributes as JSON and its service
 * name.
 *
 * <p>The three OTLP mappers ({@link OtlpLogsMapper}, {@link OtlpSpansMapper}, {@link
 * OtlpMetricsMapper}) each walk resource → scope → item in their own loops on purpose. The
 * generated protobuf types of each signal share no interface, so one shared walk would take five
 * accessor lambdas per signal and hide the indexes that every error message names ({@code
 * resource_logs[0].scope_logs[1].log_records[2]}); the metrics walk also fans one metric out into
 * points of five kinds. What the walks do share (a resource's project and attributes, resolved once
 * per resource at its first item, so an empty resource is never refused) is this record.
 */
record ResourceContext(String project, String attributesJson, String serviceName) {
  static final String SERVICE_NAME = "service.name";

  static ResourceContext of(
      Resource resource, Headers headers, ProjectResolver projects, String what) {
    String project = projects.forResource(resource.getAttributesList(), headers, what);
    String serviceName = null;
    for (KeyValue kv : resource.getAttributesList()) {
      if (kv.getKey().equals(SERVICE_NAME)) {
        AnyValue value = kv.getValue();
        serviceName =
            value.getValueCase() == AnyValue.ValueCase.STRING_VALUE
                ? value.getStringValue()
                : OtlpJson.anyValue(value);
      }
    }
    return new ResourceContext(
        project, OtlpJson.attributes(resource.getAttributesList()), serviceName);
  }
}

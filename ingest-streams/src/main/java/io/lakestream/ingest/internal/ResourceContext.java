package io.lakestream.ingest.internal;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import org.apache.kafka.common.header.Headers;

/**
 * What every row of one OTLP resource shares: its project, its attributes as JSON and its service
 * name.
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

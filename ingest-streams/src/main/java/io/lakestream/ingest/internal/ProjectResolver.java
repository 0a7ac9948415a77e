package io.lakestream.ingest.internal;

import io.lakestream.schema.ProjectIds;
import io.lakestream.schema.RecordHeaders;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Finds the project of a row. A source that names a project decides it: an invalid id there is
 * rejected, never replaced by a later source.
 */
public final class ProjectResolver {
  private final String attribute;
  private final Optional<String> defaultProject;

  public ProjectResolver(String attribute, Optional<String> defaultProject) {
    this.attribute = attribute;
    this.defaultProject = defaultProject.map(ProjectIds::normalize);
  }

  /** The resource attribute that names the project. */
  String attribute() {
    return attribute;
  }

  /**
   * The project of an OTLP resource: its project attribute, else the record's {@code project_id}
   * header, else the default project.
   *
   * @param what the resource, for messages
   * @throws RecordRejectedException {@code invalid_project}
   */
  String forResource(List<KeyValue> resourceAttributes, Headers headers, String what) {
    for (KeyValue kv : resourceAttributes) {
      if (kv.getKey().equals(attribute)) {
        AnyValue value = kv.getValue();
        String id =
            value.getValueCase() == AnyValue.ValueCase.STRING_VALUE
                ? value.getStringValue()
                : OtlpJson.anyValue(value);
        return valid(id, "resource attribute '" + attribute + "' of " + what);
      }
    }
    return fromHeaderOrDefault(headers).orElseThrow(() -> IngestErrors.noProject(what, attribute));
  }

  /**
   * The project of an Avro row: its {@code project_id} when not empty, else the record key, else
   * the {@code project_id} header, else the default project.
   *
   * @throws RecordRejectedException {@code invalid_project}
   */
  String forRow(CharSequence rowProject, byte[] key, Headers headers, String table) {
    if (rowProject != null && rowProject.length() > 0) {
      return valid(rowProject.toString(), "the row's project_id");
    }
    if (key != null && key.length > 0) {
      return valid(new String(key, StandardCharsets.UTF_8), "the record key");
    }
    return fromHeaderOrDefault(headers).orElseThrow(() -> IngestErrors.noRowProject(table));
  }

  private Optional<String> fromHeaderOrDefault(Headers headers) {
    Header header = headers == null ? null : headers.lastHeader(RecordHeaders.PROJECT_ID);
    if (header != null && header.value() != null && header.value().length > 0) {
      String id = new String(header.value(), StandardCharsets.UTF_8);
      return Optional.of(valid(id, "header '" + RecordHeaders.PROJECT_ID + "'"));
    }
    return defaultProject;
  }

  /** {@code id} in lower case (project ids are case-insensitive), or a rejection. */
  private static String valid(String id, String where) {
    if (!ProjectIds.isValid(id)) {
      throw IngestErrors.invalidProject(id, where);
    }
    return ProjectIds.normalize(id);
  }
}

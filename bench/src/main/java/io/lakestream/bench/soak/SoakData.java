package io.lakestream.bench.soak;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The soak's input: OTLP log batches whose log records each carry a unique id in their body ({@code
 * soak-<id>}), spread over projects so that one batch holds rows of one to three projects. Which
 * project each id went to is remembered, to check the tables against.
 */
final class SoakData {
  private static final Pattern ID = Pattern.compile("^soak-(\\d+)$");

  private final List<String> projects;
  private final int rowsPerRecord;
  private final byte[] projectOfRow;
  private final Random random;

  SoakData(int rows, int rowsPerRecord, int projectCount, long seed) {
    this.projects =
        IntStream.range(0, projectCount).mapToObj(i -> String.format("soak%02d", i)).toList();
    this.rowsPerRecord = rowsPerRecord;
    this.projectOfRow = new byte[rows];
    this.random = new Random(seed);
    if (projectCount > 127) {
      throw new IllegalArgumentException("At most 127 projects, not " + projectCount);
    }
  }

  List<String> projects() {
    return projects;
  }

  int rows() {
    return projectOfRow.length;
  }

  /** The project the row with {@code id} was sent for. */
  String projectOf(int id) {
    return projects.get(projectOfRow[id]);
  }

  /** The id in a row's body, or -1 when the body is not a soak row's. */
  static int idOf(String body) {
    if (body == null) {
      return -1;
    }
    Matcher m = ID.matcher(body);
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  /**
   * The batch of rows {@code [first, first + rowsPerRecord)} (fewer at the end): one to three
   * resources, each of its own project.
   */
  LogsData batch(int first, Instant now) {
    int end = Math.min(rows(), first + rowsPerRecord);
    int parts = 1 + random.nextInt(3);
    LogsData.Builder data = LogsData.newBuilder();
    int start = first;
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    for (int part = 0; part < parts && start < end; part++) {
      int stop = part == parts - 1 ? end : start + (end - start) / (parts - part);
      int project = random.nextInt(projects.size());
      ScopeLogs.Builder scope =
          ScopeLogs.newBuilder()
              .setScope(InstrumentationScope.newBuilder().setName("soak").setVersion("1"));
      for (int id = start; id < stop; id++) {
        projectOfRow[id] = (byte) project;
        scope.addLogRecords(
            LogRecord.newBuilder()
                .setTimeUnixNano(nanos + id % 1000)
                .setObservedTimeUnixNano(nanos + 1_000_000)
                .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO)
                .setSeverityText("INFO")
                .setBody(AnyValue.newBuilder().setStringValue("soak-" + id))
                .addAttributes(attribute("soak.batch", Integer.toString(first))));
      }
      data.addResourceLogs(
          ResourceLogs.newBuilder()
              .setResource(
                  Resource.newBuilder()
                      .addAttributes(attribute("service.name", "soak"))
                      .addAttributes(attribute("project_id", projects.get(project))))
              .addScopeLogs(scope));
      start = stop;
    }
    return data.build();
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }
}

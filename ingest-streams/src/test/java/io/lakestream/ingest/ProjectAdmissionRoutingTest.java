package io.lakestream.ingest;

import static io.lakestream.ingest.AvroRowsRoutingTest.NOW_MICROS;
import static io.lakestream.ingest.AvroRowsRoutingTest.encode;
import static io.lakestream.ingest.AvroRowsRoutingTest.event;
import static io.lakestream.ingest.Otlp.resource;
import static io.lakestream.ingest.OtlpLogsRoutingTest.log;
import static io.lakestream.ingest.RouterDriver.NOW_NANOS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.schema.RecordHeaders;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** With a project admission, rows of projects it refuses go to the DLQ as unregistered_project. */
class ProjectAdmissionRoutingTest {
  private final Set<String> registered = ConcurrentHashMap.newKeySet();
  private final RouterDriver router =
      new RouterDriver(
          RouterDriver.config()
              .tables(TableDefinitions.builtIns())
              .projectAdmission(registered::contains)
              .build());

  @AfterEach
  void close() {
    router.close();
  }

  @Test
  void aBatchWithOneUnregisteredProjectIsSetAsideWholeAndRoutedOnceRegistered() {
    registered.add("acme");
    LogsData data =
        LogsData.newBuilder()
            .addResourceLogs(resourceLogs("acme", "first"))
            .addResourceLogs(resourceLogs("globex", "second"))
            .build();

    router.pipe(Topics.OTLP_LOGS, data.toByteArray());

    TestRecord<byte[], byte[]> letter = router.onlyDeadLetter();
    Map<String, String> headers = RouterDriver.headers(letter.headers());
    assertThat(headers).containsEntry(RecordHeaders.DLQ_REASON, "unregistered_project");
    assertThat(headers.get(RecordHeaders.DLQ_MESSAGE))
        .isEqualTo(
            "Project 'globex' is not registered, and this router routes registered projects only"
                + " (projects.registration = required). Register it (POST /v1/projects on the"
                + " query API), then replay the record from the dead-letter topic.");
    assertThat(letter.value()).isEqualTo(data.toByteArray());
    assertThat(router.counter("lakestream.ingest.dlq", "reason", "unregistered_project"))
        .isEqualTo(1.0);

    registered.add("globex");
    router.pipe(Topics.OTLP_LOGS, data.toByteArray());

    assertThat(router.rows("otel_logs_and_spans"))
        .extracting(RouterDriver.Row::key)
        .containsExactly("acme", "globex");
    assertThat(router.deadLetters()).isEmpty();
  }

  @Test
  void avroRowsOfAnUnregisteredProjectAreSetAside() {
    registered.add("acme");

    router.pipe(Topics.ingest("events"), encode(event("initech", NOW_MICROS)));
    assertThat(RouterDriver.headers(router.onlyDeadLetter().headers()))
        .containsEntry(RecordHeaders.DLQ_REASON, "unregistered_project");

    router.pipe(Topics.ingest("events"), encode(event("acme", NOW_MICROS)));
    assertThat(router.rows("events")).extracting(RouterDriver.Row::key).containsExactly("acme");
  }

  private static ResourceLogs resourceLogs(String project, String body) {
    return ResourceLogs.newBuilder()
        .setResource(resource(project, "svc"))
        .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(log(NOW_NANOS, body)))
        .build();
  }
}

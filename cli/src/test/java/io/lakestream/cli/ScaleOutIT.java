package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.avro.Events;
import io.lakestream.ingest.IngestConfig;
import io.lakestream.ingest.IngestRole;
import io.lakestream.query.QueryConfig;
import io.lakestream.query.QueryRole;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.lakestream.testkit.EmbeddedKafkaExtension;
import io.lakestream.writer.WriterConfig;
import io.lakestream.writer.WriterRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two routers and two writers share the work; one of each stops in the middle of the stream, and
 * every event still lands exactly once, read back over HTTP by the query sidecar.
 */
class ScaleOutIT {
  @RegisterExtension static EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  private static final List<String> PROJECTS = List.of("acme", "globex", "initech");
  private static final int EVENTS_PER_PROJECT = 600;
  private static final Pattern EVENT_ID = Pattern.compile("\"event_id\":\"([^\"]+)\"");

  @Test
  void twoRoutersAndTwoWritersLoseNothingAndDuplicateNothingWhenOneOfEachStops(
      @TempDir Path stateA, @TempDir Path stateB, @TempDir Path warehouse) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    kafka.createTopic(Topics.ingest("events"), 4);
    IngestConfig ingest =
        IngestConfig.builder(bootstrap)
            .applicationId("scale-out-router")
            .tables(TableDefinitions.builtIns())
            .routedPartitions(6)
            .build();
    WriterConfig writer =
        WriterConfig.devBuilder()
            .bootstrapServers(bootstrap)
            .groupId("scale-out-writer")
            .warehouse(warehouse.toUri())
            .tables(TableDefinitions.builtIns())
            .flushAge(Duration.ofMillis(300))
            .build();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    IngestRole routerA = IngestRole.start(ingest.toBuilder().stateDir(stateA).build(), meters);
    IngestRole routerB = IngestRole.start(ingest.toBuilder().stateDir(stateB).build(), meters);
    WriterRole writerA = WriterRole.start(writer, meters);
    WriterRole writerB = WriterRole.start(writer, meters);
    QueryRole query =
        QueryRole.start(
            QueryConfig.builder().warehouse(warehouse.toUri()).httpPort(0).open(true).build(),
            meters);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      Instant start = Instant.parse("2026-11-21T10:00:00Z");
      for (int i = 0; i < EVENTS_PER_PROJECT; i++) {
        for (String project : PROJECTS) {
          Events event =
              Events.newBuilder()
                  .setTimestamp(start.plusMillis(i))
                  .setEventId(project + "-" + i)
                  .setEventType("order.placed")
                  .setProjectId(project)
                  .build();
          ByteBuffer bytes = event.toByteBuffer();
          byte[] value = new byte[bytes.remaining()];
          bytes.get(value);
          producer.send(
              new ProducerRecord<>(
                  Topics.ingest("events"), project.getBytes(StandardCharsets.UTF_8), value));
        }
        if (i == EVENTS_PER_PROJECT / 2) {
          producer.flush();
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> writerA.rowsWritten() + writerB.rowsWritten() > 0);
          routerB.close();
          writerB.close();
        }
      }
      producer.flush();

      HttpClient http = HttpClient.newHttpClient();
      for (String project : PROJECTS) {
        URI uri =
            URI.create(
                "http://localhost:"
                    + query.port()
                    + "/v1/projects/"
                    + project
                    + "/tables/events/rows?columns=event_id&limit=5000");
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(1))
            .untilAsserted(
                () -> {
                  String body =
                      http.send(
                              HttpRequest.newBuilder(uri).build(),
                              HttpResponse.BodyHandlers.ofString())
                          .body();
                  Set<String> ids = new HashSet<>();
                  int rows = 0;
                  Matcher matcher = EVENT_ID.matcher(body);
                  while (matcher.find()) {
                    ids.add(matcher.group(1));
                    rows++;
                  }
                  assertThat(rows)
                      .as("rows of %s (duplicates count twice)", project)
                      .isEqualTo(EVENTS_PER_PROJECT);
                  assertThat(ids).hasSize(EVENTS_PER_PROJECT);
                });
      }
    } finally {
      query.close();
      writerA.close();
      writerB.close();
      routerA.close();
      routerB.close();
    }
  }
}

package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.avro.Events;
import io.lakestream.ingest.IngestConfig;
import io.lakestream.ingest.IngestRole;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.lakestream.testkit.EmbeddedKafkaExtension;
import io.lakestream.writer.WriterConfig;
import io.lakestream.writer.WriterRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * The query sidecar as the production image runs it ({@code lakestream query} from {@code
 * target/lakestream-cli.jar} and {@code target/lib} with the Dockerfile's JVM options, a process of
 * its own), killed with SIGKILL while rows are served from its live tail only: the one started
 * again serves exactly the same rows, then every row once while the writer moves them into Delta.
 */
class SidecarKillIT {
  @RegisterExtension static EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  private static final List<String> PROJECTS = List.of("acme", "globex");
  private static final int EVENTS_PER_PHASE = 150;
  private static final Pattern EVENT_ID = Pattern.compile("\"event_id\":\"([^\"]+)\"");
  private static final Duration STARTUP = Duration.ofSeconds(120);

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aSidecarKilledWhileServingTheTailServesTheSameRowsAfterARestartAndEachRowOnceAfterTheCommit(
      @TempDir Path state, @TempDir Path warehouse, @TempDir Path logs) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    kafka.createTopic(Topics.ingest("events"), 2);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    IngestRole router =
        IngestRole.start(
            IngestConfig.builder(bootstrap)
                .applicationId("sidecar-kill-router")
                .tables(TableDefinitions.builtIns())
                .stateDir(state)
                .build(),
            meters);
    // A flush far away: until the writer stops, every row is in the live tail only.
    WriterRole writer =
        WriterRole.start(
            WriterConfig.devBuilder()
                .bootstrapServers(bootstrap)
                .groupId("sidecar-kill-writer")
                .warehouse(warehouse.toUri())
                .tables(TableDefinitions.builtIns())
                .flushAge(Duration.ofMinutes(10))
                .build(),
            meters);
    Process sidecar = null;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      int port = freePort();
      sidecar = startSidecar(bootstrap, warehouse, port, logs.resolve("sidecar-1.log"));
      awaitReady(port, sidecar, logs.resolve("sidecar-1.log"));
      produce(producer, 0);
      for (String project : PROJECTS) {
        awaitExactly(port, project, EVENTS_PER_PHASE);
      }
      Map<String, List<String>> beforeKill = new java.util.TreeMap<>();
      for (String project : PROJECTS) {
        beforeKill.put(project, ids(port, project));
      }
      assertThat(writer.rowsWritten()).as("nothing committed: served from the tail").isZero();

      sidecar.destroyForcibly(); // SIGKILL
      assertThat(sidecar.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      produce(producer, EVENTS_PER_PHASE); // while no sidecar runs

      sidecar = startSidecar(bootstrap, warehouse, port, logs.resolve("sidecar-2.log"));
      awaitReady(port, sidecar, logs.resolve("sidecar-2.log"));
      for (String project : PROJECTS) {
        awaitExactly(port, project, 2 * EVENTS_PER_PHASE);
        List<String> after = ids(port, project);
        assertThat(after).containsAll(beforeKill.get(project));
      }

      writer.close(); // flushes: every row moves from the tail into Delta
      assertThat(writer.rowsWritten()).isEqualTo((long) PROJECTS.size() * 2 * EVENTS_PER_PHASE);
      for (String project : PROJECTS) {
        awaitExactly(port, project, 2 * EVENTS_PER_PHASE);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    get(URI.create(base(port) + "/v1/projects/" + project + "/tables/events"))
                        .body()
                        .contains("\"tail_rows\":0"));
        assertThat(ids(port, project)).hasSize(2 * EVENTS_PER_PHASE).doesNotHaveDuplicates();
      }
    } finally {
      if (sidecar != null) {
        sidecar.destroyForcibly();
        sidecar.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
      }
      writer.close();
      router.close();
    }
  }

  private static void produce(KafkaProducer<byte[], byte[]> producer, int first)
      throws IOException {
    Instant start = Instant.parse("2026-12-06T10:00:00Z");
    for (int i = first; i < first + EVENTS_PER_PHASE; i++) {
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
    }
    producer.flush();
  }

  /** {@code lakestream query} from the packaged jar and lib, configured by environment. */
  private static Process startSidecar(String bootstrap, Path warehouse, int port, Path log)
      throws IOException {
    Path target = Path.of("target");
    String classPath =
        target.resolve("lakestream-cli.jar") + File.pathSeparator + target.resolve("lib") + "/*";
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            // as the Dockerfile's JAVA_TOOL_OPTIONS
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "-cp",
            classPath,
            "io.lakestream.cli.Main",
            "query");
    Map<String, String> env = builder.environment();
    env.put("LAKESTREAM_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("LAKESTREAM_WAREHOUSE", warehouse.toUri().toString());
    env.put("LAKESTREAM_QUERY_HTTP_PORT", String.valueOf(port));
    env.put("LAKESTREAM_QUERY_PG_PORT", String.valueOf(freePort()));
    env.put("LAKESTREAM_QUERY_OPEN", "true");
    env.put("LAKESTREAM_WRITER_GROUP_ID", "sidecar-kill-writer");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return builder.start();
  }

  private void awaitReady(int port, Process sidecar, Path log) {
    await()
        .atMost(STARTUP)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              if (!sidecar.isAlive()) {
                throw new AssertionError(
                    "the sidecar exited with "
                        + sidecar.exitValue()
                        + ": "
                        + Files.readString(log));
              }
              try {
                return get(URI.create(base(port) + "/ready")).statusCode() == 200;
              } catch (IOException e) {
                return false; // not listening yet
              }
            });
  }

  private void awaitExactly(int port, String project, int events) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(ids(port, project))
                    .as("event ids served for %s", project)
                    .hasSize(events)
                    .doesNotHaveDuplicates());
  }

  /** The event ids served for {@code project}, duplicates kept. */
  private List<String> ids(int port, String project) throws IOException, InterruptedException {
    HttpResponse<String> response =
        get(
            URI.create(
                base(port)
                    + "/v1/projects/"
                    + project
                    + "/tables/events/rows?columns=event_id&limit=5000"));
    List<String> ids = new ArrayList<>();
    if (response.statusCode() == 404) {
      return ids; // no row of the project seen yet
    }
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Matcher matcher = EVENT_ID.matcher(response.body());
    while (matcher.find()) {
      ids.add(matcher.group(1));
    }
    return ids;
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String base(int port) {
    return "http://localhost:" + port;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}

package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.lakestream.testkit.EmbeddedKafka;
import io.lakestream.writer.WriterRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQL over a table that is partly in Delta files and partly in the sidecar's live tail, read both
 * ways the engine reads a range, by two sidecars on the same warehouse and Kafka: through the
 * learned index into Arrow batches ({@code query.sql.file.scan.min.rows} off), and, for most of a
 * large table on a local disk, by DuckDB running the statement over the snapshot's Parquet files
 * plus the tail rows handed over (the threshold at 0). Both give every row exactly once, the same
 * values (nulls, timestamps, JSON, lists), and only the caller's project: the statement's engine
 * may open exactly the caller's snapshot's files, and only to read them.
 */
class SqlFileReadIT {
  private static final TableDefinition OTEL = TableDefinitions.builtIn("otel_logs_and_spans");
  private static final long SECOND = 1_000_000L;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path warehouse;
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterAll
  static void forgetCachedFileSystems() throws IOException {
    org.apache.hadoop.fs.FileSystem.closeAll();
  }

  @Test
  void fileRowsAndTailRowsOnceEachWayAndOnlyTheCallersProject() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(Topics.rows(OTEL.name()), 1);
      kafka.createTopic(Topics.COMMITS, 12);
      QueryConfig config =
          FeedFixtures.sidecarOnFeed(kafka.bootstrapServers(), warehouse)
              .tailEnabled(true)
              .projectToken("acme", "acme-token")
              .projectToken("globex", "globex-token")
              .build();
      long start = (System.currentTimeMillis() / 1000 - 7_200) * SECOND;
      SimpleMeterRegistry filesRegistry = new SimpleMeterRegistry();
      try (KafkaProducer<byte[], byte[]> producer =
              KafkaToQueryIT.producer(kafka.bootstrapServers());
          QueryRole query =
              QueryRole.start(
                  config.toBuilder().sqlFileScanMinRows(Long.MAX_VALUE).build(),
                  new SimpleMeterRegistry());
          QueryRole overFiles =
              QueryRole.start(config.toBuilder().sqlFileScanMinRows(0).build(), filesRegistry)) {
        String origin = "http://127.0.0.1:" + query.port();
        String filesOrigin = "http://127.0.0.1:" + overFiles.port();
        send(producer, "acme", start, 0, 300);
        send(producer, "globex", start, 0, 200);
        try (WriterRole writer =
            WriterRole.start(
                FeedFixtures.devWriter(kafka.bootstrapServers(), warehouse, Duration.ofMillis(200)),
                new SimpleMeterRegistry())) {
          await()
              .atMost(Duration.ofSeconds(90))
              .until(
                  () ->
                      status(origin, "acme").path("rows").asLong() == 300
                          && status(origin, "globex").path("rows").asLong() == 200
                          && status(origin, "acme").path("tail_rows").asLong() == 0);
          assertThat(writer.failure()).isEmpty();
        }
        // no writer now: these rows stay in the sidecar's live tail, some with the files' keys
        send(producer, "acme", start, 290, 40);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    status(origin, "acme").path("tail_rows").asLong() == 40
                        && status(filesOrigin, "acme").path("tail_rows").asLong() == 40);

        String everything = "SELECT * FROM otel_logs_and_spans ORDER BY timestamp, body";
        String counts = "SELECT count(*), count(DISTINCT body) FROM otel_logs_and_spans";
        JsonNode indexed = sql(origin, "acme-token", everything);
        JsonNode indexedCounts = sql(origin, "acme-token", counts);
        assertThat(fileScans(filesRegistry)).isZero();

        JsonNode files = sql(filesOrigin, "acme-token", everything);
        assertThat(fileScans(filesRegistry)).isEqualTo(1);
        assertThat(files.get("rows")).isEqualTo(indexed.get("rows"));
        assertThat(files.get("columns")).isEqualTo(indexed.get("columns"));
        assertThat(files.get("rows")).hasSize(340);
        JsonNode fileCounts = sql(filesOrigin, "acme-token", counts);
        assertThat(fileCounts.get("rows").get(0).get(0).asLong()).isEqualTo(340);
        assertThat(fileCounts.get("rows").get(0).get(1).asLong()).isEqualTo(340);
        assertThat(fileCounts.get("rows")).isEqualTo(indexedCounts.get("rows"));
        // a key range holding most of the table: applied to the files and to the tail rows alike,
        // each row once (files: rows 100 to 294; tail: rows 290 to 294)
        String range =
            "SELECT count(*), count(DISTINCT body) FROM otel_logs_and_spans WHERE timestamp >= "
                + "to_timestamp("
                + (start / SECOND + 1_000)
                + ") AND timestamp < to_timestamp("
                + (start / SECOND + 2_950)
                + ")";
        JsonNode rangeByFiles = sql(filesOrigin, "acme-token", range);
        assertThat(fileScans(filesRegistry)).isEqualTo(3);
        assertThat(rangeByFiles.get("rows"))
            .isEqualTo(sql(origin, "acme-token", range).get("rows"));
        assertThat(rangeByFiles.get("rows").get(0).get(0).asLong()).isEqualTo(195 + 5);
        assertThat(rangeByFiles.get("rows").get(0).get(1).asLong()).isEqualTo(195 + 5);
        // a range relative to now(): the statement's own condition selects, each row once
        String recent =
            "SELECT count(*) FROM otel_logs_and_spans WHERE timestamp >= now() - interval '1 day'";
        assertThat(sql(filesOrigin, "acme-token", recent).get("rows").get(0).get(0).asLong())
            .isEqualTo(340);
        assertThat(fileScans(filesRegistry)).isEqualTo(4);
        // a self-join reads the table twice: each side holds every row once
        String join =
            "SELECT count(*) FROM otel_logs_and_spans a JOIN otel_logs_and_spans b ON a.body ="
                + " b.body";
        assertThat(sql(filesOrigin, "acme-token", join).get("rows").get(0).get(0).asLong())
            .isEqualTo(340);

        // globex's token: globex's rows only, whatever the statement says
        JsonNode globex = sql(filesOrigin, "globex-token", counts);
        assertThat(globex.get("rows").get(0).get(0).asLong()).isEqualTo(200);
        HttpResponse<String> other =
            post(filesOrigin, "globex-token", counts + " WHERE project_id = 'acme'");
        assertThat(other.statusCode()).as(other.body()).isEqualTo(403);
        List<String> acmeFiles = parquetFiles(warehouse.resolve("projects/acme"));
        List<String> globexFiles = parquetFiles(warehouse.resolve("projects/globex"));
        // another project's file, a directory's files, a file not of the snapshot: refused, also
        // while the statement's own engine may read the caller's files
        for (String path :
            List.of(
                acmeFiles.get(0),
                Path.of(globexFiles.get(0)).getParent() + "/*.parquet",
                "/etc/passwd")) {
          HttpResponse<String> byPath =
              post(
                  filesOrigin,
                  "globex-token",
                  "SELECT count(*) FROM otel_logs_and_spans, read_parquet('" + path + "')");
          assertThat(byPath.statusCode()).as(byPath.body()).isEqualTo(400);
          assertThat(JSON.readTree(byPath.body()).get("detail").asText())
              .doesNotContain("Exception")
              .contains("disabled by configuration");
        }
        // writes onto the snapshot's own files: refused before anything runs
        for (String write :
            List.of(
                "COPY (SELECT 1) TO '" + globexFiles.get(0) + "' (FORMAT parquet)",
                "ATTACH '" + globexFiles.get(0) + "' AS other",
                "EXPORT DATABASE '" + Path.of(globexFiles.get(0)).getParent() + "'")) {
          HttpResponse<String> refused = post(filesOrigin, "globex-token", write);
          assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        }
        assertThat(sql(filesOrigin, "globex-token", counts).get("rows").get(0).get(0).asLong())
            .isEqualTo(200);
      }
    }
  }

  private static List<String> parquetFiles(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      return paths.map(Path::toString).filter(p -> p.endsWith(".parquet")).sorted().toList();
    }
  }

  private static double fileScans(SimpleMeterRegistry registry) {
    return registry.find("lakestream.query.sql.file.scans").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  /** Rows {@code first … first + count - 1} of a project, 10 s apart, each body distinct. */
  private static void send(
      KafkaProducer<byte[], byte[]> producer, String project, long start, int first, int count) {
    TestRows rows = new TestRows(OTEL, project.hashCode() + first);
    for (int i = first; i < first + count; i++) {
      GenericRecord row = rows.row(project, start + i * 10 * SECOND);
      row.put("body", project + " message " + i + (first == 0 ? "" : " (tail)"));
      row.put("attributes", "{\"http.route\": \"/r" + i % 4 + "\"}");
      row.put("severity_text", i % 5 == 0 ? null : "INFO");
      producer.send(KafkaToQueryIT.record(OTEL, project, row));
    }
    producer.flush();
  }

  private JsonNode status(String origin, String project) throws IOException {
    HttpResponse<String> status = get(origin, "/v1/projects/" + project + "/tables/" + OTEL.name());
    return status.statusCode() == 200 ? JSON.readTree(status.body()) : JSON.createObjectNode();
  }

  private JsonNode sql(String origin, String token, String statement) throws IOException {
    HttpResponse<String> response = post(origin, token, statement);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private HttpResponse<String> post(String origin, String token, String statement) {
    return send(
        HttpRequest.newBuilder(URI.create(origin + "/v1/sql"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    JSON.createObjectNode().put("sql", statement).toString()))
            .build());
  }

  private HttpResponse<String> get(String origin, String path) {
    return send(
        HttpRequest.newBuilder(URI.create(origin + path))
            .header("Authorization", "Bearer admin")
            .build());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

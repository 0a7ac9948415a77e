package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.query.internal.SqlService;
import io.lakestream.reader.TableId;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.lakestream.testkit.EmbeddedKafka;
import io.lakestream.writer.WriterRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQL over a table that is partly in Delta files and partly in the sidecar's live tail, read both
 * ways the engine reads a range: through the learned index into Arrow batches, and, for most of a
 * large table on a local disk, by DuckDB reading the snapshot's Parquet files itself plus the tail
 * rows handed over. Both give every row exactly once, the same values (nulls, timestamps, JSON,
 * lists), and only the caller's project: the statement's engine still cannot open a file.
 */
@ExtendWith(ClosesHadoopFileSystems.class)
class SqlFileReadIT {
  private static final TableDefinition OTEL = TableDefinitions.builtIn("otel_logs_and_spans");
  private static final TableId ACME = new TableId("acme", OTEL.name());
  private static final TableId GLOBEX = new TableId("globex", OTEL.name());
  private static final long SECOND = 1_000_000L;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path warehouse;

  @Test
  void fileRowsAndTailRowsOnceEachWayAndOnlyTheCallersProject() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(Topics.rows(OTEL.name()), 1);
      kafka.createTopic(Topics.COMMITS, 12);
      QueryConfig config =
          FeedFixtures.sidecarWithTail(kafka.bootstrapServers(), warehouse)
              .projectToken("acme", "acme-token")
              .projectToken("globex", "globex-token")
              .build();
      long start = (System.currentTimeMillis() / 1000 - 7_200) * SECOND;
      try (KafkaProducer<byte[], byte[]> producer =
              KafkaToQueryIT.producer(kafka.bootstrapServers());
          QueryRole query = QueryRole.start(config, new SimpleMeterRegistry())) {
        Sidecar sidecar = Sidecar.of(query);
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
                      sidecar.status(ACME).path("rows").asLong() == 300
                          && sidecar.status(GLOBEX).path("rows").asLong() == 200
                          && sidecar.status(ACME).path("tail_rows").asLong() == 0);
          assertThat(writer.failure()).isEmpty();
        }
        // no writer now: these rows stay in the sidecar's live tail, some with the files' keys
        send(producer, "acme", start, 290, 40);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> sidecar.status(ACME).path("tail_rows").asLong() == 40);

        String everything = "SELECT * FROM otel_logs_and_spans ORDER BY timestamp, body";
        String counts = "SELECT count(*), count(DISTINCT body) FROM otel_logs_and_spans";
        long readsBefore = SqlService.FILE_READS.get();
        JsonNode indexed = sql(sidecar.as("acme-token"), everything);
        JsonNode indexedCounts = sql(sidecar.as("acme-token"), counts);
        assertThat(SqlService.FILE_READS.get()).isEqualTo(readsBefore);
        long threshold = SqlService.fileReadMinRows;
        SqlService.fileReadMinRows = 0;
        try {
          JsonNode files = sql(sidecar.as("acme-token"), everything);
          assertThat(SqlService.FILE_READS.get()).isEqualTo(readsBefore + 1);
          assertThat(files.get("rows")).isEqualTo(indexed.get("rows"));
          assertThat(files.get("columns")).isEqualTo(indexed.get("columns"));
          assertThat(files.get("rows")).hasSize(340);
          JsonNode fileCounts = sql(sidecar.as("acme-token"), counts);
          assertThat(fileCounts.get("rows").get(0).get(0).asLong()).isEqualTo(340);
          assertThat(fileCounts.get("rows").get(0).get(1).asLong()).isEqualTo(340);
          assertThat(fileCounts.get("rows")).isEqualTo(indexedCounts.get("rows"));

          // globex's token: globex's rows only, whatever the statement says
          JsonNode globex = sql(sidecar.as("globex-token"), counts);
          assertThat(globex.get("rows").get(0).get(0).asLong()).isEqualTo(200);
          HttpResponse<String> other =
              sidecar.as("globex-token").sql(counts + " WHERE project_id = 'acme'");
          assertThat(other.statusCode()).as(other.body()).isEqualTo(403);
          String acmeFile;
          try (Stream<Path> paths = Files.walk(warehouse.resolve("projects/acme"))) {
            acmeFile =
                paths
                    .filter(p -> p.toString().endsWith(".parquet"))
                    .findFirst()
                    .orElseThrow()
                    .toString();
          }
          HttpResponse<String> byPath =
              sidecar
                  .as("globex-token")
                  .sql("SELECT count(*) FROM read_parquet('" + acmeFile + "')");
          assertThat(byPath.statusCode()).as(byPath.body()).isEqualTo(400);
          assertThat(JSON.readTree(byPath.body()).get("detail").asText())
              .doesNotContain("Exception");
        } finally {
          SqlService.fileReadMinRows = threshold;
        }
      }
    }
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

  /** The answer of a statement, which must run. */
  private static JsonNode sql(Sidecar sidecar, String statement) throws IOException {
    HttpResponse<String> response = sidecar.sql(statement);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}

package io.lakestream.cli;

import static io.lakestream.cli.DevFixture.JSON;
import static io.lakestream.cli.DevFixture.get;
import static io.lakestream.cli.DevFixture.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7: a table type created through the API is usable by ingest, writer and query without a
 * restart, and a dropped one stops taking rows while its data stays.
 */
class RunTimeTablesIT {
  private static final String SELECT_USERS =
      "SELECT user_id, email FROM users WHERE project_id = 'acme' AND user_id BETWEEN 1 AND 10"
          + " ORDER BY user_id";

  @Test
  void aTableCreatedThroughSqlIsIngestedWrittenAndQueriedWithoutARestart(@TempDir Path dataDir)
      throws Exception {
    try (DevRuntime dev = DevRuntime.start(options(dataDir))) {
      HttpResponse<String> created =
          sql(dev, "CREATE TABLE users (user_id BIGINT PRIMARY KEY, email TEXT)");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(200);

      HttpResponse<String> inserted =
          sql(
              dev,
              "INSERT INTO users (user_id, email, project_id) VALUES (1, 'a@example.com', 'acme'),"
                  + " (2, 'b@example.com', 'acme')");
      assertThat(inserted.statusCode()).as(inserted.body()).isEqualTo(200);

      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                HttpResponse<String> selected = sql(dev, SELECT_USERS);
                assertThat(selected.statusCode()).as(selected.body()).isEqualTo(200);
                assertThat(JSON.readTree(selected.body()).get("rows").toString())
                    .isEqualTo("[[1,\"a@example.com\"],[2,\"b@example.com\"]]");
              });

      // An application producing Avro rows itself, with the schema the API publishes.
      JsonNode described = JSON.readTree(get(dev, "/v1/tables/users").body());
      Schema schema = new Schema.Parser().parse(described.get("avro_schema").toString());
      BinaryMessageEncoder<GenericRecord> encoder =
          new BinaryMessageEncoder<>(GenericData.get(), schema);
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, dev.kafka().bootstrapServers()),
              new ByteArraySerializer(),
              new ByteArraySerializer())) {
        for (long id = 3; id <= 4; id++) {
          GenericRecord row = new GenericData.Record(schema);
          row.put("user_id", id);
          row.put("email", "user" + id + "@example.com");
          row.put("project_id", "acme");
          ByteBuffer bytes = encoder.encode(row);
          byte[] value = new byte[bytes.remaining()];
          bytes.get(value);
          producer.send(
              new ProducerRecord<>(
                  described.get("ingest_topic").asText(),
                  "acme".getBytes(StandardCharsets.UTF_8),
                  value));
        }
        producer.flush();
      }
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () ->
                  assertThat(JSON.readTree(sql(dev, SELECT_USERS).body()).get("rows").toString())
                      .isEqualTo(
                          "[[1,\"a@example.com\"],[2,\"b@example.com\"],"
                              + "[3,\"user3@example.com\"],[4,\"user4@example.com\"]]"));

      // the live tail serves rows before their commit: wait for the writer's files too
      Path table = dev.warehouse().resolve("projects").resolve("acme").resolve("users");
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                assertThat(table.resolve("_delta_log")).isDirectory();
                try (var files = Files.walk(table)) {
                  assertThat(files.filter(f -> f.toString().endsWith(".parquet"))).isNotEmpty();
                }
              });

      HttpResponse<String> dropped = sql(dev, "DROP TABLE users");
      assertThat(dropped.statusCode()).as(dropped.body()).isEqualTo(200);

      HttpResponse<String> refused =
          sql(
              dev,
              "INSERT INTO users (user_id, email, project_id) VALUES (3, 'c@example.com', 'acme')");
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
      assertThat(JSON.readTree(refused.body()).get("detail").asText())
          .isEqualTo("There is no table 'users'.");
      assertThat(table.resolve("_delta_log")).isDirectory(); // the drop keeps the data
      try (var files = Files.walk(table)) {
        assertThat(files.filter(f -> f.toString().endsWith(".parquet"))).isNotEmpty();
      }
    }
  }

  private static DevRuntime.Options options(Path dataDir) {
    return DevFixture.options(dataDir, Map.of());
  }
}

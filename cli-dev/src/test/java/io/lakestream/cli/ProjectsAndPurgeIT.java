package io.lakestream.cli;

import static io.lakestream.cli.DevFixture.JSON;
import static io.lakestream.cli.DevFixture.send;
import static io.lakestream.cli.DevFixture.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.schema.RecordHeaders;
import io.lakestream.schema.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, with every role running: under {@code projects.registration=required} rows of an
 * unregistered project wait in the DLQ until it is registered and the DLQ replayed; a purged table
 * type's data is gone from the warehouse.
 */
class ProjectsAndPurgeIT {
  private static final String SELECT_EVENTS =
      "SELECT event_type FROM events WHERE project_id = 'acme' AND timestamp >="
          + " '2026-11-21T10:00:00Z'";

  @Test
  void anUnregisteredProjectsRowsAreRoutedAfterRegistrationAndReplay(@TempDir Path dataDir)
      throws Exception {
    try (DevRuntime dev = DevRuntime.start(options(dataDir))) {
      HttpResponse<String> inserted =
          sql(
              dev,
              "INSERT INTO events (timestamp, event_type, project_id) VALUES"
                  + " ('2026-11-21T10:00:00Z', 'user.signup', 'acme')");
      assertThat(inserted.statusCode()).as(inserted.body()).isEqualTo(200);

      List<ConsumerRecord<byte[], byte[]>> letters = deadLetters(dev, 1);
      assertThat(header(letters.get(0), RecordHeaders.DLQ_REASON))
          .isEqualTo("unregistered_project");
      assertThat(header(letters.get(0), RecordHeaders.DLQ_MESSAGE))
          .startsWith("Project 'acme' is not registered");

      HttpResponse<String> registered =
          send(dev, "POST", "/v1/projects", "{\"project_id\":\"acme\"}");
      assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);

      // acme's data keeps coming once registered: later offsets of the same ingest partition are
      // written before the dead letter is replayed.
      assertThat(
              sql(
                      dev,
                      "INSERT INTO events (timestamp, event_type, project_id) VALUES"
                          + " ('2026-11-21T10:00:01Z', 'user.login', 'acme')")
                  .statusCode())
          .isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () ->
                  assertThat(JSON.readTree(sql(dev, SELECT_EVENTS).body()).get("rows").toString())
                      .isEqualTo("[[\"user.login\"]]"));

      StringWriter out = new StringWriter();
      var cli = Main.commandLine();
      cli.setOut(new PrintWriter(out));
      cli.setErr(new PrintWriter(new StringWriter()));
      int status =
          cli.execute(
              "replay",
              "--bootstrap-servers",
              dev.kafka().bootstrapServers(),
              "--topic",
              Topics.DEAD_LETTER,
              "--from-beginning");
      assertThat(status).as(out.toString()).isZero();
      assertThat(out.toString()).contains("    lakestream.rows.events: 1");

      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                HttpResponse<String> selected = sql(dev, SELECT_EVENTS);
                assertThat(selected.statusCode()).as(selected.body()).isEqualTo(200);
                assertThat(JSON.readTree(selected.body()).get("rows").toString())
                    .isEqualTo("[[\"user.signup\"],[\"user.login\"]]");
              });
    }
  }

  @Test
  void aPurgedTableTypesDataIsGoneAndItsNameFreeForOtherColumns(@TempDir Path dataDir)
      throws Exception {
    try (DevRuntime dev = DevRuntime.start(options(dataDir))) {
      assertThat(send(dev, "POST", "/v1/projects", "{\"project_id\":\"acme\"}").statusCode())
          .isEqualTo(201);
      // registered, no row yet: its tables are empty; a project neither registered nor written
      // (a mistyped id) is an error
      HttpResponse<String> registered =
          sql(dev, "SELECT COUNT(*) FROM events WHERE project_id = 'acme'");
      assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
      assertThat(JSON.readTree(registered.body()).get("rows").toString()).isEqualTo("[[0]]");
      HttpResponse<String> mistyped =
          sql(dev, "SELECT COUNT(*) FROM events WHERE project_id = 'acmee'");
      assertThat(mistyped.statusCode()).as(mistyped.body()).isEqualTo(404);
      assertThat(mistyped.body()).contains("Project 'acmee' has no table here");
      assertThat(
              sql(dev, "CREATE TABLE users (user_id BIGINT PRIMARY KEY, email TEXT)").statusCode())
          .isEqualTo(200);
      assertThat(
              sql(
                      dev,
                      "INSERT INTO users (user_id, email, project_id) VALUES (1, 'a@example.com',"
                          + " 'acme')")
                  .statusCode())
          .isEqualTo(200);
      Path table = dev.warehouse().resolve("projects/acme/users");
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () ->
                  assertThat(
                          JSON.readTree(
                                  sql(dev, "SELECT COUNT(*) FROM users WHERE project_id = 'acme'")
                                      .body())
                              .get("rows")
                              .toString())
                      .isEqualTo("[[1]]"));
      // the live tail serves the row before its commit: wait for the writer's table too
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () ->
                  assertThat(table.resolve("_delta_log/00000000000000000000.json"))
                      .isRegularFile());

      HttpResponse<String> purged = send(dev, "DELETE", "/v1/tables/users?purge=true", null);

      assertThat(purged.statusCode()).as(purged.body()).isEqualTo(200);
      assertThat(JSON.readTree(purged.body()).get("purged_tables").toString())
          .isEqualTo("[{\"project_id\":\"acme\",\"table_name\":\"users\"}]");
      assertThat(Files.exists(table)).isFalse();
      HttpResponse<String> again =
          sql(dev, "CREATE TABLE users (user_id BIGINT PRIMARY KEY, age INT)");
      assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    }
  }

  private List<ConsumerRecord<byte[], byte[]>> deadLetters(DevRuntime dev, int count) {
    List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, dev.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "projects-it",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.DEAD_LETTER));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(letters::add);
                return letters.size() >= count;
              });
    }
    return letters;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static DevRuntime.Options options(Path dataDir) {
    return DevFixture.options(dataDir, Map.of("projects.registration", "required"));
  }
}

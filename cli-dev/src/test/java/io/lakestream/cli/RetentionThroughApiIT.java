package io.lakestream.cli;

import static io.lakestream.cli.DevFixture.JSON;
import static io.lakestream.cli.DevFixture.get;
import static io.lakestream.cli.DevFixture.send;
import static io.lakestream.cli.DevFixture.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention defined through the API ({@code POST /v1/tables} and {@code CREATE TABLE … WITH
 * (retention = …)}) is kept by the catalog, shown by {@code GET /v1/tables/{name}}, refused with a
 * JSON 400 when it is not a duration or the key is not a time, and applied by the maintenance that
 * {@code lakestream dev} runs: rows older than the retention disappear from queries.
 */
class RetentionThroughApiIT {

  @Test
  void retentionDefinedThroughTheApiExpiresOlderRows(@TempDir Path dataDir) throws Exception {
    try (DevRuntime dev = DevRuntime.start(options(dataDir))) {
      HttpResponse<String> created =
          postTable(
              dev,
              """
              {"name": "app_logs", "primary_key": "ts", "retention": "1d",
               "columns": [{"name": "ts", "type": "timestamp", "nullable": false},
                           {"name": "message", "type": "string"}]}""");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      assertThat(JSON.readTree(created.body()).get("retention").asText()).isEqualTo("1d");

      HttpResponse<String> viaSql =
          sql(
              dev,
              "CREATE TABLE audit (ts TIMESTAMP PRIMARY KEY, what TEXT) WITH (retention = '12h')");
      assertThat(viaSql.statusCode()).as(viaSql.body()).isEqualTo(200);
      assertThat(JSON.readTree(get(dev, "/v1/tables/audit").body()).get("retention").asText())
          .isEqualTo("12h");

      // Refusals, in the user's terms.
      HttpResponse<String> notADuration =
          postTable(
              dev,
              """
              {"name": "bad_logs", "primary_key": "ts", "retention": "a month",
               "columns": [{"name": "ts", "type": "timestamp", "nullable": false}]}""");
      assertThat(notADuration.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(notADuration.body()).get("detail").asText())
          .contains("retention 'a month'")
          .contains("30d, 12h, 90m");
      HttpResponse<String> notATime =
          postTable(
              dev,
              """
              {"name": "bad_users", "primary_key": "id", "retention": "30d",
               "columns": [{"name": "id", "type": "long", "nullable": false}]}""");
      assertThat(notATime.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(notATime.body()).get("detail").asText())
          .contains("primary key 'id' is a long, not a time");
      HttpResponse<String> notATimeViaSql =
          sql(dev, "CREATE TABLE bad_users (id BIGINT PRIMARY KEY) WITH (retention = '30d')");
      assertThat(notATimeViaSql.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(notATimeViaSql.body()).get("detail").asText())
          .isEqualTo(
              "Table bad_users cannot have a retention: its primary key id is a long, and"
                  + " retention expires rows by a primary key that is a timestamp or a date.");
      assertThat(get(dev, "/v1/tables/bad_users").statusCode()).isEqualTo(404);

      // Rows from three days ago to now; one day of retention keeps the last two.
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      HttpResponse<String> inserted =
          sql(
              dev,
              "INSERT INTO app_logs (ts, message, project_id) VALUES "
                  + row(now.minus(Duration.ofDays(3)), "three days ago")
                  + ", "
                  + row(now.minus(Duration.ofDays(2)), "two days ago")
                  + ", "
                  + row(now.minus(Duration.ofHours(1)), "an hour ago")
                  + ", "
                  + row(now, "now"));
      assertThat(inserted.statusCode()).as(inserted.body()).isEqualTo(200);

      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                HttpResponse<String> selected =
                    sql(dev, "SELECT message FROM app_logs WHERE project_id = 'acme' ORDER BY ts");
                assertThat(selected.statusCode()).as(selected.body()).isEqualTo(200);
                assertThat(JSON.readTree(selected.body()).get("rows").toString())
                    .isEqualTo("[[\"an hour ago\"],[\"now\"]]");
              });
      // The table's status shows the retention it is kept by.
      JsonNode status = JSON.readTree(get(dev, "/v1/projects/acme/tables/app_logs").body());
      assertThat(status.get("retention").asText()).as(status.toString()).isEqualTo("1d");
      assertThat(status.get("small_files").asLong()).isEqualTo(status.get("files").asLong());
    }
  }

  private static String row(Instant ts, String message) {
    return "('" + ts + "', '" + message + "', 'acme')";
  }

  private static HttpResponse<String> postTable(DevRuntime dev, String definition)
      throws Exception {
    return send(dev, "POST", "/v1/tables", definition);
  }

  private static DevRuntime.Options options(Path dataDir) {
    return DevFixture.options(dataDir, Map.of("maintenance.interval", "1s"));
  }
}

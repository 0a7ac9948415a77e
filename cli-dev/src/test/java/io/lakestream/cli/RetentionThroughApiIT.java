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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention defined through the API ({@code POST /v1/tables} and {@code CREATE TABLE … WITH
 * (retention = …)}) is kept by the catalog, shown by {@code GET /v1/tables/{name}}, refused with a
 * JSON 400 when it is not a duration or the key is not a time, and applied by the maintenance that
 * {@code lakestream dev} runs: rows older than the retention disappear from queries. A project's
 * own retention ({@code POST /v1/projects} with {@code retention}) applies to that project's table
 * only.
 */
class RetentionThroughApiIT {

  @Test
  void retentionDefinedThroughTheApiExpiresOlderRows(@TempDir Path dataDir) throws Exception {
    try (DevRuntime dev = DevRuntime.start(options(dataDir))) {
      HttpResponse<String> created = createAppLogs(dev, "1d");
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
          .contains("has retention '30d': primary key 'id' is a long, not a time");
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

  @Test
  void aProjectsOwnRetentionExpiresThatProjectsRowsOnly(@TempDir Path dataDir) throws Exception {
    try (DevRuntime dev = DevRuntime.start(options(dataDir))) {
      createAppLogs(dev, "30d");
      assertThat(sql(dev, "CREATE TABLE counters (id BIGINT PRIMARY KEY, n BIGINT)").statusCode())
          .isEqualTo(200);

      // acme keeps its app_logs one day; globex keeps the type's 30 days.
      HttpResponse<String> acme =
          post(
              dev,
              "/v1/projects",
              "{\"project_id\": \"acme\", \"retention\": {\"app_logs\": \"1d\"}}");
      assertThat(acme.statusCode()).as(acme.body()).isEqualTo(201);
      assertThat(JSON.readTree(acme.body()).get("retention").toString())
          .isEqualTo("{\"app_logs\":\"1d\"}");
      assertThat(post(dev, "/v1/projects", "{\"project_id\": \"globex\"}").statusCode())
          .isEqualTo(201);

      // Refusals, in the user's terms; none changes acme's registration.
      assertRefused(
          dev,
          "{\"project_id\": \"acme\", \"bucket\": \"acme-lake\"}",
          "Unknown field 'bucket' in the body of POST /v1/projects, which takes project_id and"
              + " retention: remove it or correct its name. POST /v1/projects registers a project"
              + " of the shared warehouse; a project with its own bucket registers through POST"
              + " /register_project.");
      assertRefused(
          dev,
          "{\"project_id\": \"acme\", \"retention\": {\"app_logs\": \"a week\"}}",
          "Cannot set the retention of project 'acme' for table 'app_logs' to 'a week': it is not"
              + " a duration. Write it as a number of days, hours or minutes (30d, 12h, 90m), or"
              + " null to keep the table type's own retention.");
      assertRefused(
          dev,
          "{\"project_id\": \"acme\", \"retention\": {\"counters\": \"30d\"}}",
          "Cannot set the retention of project 'acme' for table 'counters' to '30d': the primary"
              + " key 'id' of table type 'counters' is a long, not a time. Write it as a number of"
              + " days, hours or minutes (30d, 12h, 90m), or null to keep the table type's own"
              + " retention.");
      assertRefused(
          dev,
          "{\"project_id\": \"acme\", \"retention\": {\"app_log\": \"7d\"}}",
          "Cannot set the retention of project 'acme' for table 'app_log': there is no table type"
              + " 'app_log'. Use one of app_logs, counters, events, metrics,"
              + " otel_logs_and_spans.");
      assertRefused(
          dev,
          "{\"project_id\": \"acme\", \"retention\": \"7d\"}",
          "Cannot register the project: retention must be a JSON object of table types and"
              + " durations, e.g. {\"retention\": {\"otel_logs_and_spans\": \"7d\"}}.");
      assertRefused(
          dev,
          "{\"project_id\": \"acme\", \"retention\": {\"app_logs\": 7}}",
          "Cannot register the project: the retention of 'app_logs' must be a duration in quotes"
              + " such as \"7d\", \"12h\" or \"90m\", or null for the table type's own, not 7.");
      assertThat(JSON.readTree(get(dev, "/v1/projects/acme").body()).get("retention").toString())
          .isEqualTo("{\"app_logs\":\"1d\"}");

      // Rows from 40 days ago to now in both projects.
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      for (String project : List.of("acme", "globex")) {
        HttpResponse<String> inserted =
            sql(
                dev,
                "INSERT INTO app_logs (ts, message, project_id) VALUES "
                    + row(now.minus(Duration.ofDays(40)), "forty days ago", project)
                    + ", "
                    + row(now.minus(Duration.ofDays(3)), "three days ago", project)
                    + ", "
                    + row(now.minus(Duration.ofHours(1)), "an hour ago", project)
                    + ", "
                    + row(now, "now", project));
        assertThat(inserted.statusCode()).as(inserted.body()).isEqualTo(200);
      }

      // acme's rows older than a day go; globex's only older than 30 days (so maintenance has
      // passed over globex's table too, by the type's retention).
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                assertThat(messages(dev, "acme")).isEqualTo("[[\"an hour ago\"],[\"now\"]]");
                assertThat(messages(dev, "globex"))
                    .isEqualTo("[[\"three days ago\"],[\"an hour ago\"],[\"now\"]]");
              });
      // Each table's status shows the retention it is kept by, and where it comes from.
      JsonNode acmeStatus = JSON.readTree(get(dev, "/v1/projects/acme/tables/app_logs").body());
      assertThat(acmeStatus.get("retention").asText()).as(acmeStatus.toString()).isEqualTo("1d");
      assertThat(acmeStatus.get("retention_source").asText()).isEqualTo("project");
      JsonNode globexStatus = JSON.readTree(get(dev, "/v1/projects/globex/tables/app_logs").body());
      assertThat(globexStatus.get("retention").asText()).isEqualTo("30d");
      assertThat(globexStatus.get("retention_source").asText()).isEqualTo("table_type");

      // null goes back to the type's retention.
      HttpResponse<String> reset =
          post(
              dev,
              "/v1/projects",
              "{\"project_id\": \"acme\", \"retention\": {\"app_logs\": null}}");
      assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
      assertThat(JSON.readTree(reset.body()).get("retention").toString()).isEqualTo("{}");
      JsonNode reverted = JSON.readTree(get(dev, "/v1/projects/acme/tables/app_logs").body());
      assertThat(reverted.get("retention").asText()).isEqualTo("30d");
      assertThat(reverted.get("retention_source").asText()).isEqualTo("table_type");
    }
  }

  private void assertRefused(DevRuntime dev, String body, String detail) throws Exception {
    HttpResponse<String> refused = post(dev, "/v1/projects", body);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(JSON.readTree(refused.body()).get("error").asText()).isEqualTo("bad_request");
    assertThat(JSON.readTree(refused.body()).get("detail").asText()).isEqualTo(detail);
  }

  private String messages(DevRuntime dev, String project) throws Exception {
    HttpResponse<String> selected =
        sql(dev, "SELECT message FROM app_logs WHERE project_id = '" + project + "' ORDER BY ts");
    assertThat(selected.statusCode()).as(selected.body()).isEqualTo(200);
    return JSON.readTree(selected.body()).get("rows").toString();
  }

  private static String row(Instant ts, String message) {
    return row(ts, message, "acme");
  }

  /** acme's times as ISO-8601 text, globex's as SQL's TIMESTAMP '2026-12-03 11:16:39' (UTC). */
  private static String row(Instant ts, String message, String project) {
    String time =
        project.equals("globex")
            ? "TIMESTAMP '" + ts.toString().replace('T', ' ').replace("Z", "") + "'"
            : "'" + ts + "'";
    return "(" + time + ", '" + message + "', '" + project + "')";
  }

  private static HttpResponse<String> post(DevRuntime dev, String path, String body)
      throws Exception {
    return send(dev, "POST", path, body);
  }

  /** Creates the table type app_logs (ts, message), kept {@code retention}. */
  private static HttpResponse<String> createAppLogs(DevRuntime dev, String retention)
      throws Exception {
    HttpResponse<String> created =
        postTable(
            dev,
            """
            {"name": "app_logs", "primary_key": "ts", "retention": "%s",
             "columns": [{"name": "ts", "type": "timestamp", "nullable": false},
                         {"name": "message", "type": "string"}]}"""
                .formatted(retention));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return created;
  }

  private static HttpResponse<String> postTable(DevRuntime dev, String definition)
      throws Exception {
    return send(dev, "POST", "/v1/tables", definition);
  }

  private static DevRuntime.Options options(Path dataDir) {
    return DevFixture.options(dataDir, Map.of("maintenance.interval", "1s"));
  }
}

package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import io.lakestream.catalog.Catalog;
import io.lakestream.query.http.HttpApi;
import io.lakestream.query.spi.RegistrationStore;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/sql} and {@code /v1/tables} over real Delta tables and the learned index. */
class SqlRoutesIT {
  static final String ACME = "acme-token";
  static final String ADMIN = "admin-token";
  static final TableDefinition EVENTS = TableDefinitions.builtIn("events");
  static final long BASE = 1_795_000_000_000_000L;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path warehouse;
  static QueryRole role;
  static final List<GenericRecord> inserted = new ArrayList<>();
  static List<GenericRecord> stored;

  /** The sidecar of the SQL route ITs: acme's token and the admin's, at most 100 rows a page. */
  static QueryConfig config(Path warehouse) {
    return QueryConfig.builder()
        .warehouse(warehouse.toUri())
        .projectToken("acme", ACME)
        .adminToken(ADMIN)
        .maxLimit(100)
        .defaultLimit(100)
        .build();
  }

  /**
   * The role of {@code config}, not started, with the built-in table types and INSERTs into {@code
   * inserts}, after its tables are loaded.
   */
  static QueryRole loaded(QueryConfig config, io.lakestream.sql.RowSink inserts) {
    QueryRole role =
        QueryRole.create(
            config,
            new SimpleMeterRegistry(),
            (e, r, b, a, s) -> {},
            Catalog.inMemory(TableDefinitions.builtIns()),
            inserts,
            RegistrationStore.inMemory());
    role.tables().discover();
    role.tables().pollAll();
    return role;
  }

  @BeforeAll
  static void start() {
    QueryConfig config = config(warehouse);
    stored = new TestRows(EVENTS, 7).rowsWithDuplicates("acme", BASE, 500, 1_000);
    DeltaFixture.of(config).pageRows(20).table("acme", EVENTS).append(stored, true);
    role =
        loaded(
            config,
            (table, rows) -> {
              inserted.addAll(rows);
              return rows.size();
            });
  }

  @AfterAll
  static void stop() {
    if (role != null) {
      role.close();
    }
  }

  static void api(io.javalin.testtools.TestCase test) {
    JavalinTest.test(HttpApi.create(role.services(), Optional.empty()), test);
  }

  static Response post(HttpClient client, String path, String token, String body) {
    return client.request(
        path,
        request ->
            request
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .post(HttpRequest.BodyPublishers.ofString(body)));
  }

  static Response sql(HttpClient client, String token, String statement) throws Exception {
    return post(client, "/v1/sql", token, JSON.createObjectNode().put("sql", statement).toString());
  }

  static JsonNode json(Response response) throws Exception {
    return JSON.readTree(response.body().string());
  }

  @Test
  void selectReadsAKeyRangeThroughTheIndexAndPagesPastTheMaximumLimit() throws Exception {
    api(
        (server, client) -> {
          Response response =
              sql(
                  client,
                  ACME,
                  "SELECT COUNT(*), MIN(timestamp), MAX(timestamp) FROM events WHERE project_id ="
                      + " 'acme'");
          assertThat(response.code()).isEqualTo(200);
          JsonNode all = json(response);
          assertThat(all.get("columns").toString())
              .isEqualTo("[\"count\",\"min\",\"max\"]"); // PostgreSQL's names
          assertThat(all.get("rows").get(0).get(0).asLong()).isEqualTo(500);
          long min = all.get("rows").get(0).get(1).asLong();
          long max = all.get("rows").get(0).get(2).asLong();

          JsonNode range =
              json(
                  sql(
                      client,
                      ACME,
                      "SELECT timestamp, event_type FROM events WHERE project_id = 'acme' AND"
                          + " timestamp >= make_timestamptz("
                          + min
                          + ") AND timestamp <= make_timestamptz("
                          + max
                          + ") ORDER BY timestamp DESC LIMIT 250"));
          assertThat(range.get("count").asLong()).isEqualTo(250);
          JsonNode rows = range.get("rows");
          assertThat(rows.get(0).get(0).asLong()).isEqualTo(max);
          for (int i = 1; i < rows.size(); i++) {
            assertThat(rows.get(i).get(0).asLong())
                .isLessThanOrEqualTo(rows.get(i - 1).get(0).asLong());
          }
        });
  }

  @Test
  void sqlErrorsAreJsonBadRequestsAndTokensAreChecked() throws Exception {
    api(
        (server, client) -> {
          Response tokensProject = sql(client, ACME, "SELECT count(*) FROM events");
          assertThat(tokensProject.code()).isEqualTo(200); // the token names the project
          assertThat(json(tokensProject).get("rows").get(0).get(0).asLong())
              .isEqualTo(stored.size());

          Response noProject = sql(client, ADMIN, "SELECT * FROM events");
          assertThat(noProject.code()).isEqualTo(400);
          JsonNode error = json(noProject);
          assertThat(error.get("error").asText()).isEqualTo("bad_request");
          assertThat(error.get("detail").asText())
              .startsWith("SELECT needs project_id = '<project>'");

          Response otherProject =
              sql(client, ACME, "SELECT * FROM events WHERE project_id = 'globex'");
          assertThat(otherProject.code()).isEqualTo(403);

          Response ddl = sql(client, ACME, "CREATE TABLE t (id BIGINT PRIMARY KEY)");
          assertThat(ddl.code()).isEqualTo(403);

          Response garbage = post(client, "/v1/sql", ACME, "not json");
          assertThat(garbage.code()).isEqualTo(400);
          assertThat(json(garbage).get("detail").asText()).startsWith("The body is not JSON");
        });
  }

  @Test
  void tablesCanBeCreatedDescribedInsertedIntoAndDropped() throws Exception {
    api(
        (server, client) -> {
          Response created =
              post(
                  client,
                  "/v1/tables",
                  ADMIN,
                  "{\"name\":\"users\",\"primary_key\":\"user_id\",\"columns\":[{\"name\":\"user_id\",\"type\":\"long\",\"nullable\":false},{\"name\":\"email\",\"type\":\"string\"}]}");
          assertThat(created.code()).isEqualTo(201);
          JsonNode users = json(created);
          assertThat(users.get("avro_schema").get("name").asText()).isEqualTo("Users");
          assertThat(users.get("ingest_topic").asText()).isEqualTo("lakestream.ingest.users");

          Response again =
              post(
                  client,
                  "/v1/tables",
                  ADMIN,
                  "{\"name\":\"users\",\"primary_key\":\"user_id\",\"columns\":[{\"name\":\"user_id\",\"type\":\"long\",\"nullable\":false}]}");
          assertThat(again.code()).isEqualTo(409);

          Response bad =
              post(
                  client,
                  "/v1/tables",
                  ADMIN,
                  "{\"name\":\"bad\",\"primary_key\":\"email\",\"columns\":[{\"name\":\"email\",\"type\":\"string\",\"nullable\":false}]}");
          assertThat(bad.code()).isEqualTo(400);
          assertThat(json(bad).get("detail").asText())
              .isEqualTo(
                  "Table definition request body: primary key column 'email' has type string, which"
                      + " is not orderable. Use int, long, timestamp, date, float or double.");

          Response listed =
              client.get("/v1/tables", r -> r.header("Authorization", "Bearer " + ACME));
          assertThat(json(listed).get("tables").toString())
              .contains("\"name\":\"users\"", "\"name\":\"events\"");

          Response insert =
              sql(
                  client,
                  ACME,
                  "INSERT INTO users (user_id, email, project_id) VALUES (1, 'a@example.com', 'acme'), (2, 'b@example.com', 'acme')");
          assertThat(insert.code()).isEqualTo(200);
          assertThat(json(insert).get("count").asLong()).isEqualTo(2);
          assertThat(inserted).extracting(r -> r.get("user_id")).contains(1L, 2L);

          Response typeError = sql(client, ACME, "INSERT INTO users (user_id) VALUES ('one')");
          assertThat(typeError.code()).isEqualTo(400);
          assertThat(json(typeError).get("detail").asText())
              .isEqualTo(
                  "Row 1: Column 'user_id' of table users (long) cannot hold \"one\": expected a 64-bit integer.");

          Response emptySelect =
              sql(client, ACME, "SELECT * FROM users WHERE project_id = 'acme' AND user_id = 1");
          assertThat(emptySelect.code()).isEqualTo(200);
          assertThat(json(emptySelect).get("rows").size()).isZero();

          Response builtIn =
              client.request(
                  "/v1/tables/events",
                  r ->
                      r.header("Authorization", "Bearer " + ADMIN)
                          .delete(HttpRequest.BodyPublishers.noBody()));
          assertThat(builtIn.code()).isEqualTo(409);
          Response dropped =
              client.request(
                  "/v1/tables/users",
                  r ->
                      r.header("Authorization", "Bearer " + ADMIN)
                          .delete(HttpRequest.BodyPublishers.noBody()));
          assertThat(dropped.code()).isEqualTo(200);
          Response gone =
              client.get("/v1/tables/users", r -> r.header("Authorization", "Bearer " + ADMIN));
          assertThat(gone.code()).isEqualTo(404);
        });
  }

  @Test
  void countDistinctCountsEachKeyOnceAndAliasesNameTheColumns() throws Exception {
    long distinctKeys = stored.stream().map(r -> r.get("timestamp")).distinct().count();
    long distinctTypes =
        stored.stream()
            .map(r -> r.get("event_type"))
            .filter(java.util.Objects::nonNull)
            .map(Object::toString)
            .distinct()
            .count();
    assertThat(distinctKeys).isLessThan(stored.size()); // the data has duplicate keys
    api(
        (server, client) -> {
          JsonNode counts =
              json(
                  sql(
                      client,
                      ACME,
                      "SELECT COUNT(*) AS n, COUNT(DISTINCT timestamp), COUNT(DISTINCT event_type)"
                          + " AS kinds FROM events WHERE project_id = 'acme'"));
          assertThat(counts.get("columns").toString()).isEqualTo("[\"n\",\"count\",\"kinds\"]");
          assertThat(counts.get("rows").get(0).get(0).asLong()).isEqualTo(stored.size());
          assertThat(counts.get("rows").get(0).get(1).asLong()).isEqualTo(distinctKeys);
          assertThat(counts.get("rows").get(0).get(2).asLong()).isEqualTo(distinctTypes);

          JsonNode aliased =
              json(
                  sql(
                      client,
                      ACME,
                      "SELECT timestamp AS ts, e.event_type kind FROM events e WHERE project_id ="
                          + " 'acme' LIMIT 1"));
          assertThat(aliased.get("columns").toString()).isEqualTo("[\"ts\",\"kind\"]");
        });
  }
}

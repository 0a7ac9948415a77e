package io.lakestream.query;

import static io.lakestream.query.SqlRoutesIT.json;
import static io.lakestream.query.SqlRoutesIT.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run-time table types over their life: dropped with data kept, re-created, purged; and project
 * registrations over HTTP. Real Delta tables in a local warehouse.
 */
class TableLifecycleIT {
  private static final String ACME = "acme-token";
  private static final String ADMIN = "admin-token";
  private static final String USERS_JSON =
      "{\"name\":\"users\",\"primary_key\":\"user_id\",\"columns\":["
          + "{\"name\":\"user_id\",\"type\":\"long\",\"nullable\":false},"
          + "{\"name\":\"email\",\"type\":\"string\"}]}";
  private static final String USERS_OTHER_COLUMNS_JSON =
      "{\"name\":\"users\",\"primary_key\":\"user_id\",\"columns\":["
          + "{\"name\":\"user_id\",\"type\":\"long\",\"nullable\":false},"
          + "{\"name\":\"age\",\"type\":\"int\"}]}";

  @TempDir Path warehouse;
  private final Catalog catalog = Catalog.inMemory(TableDefinitions.builtIns());
  private QueryRole role;
  private DeltaFixture fixture;

  @BeforeEach
  void start() {
    QueryConfig config =
        QueryConfig.builder()
            .warehouse(warehouse.toUri())
            .projectToken("acme", ACME)
            .adminToken(ADMIN)
            .build();
    fixture = DeltaFixture.of(config).pageRows(20);
    role =
        QueryRole.create(
            config,
            new SimpleMeterRegistry(),
            (e, r, b, a, s) -> {},
            catalog,
            (table, rows) -> rows.size(),
            RegistrationStore.inMemory());
  }

  @AfterEach
  void stop() {
    role.close();
  }

  private void api(io.javalin.testtools.TestCase test) {
    JavalinTest.test(HttpApi.create(role.services(), Optional.empty()), test);
  }

  /** Delta tables of {@code table} for acme and globex, 50 rows each, served by the sidecar. */
  private List<Path> writeTables(TableDefinition table) {
    List<Path> paths = new ArrayList<>();
    for (String project : List.of("acme", "globex")) {
      DeltaFixture.Table t = fixture.table(project, table);
      t.append(new TestRows(table, 3).rowsWithDuplicates(project, 1, 50, 1), true);
      paths.add(Path.of(t.path().toUri()));
    }
    role.tables().discover();
    role.tables().pollAll();
    return paths;
  }

  private static Response delete(HttpClient client, String path, String token) {
    return client.request(
        path,
        r ->
            r.header("Authorization", "Bearer " + token)
                .delete(HttpRequest.BodyPublishers.noBody()));
  }

  private static Response get(HttpClient client, String path, String token) {
    return client.get(path, r -> r.header("Authorization", "Bearer " + token));
  }

  @Test
  void aDroppedTableKeepsItsDataUntilPurgedAndOnlyTheSameColumnsMayReuseIt() {
    api(
        (server, client) -> {
          assertThat(post(client, "/v1/tables", ADMIN, USERS_JSON).code()).isEqualTo(201);
          TableDefinition users = catalog.table("users").orElseThrow();
          List<Path> paths = writeTables(users);
          assertThat(get(client, "/v1/projects/acme/tables/users/rows?from=0&to=100", ACME).code())
              .isEqualTo(200);

          Response dropped = delete(client, "/v1/tables/users", ADMIN);
          assertThat(dropped.code()).isEqualTo(200);
          assertThat(json(dropped).get("data").asText()).isEqualTo("kept");
          assertThat(paths).allMatch(Files::isDirectory);

          Response other = post(client, "/v1/tables", ADMIN, USERS_OTHER_COLUMNS_JSON);
          assertThat(other.code()).isEqualTo(409);
          assertThat(json(other).get("detail").asText())
              .isEqualTo(
                  "Table 'users' was dropped, and the data kept of it (2 project table(s), e.g."
                      + " acme/users) has other columns. Purge it first (DELETE"
                      + " /v1/tables/users?purge=true) or choose another name. Re-creating it"
                      + " with the same columns resumes the kept tables.");
          assertThat(catalog.table("users")).isEmpty();

          assertThat(post(client, "/v1/tables", ADMIN, USERS_JSON).code()).isEqualTo(201);

          assertThat(delete(client, "/v1/tables/users?purge=yes", ADMIN).code()).isEqualTo(400);
          assertThat(delete(client, "/v1/tables/users?purge=true", ACME).code()).isEqualTo(403);

          Response purged = delete(client, "/v1/tables/users?purge=true", ADMIN);
          assertThat(purged.code()).isEqualTo(200);
          JsonNode body = json(purged);
          assertThat(body.get("data").asText()).isEqualTo("purged");
          assertThat(body.get("purged_tables").toString())
              .isEqualTo(
                  "[{\"project_id\":\"acme\",\"table_name\":\"users\"},"
                      + "{\"project_id\":\"globex\",\"table_name\":\"users\"}]");
          assertThat(paths).noneMatch(Files::exists);
          assertThat(catalog.table("users")).isEmpty();
          assertThat(role.tables().tables()).noneMatch(id -> id.table().equals("users"));
          assertThat(get(client, "/v1/projects/acme/tables/users", ACME).code()).isEqualTo(404);
          assertThat(get(client, "/list_tables", ADMIN).body().string()).doesNotContain("users");

          Response again = delete(client, "/v1/tables/users?purge=true", ADMIN);
          assertThat(again.code()).isEqualTo(404);
          assertThat(json(again).get("detail").asText())
              .isEqualTo("There is no table 'users', nor data kept from a dropped one.");

          // After a purge the name is free for other columns.
          assertThat(post(client, "/v1/tables", ADMIN, USERS_OTHER_COLUMNS_JSON).code())
              .isEqualTo(201);
        });
  }

  @Test
  void thePurgeOfATypeDroppedEarlierDeletesItsKeptData() {
    api(
        (server, client) -> {
          assertThat(post(client, "/v1/tables", ADMIN, USERS_JSON).code()).isEqualTo(201);
          List<Path> paths = writeTables(catalog.table("users").orElseThrow());
          assertThat(delete(client, "/v1/tables/users", ADMIN).code()).isEqualTo(200);
          assertThat(delete(client, "/v1/tables/events?purge=true", ADMIN).code()).isEqualTo(409);

          Response purged = delete(client, "/v1/tables/users?purge=true", ADMIN);

          assertThat(purged.code()).isEqualTo(200);
          assertThat(json(purged).get("purged_tables").size()).isEqualTo(2);
          assertThat(paths).noneMatch(Files::exists);
        });
  }

  @Test
  void projectsAreRegisteredListedAndUnregisteredByTheAdmin() {
    api(
        (server, client) -> {
          Response created = post(client, "/v1/projects", ADMIN, "{\"project_id\":\"acme\"}");
          assertThat(created.code()).isEqualTo(201);
          JsonNode acme = json(created);
          assertThat(acme.get("project_id").asText()).isEqualTo("acme");
          assertThat(acme.get("storage").asText()).isEqualTo("shared");
          assertThat(catalog.project("acme")).isPresent();
          assertThat(post(client, "/v1/projects", ADMIN, "{\"project_id\":\"acme\"}").code())
              .isEqualTo(200);
          assertThat(post(client, "/v1/projects", ADMIN, "{\"project_id\":\"globex\"}").code())
              .isEqualTo(201);

          Response badId = post(client, "/v1/projects", ADMIN, "{\"project_id\":\"../etc\"}");
          assertThat(badId.code()).isEqualTo(400);
          assertThat(json(badId).get("detail").asText()).contains("'../etc'");
          assertThat(post(client, "/v1/projects", ADMIN, "[]").code()).isEqualTo(400);
          assertThat(post(client, "/v1/projects", ACME, "{\"project_id\":\"x\"}").code())
              .isEqualTo(403);

          assertThat(
                  json(get(client, "/v1/projects", ADMIN))
                      .get("projects")
                      .findValuesAsText("project_id"))
              .containsExactly("acme", "globex");
          assertThat(
                  json(get(client, "/v1/projects", ACME))
                      .get("projects")
                      .findValuesAsText("project_id"))
              .containsExactly("acme");
          assertThat(get(client, "/v1/projects/acme", ACME).code()).isEqualTo(200);
          assertThat(get(client, "/v1/projects/globex", ACME).code()).isEqualTo(403);

          assertThat(delete(client, "/v1/projects/globex", ACME).code()).isEqualTo(403);
          Response unregistered = delete(client, "/v1/projects/globex", ADMIN);
          assertThat(unregistered.code()).isEqualTo(200);
          assertThat(catalog.project("globex")).isEmpty();
          Response gone = get(client, "/v1/projects/globex", ADMIN);
          assertThat(gone.code()).isEqualTo(404);
          assertThat(json(gone).get("detail").asText())
              .isEqualTo("Project 'globex' is not registered. POST /v1/projects registers it.");
          assertThat(delete(client, "/v1/projects/globex", ADMIN).code()).isEqualTo(404);
        });
  }
}

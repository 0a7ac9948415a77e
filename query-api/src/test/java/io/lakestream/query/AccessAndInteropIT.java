package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.reader.TestRows;
import io.lakestream.reader.TimestampStyle;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.testkit.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access control and interoperability of the query sidecar over real HTTP: what {@code /metrics}
 * shows to whom, HEAD authenticated like GET, method overrides refused, project ids
 * case-insensitive, the CSV NULL convention read back by DuckDB, {@code timestamps=iso}, and an
 * OpenAPI document with operation ids, servers and 4xx answers.
 */
class AccessAndInteropIT {
  static final String ACME_TOKEN = "acme-token";
  static final String GLOBEX_TOKEN = "globex-token";
  static final String ADMIN_TOKEN = "admin-token";
  static final String METRICS_TOKEN = "metrics-token";
  static final TableDefinition EVENTS = TableDefinitions.builtIn("events");
  static final long BASE = 1_795_000_000_000_000L;
  static final String ACME_ROWS = "/v1/projects/acme/tables/events/rows";

  @TempDir static Path warehouse;
  @TempDir static Path dataDir;
  @TempDir static Path scratch;
  static QueryRole role;
  static String origin;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    QueryConfig config =
        QueryConfig.builder()
            .warehouse(warehouse.toUri())
            .projectToken("ACME", ACME_TOKEN) // project ids are case-insensitive
            .projectToken("globex", GLOBEX_TOKEN)
            .adminToken(ADMIN_TOKEN)
            .metricsToken(METRICS_TOKEN)
            .httpHost("127.0.0.1")
            .httpPort(0)
            .dataDir(dataDir)
            .encryptionKey("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
            .build();
    DeltaFixture fixture = DeltaFixture.of(config);
    // name: NULL, the empty string, a value that needs quotes, a plain value.
    TestRows random = new TestRows(EVENTS, 7);
    List<GenericRecord> rows = new ArrayList<>();
    String[] names = {null, "", "a,b", "plain"};
    for (int i = 0; i < names.length; i++) {
      GenericRecord row = random.row("acme", BASE + i);
      row.put("name", names[i]);
      rows.add(row);
    }
    fixture.table("acme", EVENTS).append(rows, true);
    fixture
        .table("globex", EVENTS)
        .append(new TestRows(EVENTS, 8).rowsWithDuplicates("globex", BASE, 20, 1000), true);
    role = QueryRole.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    origin = "http://127.0.0.1:" + role.port();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> send("GET", "/ready", null, null, Map.of()).statusCode() == 200);
  }

  @AfterAll
  static void stop() {
    if (role != null) {
      role.close();
    }
  }

  static HttpResponse<String> send(
      String method, String path, String token, String body, Map<String, String> headers)
      throws Exception {
    return ApiRequests.send(origin, method, path, token, body, headers);
  }

  static HttpResponse<String> get(String path, String token) throws Exception {
    return send("GET", path, token, null, Map.of());
  }

  static void assertError(HttpResponse<String> response, int status, String detail) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode json = ExpectedRows.parse(response.body());
    assertThat(json.get("detail").asText()).contains(detail);
    assertThat(response.body()).doesNotContain("Exception");
  }

  /** The projects named by samples of the exposition, after checking its format strictly. */
  static Set<String> projectsIn(String exposition) {
    return PrometheusText.parse(exposition).values().stream()
        .flatMap(f -> f.samples().stream())
        .map(s -> s.labels().get("project"))
        .filter(p -> p != null)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void metricsWithoutTokenServeNoProjectSeries() throws Exception {
    get(ACME_ROWS, ACME_TOKEN); // a request timer exists

    HttpResponse<String> open = get("/metrics", null);

    assertThat(open.statusCode()).isEqualTo(200);
    assertThat(projectsIn(open.body())).isEmpty();
    assertThat(open.body())
        .contains("lakestream_query_tables ")
        .doesNotContain("lakestream_query_table_rows")
        .doesNotContain("globex");
    Map<String, PrometheusText.Family> families = PrometheusText.parse(open.body());
    assertThat(families)
        .containsKeys("lakestream_query_tables", "lakestream_query_requests_seconds");
  }

  @Test
  void metricsShowAProjectTokenItsOwnSeriesAndTheMetricsTokenAll() throws Exception {
    assertThat(projectsIn(get("/metrics", ACME_TOKEN).body())).containsExactly("acme");
    assertThat(projectsIn(get("/metrics", METRICS_TOKEN).body())).containsExactly("acme", "globex");
    assertThat(projectsIn(get("/metrics", ADMIN_TOKEN).body())).containsExactly("acme", "globex");
    assertThat(get("/metrics", METRICS_TOKEN).body())
        .contains("lakestream_query_table_rows{project=\"globex\",table=\"events\"} 20.0");
    assertError(get("/metrics", "wrong"), 401, "The bearer token is not valid here");
  }

  @Test
  void theMetricsTokenReadsNothingElse() throws Exception {
    assertError(get(ACME_ROWS, METRICS_TOKEN), 401, "The bearer token is not valid here");
  }

  @Test
  void headIsAuthenticatedLikeGetOnEveryGetRoute() throws Exception {
    List<String> routes =
        List.of(
            ACME_ROWS,
            ACME_ROWS + "/" + BASE,
            "/v1/projects/acme/tables/events",
            "/list_tables",
            "/v1/projects",
            "/v1/projects/acme",
            "/v1/tables",
            "/v1/tables/events");
    for (String route : routes) {
      HttpResponse<String> head = send("HEAD", route, null, null, Map.of());
      assertThat(head.statusCode()).as("HEAD " + route).isEqualTo(401);
      assertThat(head.body()).isEmpty();
      assertThat(send("HEAD", route, GLOBEX_TOKEN, null, Map.of()).statusCode())
          .as("HEAD " + route + " with another project's token")
          .isEqualTo(get(route, GLOBEX_TOKEN).statusCode());
    }
    HttpResponse<String> head = send("HEAD", ACME_ROWS, ACME_TOKEN, null, Map.of());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Lakestream-Row-Count")).contains("4");
    assertThat(head.body()).isEmpty();
  }

  @Test
  void aPostWithAMethodOverrideDoesNotDelete() throws Exception {
    assertThat(
            send("POST", "/v1/projects", ADMIN_TOKEN, "{\"project_id\":\"keepme\"}", Map.of())
                .statusCode())
        .isEqualTo(201);

    for (String header : List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override")) {
      HttpResponse<String> override =
          send("POST", "/v1/projects/keepme", ADMIN_TOKEN, "", Map.of(header, "DELETE"));
      assertError(override, 400, "The header '" + header + "' is not supported");
    }
    HttpResponse<String> formStyle =
        send("POST", "/v1/projects/keepme?_method=DELETE", ADMIN_TOKEN, "_method=DELETE", Map.of());
    assertThat(formStyle.statusCode()).isIn(404, 405);

    HttpResponse<String> still = get("/v1/projects/keepme", ADMIN_TOKEN);
    assertThat(still.statusCode()).isEqualTo(200);
    assertThat(ExpectedRows.parse(still.body()).get("project_id").asText()).isEqualTo("keepme");
  }

  @Test
  void projectIdsAreCaseInsensitiveEverywhere() throws Exception {
    HttpResponse<String> upper = get("/v1/projects/ACME/tables/events/rows", ACME_TOKEN);
    assertThat(upper.statusCode()).as(upper.body()).isEqualTo(200);
    assertThat(upper.body()).isEqualTo(get(ACME_ROWS, ACME_TOKEN).body());

    HttpResponse<String> created =
        send("POST", "/v1/projects", ADMIN_TOKEN, "{\"project_id\":\"Initech\"}", Map.of());
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(ExpectedRows.parse(created.body()).get("project_id").asText()).isEqualTo("initech");
    HttpResponse<String> again =
        send("POST", "/v1/projects", ADMIN_TOKEN, "{\"project_id\":\"INITECH\"}", Map.of());
    assertThat(again.statusCode()).as("the same project").isEqualTo(200);
    assertThat(get("/v1/projects/initech", ADMIN_TOKEN).statusCode()).isEqualTo(200);
    assertThat(
            ExpectedRows.parse(get("/v1/projects", ADMIN_TOKEN).body())
                .get("projects")
                .findValues("project_id")
                .stream()
                .map(JsonNode::asText)
                .filter(p -> p.equalsIgnoreCase("initech"))
                .toList())
        .containsExactly("initech");
  }

  @Test
  void anInsertWithAnEmptyProjectIdIsRefused() throws Exception {
    HttpResponse<String> insert =
        send(
            "POST",
            "/v1/sql",
            ADMIN_TOKEN,
            "{\"sql\":\"INSERT INTO events (timestamp, event_type, project_id) VALUES (1, 'x',"
                + " '')\"}",
            Map.of());
    assertError(insert, 400, "INSERT names project_id '', which is not a project id");
  }

  @Test
  void csvTellsNullFromTheEmptyStringAsDuckDbReadsIt() throws Exception {
    HttpResponse<String> twoColumns =
        get(ACME_ROWS + "?format=csv&columns=timestamp,name", ACME_TOKEN);
    assertThat(twoColumns.body())
        .isEqualTo(
            "timestamp,name\r\n"
                + BASE
                + ",\r\n"
                + (BASE + 1)
                + ",\"\"\r\n"
                + (BASE + 2)
                + ",\"a,b\"\r\n"
                + (BASE + 3)
                + ",plain\r\n");
    assertThat(duckDbNames(twoColumns.body())).containsExactly("NULL", "''", "'a,b'", "'plain'");

    HttpResponse<String> oneColumn = get(ACME_ROWS + "?format=csv&columns=name", ACME_TOKEN);
    assertThat(oneColumn.body()).isEqualTo("name\r\n\r\n\"\"\r\n\"a,b\"\r\nplain\r\n");
    assertThat(duckDbNames(oneColumn.body())).containsExactly("NULL", "''", "'a,b'", "'plain'");
  }

  /** The {@code name} column of a CSV as DuckDB reads it: NULL or the quoted value. */
  static List<String> duckDbNames(String csv) throws Exception {
    Path file = Files.createTempFile(scratch, "rows", ".csv");
    Files.writeString(file, csv, StandardCharsets.UTF_8);
    List<String> names = new ArrayList<>();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duck.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT name FROM read_csv('"
                    + file
                    + "', header = true, all_varchar = true, allow_quoted_nulls = false)")) {
      while (rows.next()) {
        String name = rows.getString(1);
        names.add(name == null ? "NULL" : "'" + name + "'");
      }
    }
    return names;
  }

  @Test
  void isoTimestampsInJsonNdjsonAndCsv() throws Exception {
    String first = "2026-11-18T11:06:40.000000Z";
    assertThat(TimestampStyle.iso(BASE)).isEqualTo(first);
    JsonNode json =
        ExpectedRows.parse(get(ACME_ROWS + "?timestamps=iso&columns=timestamp", ACME_TOKEN).body());
    assertThat(json.get(0).get("timestamp").asText()).isEqualTo(first);
    assertThat(json.get(1).get("timestamp").asText()).isEqualTo("2026-11-18T11:06:40.000001Z");
    assertThat(get(ACME_ROWS + "?columns=timestamp&limit=1", ACME_TOKEN).body())
        .as("the default: integer microseconds")
        .isEqualTo("[{\"timestamp\":" + BASE + "}]");

    String ndjson =
        get(ACME_ROWS + "?timestamps=iso&columns=timestamp&limit=1&format=ndjson", ACME_TOKEN)
            .body();
    assertThat(ndjson).isEqualTo("{\"timestamp\":\"" + first + "\"}\n");
    String csv =
        get(ACME_ROWS + "?timestamps=iso&columns=timestamp,name&limit=1&format=csv", ACME_TOKEN)
            .body();
    assertThat(csv).isEqualTo("timestamp,name\r\n" + first + ",\r\n");

    assertError(
        get(ACME_ROWS + "?timestamps=iso&format=arrow", ACME_TOKEN),
        400,
        "Parameter 'timestamps' is 'iso', which is not supported with Arrow");
    assertError(
        get(ACME_ROWS + "?timestamps=rfc", ACME_TOKEN),
        400,
        "Parameter 'timestamps' is 'rfc', which is not 'micros' (the default) or 'iso'");
  }

  @Test
  void openApiHasOperationIdsServersAndA4xxOnEveryOperation() throws Exception {
    JsonNode api = ExpectedRows.parse(get("/openapi.json", null).body());
    assertThat(api.get("servers")).isNotEmpty();
    Set<String> ids = new TreeSet<>();
    int operations = 0;
    for (var path : (Iterable<Map.Entry<String, JsonNode>>) api.get("paths")::fields) {
      for (var operation : (Iterable<Map.Entry<String, JsonNode>>) path.getValue()::fields) {
        if (operation.getKey().equals("parameters")) {
          continue;
        }
        operations++;
        String where = operation.getKey() + " " + path.getKey();
        assertThat(operation.getValue().path("operationId").asText()).as(where).isNotEmpty();
        ids.add(operation.getValue().get("operationId").asText());
        List<String> codes = new ArrayList<>();
        operation.getValue().get("responses").fieldNames().forEachRemaining(codes::add);
        assertThat(codes).as(where).anyMatch(c -> c.startsWith("4"));
        if (!path.getKey().equals("/health")
            && !path.getKey().equals("/openapi.json")
            && !path.getKey().equals("/ready")) {
          assertThat(codes).as(where).contains("401");
        }
      }
    }
    assertThat(ids).as("operationIds are unique").hasSize(operations);
  }
}

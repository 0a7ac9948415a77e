package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import io.javalin.testtools.TestCase;
import io.lakestream.query.http.HttpApi;
import io.lakestream.query.spi.BucketValidator;
import io.lakestream.query.spi.BucketValidator.BucketUnreachableException;
import io.lakestream.reader.Keys;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route and every error of the query API through JavalinTest, on real Delta tables of two
 * projects: statuses, JSON error bodies, formats parsed back, cursors, tokens.
 */
class QueryRoutesIT {
  static final String ACME_TOKEN = "acme-token";
  static final String GLOBEX_TOKEN = "globex-token";
  static final String ADMIN_TOKEN = "admin-token";
  static final TableDefinition EVENTS = TableDefinitions.builtIn("events");
  static final TableDefinition METRICS = TableDefinitions.builtIn("metrics");
  static final long BASE = 1_795_000_000_000_000L; // 2026-11-18T...

  @TempDir static Path warehouse;
  @TempDir static Path dataDir;
  static QueryRole role;
  static PrometheusMeterRegistry prometheus;
  static DeltaFixture.Table acmeEvents;
  static DeltaFixture.Table acmeMetrics;

  @BeforeAll
  static void start() {
    QueryConfig config =
        QueryConfig.builder()
            .warehouse(warehouse.toUri())
            .projectToken("acme", ACME_TOKEN)
            .projectToken("globex", GLOBEX_TOKEN)
            .adminToken(ADMIN_TOKEN)
            .maxLimit(5_000)
            .defaultLimit(500)
            .dataDir(dataDir)
            .encryptionKey("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
            .allowPrivateEndpoints(true) // the registration test names 127.0.0.1
            .build();
    DeltaFixture fixture = DeltaFixture.of(config).pageRows(50);
    acmeEvents = fixture.table("acme", EVENTS);
    acmeEvents.append(
        new TestRows(EVENTS, 1).rowsWithDuplicates("acme", BASE, 600, 1_000_000), true);
    acmeEvents.append(
        new TestRows(EVENTS, 2).rowsWithDuplicates("acme", BASE + 500_000, 300, 1_000_000), true);
    acmeMetrics = fixture.table("acme", METRICS);
    acmeMetrics.append(new TestRows(METRICS, 3).rowsWithDuplicates("acme", BASE, 400, 1000), true);
    fixture
        .table("globex", EVENTS)
        .append(new TestRows(EVENTS, 4).rowsWithDuplicates("globex", BASE, 50, 1000), true);
    prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    BucketValidator validator =
        (endpoint, region, bucket, accessKey, secretKey) -> {
          if (!bucket.equals("good-bucket") || !secretKey.equals("s3cr3t")) {
            throw new BucketUnreachableException("access denied (403)");
          }
        };
    role = QueryRole.create(config, prometheus, validator);
    role.tables().discover();
    role.tables().pollAll();
  }

  @AfterAll
  static void stop() {
    if (role != null) {
      role.close();
    }
  }

  static void api(TestCase test) {
    JavalinTest.test(HttpApi.create(role.services(), Optional.of(prometheus)), test);
  }

  static Response get(HttpClient client, String path, String token) {
    return client.get(
        path,
        request -> {
          if (token != null) {
            request.header("Authorization", "Bearer " + token);
          }
        });
  }

  /** {@code POST path} with a body, and the bearer {@code token} (none when null). */
  static Response post(HttpClient client, String path, String body, String token) {
    return client.post(
        path,
        body,
        request -> {
          if (token != null) {
            request.header("Authorization", "Bearer " + token);
          }
        });
  }

  static Response get(HttpClient client, String path, String token, String accept) {
    return client.get(
        path,
        request -> {
          request.header("Authorization", "Bearer " + token);
          request.header("Accept", accept);
        });
  }

  static HttpResponse<byte[]> getBytes(HttpClient client, String path, String token, String accept)
      throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(client.getOrigin() + path))
                .header("Authorization", "Bearer " + token)
                .header("Accept", accept)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The values of a response header; empty when absent. */
  static List<String> header(Response response, String name) {
    List<String> values = response.headers().get(name);
    return values == null ? List.of() : values;
  }

  static void assertError(Response response, int status, String error, String detail) {
    String body = response.body().string();
    assertThat(response.code()).as(body).isEqualTo(status);
    JsonNode json = ExpectedRows.parse(body);
    assertThat(json.get("error").asText()).isEqualTo(error);
    assertThat(json.get("detail").asText()).contains(detail);
    assertThat(json.size()).isEqualTo(2);
    assertThat(body).doesNotContain("\tat ").doesNotContain("Exception");
  }

  static List<GenericRecord> rowsIn(DeltaFixture.Table table, long lo, long hiExclusive) {
    List<GenericRecord> rows = new ArrayList<>();
    for (GenericRecord row : table.expectedRows()) {
      long key = table.key(row);
      if (key >= lo && key < hiExclusive) {
        rows.add(row);
      }
    }
    return rows;
  }

  static final String ACME_EVENTS = "/v1/projects/acme/tables/events";

  @Test
  void rangeReadAnswersJsonByDefaultWithCountAndVersionHeaders() {
    api(
        (server, client) -> {
          long from = BASE + 100_000_000;
          long to = BASE + 300_000_000;
          Response response =
              get(client, ACME_EVENTS + "/rows?from=" + from + "&to=" + to, ACME_TOKEN);
          assertThat(response.code()).isEqualTo(200);
          assertThat(header(response, "Content-Type").get(0)).startsWith("application/json");
          List<GenericRecord> rows = rowsIn(acmeEvents, from, to);
          assertThat(ExpectedRows.texts(ExpectedRows.parse(response.body().string())))
              .isEqualTo(ResponseFormats.expected(EVENTS, EVENTS.columnNames(), rows));
          assertThat(header(response, "Lakestream-Row-Count"))
              .containsExactly(Integer.toString(rows.size()));
          assertThat(header(response, "Lakestream-Table-Version")).containsExactly("1");
          assertThat(header(response, "Lakestream-Next-Cursor")).isEmpty();
        });
  }

  @Test
  void isoTimestampsSelectTheSameRowsAsMicroseconds() {
    api(
        (server, client) -> {
          String fromIso = Keys.isoTimestamp(BASE + 100_000_000);
          String toIso = Keys.isoTimestamp(BASE + 200_000_000);
          String iso =
              get(client, ACME_EVENTS + "/rows?from=" + fromIso + "&to=" + toIso, ACME_TOKEN)
                  .body()
                  .string();
          String micros =
              get(
                      client,
                      ACME_EVENTS
                          + "/rows?from="
                          + (BASE + 100_000_000)
                          + "&to="
                          + (BASE + 200_000_000),
                      ACME_TOKEN)
                  .body()
                  .string();
          assertThat(iso).isEqualTo(micros).isNotEqualTo("[]");
        });
  }

  @Test
  void openEndedRangesAndTheDefaultLimit() {
    api(
        (server, client) -> {
          Response all = get(client, ACME_EVENTS + "/rows?limit=5000", ACME_TOKEN);
          assertThat(ExpectedRows.texts(ExpectedRows.parse(all.body().string())))
              .isEqualTo(
                  ResponseFormats.expected(
                      EVENTS, EVENTS.columnNames(), acmeEvents.expectedRows()));
          Response firstPage = get(client, ACME_EVENTS + "/rows", ACME_TOKEN);
          assertThat(header(firstPage, "Lakestream-Row-Count")).containsExactly("500");
          assertThat(header(firstPage, "Lakestream-Next-Cursor")).hasSize(1);
          Response upTo = get(client, ACME_EVENTS + "/rows?to=" + (BASE + 2_000_000), ACME_TOKEN);
          assertThat(ExpectedRows.texts(ExpectedRows.parse(upTo.body().string())))
              .isEqualTo(
                  ResponseFormats.expected(
                      EVENTS,
                      EVENTS.columnNames(),
                      rowsIn(acmeEvents, Long.MIN_VALUE, BASE + 2_000_000)));
        });
  }

  @Test
  void cursorsContinueExactlyWhereThePreviousPageStoppedInBothOrders() {
    api(
        (server, client) -> {
          for (String order : List.of("asc", "desc")) {
            List<String> all = new ArrayList<>();
            String cursor = null;
            do {
              Response page =
                  get(
                      client,
                      ACME_EVENTS
                          + "/rows?limit=97&order="
                          + order
                          + (cursor == null ? "" : "&cursor=" + cursor),
                      ACME_TOKEN);
              assertThat(page.code()).isEqualTo(200);
              all.addAll(ExpectedRows.texts(ExpectedRows.parse(page.body().string())));
              List<String> next = header(page, "Lakestream-Next-Cursor");
              cursor = next.isEmpty() ? null : next.get(0);
            } while (cursor != null);
            List<String> expected =
                ResponseFormats.expected(EVENTS, EVENTS.columnNames(), acmeEvents.expectedRows());
            if (order.equals("desc")) {
              java.util.Collections.reverse(expected);
            }
            assertThat(all).isEqualTo(expected);
          }
        });
  }

  @Test
  void everyFormatParsesBackToTheSameRows() {
    api(
        (server, client) -> {
          long from = BASE;
          long to = BASE + 400_000;
          String range = "/v1/projects/acme/tables/metrics/rows?from=" + from + "&to=" + to;
          List<String> columns = METRICS.columnNames();
          List<String> expected =
              ResponseFormats.expected(METRICS, columns, rowsIn(acmeMetrics, from, to));
          assertThat(expected).hasSizeGreaterThan(50);

          Response json = get(client, range, ACME_TOKEN, "application/json");
          assertThat(ExpectedRows.texts(ExpectedRows.parse(json.body().string())))
              .isEqualTo(expected);

          Response ndjson = get(client, range, ACME_TOKEN, "application/x-ndjson");
          assertThat(header(ndjson, "Content-Type").get(0)).startsWith("application/x-ndjson");
          assertThat(ExpectedRows.ndjsonTexts(ndjson.body().string())).isEqualTo(expected);

          Response csv = get(client, range, ACME_TOKEN, "text/csv");
          assertThat(header(csv, "Content-Type").get(0)).startsWith("text/csv");
          assertThat(ResponseFormats.csvTexts(METRICS, columns, csv.body().string()))
              .isEqualTo(expected);

          HttpResponse<byte[]> arrow =
              getBytes(client, range, ACME_TOKEN, "application/vnd.apache.arrow.stream");
          assertThat(arrow.headers().firstValue("Content-Type"))
              .hasValue("application/vnd.apache.arrow.stream");
          assertThat(ResponseFormats.arrowTexts(METRICS, columns, arrow.body()))
              .isEqualTo(expected);

          Response overridden = get(client, range + "&format=ndjson", ACME_TOKEN, "text/csv");
          assertThat(ExpectedRows.ndjsonTexts(overridden.body().string())).isEqualTo(expected);
        });
  }

  @Test
  void jsonColumnsAreEmbeddedAsJsonNotAsStrings() {
    api(
        (server, client) -> {
          JsonNode rows =
              ExpectedRows.parse(
                  get(client, ACME_EVENTS + "/rows?limit=50&columns=payload", ACME_TOKEN)
                      .body()
                      .string());
          long embedded = 0;
          for (JsonNode row : rows) {
            assertThat(row.size()).isEqualTo(1);
            JsonNode payload = row.get("payload");
            assertThat(payload.isTextual()).isFalse();
            embedded += payload.isContainerNode() ? 1 : 0;
          }
          assertThat(embedded).isPositive();
        });
  }

  @Test
  void columnsAndDescendingOrderShapeTheRows() {
    api(
        (server, client) -> {
          long from = BASE + 50_000_000;
          long to = BASE + 150_000_000;
          Response response =
              get(
                  client,
                  ACME_EVENTS
                      + "/rows?from="
                      + from
                      + "&to="
                      + to
                      + "&order=desc&columns=event_type,timestamp",
                  ACME_TOKEN);
          List<String> expected =
              ResponseFormats.expected(
                  EVENTS, List.of("event_type", "timestamp"), rowsIn(acmeEvents, from, to));
          java.util.Collections.reverse(expected);
          assertThat(ExpectedRows.texts(ExpectedRows.parse(response.body().string())))
              .isEqualTo(expected);
        });
  }

  @Test
  void pointReadAnswersEveryRowOfTheKey() {
    api(
        (server, client) -> {
          Iterator<GenericRecord> rows = acmeEvents.expectedRows().iterator();
          long key = acmeEvents.key(rows.next());
          Response response = get(client, ACME_EVENTS + "/rows/" + key, ACME_TOKEN);
          List<String> expected =
              ResponseFormats.expected(
                  EVENTS, EVENTS.columnNames(), rowsIn(acmeEvents, key, key + 1));
          assertThat(expected).isNotEmpty();
          assertThat(ExpectedRows.texts(ExpectedRows.parse(response.body().string())))
              .isEqualTo(expected);
          Response iso = get(client, ACME_EVENTS + "/rows/" + Keys.isoTimestamp(key), ACME_TOKEN);
          assertThat(ExpectedRows.texts(ExpectedRows.parse(iso.body().string())))
              .isEqualTo(expected);
          Response none = get(client, ACME_EVENTS + "/rows/" + (key + 1), ACME_TOKEN);
          assertThat(none.body().string()).isEqualTo("[]");
        });
  }

  @Test
  void tableStatusTellsVersionFilesRowsIndexBytesAndFreshness() {
    api(
        (server, client) -> {
          Response response = get(client, ACME_EVENTS, ACME_TOKEN);
          assertThat(response.code()).isEqualTo(200);
          JsonNode status = ExpectedRows.parse(response.body().string());
          assertThat(status.get("delta_version").asLong()).isEqualTo(1);
          assertThat(status.get("files").asInt()).isEqualTo(2);
          assertThat(status.get("rows").asLong()).isEqualTo(900);
          assertThat(status.get("index_bytes").asLong()).isPositive();
          assertThat(status.get("freshness_lag_ms").asLong()).isNotNegative();
          assertThat(status.get("primary_key").asText()).isEqualTo("timestamp");
          assertThat(status.get("caught_up").asBoolean()).isTrue();
          long maxKey = acmeEvents.key(acmeEvents.expectedRows().get(899));
          assertThat(status.get("max_key").asLong()).isEqualTo(maxKey);
          assertThat(status.get("max_key_iso").asText()).isEqualTo(Keys.isoTimestamp(maxKey));
        });
  }

  @Test
  void listTablesShowsWhatTheTokenMayRead() {
    api(
        (server, client) -> {
          assertThat(tables(get(client, "/list_tables", ADMIN_TOKEN)))
              .contains("acme/events", "acme/metrics", "globex/events");
          assertThat(tables(get(client, "/list_tables", ACME_TOKEN)))
              .containsExactly("acme/events", "acme/metrics");
          assertThat(tables(get(client, "/list_tables", GLOBEX_TOKEN)))
              .containsExactly("globex/events");
        });
  }

  static Set<String> tables(Response response) {
    assertThat(response.code()).isEqualTo(200);
    Set<String> tables = new TreeSet<>();
    for (JsonNode table : ExpectedRows.parse(response.body().string()).get("tables")) {
      tables.add(table.get("project_id").asText() + "/" + table.get("table_name").asText());
    }
    return tables;
  }

  /** A GET that must fail: the status, the error code and a part of the detail the user reads. */
  record ErrorCase(
      String path, String token, String accept, int status, String error, String detail) {
    static ErrorCase forbidden(String path, String detail) {
      return new ErrorCase(path, ACME_TOKEN, null, 403, "forbidden", detail);
    }

    static ErrorCase unauthorized(String path, String token, String detail) {
      return new ErrorCase(path, token, null, 401, "unauthorized", detail);
    }

    /** A range read of acme's events with {@code query}. */
    static ErrorCase badRequest(String query, String detail) {
      return new ErrorCase(
          ACME_EVENTS + "/rows" + query, ACME_TOKEN, null, 400, "bad_request", detail);
    }

    static ErrorCase notFound(String path, String token, String detail) {
      return new ErrorCase(path, token, null, 404, "not_found", detail);
    }

    static ErrorCase notAcceptable(String query, String accept, String detail) {
      return new ErrorCase(
          ACME_EVENTS + "/rows" + query, ACME_TOKEN, accept, 406, "not_acceptable", detail);
    }

    @Override
    public String toString() {
      return "GET " + path + (accept == null ? "" : " Accept: " + accept) + " -> " + status;
    }
  }

  static List<ErrorCase> errorCases() {
    String globex = "/v1/projects/globex/tables/events";
    return List.of(
        // A token of one project reads nothing of another.
        ErrorCase.forbidden(globex + "/rows", "project 'globex'"),
        ErrorCase.forbidden(globex, "project 'globex'"),
        ErrorCase.forbidden(globex + "/rows/1", "project 'globex'"),
        ErrorCase.forbidden("/v1/projects/nobody/tables/events/rows", "project 'nobody'"),
        // Unknown tokens.
        ErrorCase.unauthorized(ACME_EVENTS + "/rows", "wrong", "not valid"),
        ErrorCase.unauthorized("/list_tables", null, "token"),
        // Bad parameters, named.
        ErrorCase.badRequest("?from=10&to=10", "'from' is inclusive and 'to' exclusive"),
        ErrorCase.badRequest("?from=20&to=10", "must be below 'to'"),
        ErrorCase.badRequest("?from=yesterday", "'yesterday' given as 'from'"),
        ErrorCase.badRequest("?to=2026-13-45T00:00:00Z", "given as 'to'"),
        ErrorCase.badRequest("/abc", "'abc' given as 'key'"),
        ErrorCase.badRequest("?limit=5001", "above the maximum of 5000"),
        ErrorCase.badRequest("?limit=0", "'limit'"),
        ErrorCase.badRequest("?limit=ten", "'limit'"),
        ErrorCase.badRequest("?cursor=not-a-cursor!", "cursor"),
        ErrorCase.badRequest("?cursor=AQAAAAAAAAAAAAAA", "cursor"),
        ErrorCase.badRequest("?order=sideways", "'asc' or 'desc'"),
        ErrorCase.badRequest("?columns=timestamp,nope", "no column 'nope'"),
        // Unknown projects, tables and routes.
        ErrorCase.notFound(
            "/v1/projects/nobody/tables/events/rows", ADMIN_TOKEN, "Project 'nobody'"),
        ErrorCase.notFound(
            "/v1/projects/acme/tables/nope/rows",
            ACME_TOKEN,
            "no table 'nope'; it has events, metrics"),
        ErrorCase.notFound("/v1/projects/acme/tables/nope", ACME_TOKEN, "no table 'nope'"),
        ErrorCase.notFound("/v2/whatever", ACME_TOKEN, "No route GET /v2/whatever"),
        // Formats the API does not write.
        ErrorCase.notAcceptable("", "application/xml", "application/xml"),
        ErrorCase.notAcceptable("?format=parquet", null, "'parquet'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errorCases")
  void aBadRequestIsAJsonErrorThatSaysWhatIsWrong(ErrorCase test) {
    api(
        (server, client) ->
            assertError(
                client.get(
                    test.path(),
                    request -> {
                      if (test.token() != null) {
                        request.header("Authorization", "Bearer " + test.token());
                      }
                      if (test.accept() != null) {
                        request.header("Accept", test.accept());
                      }
                    }),
                test.status(),
                test.error(),
                test.detail()));
  }

  /**
   * A JSON body with a field its route does not take: the body, the field the error names, what the
   * route takes there, and a path that shows nothing was done (404), or null.
   */
  record UnknownField(String route, String body, String detail, String unchanged) {
    @Override
    public String toString() {
      return route + " " + body;
    }
  }

  static List<UnknownField> unknownFields() {
    return List.of(
        new UnknownField(
            "/register_project",
            "{\"project_id\":\"initrode\",\"bucket\":\"good-bucket\",\"access_key\":\"AK\","
                + "\"secret_key\":\"s3cr3t\",\"endpoint\":\"http://127.0.0.1:9000\","
                + "\"table_name\":\"events\",\"path_style\":true}",
            "Unknown field 'path_style' in the body of POST /register_project, which takes"
                + " project_id, bucket, access_key, secret_key, endpoint, table_name and region:"
                + " remove it or correct its name.",
            "/v1/projects/initrode"),
        new UnknownField(
            "/v1/projects",
            "{\"project_id\":\"initrode\",\"bucket\":\"acme-lake\"}",
            "Unknown field 'bucket' in the body of POST /v1/projects, which takes project_id and"
                + " retention: remove it or correct its name. POST /v1/projects registers a"
                + " project of the shared warehouse; a project with its own bucket registers"
                + " through POST /register_project.",
            "/v1/projects/initrode"),
        new UnknownField(
            "/v1/sql",
            "{\"sql\":\"SELECT count(*) FROM events\",\"project\":\"acme\",\"limit\":10}",
            "Unknown field 'limit' in the body of POST /v1/sql, which takes sql and project:"
                + " remove it or correct its name.",
            null),
        new UnknownField(
            "/v1/tables",
            "{\"name\":\"users\",\"primary_key\":\"id\",\"ttl\":\"30d\","
                + "\"columns\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":false}]}",
            "Unknown field 'ttl' in the body of POST /v1/tables, which takes name, description,"
                + " primary_key, sort_order, partition_columns, retention, bloom_filter_columns and"
                + " columns: remove it or correct its name.",
            "/v1/tables/users"),
        new UnknownField(
            "/v1/tables",
            "{\"name\":\"users\",\"primary_key\":\"id\",\"columns\":["
                + "{\"name\":\"id\",\"type\":\"long\",\"nullable\":false},"
                + "{\"name\":\"email\",\"type\":\"string\",\"nulable\":false}]}",
            "Unknown field 'columns[1].nulable' in the body of POST /v1/tables, whose columns take"
                + " name, type, nullable and doc: remove it or correct its name.",
            "/v1/tables/users"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unknownFields")
  void aBodyFieldTheRouteDoesNotTakeIsRefusedNotIgnored(UnknownField test) {
    api(
        (server, client) -> {
          for (String token : List.of(ADMIN_TOKEN, ACME_TOKEN)) {
            assertError(
                post(client, test.route(), test.body(), token), 400, "bad_request", test.detail());
          }
          if (test.unchanged() != null) {
            assertThat(get(client, test.unchanged(), ADMIN_TOKEN).code()).isEqualTo(404);
          }
          // the body is checked after the token: no token is still 401
          assertError(post(client, test.route(), test.body(), null), 401, "unauthorized", "token");
        });
  }

  @Test
  void aTableTypeMayBeTheYamlOfATableFileAndItsUnknownKeysAreRefusedToo() {
    api(
        (server, client) -> {
          assertError(
              post(
                  client,
                  "/v1/tables",
                  "name: yaml_users\nprimary_key: id\nttl: 30d\ncolumns:\n- {name: id, type: long}\n",
                  ADMIN_TOKEN),
              400,
              "bad_request",
              "Table definition request body has the key 'ttl', which a definition does not take"
                  + " (it takes name, description, primary_key, sort_order, partition_columns,"
                  + " retention, bloom_filter_columns, columns): remove it or correct its name.");
          assertError(
              post(
                  client,
                  "/v1/tables",
                  "name: yaml_users\nprimary_key: id\ncolumns:\n- {name: id, type: long, nulable: false}\n",
                  ADMIN_TOKEN),
              400,
              "bad_request",
              "Table definition request body: column 'id' has the key 'nulable', which a column does"
                  + " not take (it takes name, type, nullable, doc)");
          assertThat(get(client, "/v1/tables/yaml_users", ADMIN_TOKEN).code()).isEqualTo(404);

          Response created =
              post(
                  client,
                  "/v1/tables",
                  "name: yaml_users\nprimary_key: id\ncolumns:\n- {name: id, type: long, nullable: false}\n",
                  ADMIN_TOKEN);
          assertThat(created.code()).isEqualTo(201);
          assertThat(get(client, "/v1/tables/yaml_users", ADMIN_TOKEN).code()).isEqualTo(200);
        });
  }

  @Test
  void theOwnTokenAndTheAdminTokenReadAProject() {
    api(
        (server, client) -> {
          assertThat(get(client, "/v1/projects/globex/tables/events/rows", GLOBEX_TOKEN).code())
              .isEqualTo(200);
          assertThat(get(client, "/v1/projects/globex/tables/events/rows", ADMIN_TOKEN).code())
              .isEqualTo(200);
        });
  }

  @Test
  void aMissingTokenIs401AndAsksForABearerToken() {
    api(
        (server, client) -> {
          Response missing = get(client, ACME_EVENTS + "/rows", null);
          assertError(missing, 401, "unauthorized", "Authorization: Bearer");
          assertThat(header(missing, "WWW-Authenticate")).containsExactly("Bearer");
          assertError(
              client.get(ACME_EVENTS + "/rows", r -> r.header("Authorization", "Basic abc")),
              401,
              "unauthorized",
              "Bearer");
        });
  }

  @Test
  void aCursorIsRefusedOutsideTheReadItCameFrom() {
    api(
        (server, client) -> {
          String rows = ACME_EVENTS + "/rows";
          String cursor =
              get(client, rows + "?limit=3", ACME_TOKEN)
                  .headers()
                  .get("Lakestream-Next-Cursor")
                  .get(0);
          assertError(
              get(client, rows + "?limit=3&order=desc&cursor=" + cursor, ACME_TOKEN),
              400,
              "bad_request",
              "ascending order");
          assertError(
              get(
                  client,
                  rows + "?limit=3&from=" + (BASE + 900_000_000) + "&cursor=" + cursor,
                  ACME_TOKEN),
              400,
              "bad_request",
              "outside");
        });
  }

  @Test
  void aWeightedAcceptHeaderPicksAFormatTheApiWrites() {
    api(
        (server, client) ->
            assertThat(
                    get(
                            client,
                            ACME_EVENTS + "/rows?limit=1",
                            ACME_TOKEN,
                            "application/xml;q=0.9, */*;q=0.1")
                        .code())
                .isEqualTo(200));
  }

  @Test
  void aMissingDataFileIs500WithoutAStackTrace() throws Exception {
    QueryConfig config =
        QueryConfig.builder()
            .warehouse(Files.createTempDirectory("broken").toUri())
            .open(true)
            .build();
    DeltaFixture.Table broken = DeltaFixture.of(config).table("p", EVENTS);
    broken.append(new TestRows(EVENTS, 5).rowsWithDuplicates("p", BASE, 20, 10), true);
    try (QueryRole brokenRole =
        QueryRole.create(
            config,
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
            (e, r, b, a, s) -> {})) {
      brokenRole.tables().discover();
      brokenRole.tables().pollAll();
      org.apache.hadoop.fs.Path file =
          new org.apache.hadoop.fs.Path(broken.path(), broken.liveFiles().get(0).path());
      Files.delete(Path.of(file.toUri()));
      JavalinTest.test(
          HttpApi.create(brokenRole.services(), Optional.empty()),
          (server, client) -> {
            Response response = client.get("/v1/projects/p/tables/events/rows");
            assertThat(response.code()).isEqualTo(500);
            JsonNode body = ExpectedRows.parse(response.body().string());
            assertThat(body.get("error").asText()).isEqualTo("internal");
            assertThat(body.get("detail").asText()).contains("p/events").contains("log reference");
            assertThat(response.body().string()).doesNotContain("\tat ");
            assertError(client.get("/metrics"), 404, "not_found", "no Prometheus registry");
          });
    }
  }

  @Test
  void aTableNotLoadedYetIs503AndNotReady() {
    QueryConfig config = role.config();
    try (QueryRole loading =
        QueryRole.create(
            config,
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
            (e, r, b, a, s) -> {})) {
      loading.tables().discover();
      JavalinTest.test(
          HttpApi.create(loading.services(), Optional.empty()),
          (server, client) -> {
            assertError(
                get(client, ACME_EVENTS + "/rows", ACME_TOKEN),
                503,
                "unavailable",
                "still loading");
            assertError(client.get("/ready"), 503, "unavailable", "acme/events");
            JsonNode status =
                ExpectedRows.parse(get(client, ACME_EVENTS, ACME_TOKEN).body().string());
            assertThat(status.get("loaded").asBoolean()).isFalse();
          });
    }
  }

  @Test
  void healthReadyAndAggregateMetricsAreOpen() {
    api(
        (server, client) -> {
          assertThat(client.get("/health").code()).isEqualTo(200);
          Response ready = client.get("/ready");
          assertThat(ready.code()).isEqualTo(200);
          assertThat(ExpectedRows.parse(ready.body().string()).get("tables").asInt()).isEqualTo(3);
          get(client, ACME_EVENTS + "/rows?limit=10", ACME_TOKEN);
          String open = client.get("/metrics").body().string();
          assertThat(open)
              .contains(
                  "lakestream_query_requests_seconds_count{method=\"GET\",route=\"/v1/projects/{project}/tables/{table}/rows\",status=\"200\"}")
              .contains("lakestream_query_rows_served_total{format=\"json\",table=\"events\"}")
              .contains("lakestream_query_tables ")
              .doesNotContain("project=");
          String metrics = get(client, "/metrics", ADMIN_TOKEN).body().string();
          assertThat(metrics)
              .contains("lakestream_query_table_index_bytes{project=\"acme\",table=\"events\"}")
              .contains(
                  "lakestream_query_table_tail_lag_seconds{project=\"acme\",table=\"events\"}")
              .contains("lakestream_query_tables ");
        });
  }

  @Test
  void theOpenApiDocumentDescribesEveryRegisteredRoute() {
    List<String> registered = new ArrayList<>();
    JavalinTest.test(
        HttpApi.create(role.services(), Optional.empty(), registered::add),
        (server, client) -> {
          JsonNode paths =
              ExpectedRows.parse(client.get("/openapi.json").body().string()).get("paths");
          assertThat(registered).hasSize(18);
          for (String route : registered) {
            String[] parts = route.split(" ", 2);
            assertThat(paths.has(parts[1])).as(route).isTrue();
            assertThat(paths.get(parts[1]).has(parts[0].toLowerCase(java.util.Locale.ROOT)))
                .as(route)
                .isTrue();
          }
          assertThat((long) paths.size())
              .isEqualTo(registered.stream().map(r -> r.split(" ", 2)[1]).distinct().count());
        });
  }

  @Test
  void registerProjectChecksTheBucketAndNeverEchoesOrStoresTheSecretInClear() throws Exception {
    api(
        (server, client) -> {
          String body =
              "{\"project_id\":\"initech\",\"bucket\":\"good-bucket\",\"access_key\":\"AK\",\"secret_key\":\"s3cr3t\",\"endpoint\":\"http://127.0.0.1:9000\",\"table_name\":\"events\"}";
          Response created = post(client, "/register_project", body, ADMIN_TOKEN);
          assertThat(created.code()).isEqualTo(201);
          String answer = created.body().string();
          assertThat(answer).doesNotContain("s3cr3t");
          JsonNode json = ExpectedRows.parse(answer);
          assertThat(json.get("project_id").asText()).isEqualTo("initech");
          assertThat(json.get("tables").toString()).isEqualTo("[\"events\"]");
          String stored = Files.readString(dataDir.resolve("registrations.json"));
          assertThat(stored).contains("initech").doesNotContain("s3cr3t");
          assertThat(tables(get(client, "/list_tables", ADMIN_TOKEN))).contains("initech/events");

          assertError(
              post(client, "/register_project", body, ACME_TOKEN), 403, "forbidden", "admin token");
          assertError(post(client, "/register_project", body, null), 401, "unauthorized", "token");
          Map<String, String> refused =
              Map.of(
                  body.replace("s3cr3t", "wrong"),
                  "Cannot register project 'initech': bucket 'good-bucket' is not reachable at"
                      + " http://127.0.0.1:9000 with the given credentials.",
                  "{nope",
                  "not JSON",
                  body.replace("\"bucket\":\"good-bucket\",", ""),
                  "'bucket' is missing",
                  body.replace("events", "nope"),
                  "table_name 'nope'");
          refused.forEach(
              (refusedBody, detail) ->
                  assertError(
                      post(client, "/register_project", refusedBody, ADMIN_TOKEN),
                      400,
                      "bad_request",
                      detail));
        });
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}

package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.lakestream.query.http.HttpApi;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/sql} answering Arrow IPC streams ({@code Accept:
 * application/vnd.apache.arrow.stream}), read back with Arrow Java's {@link ArrowStreamReader} and
 * checked against the rows written to real Delta tables.
 */
class SqlArrowIT {
  static final String ARROW = "application/vnd.apache.arrow.stream";
  static final String ACME = SqlRoutesIT.ACME;
  static final String GLOBEX = "globex-token";
  static final TableDefinition OTEL = TableDefinitions.builtIn("otel_logs_and_spans");
  static final TableDefinition METRICS = TableDefinitions.builtIn("metrics");
  static final long BASE = SqlRoutesIT.BASE;
  static final List<String> OTEL_COLUMNS = OTEL.columns().stream().map(c -> c.name()).toList();

  @TempDir static Path warehouse;
  static QueryRole role;
  static final List<GenericRecord> inserted = new ArrayList<>();
  static List<GenericRecord> acmeLogs;
  static List<GenericRecord> globexLogs;
  static List<GenericRecord> acmeMetrics;

  /**
   * acme: 20,000 logs and spans (more than two batches), one a millisecond, and 200 metric points
   * with histogram arrays; globex: 300 logs and spans of its own. A statement may load 20,100 rows.
   */
  @BeforeAll
  static void start() {
    QueryConfig config =
        QueryConfig.builder()
            .warehouse(warehouse.toUri())
            .projectToken("acme", ACME)
            .projectToken("globex", GLOBEX)
            .adminToken(SqlRoutesIT.ADMIN)
            .sqlMaxRows(20_100) // acme's logs and spans, not those and its metrics together
            .build();
    acmeLogs = logs("acme", 20_000);
    globexLogs = logs("globex", 300);
    acmeMetrics = new TestRows(METRICS, 11).rowsWithDuplicates("acme", BASE, 200, 5_000_000L);
    DeltaFixture fixture = DeltaFixture.of(config).pageRows(1_000);
    fixture.table("acme", OTEL).append(acmeLogs, true);
    fixture.table("globex", OTEL).append(globexLogs, true);
    fixture.table("acme", METRICS).append(acmeMetrics, true);
    role =
        SqlRoutesIT.loaded(
            config,
            (table, rows) -> {
              inserted.addAll(rows);
              return rows.size();
            });
  }

  /** Row {@code i}: a span every third row (with a duration), else a log (without one). */
  static List<GenericRecord> logs(String project, int count) {
    TestRows random = new TestRows(OTEL, project.hashCode());
    List<GenericRecord> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      GenericRecord row = random.row(project, BASE + i * 1_000L);
      boolean span = i % 3 == 0;
      row.put("service_name", project + (i % 2 == 0 ? "-api" : "-db"));
      row.put("duration_ns", span ? (long) i * 1_000 : null);
      row.put("attributes", "{\"http.route\": \"/r" + i % 4 + "\", \"n\": " + i + "}");
      rows.add(row);
    }
    return rows;
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

  static final java.net.http.HttpClient HTTP =
      java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1)
          .build();

  /** {@code POST /v1/sql} asking for Arrow; the body as bytes. */
  static HttpResponse<byte[]> arrow(int port, String token, String statement) throws Exception {
    return post(port, "/v1/sql", token, ARROW, statement);
  }

  static HttpResponse<byte[]> post(
      int port, String path, String token, String accept, String statement) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + token)
            .header("Accept", accept)
            .POST(body(statement))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  static String contentType(HttpResponse<?> response) {
    return response.headers().firstValue("Content-Type").orElse("");
  }

  static JsonNode json(HttpResponse<byte[]> response) throws IOException {
    return SqlRoutesIT.JSON.readTree(response.body());
  }

  static HttpRequest.BodyPublisher body(String statement) {
    return HttpRequest.BodyPublishers.ofString(
        SqlRoutesIT.JSON.createObjectNode().put("sql", statement).toString());
  }

  /** An Arrow body's schema and batches' row counts, and its rows as JSON texts. */
  record Stream(List<Field> fields, List<Integer> batches, List<String> rows) {}

  static Stream read(byte[] body, TableDefinition table, List<String> columns) throws IOException {
    List<Integer> batches = new ArrayList<>();
    try (RootAllocator allocator = new RootAllocator();
        ArrowStreamReader reader =
            new ArrowStreamReader(new ByteArrayInputStream(body), allocator)) {
      List<Field> fields = reader.getVectorSchemaRoot().getSchema().getFields();
      while (reader.loadNextBatch()) {
        batches.add(reader.getVectorSchemaRoot().getRowCount());
      }
      return new Stream(
          fields, batches, ResponseFormats.arrowTexts(table, columns, body)); // values, 2nd read
    }
  }

  /** The Arrow type a column has for the PostgreSQL type the JSON answer declares for it. */
  static final Map<String, ArrowType> ARROW_TYPE_OF_JSON_TYPE =
      Map.of(
          "timestamptz",
              new ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.MICROSECOND, "UTC"),
          "text", ArrowType.Utf8.INSTANCE,
          "jsonb", ArrowType.Utf8.INSTANCE,
          "int8", new ArrowType.Int(64, true),
          "int4", new ArrowType.Int(32, true),
          "numeric", new ArrowType.Decimal(38, 0, 128),
          "int8[]", ArrowType.List.INSTANCE,
          "float8[]", ArrowType.List.INSTANCE,
          "float8",
              new ArrowType.FloatingPoint(
                  org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE));

  /**
   * The Arrow body's column names and types are those the JSON answer of the statement declares.
   */
  static void assertTypesAsJsonDeclares(HttpClient client, String statement, Stream stream)
      throws Exception {
    JsonNode json = SqlRoutesIT.json(SqlRoutesIT.sql(client, ACME, statement));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < json.get("columns").size(); i++) {
      String type = json.get("types").get(i).asText();
      assertThat(ARROW_TYPE_OF_JSON_TYPE).containsKey(type);
      expected.add(json.get("columns").get(i).asText() + " " + ARROW_TYPE_OF_JSON_TYPE.get(type));
    }
    assertThat(stream.fields().stream().map(f -> f.getName() + " " + f.getType()).toList())
        .containsExactlyElementsOf(expected);
  }

  @Test
  void selectStarIsTheProjectsRowsInTypedBatchesOfAtMost8192Rows() throws Exception {
    api(
        (server, client) -> {
          String statement = "SELECT * FROM otel_logs_and_spans ORDER BY timestamp";
          HttpResponse<byte[]> response = arrow(server.port(), ACME, statement);
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(contentType(response)).isEqualTo(ARROW);
          Stream stream = read(response.body(), OTEL, OTEL_COLUMNS);
          // timestamps as UTC timestamps, JSON attributes as strings, nulls as nulls: arrowTexts
          // checks each value and the timestamps' type against the rows written
          assertThat(stream.rows())
              .containsExactlyElementsOf(ResponseFormats.expected(OTEL, OTEL_COLUMNS, acmeLogs));
          assertThat(stream.rows()).anyMatch(row -> row.contains("\"duration_ns\":null"));
          assertThat(stream.batches()).hasSizeGreaterThan(2).allMatch(rows -> rows <= 8_192);
          assertThat(stream.batches().stream().mapToInt(Integer::intValue).sum()).isEqualTo(20_000);
          assertTypesAsJsonDeclares(client, statement + " LIMIT 1", stream);
        });
  }

  @Test
  void anAggregateByServiceAndJsonAttributeHasPostgresNamesAndTypes() throws Exception {
    String statement =
        "SELECT service_name, attributes->>'http.route' AS route, count(*), sum(duration_ns) AS"
            + " total, max(timestamp) FROM otel_logs_and_spans GROUP BY 1, 2 ORDER BY 1, 2";
    record Group(long count, BigDecimal total, long max) {}
    Map<String, Group> expected = new TreeMap<>();
    for (int i = 0; i < acmeLogs.size(); i++) {
      GenericRecord row = acmeLogs.get(i);
      String key = row.get("service_name") + " /r" + i % 4;
      Group old = expected.getOrDefault(key, new Group(0, null, Long.MIN_VALUE));
      Object duration = row.get("duration_ns");
      BigDecimal total =
          duration == null
              ? old.total()
              : (old.total() == null ? BigDecimal.ZERO : old.total())
                  .add(BigDecimal.valueOf((Long) duration));
      expected.put(
          key, new Group(old.count() + 1, total, Math.max(old.max(), (Long) row.get("timestamp"))));
    }
    api(
        (server, client) -> {
          HttpResponse<byte[]> response = arrow(server.port(), ACME, statement);
          assertThat(response.statusCode()).isEqualTo(200);
          byte[] body = response.body();
          Map<String, Group> groups = new TreeMap<>();
          List<Field> fields;
          try (RootAllocator allocator = new RootAllocator();
              ArrowStreamReader reader =
                  new ArrowStreamReader(new ByteArrayInputStream(body), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            fields = root.getSchema().getFields();
            while (reader.loadNextBatch()) {
              VarCharVector service = (VarCharVector) root.getVector("service_name");
              VarCharVector route = (VarCharVector) root.getVector("route");
              BigIntVector count = (BigIntVector) root.getVector("count");
              DecimalVector total = (DecimalVector) root.getVector("total");
              TimeStampMicroTZVector max = (TimeStampMicroTZVector) root.getVector("max");
              for (int i = 0; i < root.getRowCount(); i++) {
                groups.put(
                    service.getObject(i) + " " + route.getObject(i),
                    new Group(count.get(i), total.getObject(i), max.get(i)));
              }
            }
          }
          assertThat(groups).isEqualTo(expected);
          assertTypesAsJsonDeclares(client, statement, new Stream(fields, List.of(), List.of()));
        });
  }

  @Test
  void arrayColumnsAreLists() throws Exception {
    List<String> columns = List.of("timestamp", "metric_name", "bucket_counts", "explicit_bounds");
    api(
        (server, client) -> {
          String statement =
              "SELECT " + String.join(", ", columns) + " FROM metrics ORDER BY timestamp";
          HttpResponse<byte[]> response = arrow(server.port(), ACME, statement);
          assertThat(response.statusCode()).isEqualTo(200);
          Stream stream = read(response.body(), METRICS, columns);
          assertThat(stream.fields().get(2).getChildren().get(0).getType())
              .isEqualTo(new ArrowType.Int(64, true));
          assertThat(stream.rows().stream().sorted().toList())
              .isEqualTo(
                  ResponseFormats.expected(METRICS, columns, acmeMetrics).stream()
                      .sorted()
                      .toList());
          assertThat(stream.rows()).anyMatch(row -> row.contains("\"bucket_counts\":[1"));
          assertTypesAsJsonDeclares(client, statement + " LIMIT 1", stream);
        });
  }

  @Test
  void anEmptyResultIsTheSchemaWithoutBatches() throws Exception {
    api(
        (server, client) -> {
          HttpResponse<byte[]> response =
              arrow(
                  server.port(),
                  ACME,
                  "SELECT timestamp, attributes FROM otel_logs_and_spans WHERE timestamp <"
                      + " make_timestamptz("
                      + BASE
                      + ")");
          assertThat(response.statusCode()).isEqualTo(200);
          Stream stream = read(response.body(), OTEL, List.of("timestamp", "attributes"));
          assertThat(stream.fields().stream().map(f -> f.getName() + " " + f.getType()))
              .containsExactly("timestamp Timestamp(MICROSECOND, UTC)", "attributes Utf8");
          assertThat(stream.batches()).isEmpty();
        });
  }

  @Test
  void otherProjectsCredentialsReadOnlyTheirRows() throws Exception {
    api(
        (server, client) -> {
          HttpResponse<byte[]> all =
              arrow(server.port(), GLOBEX, "SELECT * FROM otel_logs_and_spans ORDER BY timestamp");
          assertThat(all.statusCode()).isEqualTo(200);
          assertThat(read(all.body(), OTEL, OTEL_COLUMNS).rows())
              .containsExactlyElementsOf(ResponseFormats.expected(OTEL, OTEL_COLUMNS, globexLogs));

          HttpResponse<byte[]> tricks =
              arrow(
                  server.port(),
                  GLOBEX,
                  "SELECT project_id, count(*) FROM (SELECT * FROM otel_logs_and_spans UNION ALL"
                      + " SELECT * FROM otel_logs_and_spans WHERE lower(project_id) <> 'globex'"
                      + " OR true) GROUP BY 1");
          assertThat(tricks.statusCode()).isEqualTo(200);
          try (RootAllocator allocator = new RootAllocator();
              ArrowStreamReader reader =
                  new ArrowStreamReader(new ByteArrayInputStream(tricks.body()), allocator)) {
            assertThat(reader.loadNextBatch()).isTrue();
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            assertThat(root.contentToTSVString()).isEqualTo("project_id\tcount\nglobex\t600\n");
            assertThat(reader.loadNextBatch()).isFalse();
          }

          HttpResponse<byte[]> acme =
              arrow(
                  server.port(),
                  GLOBEX,
                  "SELECT * FROM otel_logs_and_spans WHERE project_id = 'acme'");
          assertThat(acme.statusCode()).isEqualTo(403);
          assertThat(contentType(acme)).startsWith("application/json");
          assertThat(json(acme).get("error").asText()).isEqualTo("forbidden");
        });
  }

  @Test
  void unknownTypesAndStatementsWithoutRowsAre406NamingWhatIsOffered() throws Exception {
    api(
        (server, client) -> {
          HttpResponse<byte[]> file =
              post(server.port(), "/v1/sql", ACME, "application/vnd.apache.arrow.file", "SELECT 1");
          assertThat(file.statusCode()).isEqualTo(406);
          assertThat(contentType(file)).startsWith("application/json");
          JsonNode error = json(file);
          assertThat(error.get("error").asText()).isEqualTo("not_acceptable");
          assertThat(error.get("detail").asText())
              .isEqualTo(
                  "Cannot answer in 'application/vnd.apache.arrow.file': ask for one of json"
                      + " (application/json), ndjson (application/x-ndjson), csv (text/csv),"
                      + " arrow (application/vnd.apache.arrow.stream) (Accept header or"
                      + " format=).");

          HttpResponse<byte[]> insert =
              arrow(
                  server.port(),
                  ACME,
                  "INSERT INTO otel_logs_and_spans (timestamp, record_type, project_id) VALUES"
                      + " (1, 'log', 'acme')");
          assertThat(insert.statusCode()).isEqualTo(406);
          assertThat(json(insert).get("detail").asText())
              .isEqualTo(
                  "Cannot answer in 'arrow': an Arrow stream carries the rows of a query (SELECT,"
                      + " WITH, VALUES, SHOW, DESCRIBE), and INSERT, CREATE TABLE and DROP TABLE"
                      + " answer a message and a count. Ask for one of json (application/json),"
                      + " ndjson (application/x-ndjson), csv (text/csv) (Accept header or"
                      + " format=).");
          assertThat(inserted).isEmpty(); // refused before it ran
        });
  }

  @Test
  void aStatementFailingBeforeItsFirstBatchIsAJsonError() throws Exception {
    api(
        (server, client) -> {
          HttpResponse<byte[]> syntax =
              arrow(server.port(), ACME, "SELECT * FROM otel_logs_and_spans WHERE");
          assertThat(syntax.statusCode()).isEqualTo(400);
          assertThat(contentType(syntax)).startsWith("application/json");
          JsonNode error = json(syntax);
          assertThat(error.get("error").asText()).isEqualTo("bad_request");
          assertThat(error.get("detail").asText()).startsWith("Parser Error: syntax error at");

          HttpResponse<byte[]> misspelt = arrow(server.port(), ACME, "SELEC 1");
          assertThat(misspelt.statusCode()).isEqualTo(400); // not 406: it is no statement at all
          assertThat(json(misspelt).get("detail").asText()).startsWith("Cannot parse the SQL");

          HttpResponse<byte[]> failing =
              arrow(
                  server.port(), ACME, "SELECT error('no rows for you') FROM otel_logs_and_spans");
          assertThat(failing.statusCode()).isEqualTo(400);
          assertThat(json(failing).get("detail").asText())
              .isEqualTo("Invalid Input Error: no rows for you"); // as in JSON

          HttpResponse<byte[]> tooMany =
              arrow(
                  server.port(),
                  ACME,
                  "SELECT count(*) FROM otel_logs_and_spans o JOIN metrics m USING (timestamp)");
          assertThat(tooMany.statusCode()).isEqualTo(400); // 20,200 rows to load
          assertThat(json(tooMany).get("detail").asText())
              .startsWith("The statement reads more than 20100 rows (table ");

          HttpResponse<byte[]> iso =
              post(
                  server.port(),
                  "/v1/sql?timestamps=iso",
                  ACME,
                  ARROW,
                  "SELECT timestamp FROM otel_logs_and_spans");
          assertThat(iso.statusCode()).isEqualTo(400);
          assertThat(json(iso).get("detail").asText()).contains("Arrow");
        });
  }

  /**
   * A cast that fails at row 5,001 of acme's 20,000 logs and spans, past the engine's first vectors
   * but before any row is fetched: whatever format was asked for, the answer is a 400 whose JSON
   * body is the engine's own error, with the value and the type.
   */
  @Test
  void aValueThatDoesNotConvertIsABadRequestWithTheEnginesError() throws Exception {
    String failing =
        "SELECT timestamp, CAST(CASE WHEN attributes->>'n' = '5000' THEN 'abc' ELSE"
            + " attributes->>'n' END AS INTEGER) AS n FROM otel_logs_and_spans";
    api(
        (server, client) -> {
          for (String accept : List.of("application/json", ARROW, "text/csv")) {
            HttpResponse<byte[]> response = post(server.port(), "/v1/sql", ACME, accept, failing);
            assertThat(response.statusCode()).as(accept).isEqualTo(400);
            assertThat(contentType(response)).startsWith("application/json");
            JsonNode error = json(response);
            assertThat(error.get("error").asText()).isEqualTo("bad_request");
            assertThat(error.get("detail").asText())
                .as(accept)
                .startsWith("Conversion Error: Could not convert string 'abc' to INT32");
          }
        });
  }

  /**
   * A statement that fails at row 2,000,000 of 3,000,000: its first batch arrives (with status 200,
   * so the body began before the statement got that far: the result is streamed, not built first),
   * then the body ends without its end: the HTTP client fails instead of seeing an end of stream.
   * NDJSON alike.
   */
  @Test
  void aFailureAfterTheFirstBatchAbortsTheBodyInsteadOfEndingIt() throws Exception {
    String failing =
        "SELECT i, CASE WHEN i = 2000000 THEN error('row 2000000 is bad') END AS x"
            + " FROM range(3000000) t(i)";
    api(
        (server, client) -> {
          HttpResponse<InputStream> arrow = send(server.port(), ARROW, failing);
          assertThat(arrow.statusCode()).isEqualTo(200);
          try (RootAllocator allocator = new RootAllocator();
              InputStream body = arrow.body();
              ArrowStreamReader reader = new ArrowStreamReader(body, allocator)) {
            assertThat(reader.loadNextBatch()).isTrue();
            VectorSchemaRoot first = reader.getVectorSchemaRoot();
            assertThat(first.getRowCount()).isEqualTo(8_192);
            assertThat(((BigIntVector) first.getVector("i")).get(8_191)).isEqualTo(8_191);
            long[] rows = {first.getRowCount()};
            assertThatThrownBy(
                    () -> {
                      while (reader.loadNextBatch()) {
                        rows[0] += reader.getVectorSchemaRoot().getRowCount();
                      }
                    })
                .isInstanceOf(IOException.class);
            assertThat(rows[0]).isLessThanOrEqualTo(2_000_000);
          }

          HttpResponse<InputStream> ndjson = send(server.port(), "application/x-ndjson", failing);
          assertThat(ndjson.statusCode()).isEqualTo(200);
          try (BufferedReader lines =
              new BufferedReader(new InputStreamReader(ndjson.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("{\"i\":0,\"x\":null}");
            assertThatThrownBy(
                    () -> {
                      while (lines.readLine() != null) {
                        // read on to the failure
                      }
                    })
                .isInstanceOf(IOException.class);
          }
        });
  }

  /**
   * JSON, NDJSON and CSV answers written from the engine's batches (columns of types the batch
   * writer takes, here {@code bigint} and {@code text}) stream alike: the first rows arrive with
   * status 200 long before the statement fails at row 2,000,000, then the body is aborted.
   */
  @Test
  void aFailureAfterTheFirstRowsAbortsTextAnswersWrittenFromBatches() throws Exception {
    String failing =
        "SELECT i, CASE WHEN i = 2000000 THEN error('row 2000000 is bad') ELSE 'ok' END AS x"
            + " FROM range(3000000) t(i)";
    api(
        (server, client) -> {
          for (String[] format :
              List.of(
                  new String[] {"application/x-ndjson", "{\"i\":0,\"x\":\"ok\"}"},
                  new String[] {"text/csv", "i,x"},
                  new String[] {
                    "application/json",
                    "{\"columns\":[\"i\",\"x\"],\"types\":[\"int8\",\"text\"],\"rows\":[[0,\"ok\"],"
                  })) {
            HttpResponse<InputStream> response = send(server.port(), format[0], failing);
            assertThat(response.statusCode()).isEqualTo(200);
            try (InputStream body = response.body()) {
              byte[] start = body.readNBytes(format[1].length());
              assertThat(new String(start, StandardCharsets.UTF_8)).isEqualTo(format[1]);
              assertThatThrownBy(
                      () -> {
                        byte[] buffer = new byte[1 << 16];
                        while (body.read(buffer) >= 0) {
                          // read on to the failure
                        }
                      })
                  .as(format[0])
                  .isInstanceOf(IOException.class);
            }
          }
        });
  }

  static HttpResponse<InputStream> send(int port, String accept, String statement)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/sql"))
            .header("Authorization", "Bearer " + ACME)
            .header("Accept", accept)
            .POST(body(statement))
            .build(),
        HttpResponse.BodyHandlers.ofInputStream());
  }
}

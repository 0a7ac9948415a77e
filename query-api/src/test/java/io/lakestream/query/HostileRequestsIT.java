package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.lakestream.query.http.HttpApi;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile SQL and HTTP requests, as raw bytes over a socket to the running query API on a real
 * Delta table: each is answered with a JSON 4xx {@code {"error", "detail"}} whose detail names the
 * problem in the user's terms, never a 500, never an HTML page, never an internal class name.
 */
class HostileRequestsIT {
  static final String ACME = SqlRoutesIT.ACME;
  static final String ADMIN = SqlRoutesIT.ADMIN;
  static final TableDefinition EVENTS = TableDefinitions.builtIn("events");
  static final long BASE = 1_795_000_000_000_000L;
  static final ObjectMapper JSON = new ObjectMapper();

  /** What no error detail may contain: class names of Java, the parser, the SDKs. */
  static final Pattern INTERNAL_NAMES =
      Pattern.compile(
          "(?i)jsqlparser|net\\.sf\\.|java\\.|javax\\.|org\\.eclipse|io\\.javalin|software\\.amazon"
              + "|\\w+Exception|StackOverflow|\\w+Error\\b|<html|\\bat [\\w.$]+\\(");

  @TempDir static Path warehouse;
  static QueryRole role;
  static Javalin server;

  @BeforeAll
  static void start() {
    QueryConfig config = SqlRoutesIT.config(warehouse);
    DeltaFixture.of(config)
        .pageRows(20)
        .table("acme", EVENTS)
        .append(new TestRows(EVENTS, 7).rowsWithDuplicates("acme", BASE, 200, 1_000), true);
    role = SqlRoutesIT.loaded(config, (table, rows) -> rows.size());
    server = HttpApi.create(role.services(), Optional.empty()).start("127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop();
    }
    if (role != null) {
      role.close();
    }
  }

  static String where(String condition) {
    return "SELECT * FROM events WHERE project_id = 'acme' AND " + condition;
  }

  /** Statements, each with a word its error detail must contain. */
  static Stream<Arguments> hostileSql() {
    return Stream.of(
        Arguments.of(where("name REGEXP 'a.*'"), "REGEXP"),
        Arguments.of(where("name = 'a'; DROP TABLE events"), "one statement per request"),
        Arguments.of("SELECT 1; SELECT 2", "send one statement per request"),
        Arguments.of(
            "SELECT * FROM events WHERE project_id IN ('acme', 'globex')",
            "lists several projects (acme, globex) with IN or OR"),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'acme' OR project_id = 'globex'",
            "lists several projects (acme, globex) with IN or OR"),
        Arguments.of(
            "SELECT * FROM events e JOIN events f USING (timestamp) WHERE e.project_id = 'acme'"
                + " AND f.project_id = 'globex'",
            "names several projects (acme, globex)"),
        Arguments.of(
            "INSERT INTO events (timestamp, event_type) VALUES (1, 'x') ON CONFLICT DO NOTHING",
            "ON CONFLICT"),
        Arguments.of(
            "INSERT INTO events (timestamp, event_type) VALUES (1, 'x') RETURNING timestamp",
            "RETURNING"),
        Arguments.of(
            "INSERT INTO events (timestamp, event_type) SELECT timestamp, event_type FROM events",
            "INSERT … SELECT"),
        Arguments.of("INSERT INTO events SET timestamp = 1, event_type = 'x'", "INSERT … SET"),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'acme' LIMIT 99999999999999999999",
            "out of range"),
        Arguments.of(where("timestamp < -9223372036854775809"), "make_timestamptz"),
        Arguments.of(where("timestamp >= 99999999999999999999"), "Timestamps are timestamptz"),
        Arguments.of(
            where("(event_type = 'x'" + " OR event_type = 'y'".repeat(10_000) + ")"),
            "AND/OR operators"),
        Arguments.of(
            where("event_type <> 'y'" + " AND event_type <> 'y'".repeat(10_000)), "AND/OR"),
        Arguments.of(
            where("(".repeat(1_000) + "event_type = 'x'" + ")".repeat(1_000)), "nests parentheses"),
        Arguments.of(where("NOT ".repeat(5_000) + "event_type = 'x'"), "Simplify the expression"),
        Arguments.of("CREATE TABLE `..` (id BIGINT PRIMARY KEY)", "not a table name"),
        Arguments.of("CREATE TABLE `..`", "not a table name"),
        Arguments.of("SELEC * FROM events", "unexpected \"SELEC\""),
        Arguments.of("SELECT * FROM events WHERE", "syntax error at or near \"WHERE\""),
        Arguments.of("SELECT x.name FROM events e WHERE project_id = 'acme'", "\"x\""),
        Arguments.of("SELECT * FROM other.events WHERE project_id = 'acme'", "other.events"),
        Arguments.of("DROP TABLE IF EXISTS events", "IF EXISTS"),
        Arguments.of("UPDATE events SET name = 'x'", "UPDATE"),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'acme' AND name = '"
                + "x".repeat(300_000)
                + "'",
            "characters long"),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'acme' LIMIT 5 LIMIT 6",
            "syntax error at or near \"LIMIT\""),
        Arguments.of("CREATE TABLE t (id BIGINT PRIMARY KEY, n BIGINT DEFAULT 5)", "DEFAULT 5"),
        Arguments.of("SELECT * FROM events WHERE project_id = ?", "parameter(s)"),
        Arguments.of("SELECT * FROM read_parquet('/etc/passwd')", "disabled by configuration"),
        Arguments.of("SELECT * FROM read_text('/etc/passwd')", "disabled by configuration"),
        Arguments.of("-- nothing but a comment", "Cannot parse the SQL"));
  }

  /** Statements the planner before the SQL engine refused, which now run (reading acme only). */
  static Stream<String> formerlyRefusedSql() {
    return Stream.of(
        "SELECT COUNT(*) FROM events WHERE project_id = 'acme' HAVING COUNT(*) > 1",
        where("name LIKE 'a!%' ESCAPE '!'"),
        where("name SIMILAR TO 'a%'"),
        where("timestamp = NULL"),
        "SELECT DISTINCT name FROM events WHERE project_id = 'acme'",
        where("name = E'\\x41'"),
        "SELECT string_agg(name, ',' ORDER BY name) FROM events WHERE project_id = 'acme'",
        "SELECT * FROM events WHERE project_id = 'acme' FETCH FIRST 5 ROWS ONLY",
        where("name = name"),
        "SELECT * FROM events WHERE project_id = 'acme' OFFSET 5",
        "SELECT COUNT(*) FILTER (WHERE name = 'x') FROM events WHERE project_id = 'acme'",
        where("name IN ('x', NULL)"));
  }

  @ParameterizedTest
  @MethodSource("formerlyRefusedSql")
  void formerlyRefusedSqlNowRuns(String statement) throws Exception {
    RawResponse response = postSql(statement);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("hostileSql")
  void hostileSqlIsAJsonBadRequestNamingTheProblem(String statement, String named)
      throws Exception {
    RawResponse response = postSql(statement);
    assertJsonError(response, 400, "bad_request", named);
  }

  /** Requests as raw bytes, each with its status, error code and a word of the detail. */
  static Stream<Arguments> hostileHttp() {
    String rows = "/tables/events/rows";
    return Stream.of(
        Arguments.of(get("/v1/projects/%uFF0E%uFF0E" + rows), 400, "bad_request", "percent"),
        Arguments.of(get("/v1/projects/%uFF0E%uFF0E"), 400, "bad_request", "percent"),
        Arguments.of(get("/v1/projects/acme%00" + rows), 400, "bad_request", "path"),
        Arguments.of(get("/v1/projects/%00"), 400, "bad_request", "path"),
        Arguments.of(get("/v1/projects/%C0%AE%C0%AE" + rows), 400, "bad_request", "path"),
        // decoded to the project '..', which the token does not cover (nor any token: no such id)
        Arguments.of(get("/v1/projects/%2e%2e" + rows), 403, "forbidden", "project '..'"),
        Arguments.of(get("/v1/projects/acme" + rows + "/%uFF0E"), 400, "bad_request", "percent"),
        Arguments.of(get("/v1/nothing/here"), 404, "not_found", "No route"),
        Arguments.of(get("/v1/projects/%" + rows), 400, "bad_request", "percent"),
        Arguments.of(
            get("/v1/projects/acme" + rows + "?from=" + "1".repeat(20_000)),
            414,
            "uri_too_long",
            "URI"),
        Arguments.of(
            "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: "
                + "x".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n",
            431,
            "headers_too_large",
            "header"),
        Arguments.of(
            "POST /v1/sql HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + ACME
                + "\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\nConnection:"
                + " close\r\n\r\n{\"sql\": \""
                + "x".repeat(2_000_000 - 10)
                + "\"}",
            413,
            "body_too_large",
            "large"),
        Arguments.of(
            "GET /health HTTP/1.1\r\nHost: localhost\r\nContent-Length: x\r\nConnection: close\r\n\r\n",
            400,
            "bad_request",
            "request"),
        Arguments.of(
            "POST /v1/sql HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + ACME
                + "\r\nContent-Length: 8\r\nConnection: close\r\n\r\nnot json",
            400,
            "bad_request",
            "not JSON"));
  }

  static String get(String target) {
    return "GET "
        + target
        + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
        + ACME
        + "\r\nConnection: close\r\n\r\n";
  }

  @ParameterizedTest(name = "[{index}] {1} {2}")
  @MethodSource("hostileHttp")
  void hostileRequestsAreJsonErrors(String request, int status, String error, String named)
      throws Exception {
    assertJsonError(send(request), status, error, named);
  }

  static void assertJsonError(RawResponse response, int status, String error, String named)
      throws IOException {
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.header("content-type"))
        .as(response.toString())
        .startsWith("application/json");
    JsonNode json = JSON.readTree(response.body());
    assertThat(json.get("error").asText()).as(response.toString()).isEqualTo(error);
    String detail = json.get("detail").asText();
    assertThat(detail).as(response.toString()).containsIgnoringCase(named);
    assertThat(detail).doesNotContainPattern(INTERNAL_NAMES);
    assertThat(response.body()).doesNotContainPattern(INTERNAL_NAMES);
  }

  /** A response as read off the socket. */
  record RawResponse(int status, String headers, String body) {
    String header(String name) {
      for (String line : headers.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
        }
      }
      return "";
    }

    @Override
    public String toString() {
      return status + "\n" + headers + "\n\n" + body;
    }
  }

  /** Sends the bytes as they are (no client library would send most of these) and reads it all. */
  /** {@code POST /v1/sql} of {@code statement} with the admin token, as raw bytes. */
  static RawResponse postSql(String statement) throws IOException {
    String body = JSON.createObjectNode().put("sql", statement).toString();
    return send(
        "POST /v1/sql HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
            + ADMIN
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.getBytes(StandardCharsets.UTF_8).length
            + "\r\nConnection: close\r\n\r\n"
            + body);
  }

  static RawResponse send(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request.getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (java.net.SocketException e) {
        // the server answered an oversized request and closed before reading all of it (a
        // broken pipe while writing): its answer is still there to read, as a client would
      }
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          all.write(buffer, 0, n);
        }
      } catch (java.net.SocketException e) {
        // the server may reset after answering a request it will not read to the end
      }
      byte[] bytes = all.toByteArray();
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      assertThat(end).as("a complete response: " + text).isPositive();
      String head = text.substring(0, end);
      byte[] body = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
      int status = Integer.parseInt(head.split(" ", 3)[1]);
      if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
        body = unchunk(body);
      }
      return new RawResponse(status, head, new String(body, StandardCharsets.UTF_8));
    }
  }

  private static byte[] unchunk(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String text = new String(body, StandardCharsets.ISO_8859_1);
    int i = 0;
    while (i < body.length) {
      int lineEnd = text.indexOf("\r\n", i);
      int size = Integer.parseInt(text.substring(i, lineEnd).split(";")[0].trim(), 16);
      if (size == 0) {
        break;
      }
      out.write(body, lineEnd + 2, size);
      i = lineEnd + 2 + size + 2;
    }
    return out.toByteArray();
  }
}

package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.reader.Keys;
import io.lakestream.reader.TableId;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query role end to end over one warehouse (local or S3): 3 projects × 3 tables written as real
 * Delta tables, the role started on a free port, reads over HTTP compared row for row with what was
 * written; tokens; commits (appends, compactions, new tables) picked up while running.
 */
abstract class WarehouseContract {
  private static final Logger LOG = LoggerFactory.getLogger(WarehouseContract.class);

  static final List<String> PROJECTS = List.of("acme", "globex", "initech");
  static final Map<String, TableDefinition> TABLES = TableDefinitions.builtIns();
  static final long BASE = 1_790_000_000_000_000L;
  static final String ADMIN = "admin-secret-token";

  private final HttpClient http = HttpClient.newHttpClient();

  /** The configuration of the warehouse under test, with every other setting left default. */
  abstract QueryConfig.Builder warehouse();

  /** Rows per file: fewer on S3, whose round trips dominate. */
  abstract int rowsPerFile();

  static String token(String project) {
    return project + "-token";
  }

  @Test
  void servesEveryTableRowForRowAndFollowsCommitsWhileRunning() throws Exception {
    QueryConfig.Builder builder =
        warehouse()
            .httpHost("127.0.0.1")
            .httpPort(0)
            .pollInterval(Duration.ofMillis(100))
            .discoveryInterval(Duration.ofMillis(200))
            .adminToken(ADMIN)
            .maxLimit(20_000);
    PROJECTS.forEach(p -> builder.projectToken(p, token(p)));
    QueryConfig config = builder.build();
    DeltaFixture fixture = DeltaFixture.of(config).pageRows(64);
    Map<TableId, DeltaFixture.Table> tables = new TreeMap<>();
    long seed = 1;
    for (String project : PROJECTS) {
      for (TableDefinition definition : TABLES.values()) {
        DeltaFixture.Table table = fixture.table(project, definition);
        for (int file = 0; file < 2; file++) {
          TestRows rows = new TestRows(definition, seed++);
          table.append(
              rows.rowsWithDuplicates(project, BASE + file * 40_000_000L, rowsPerFile(), 100_000),
              file == 0);
        }
        tables.put(table.id(), table);
      }
    }
    try (QueryRole role =
        QueryRole.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      String origin = "http://127.0.0.1:" + role.port();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> get(origin, "/ready", null).statusCode() == 200);

      Random random = new Random(11);
      for (DeltaFixture.Table table : tables.values()) {
        String token = token(table.id().project());
        checkRandomRanges(origin, table, token, random, 6);
        checkPointReads(origin, table, token, random, 3);
        assertThat(walk(origin, table, token, "asc", 150))
            .isEqualTo(expected(table, Long.MIN_VALUE, Long.MAX_VALUE, false));
      }
      DeltaFixture.Table events = tables.get(new TableId("globex", "events"));
      assertThat(walk(origin, events, token("globex"), "desc", 70))
          .isEqualTo(expected(events, Long.MIN_VALUE, Long.MAX_VALUE, true));
      checkFormats(origin, tables.get(new TableId("initech", "metrics")), token("initech"));
      checkTokens(origin);

      // Commits while running: an append, a compaction, a new table.
      List<Long> freshnessMillis = new ArrayList<>();
      DeltaFixture.Table logs = tables.get(new TableId("acme", "otel_logs_and_spans"));
      for (int i = 0; i < 3; i++) {
        long key = BASE + 900_000_000L + i;
        long version =
            logs.append(
                new TestRows(logs.definition(), 100 + i).rows("acme", new long[] {key, key}), true);
        long committed = System.nanoTime();
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(5))
            .until(() -> rowsAt(origin, logs, token("acme"), key) == 2);
        freshnessMillis.add((System.nanoTime() - committed) / 1_000_000);
        assertThat(status(origin, logs, token("acme")).get("delta_version").asLong())
            .isEqualTo(version);
      }
      logs.compact(logs.liveFiles());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> status(origin, logs, token("acme")).get("files").asInt() == 1);
      assertThat(walk(origin, logs, token("acme"), "asc", 500))
          .isEqualTo(expected(logs, Long.MIN_VALUE, Long.MAX_VALUE, false));

      DeltaFixture.Table newcomer = fixture.table("umbrella", TABLES.get("events"));
      newcomer.append(
          new TestRows(newcomer.definition(), 77).rowsWithDuplicates("umbrella", BASE, 40, 1000),
          true);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> get(origin, "/list_tables", ADMIN).body().contains("umbrella"));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  get(origin, "/v1/projects/umbrella/tables/events/rows", ADMIN).statusCode()
                      == 200);
      assertThat(walk(origin, newcomer, ADMIN, "asc", 1000))
          .isEqualTo(expected(newcomer, Long.MIN_VALUE, Long.MAX_VALUE, false));

      Collections.sort(freshnessMillis);
      LOG.info(
          "FRESHNESS {}: commit to readable over HTTP, poll interval 100 ms: {} ms",
          getClass().getSimpleName(),
          freshnessMillis);
    }
  }

  private void checkRandomRanges(
      String origin, DeltaFixture.Table table, String token, Random random, int count)
      throws Exception {
    long span = 100_000_000L;
    for (int i = 0; i < count; i++) {
      long from = BASE - 1_000_000 + (long) (random.nextDouble() * span);
      long to = from + 1 + (long) (random.nextDouble() * span / 2);
      boolean descending = random.nextBoolean();
      String path =
          rows(table)
              + "?limit=20000&from="
              + from
              + "&to="
              + to
              + (descending ? "&order=desc" : "");
      assertThat(ExpectedRows.texts(ExpectedRows.parse(get(origin, path, token).body())))
          .as(path)
          .isEqualTo(expected(table, from, to, descending));
    }
  }

  private void checkPointReads(
      String origin, DeltaFixture.Table table, String token, Random random, int count)
      throws Exception {
    List<GenericRecord> rows = table.expectedRows();
    for (int i = 0; i < count; i++) {
      long key = table.key(rows.get(random.nextInt(rows.size())));
      String iso = URLEncoder.encode(Keys.isoTimestamp(key), StandardCharsets.UTF_8);
      assertThat(
              ExpectedRows.texts(
                  ExpectedRows.parse(get(origin, rows(table) + "/" + iso, token).body())))
          .isEqualTo(expected(table, key, key + 1, false));
    }
  }

  private void checkFormats(String origin, DeltaFixture.Table table, String token)
      throws Exception {
    TableDefinition definition = table.definition();
    List<String> columns = definition.columnNames();
    List<String> expected = expected(table, Long.MIN_VALUE, Long.MAX_VALUE, false);
    String path = rows(table) + "?limit=20000";
    assertThat(ExpectedRows.ndjsonTexts(get(origin, path + "&format=ndjson", token).body()))
        .isEqualTo(expected);
    assertThat(
            ResponseFormats.csvTexts(
                definition, columns, get(origin, path + "&format=csv", token).body()))
        .isEqualTo(expected);
    HttpResponse<byte[]> arrow =
        http.send(
            HttpRequest.newBuilder(URI.create(origin + path))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/vnd.apache.arrow.stream")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(ResponseFormats.arrowTexts(definition, columns, arrow.body())).isEqualTo(expected);
  }

  private void checkTokens(String origin) throws Exception {
    for (String reader : PROJECTS) {
      for (String owner : PROJECTS) {
        int status =
            get(origin, "/v1/projects/" + owner + "/tables/events/rows?limit=1", token(reader))
                .statusCode();
        assertThat(status)
            .as("%s reading %s", reader, owner)
            .isEqualTo(reader.equals(owner) ? 200 : 403);
      }
    }
    assertThat(get(origin, "/v1/projects/acme/tables/events/rows", null).statusCode())
        .isEqualTo(401);
  }

  private List<String> walk(
      String origin, DeltaFixture.Table table, String token, String order, int limit)
      throws Exception {
    List<String> all = new ArrayList<>();
    String cursor = null;
    do {
      HttpResponse<String> page =
          get(
              origin,
              rows(table)
                  + "?limit="
                  + limit
                  + "&order="
                  + order
                  + (cursor == null ? "" : "&cursor=" + cursor),
              token);
      assertThat(page.statusCode()).isEqualTo(200);
      all.addAll(ExpectedRows.texts(ExpectedRows.parse(page.body())));
      cursor = page.headers().firstValue("Lakestream-Next-Cursor").orElse(null);
    } while (cursor != null);
    return all;
  }

  private int rowsAt(String origin, DeltaFixture.Table table, String token, long key)
      throws Exception {
    HttpResponse<String> response = get(origin, rows(table) + "/" + key, token);
    return response.statusCode() == 200 ? ExpectedRows.parse(response.body()).size() : -1;
  }

  private JsonNode status(String origin, DeltaFixture.Table table, String token) throws Exception {
    return ExpectedRows.parse(
        get(origin, "/v1/projects/" + table.id().project() + "/tables/" + table.id().table(), token)
            .body());
  }

  static String rows(DeltaFixture.Table table) {
    return "/v1/projects/" + table.id().project() + "/tables/" + table.id().table() + "/rows";
  }

  static List<String> expected(DeltaFixture.Table table, long from, long to, boolean descending) {
    List<GenericRecord> rows = new ArrayList<>();
    for (GenericRecord row : table.expectedRows()) {
      long key = table.key(row);
      if (key >= from && (to == Long.MAX_VALUE || key < to)) {
        rows.add(row);
      }
    }
    List<String> texts =
        ExpectedRows.jsonTexts(table.definition(), table.definition().columnNames(), rows);
    if (descending) {
      Collections.reverse(texts);
    }
    return texts;
  }

  HttpResponse<String> get(String origin, String path, String token) {
    return ApiRequests.get(origin, path, token);
  }
}

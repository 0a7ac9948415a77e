package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.lakestream.testkit.EmbeddedKafka;
import io.lakestream.writer.WriterRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL that observability users write (Grafana, psql, notebooks), over {@code POST /v1/sql}, on
 * rows produced to Kafka and written by the real writer: each answer checked against the rows
 * produced; and tenant isolation whatever the SQL says.
 */
class SqlEngineIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final TableDefinition OTEL = TableDefinitions.builtIn("otel_logs_and_spans");
  static final TableDefinition METRICS = TableDefinitions.builtIn("metrics");
  static final long SECOND = 1_000_000L;

  @TempDir static Path warehouse;
  static EmbeddedKafka kafka;
  static WriterRole writer;
  static QueryRole query;
  static String origin;
  static final HttpClient http = HttpClient.newHttpClient();

  /** The first second of the hour of data: rows every 10 s up to 10 s before the minute started. */
  static long start;

  static final Map<String, List<GenericRecord>> otel = new HashMap<>();
  static final Map<String, List<GenericRecord>> metrics = new HashMap<>();

  @BeforeAll
  static void writeAnHourOfTelemetry() throws Exception {
    long nowMinute = System.currentTimeMillis() / 60_000 * 60;
    start = (nowMinute - 3_600) * SECOND;
    kafka = EmbeddedKafka.start();
    kafka.createTopic(Topics.rows(OTEL.name()), 1);
    kafka.createTopic(Topics.rows(METRICS.name()), 1);
    writer =
        WriterRole.start(
            FeedFixtures.devWriter(kafka.bootstrapServers(), warehouse, Duration.ofMillis(200)),
            new SimpleMeterRegistry());
    query =
        QueryRole.start(
            FeedFixtures.pollingSidecar(warehouse)
                .projectToken("acme", "acme-token")
                .projectToken("globex", "globex-token")
                .build(),
            new SimpleMeterRegistry());
    origin = "http://127.0.0.1:" + query.port();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (String project : List.of("acme", "globex")) {
        TestRows otelRows = new TestRows(OTEL, project.hashCode());
        List<GenericRecord> rows = new ArrayList<>();
        for (int i = 0; i < 360; i++) {
          rows.add(otelRow(otelRows.row(project, start + i * 10 * SECOND), project, i));
        }
        TestRows metricRows = new TestRows(METRICS, project.hashCode() + 1);
        List<GenericRecord> points = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
          GenericRecord row = metricRows.row(project, start + 3_000 * SECOND + i * 5 * SECOND);
          row.put("metric_name", i % 4 == 3 ? "memory" : "cpu");
          row.put("value", (double) (i % 17));
          points.add(row);
        }
        otel.put(project, rows);
        metrics.put(project, points);
        rows.forEach(r -> producer.send(record(OTEL, project, r)));
        points.forEach(r -> producer.send(record(METRICS, project, r)));
      }
      producer.flush();
    }
    for (String project : List.of("acme", "globex")) {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  count(project, "otel_logs_and_spans") == 360 && count(project, "metrics") == 120);
    }
  }

  /** Row {@code i}: a span every third row, else a log; 6 rows (2 spans, 4 logs) per trace. */
  static GenericRecord otelRow(GenericRecord row, String project, int i) {
    boolean span = i % 3 == 0;
    row.put("record_type", span ? "span" : "log");
    row.put("service_name", (project.equals("acme") ? "" : "g-") + (i % 2 == 0 ? "api" : "db"));
    row.put("severity_text", span ? null : i % 5 == 0 ? "ERROR" : "INFO");
    row.put("trace_id", project + "-trace-" + i / 6);
    row.put("name", span ? "GET /r" + i % 4 : "log");
    row.put("duration_ns", span ? (i * 7_919L % 1_000) * 1_000 : null);
    row.put("attributes", "{\"http.route\": \"/r" + i % 4 + "\"}");
    row.put("body", project + " message " + i);
    return row;
  }

  @AfterAll
  static void stop() throws Exception {
    if (query != null) {
      query.close();
    }
    if (writer != null) {
      writer.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    org.apache.hadoop.fs.FileSystem.closeAll();
  }

  @Test
  void errorLogsOfOneServiceInTheLast15Minutes() throws Exception {
    JsonNode answer =
        sql(
            "acme-token",
            "SELECT now() AS at, timestamp, body FROM otel_logs_and_spans WHERE timestamp >="
                + " now() - interval '15 minutes' AND severity_text = 'ERROR' AND service_name ="
                + " 'api' ORDER BY timestamp");
    JsonNode rows = answer.get("rows");
    assertThat(rows.size()).isPositive();
    long at = rows.get(0).get(0).asLong();
    List<String> expected =
        otel.get("acme").stream()
            .filter(r -> (Long) r.get("timestamp") >= at - 15 * 60 * SECOND)
            .filter(r -> "ERROR".equals(text(r, "severity_text")))
            .filter(r -> "api".equals(text(r, "service_name")))
            .map(r -> text(r, "body"))
            .toList();
    assertThat(column(rows, 2)).isEqualTo(expected);
    assertThat(answer.get("types").toString())
        .isEqualTo("[\"timestamptz\",\"timestamptz\",\"text\"]");
  }

  @Test
  void countPerServicePerMinute() throws Exception {
    JsonNode rows =
        sql(
                "acme-token",
                "SELECT floor(extract(epoch from \"timestamp\")/60)*60 AS time, service_name,"
                    + " count(*) AS n FROM otel_logs_and_spans WHERE timestamp >= "
                    + iso(start)
                    + " GROUP BY 1, 2 ORDER BY 1, 2")
            .get("rows");
    Map<String, Long> expected = new TreeMap<>();
    for (GenericRecord r : otel.get("acme")) {
      long minute = (Long) r.get("timestamp") / SECOND / 60 * 60;
      expected.merge(minute + " " + text(r, "service_name"), 1L, Long::sum);
    }
    Map<String, Long> actual = new TreeMap<>();
    rows.forEach(r -> actual.put(r.get(0).asLong() + " " + r.get(1).asText(), r.get(2).asLong()));
    assertThat(actual).isEqualTo(expected).hasSize(120);
  }

  @Test
  void p95SpanDurationPerOperation() throws Exception {
    JsonNode rows =
        sql(
                "acme-token",
                "SELECT name AS operation, percentile_cont(0.95) WITHIN GROUP (ORDER BY"
                    + " duration_ns) AS p95, count(DISTINCT trace_id) AS traces FROM"
                    + " otel_logs_and_spans WHERE record_type = 'span' AND timestamp >= now() -"
                    + " interval '2 hours' GROUP BY name ORDER BY name")
            .get("rows");
    Map<String, List<Long>> durations = new TreeMap<>();
    Map<String, java.util.Set<String>> traces = new TreeMap<>();
    for (GenericRecord r : otel.get("acme")) {
      if ("span".equals(text(r, "record_type"))) {
        durations
            .computeIfAbsent(text(r, "name"), n -> new ArrayList<>())
            .add((Long) r.get("duration_ns"));
        traces
            .computeIfAbsent(text(r, "name"), n -> new java.util.TreeSet<>())
            .add(text(r, "trace_id"));
      }
    }
    assertThat(rows.size()).isEqualTo(4);
    for (JsonNode row : rows) {
      String operation = row.get(0).asText();
      assertThat(row.get(1).asDouble())
          .as(operation)
          .isCloseTo(
              percentileCont(durations.get(operation), 0.95),
              org.assertj.core.data.Offset.offset(1e-6));
      assertThat(row.get(2).asLong()).isEqualTo(traces.get(operation).size());
    }
  }

  @Test
  void aTraceWithItsLogs() throws Exception {
    JsonNode rows =
        sql(
                "acme-token",
                "SELECT s.name, s.duration_ns, l.body FROM otel_logs_and_spans s JOIN"
                    + " otel_logs_and_spans l ON l.trace_id = s.trace_id AND l.record_type = 'log'"
                    + " WHERE s.record_type = 'span' AND s.trace_id = 'acme-trace-7' AND"
                    + " s.timestamp BETWEEN "
                    + iso(start)
                    + " AND "
                    + iso(start + 3_600 * SECOND)
                    + " ORDER BY s.timestamp, l.timestamp")
            .get("rows");
    List<GenericRecord> trace =
        otel.get("acme").stream().filter(r -> "acme-trace-7".equals(text(r, "trace_id"))).toList();
    List<String> expected = new ArrayList<>();
    for (GenericRecord s : trace) {
      if ("span".equals(text(s, "record_type"))) {
        for (GenericRecord l : trace) {
          if ("log".equals(text(l, "record_type"))) {
            expected.add(text(s, "name") + " " + s.get("duration_ns") + " " + text(l, "body"));
          }
        }
      }
    }
    List<String> actual = new ArrayList<>();
    rows.forEach(
        r -> actual.add(r.get(0).asText() + " " + r.get(1).asLong() + " " + r.get(2).asText()));
    assertThat(actual).isEqualTo(expected).hasSize(8);
  }

  @Test
  void theLast20EventsByTime() throws Exception {
    JsonNode rows =
        sql(
                "acme-token",
                "SELECT timestamp, body, attributes->>'http.route' AS route FROM"
                    + " otel_logs_and_spans ORDER BY timestamp DESC LIMIT 20")
            .get("rows");
    List<GenericRecord> expected =
        otel.get("acme").stream()
            .sorted(Comparator.comparing((GenericRecord r) -> (Long) r.get("timestamp")).reversed())
            .limit(20)
            .toList();
    assertThat(column(rows, 1)).isEqualTo(expected.stream().map(r -> text(r, "body")).toList());
    assertThat(column(rows, 0))
        .isEqualTo(expected.stream().map(r -> r.get("timestamp").toString()).toList());
    assertThat(rows.get(0).get(2).asText()).isEqualTo("/r3"); // row 359
  }

  @Test
  void listColumnsAndTheirNullsComeBackAsWritten() throws Exception {
    JsonNode rows =
        sql(
                "acme-token",
                "SELECT timestamp, bucket_counts, explicit_bounds, quantiles FROM metrics"
                    + " ORDER BY timestamp")
            .get("rows");
    List<GenericRecord> written = new ArrayList<>(metrics.get("acme"));
    written.sort(java.util.Comparator.comparingLong(r -> (Long) r.get("timestamp")));
    assertThat(rows).hasSize(written.size());
    int lists = 0;
    for (int i = 0; i < written.size(); i++) {
      assertThat(rows.get(i).get(0).asLong()).isEqualTo(written.get(i).get("timestamp"));
      String[] columns = {"bucket_counts", "explicit_bounds", "quantiles"};
      for (int c = 0; c < columns.length; c++) {
        Object list = written.get(i).get(columns[c]);
        JsonNode value = rows.get(i).get(c + 1);
        if (list == null) {
          assertThat(value.isNull()).as("%s of row %d", columns[c], i).isTrue();
          continue;
        }
        lists++;
        List<Double> expected = new ArrayList<>();
        ((List<?>) list).forEach(v -> expected.add(((Number) v).doubleValue()));
        List<Double> actual = new ArrayList<>();
        value.forEach(v -> actual.add(v.asDouble()));
        assertThat(actual).as("%s of row %d", columns[c], i).isEqualTo(expected);
      }
    }
    assertThat(lists).isPositive();
  }

  @Test
  void aMetricsAveragePer10SecondBucket() throws Exception {
    JsonNode rows =
        sql(
                "acme-token",
                "SELECT to_timestamp(floor(extract(epoch from timestamp)/10)*10) AS bucket,"
                    + " avg(value) AS cpu FROM metrics WHERE metric_name = 'cpu' AND timestamp >="
                    + " now() - interval '2 hours' GROUP BY 1 ORDER BY 1")
            .get("rows");
    Map<Long, List<Double>> buckets = new TreeMap<>();
    for (GenericRecord r : metrics.get("acme")) {
      if ("cpu".equals(text(r, "metric_name"))) {
        long bucket = (Long) r.get("timestamp") / (10 * SECOND) * 10 * SECOND;
        buckets.computeIfAbsent(bucket, b -> new ArrayList<>()).add((Double) r.get("value"));
      }
    }
    Map<Long, Double> expected = new TreeMap<>();
    buckets.forEach(
        (b, v) -> expected.put(b, v.stream().mapToDouble(d -> d).average().orElseThrow()));
    Map<Long, Double> actual = new TreeMap<>();
    rows.forEach(r -> actual.put(r.get(0).asLong(), r.get(1).asDouble()));
    assertThat(actual).isEqualTo(expected).hasSize(60);
  }

  @Test
  void aGrafanaTimeSeriesQuery() throws Exception {
    // $__timeGroupAlias("timestamp", 5m) and $__timeFilter("timestamp") as Grafana's PostgreSQL
    // data source expands them, over the dashboard's last 30 minutes.
    long to = start + 3_600 * SECOND;
    long from = to - 1_800 * SECOND;
    JsonNode rows =
        sql(
                "acme-token",
                "SELECT floor(extract(epoch from \"timestamp\")/300)*300 AS \"time\","
                    + " count(*) AS \"errors\" FROM otel_logs_and_spans WHERE \"timestamp\" BETWEEN"
                    + " '"
                    + Instant.ofEpochSecond(from / SECOND)
                    + "' AND '"
                    + Instant.ofEpochSecond(to / SECOND)
                    + "' AND severity_text = 'ERROR' GROUP BY 1 ORDER BY 1")
            .get("rows");
    Map<Long, Long> expected = new TreeMap<>();
    for (GenericRecord r : otel.get("acme")) {
      long t = (Long) r.get("timestamp");
      if (t >= from && t <= to && "ERROR".equals(text(r, "severity_text"))) {
        expected.merge(t / SECOND / 300 * 300, 1L, Long::sum);
      }
    }
    Map<Long, Long> actual = new TreeMap<>();
    rows.forEach(r -> actual.put(r.get(0).asLong(), r.get(1).asLong()));
    assertThat(actual).isEqualTo(expected).isNotEmpty();
  }

  @Test
  void aProjectTokenReadsOnlyItsProjectWhateverTheSqlSays() throws Exception {
    long acmeRows = otel.get("acme").size();
    for (String statement :
        List.of(
            "SELECT count(*) FROM otel_logs_and_spans WHERE project_id = 'acme' OR project_id ="
                + " 'globex'",
            "SELECT count(*) FROM otel_logs_and_spans WHERE project_id IN ('acme', 'globex')",
            "SELECT count(*) FROM otel_logs_and_spans WHERE project_id <> 'acme' OR true",
            "SELECT count(*) FROM otel_logs_and_spans WHERE lower(project_id) = 'globex' OR 1 = 1",
            "SELECT count(*) FROM (SELECT * FROM otel_logs_and_spans UNION ALL SELECT * FROM"
                + " otel_logs_and_spans WHERE project_id LIKE 'glob%') t WHERE project_id ="
                + " 'acme'")) {
      JsonNode rows = sql("acme-token", statement).get("rows");
      assertThat(rows.get(0).get(0).asLong()).as(statement).isIn(acmeRows, 2 * acmeRows);
    }
    JsonNode seen =
        sql(
            "acme-token",
            "SELECT DISTINCT o.project_id, o.service_name FROM otel_logs_and_spans o, metrics m"
                + " WHERE m.project_id IN ('globex', 'acme') ORDER BY 2");
    assertThat(seen.get("rows").toString()).isEqualTo("[[\"acme\",\"api\"],[\"acme\",\"db\"]]");

    for (String statement :
        List.of(
            "SELECT * FROM otel_logs_and_spans WHERE project_id = 'globex'",
            "SELECT * FROM otel_logs_and_spans WHERE project_id = 'GLOBEX'",
            "SELECT count(*) FROM (SELECT * FROM otel_logs_and_spans WHERE project_id ="
                + " 'globex')",
            "SELECT * FROM otel_logs_and_spans a JOIN metrics b ON a.timestamp = b.timestamp WHERE"
                + " b.project_id = 'globex'",
            "SELECT 1 FROM otel_logs_and_spans UNION SELECT 2 FROM metrics WHERE project_id ="
                + " 'globex'")) {
      HttpResponse<String> refused = post("acme-token", statement);
      assertThat(refused.statusCode()).as(statement).isEqualTo(403);
      assertThat(refused.body()).contains("\"error\":\"forbidden\"");
    }
    HttpResponse<String> unicode =
        post("acme-token", "SELECT * FROM otel_logs_and_spans WHERE project_id = 'ｇlobex'");
    assertThat(unicode.statusCode()).isEqualTo(400);
    assertThat(unicode.body()).contains("which is not a project id");

    HttpResponse<String> files =
        post(
            "acme-token",
            "SELECT count(*) FROM read_parquet('"
                + warehouse.toAbsolutePath()
                + "/globex/otel_logs_and_spans/*.parquet')");
    assertThat(files.statusCode()).isEqualTo(400);
    assertThat(files.body()).contains("disabled by configuration").doesNotContain("Exception");
  }

  @Test
  void aCallerWhoMayReadSeveralListedProjectsIsToldToNameOneNotAnsweredForOne() throws Exception {
    // the admin, with a default project (as a PostgreSQL user name gives): without the refusal
    // these answered for acme only, leaving out globex's rows without a word
    for (String statement :
        List.of(
            "SELECT count(*) FROM otel_logs_and_spans WHERE project_id IN ('acme', 'globex')",
            "SELECT count(*) FROM otel_logs_and_spans WHERE project_id = 'acme' OR project_id ="
                + " 'GLOBEX'",
            "SELECT count(*) FROM otel_logs_and_spans WHERE (project_id = 'acme' AND"
                + " severity_text = 'ERROR') OR project_id = 'globex'")) {
      HttpResponse<String> refused = postAs("admin", statement, "acme");
      assertThat(refused.statusCode()).as(statement).isEqualTo(400);
      assertThat(JSON.readTree(refused.body()).get("detail").asText())
          .as(statement)
          .isEqualTo(
              "The statement lists several projects (acme, globex) with IN or OR: a statement"
                  + " reads one project's tables; write project_id = '<project>' and send one"
                  + " statement per project.");
    }
    // one project listed: read, whatever the default
    HttpResponse<String> one =
        postAs(
            "admin",
            "SELECT count(*) FROM otel_logs_and_spans WHERE project_id IN ('globex')",
            "acme");
    assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
    assertThat(JSON.readTree(one.body()).get("rows").get(0).get(0).asLong())
        .isEqualTo(otel.get("globex").size());
  }

  @Test
  void theAdminNamesTheProjectAndResultsStreamAsNdjsonAndCsv() throws Exception {
    HttpResponse<String> ndjson =
        http.send(
            request(
                "admin",
                "SELECT service_name, count(*) AS n FROM otel_logs_and_spans WHERE"
                    + " project_id = 'globex' GROUP BY 1 ORDER BY 1",
                "application/x-ndjson"),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ndjson.statusCode()).isEqualTo(200);
    assertThat(ndjson.body())
        .isEqualTo(
            "{\"service_name\":\"g-api\",\"n\":180}\n{\"service_name\":\"g-db\",\"n\":180}\n");
    // two columns named count, as PostgreSQL names them: an object's keys are kept apart
    HttpResponse<String> counts =
        http.send(
            request(
                "admin",
                "SELECT count(*), count(*) FILTER (WHERE service_name = 'g-api'), 1 AS count_3"
                    + " FROM otel_logs_and_spans WHERE project_id = 'globex'",
                "application/x-ndjson"),
            HttpResponse.BodyHandlers.ofString());
    assertThat(counts.statusCode()).as(counts.body()).isEqualTo(200);
    assertThat(counts.body()).isEqualTo("{\"count\":360,\"count_2\":180,\"count_3\":1}\n");
    HttpResponse<String> csv =
        http.send(
            request(
                "admin",
                "SELECT service_name, count(*) AS n FROM otel_logs_and_spans WHERE"
                    + " project_id = 'acme' GROUP BY 1 ORDER BY 1",
                "text/csv"),
            HttpResponse.BodyHandlers.ofString());
    assertThat(csv.body()).isEqualTo("service_name,n\r\napi,180\r\ndb,180\r\n");
  }

  static double percentileCont(List<Long> values, double fraction) {
    List<Long> sorted = values.stream().sorted().toList();
    double position = fraction * (sorted.size() - 1);
    int lower = (int) Math.floor(position);
    int upper = (int) Math.ceil(position);
    return sorted.get(lower) + (position - lower) * (sorted.get(upper) - sorted.get(lower));
  }

  static String iso(long micros) {
    return "'" + Instant.ofEpochSecond(micros / SECOND, micros % SECOND * 1000) + "'";
  }

  static String text(GenericRecord row, String field) {
    Object value = row.get(field);
    return value == null ? null : value.toString();
  }

  static List<String> column(JsonNode rows, int index) {
    List<String> values = new ArrayList<>();
    rows.forEach(r -> values.add(r.get(index).asText()));
    return values;
  }

  static long count(String project, String table) {
    try {
      HttpResponse<String> response =
          post("admin", "SELECT count(*) FROM " + table + " WHERE project_id = '" + project + "'");
      return response.statusCode() == 200
          ? JSON.readTree(response.body()).get("rows").get(0).get(0).asLong()
          : -1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode sql(String token, String statement) throws IOException {
    HttpResponse<String> response = post(token, statement);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  static HttpResponse<String> post(String token, String statement) {
    try {
      return http.send(
          request(token, statement, "application/json"), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code POST /v1/sql} with a default project ({@code "project"}). */
  static HttpResponse<String> postAs(String token, String statement, String project)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(origin + "/v1/sql"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    JSON.createObjectNode()
                        .put("sql", statement)
                        .put("project", project)
                        .toString()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpRequest request(String token, String statement, String accept) {
    return HttpRequest.newBuilder(URI.create(origin + "/v1/sql"))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .header("Accept", accept)
        .POST(
            HttpRequest.BodyPublishers.ofString(
                JSON.createObjectNode().put("sql", statement).toString()))
        .build();
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    return KafkaToQueryIT.producer(kafka.bootstrapServers());
  }

  private static ProducerRecord<byte[], byte[]> record(
      TableDefinition table, String project, GenericRecord row) {
    return KafkaToQueryIT.record(table, project, row);
  }
}

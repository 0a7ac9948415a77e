package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.catalog.Catalog;
import io.lakestream.reader.TableId;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.lakestream.tables.LiveTail;
import io.lakestream.testkit.EmbeddedKafka;
import io.lakestream.writer.WriterConfig;
import io.lakestream.writer.WriterRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live tail (query.tail.enabled): rows produced while no writer runs are served from the tail,
 * in JSON, CSV, Arrow and page by page with cursors; once a writer starts and commits them, every
 * read, before, during and after their move into Delta, serves each row exactly once; rows in files
 * and in the tail are merged by key in every format.
 */
class LiveTailIT {
  private static final List<String> PROJECTS = List.of("acme", "globex");
  private static final TableDefinition EVENTS = TableDefinitions.builtIn("events");
  private static final long BASE = 1_795_000_000_000_000L;

  @TempDir Path warehouse;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Random random = new Random(41);
  private final Map<TableId, List<GenericRecord>> sent = new TreeMap<>();

  @AfterAll
  static void forgetCachedFileSystems() throws java.io.IOException {
    org.apache.hadoop.fs.FileSystem.closeAll();
  }

  @Test
  void rowsAreReadExactlyOnceFromTheTailThenFromDelta() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(Topics.rows(EVENTS.name()), 2);
      kafka.createTopic(Topics.COMMITS, 12); // as a writer that ran before created it
      WriterConfig writerConfig =
          FeedFixtures.devWriter(kafka.bootstrapServers(), warehouse, Duration.ofMillis(300));
      QueryConfig queryConfig =
          FeedFixtures.sidecarOnFeed(kafka.bootstrapServers(), warehouse).tailEnabled(true).build();
      try (KafkaProducer<byte[], byte[]> producer =
              KafkaToQueryIT.producer(kafka.bootstrapServers());
          QueryRole query = QueryRole.start(queryConfig, new SimpleMeterRegistry())) {
        String origin = "http://127.0.0.1:" + query.port();

        // no writer: the rows are only in Kafka
        produce(producer, 120);
        awaitExactlyTheRowsSent(origin);
        for (TableId id : sent.keySet()) {
          assertThat(status(origin, id).get("tail_rows").asLong()).isEqualTo(120);
          assertThat(status(origin, id).get("delta_version").asLong()).isEqualTo(-1);
        }
        assertEveryFormatAndCursorServeTheRowsSent(origin);

        try (WriterRole writer = WriterRole.start(writerConfig, new SimpleMeterRegistry())) {
          // during the move into Delta, every read serves each row once (a failed check fails
          // the test at once: only the end of the move is waited for)
          await()
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofMillis(50))
              .until(
                  () -> {
                    assertEveryTableServesExactlyTheRowsSent(origin);
                    for (TableId id : sent.keySet()) {
                      var status = status(origin, id);
                      if (status.get("tail_rows").asLong() != 0
                          || !status.has("rows")
                          || status.get("rows").asLong() != 120) {
                        return false;
                      }
                    }
                    return true;
                  });
          // rows produced while the writer runs: from the tail or from Delta, once
          produce(producer, 80);
          awaitExactlyTheRowsSent(origin);
          assertThat(writer.failure()).isEmpty();
        }

        // the writer stopped again: new rows from the tail, committed ones from Delta
        produce(producer, 50);
        awaitExactlyTheRowsSent(origin);
        for (TableId id : sent.keySet()) {
          assertThat(status(origin, id).get("tail_rows").asLong()).isEqualTo(50);
        }
        assertEveryFormatAndCursorServeTheRowsSent(origin); // files and tail merged
        assertThat(query.liveTail().orElseThrow().rowsRead()).isGreaterThanOrEqualTo(500);
      }
    }
  }

  @Test
  void aTableTypeCreatedAtRunTimeIsServedFromTheTail() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        Catalog catalog = Catalog.inMemory(TableDefinitions.builtIns())) {
      kafka.createTopic(Topics.COMMITS, 12);
      try (KafkaProducer<byte[], byte[]> producer =
              KafkaToQueryIT.producer(kafka.bootstrapServers());
          QueryRole query =
              QueryRole.start(
                  tailConfig(kafka).build(),
                  new SimpleMeterRegistry(),
                  catalog,
                  QueryRole.NO_INSERTS)) {
        String origin = "http://127.0.0.1:" + query.port();
        HttpResponse<String> created =
            post(
                origin,
                "/v1/tables",
                "{\"name\":\"users\",\"primary_key\":\"user_id\",\"columns\":[{\"name\":"
                    + "\"user_id\",\"type\":\"long\",\"nullable\":false},{\"name\":\"email\","
                    + "\"type\":\"string\"}]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        TableDefinition users = catalog.table("users").orElseThrow();
        kafka.createTopic(Topics.rows("users"), 2); // as the ingest role does for a new type

        List<GenericRecord> rows = new TestRows(users, 5).rows("acme", new long[] {3, 1, 2, 2});
        for (GenericRecord row : rows) {
          producer.send(KafkaToQueryIT.record(users, "acme", row));
        }
        producer.flush();
        TableId id = new TableId("acme", "users");
        List<String> expected =
            KafkaToQueryIT.expected(users, rows, Long.MIN_VALUE, Long.MAX_VALUE);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> readAll(origin, id).size() == expected.size());
        KafkaToQueryIT.assertSameRowsInKeyOrder(users, readAll(origin, id), expected);
        assertThat(status(origin, id).get("tail_rows").asLong()).isEqualTo(4);
        assertThat(status(origin, id).get("delta_version").asLong()).isEqualTo(-1);
      }
    }
  }

  @Test
  void aboveTheMemoryBoundTheTailPausesAndItsRowsAreVisibleLaterNeverLost() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(Topics.rows(EVENTS.name()), 1);
      kafka.createTopic(Topics.COMMITS, 12);
      WriterConfig writerConfig =
          FeedFixtures.devWriter(kafka.bootstrapServers(), warehouse, Duration.ofMillis(300));
      try (KafkaProducer<byte[], byte[]> producer =
              KafkaToQueryIT.producer(kafka.bootstrapServers());
          QueryRole query =
              QueryRole.start(
                  tailConfig(kafka).tailMaxBytes(1).build(), new SimpleMeterRegistry())) {
        String origin = "http://127.0.0.1:" + query.port();
        TableId id = new TableId("acme", EVENTS.name());
        TestRows rows = new TestRows(EVENTS, 3);
        long[] keys = new long[1_500];
        for (int i = 0; i < keys.length; i++) {
          keys[i] = BASE + random.nextInt(100_000) * 1_000L;
        }
        List<GenericRecord> produced = rows.rows("acme", keys);
        for (GenericRecord row : produced) {
          producer.send(KafkaToQueryIT.record(EVENTS, "acme", row));
        }
        producer.flush();

        // the first rows read fill the tail beyond its bound: reading pauses, the rest waits
        LiveTail tail = query.liveTail().orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(tail::paused);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> status(origin, id).path("tail_lag_ms").asLong() >= 200);
        long held = status(origin, id).get("tail_rows").asLong();
        assertThat(held).isBetween(1L, 1_499L);
        assertThat(readAll(origin, id)).hasSize((int) held);

        // commits drop the tail's rows, reading resumes: every row, once, none lost
        try (WriterRole writer = WriterRole.start(writerConfig, new SimpleMeterRegistry())) {
          List<String> expected =
              KafkaToQueryIT.expected(EVENTS, produced, Long.MIN_VALUE, Long.MAX_VALUE);
          await()
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> readAll(origin, id).size() == expected.size());
          KafkaToQueryIT.assertSameRowsInKeyOrder(EVENTS, readAll(origin, id), expected);
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> status(origin, id).path("tail_lag_ms").asLong() == 0);
          assertThat(tail.rowsRead()).isGreaterThanOrEqualTo(1_500);
          assertThat(writer.failure()).isEmpty();
        }
      }
    }
  }

  @Test
  void theTailStartsBeforeTheCommitFeedExistsAndFollowsItOnceAWriterCreatesIt() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(Topics.rows(EVENTS.name()), 2); // no lakestream.commits: no writer yet
      WriterConfig writerConfig =
          FeedFixtures.devWriter(kafka.bootstrapServers(), warehouse, Duration.ofMillis(300));
      try (KafkaProducer<byte[], byte[]> producer =
              KafkaToQueryIT.producer(kafka.bootstrapServers());
          QueryRole query = QueryRole.start(tailConfig(kafka).build(), new SimpleMeterRegistry())) {
        String origin = "http://127.0.0.1:" + query.port();
        produce(producer, 30);
        awaitExactlyTheRowsSent(origin);
        for (TableId id : sent.keySet()) {
          assertThat(status(origin, id).get("delta_version").asLong()).isEqualTo(-1);
        }

        // the writer creates the feed; its announced commits move the rows into Delta
        try (WriterRole writer = WriterRole.start(writerConfig, new SimpleMeterRegistry())) {
          for (TableId id : sent.keySet()) {
            await()
                .atMost(Duration.ofSeconds(60))
                .until(
                    () -> {
                      var status = status(origin, id);
                      return status.path("rows").asLong() == 30
                          && status.path("tail_rows").asLong() == 0;
                    });
          }
          assertEveryTableServesExactlyTheRowsSent(origin);
          assertThat(writer.failure()).isEmpty();
        }
      }
    }
  }

  @Test
  void twoReplicasServeTheSameRowsFromTheTailAndFromDelta() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(Topics.rows(EVENTS.name()), 2);
      kafka.createTopic(Topics.COMMITS, 12);
      WriterConfig writerConfig =
          FeedFixtures.devWriter(kafka.bootstrapServers(), warehouse, Duration.ofMillis(300));
      try (KafkaProducer<byte[], byte[]> producer =
              KafkaToQueryIT.producer(kafka.bootstrapServers());
          QueryRole one = QueryRole.start(tailConfig(kafka).build(), new SimpleMeterRegistry());
          QueryRole two = QueryRole.start(tailConfig(kafka).build(), new SimpleMeterRegistry())) {
        List<String> origins =
            List.of("http://127.0.0.1:" + one.port(), "http://127.0.0.1:" + two.port());
        produce(producer, 60); // tail only
        for (String origin : origins) {
          awaitExactlyTheRowsSent(origin);
        }
        try (WriterRole writer = WriterRole.start(writerConfig, new SimpleMeterRegistry())) {
          produce(producer, 40); // tail and files
          for (String origin : origins) {
            awaitExactlyTheRowsSent(origin);
            assertEveryFormatAndCursorServeTheRowsSent(origin);
          }
          assertThat(writer.failure()).isEmpty();
        }
        for (TableId id : sent.keySet()) {
          assertThat(readAll(origins.get(1), id)).isEqualTo(readAll(origins.get(0), id));
        }
      }
    }
  }

  private QueryConfig.Builder tailConfig(EmbeddedKafka kafka) {
    return FeedFixtures.sidecarOnFeed(kafka.bootstrapServers(), warehouse).tailEnabled(true);
  }

  private HttpResponse<String> post(String origin, String path, String body) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(origin + path))
              .header("Authorization", "Bearer admin")
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void produce(KafkaProducer<byte[], byte[]> producer, int rowsPerProject) {
    for (String project : PROJECTS) {
      TestRows rows = new TestRows(EVENTS, random.nextLong());
      long[] keys = new long[rowsPerProject];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = BASE + random.nextInt(5_000) * 1_000L;
      }
      for (GenericRecord row : rows.rows(project, keys)) {
        producer.send(KafkaToQueryIT.record(EVENTS, project, row));
        sent.computeIfAbsent(new TableId(project, EVENTS.name()), id -> new ArrayList<>()).add(row);
      }
    }
    producer.flush();
  }

  /** Waits until a read serves as many rows as were sent, then checks they are exactly those. */
  private void awaitExactlyTheRowsSent(String origin) {
    for (Map.Entry<TableId, List<GenericRecord>> entry : sent.entrySet()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> readAll(origin, entry.getKey()).size() == entry.getValue().size());
    }
    assertEveryTableServesExactlyTheRowsSent(origin);
  }

  private void assertEveryTableServesExactlyTheRowsSent(String origin) {
    for (Map.Entry<TableId, List<GenericRecord>> entry : sent.entrySet()) {
      KafkaToQueryIT.assertSameRowsInKeyOrder(
          EVENTS,
          readAll(origin, entry.getKey()),
          KafkaToQueryIT.expected(EVENTS, entry.getValue(), Long.MIN_VALUE, Long.MAX_VALUE));
    }
  }

  /** CSV, Arrow and a paged walk with cursors serve the same rows as JSON. */
  private void assertEveryFormatAndCursorServeTheRowsSent(String origin) throws Exception {
    List<String> columns = EVENTS.columnNames();
    for (Map.Entry<TableId, List<GenericRecord>> entry : sent.entrySet()) {
      TableId id = entry.getKey();
      List<String> expected =
          KafkaToQueryIT.expected(EVENTS, entry.getValue(), Long.MIN_VALUE, Long.MAX_VALUE);
      String rows = "/v1/projects/" + id.project() + "/tables/" + id.table() + "/rows?limit=100000";
      KafkaToQueryIT.assertSameRowsInKeyOrder(
          EVENTS,
          ResponseFormats.csvTexts(EVENTS, columns, get(origin, rows + "&format=csv").body()),
          expected);
      HttpResponse<byte[]> arrow =
          http.send(
              HttpRequest.newBuilder(URI.create(origin + rows + "&format=arrow"))
                  .header("Authorization", "Bearer admin")
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      KafkaToQueryIT.assertSameRowsInKeyOrder(
          EVENTS, ResponseFormats.arrowTexts(EVENTS, columns, arrow.body()), expected);
      List<String> walked = new ArrayList<>();
      String cursor = null;
      do {
        HttpResponse<String> page =
            get(
                origin,
                "/v1/projects/"
                    + id.project()
                    + "/tables/"
                    + id.table()
                    + "/rows?limit=37"
                    + (cursor == null ? "" : "&cursor=" + cursor));
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        walked.addAll(ExpectedRows.texts(ExpectedRows.parse(page.body())));
        cursor = page.headers().firstValue("Lakestream-Next-Cursor").orElse(null);
      } while (cursor != null);
      KafkaToQueryIT.assertSameRowsInKeyOrder(EVENTS, walked, expected);
    }
  }

  private List<String> readAll(String origin, TableId id) {
    HttpResponse<String> page =
        get(
            origin,
            "/v1/projects/" + id.project() + "/tables/" + id.table() + "/rows?limit=100000");
    if (page.statusCode() != 200) {
      return List.of();
    }
    return ExpectedRows.texts(ExpectedRows.parse(page.body()));
  }

  private com.fasterxml.jackson.databind.JsonNode status(String origin, TableId id) {
    HttpResponse<String> status =
        get(origin, "/v1/projects/" + id.project() + "/tables/" + id.table());
    assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(status.body());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static HttpResponse<String> get(String origin, String path) {
    return ApiRequests.get(origin, path, "admin");
  }
}

package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.catalog.Catalog;
import io.lakestream.reader.TableId;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.SourceCoordinates;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.lakestream.tables.LiveTail;
import io.lakestream.testkit.EmbeddedKafka;
import io.lakestream.writer.WriterConfig;
import io.lakestream.writer.WriterRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live tail (query.tail.enabled): rows produced while no writer runs are served from the tail,
 * in JSON, CSV, Arrow and page by page with cursors; once a writer starts and commits them, every
 * read, before, during and after their move into Delta, serves each row exactly once; rows in files
 * and in the tail are merged by key in every format.
 */
@ExtendWith(ClosesHadoopFileSystems.class)
class LiveTailIT {
  private static final List<String> PROJECTS = List.of("acme", "globex");
  private static final TableDefinition EVENTS = TableDefinitions.builtIn("events");
  private static final long BASE = 1_795_000_000_000_000L;

  @TempDir Path warehouse;
  private final Random random = new Random(41);
  private final SentEvents sent = new SentEvents(PROJECTS, random);

  @Test
  void rowsAreReadExactlyOnceFromTheTailThenFromDelta() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(Topics.rows(EVENTS.name()), 2);
      kafka.createTopic(Topics.COMMITS, 12); // as a writer that ran before created it
      WriterConfig writerConfig =
          FeedFixtures.devWriter(kafka.bootstrapServers(), warehouse, Duration.ofMillis(300));
      QueryConfig queryConfig = tailConfig(kafka).build();
      try (KafkaProducer<byte[], byte[]> producer =
              KafkaToQueryIT.producer(kafka.bootstrapServers());
          QueryRole query = QueryRole.start(queryConfig, new SimpleMeterRegistry())) {
        Sidecar sidecar = Sidecar.of(query);

        // no writer: the rows are only in Kafka
        sent.produce(producer, 120);
        awaitExactlyTheRowsSent(sidecar);
        for (TableId id : sent.byTable().keySet()) {
          assertThat(sidecar.servedStatus(id).get("tail_rows").asLong()).isEqualTo(120);
          assertThat(sidecar.servedStatus(id).get("delta_version").asLong()).isEqualTo(-1);
        }
        assertEveryFormatAndCursorServeTheRowsSent(sidecar);

        try (WriterRole writer = WriterRole.start(writerConfig, new SimpleMeterRegistry())) {
          // during the move into Delta, every read serves each row once (a failed check fails
          // the test at once: only the end of the move is waited for)
          await()
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofMillis(50))
              .until(
                  () -> {
                    assertEveryTableServesExactlyTheRowsSent(sidecar);
                    for (TableId id : sent.byTable().keySet()) {
                      var status = sidecar.servedStatus(id);
                      if (status.get("tail_rows").asLong() != 0
                          || !status.has("rows")
                          || status.get("rows").asLong() != 120) {
                        return false;
                      }
                    }
                    return true;
                  });
          // rows produced while the writer runs: from the tail or from Delta, once
          sent.produce(producer, 80);
          awaitExactlyTheRowsSent(sidecar);
          assertThat(writer.failure()).isEmpty();
        }

        // the writer stopped again: new rows from the tail, committed ones from Delta
        sent.produce(producer, 50);
        awaitExactlyTheRowsSent(sidecar);
        for (TableId id : sent.byTable().keySet()) {
          assertThat(sidecar.servedStatus(id).get("tail_rows").asLong()).isEqualTo(50);
        }
        assertEveryFormatAndCursorServeTheRowsSent(sidecar); // files and tail merged
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
        Sidecar sidecar = Sidecar.of(query);
        HttpResponse<String> created =
            sidecar.post(
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
            .until(() -> sidecar.readAll(id).size() == expected.size());
        KafkaToQueryIT.assertSameRowsInKeyOrder(users, sidecar.readAll(id), expected);
        assertThat(sidecar.servedStatus(id).get("tail_rows").asLong()).isEqualTo(4);
        assertThat(sidecar.servedStatus(id).get("delta_version").asLong()).isEqualTo(-1);
      }
    }
  }

  /**
   * A replay of source records the writer has not committed yet routes their rows a second time,
   * with the same source coordinates: the tail serves each row once (as the writer writes it once),
   * not twice until the commit.
   */
  @Test
  void rowsRoutedAgainBeforeTheirCommitAreServedOnce() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(Topics.rows(EVENTS.name()), 1);
      kafka.createTopic(Topics.COMMITS, 12);
      WriterConfig writerConfig =
          FeedFixtures.devWriter(kafka.bootstrapServers(), warehouse, Duration.ofMillis(300));
      try (KafkaProducer<byte[], byte[]> producer =
              KafkaToQueryIT.producer(kafka.bootstrapServers());
          QueryRole query = QueryRole.start(tailConfig(kafka).build(), new SimpleMeterRegistry())) {
        Sidecar sidecar = Sidecar.of(query);
        TableId id = new TableId("acme", EVENTS.name());
        long[] keys = new long[60];
        for (int i = 0; i < keys.length; i++) {
          keys[i] = BASE + random.nextInt(20) * 1_000L; // many rows share a key
        }
        List<GenericRecord> produced = new TestRows(EVENTS, 9).rows("acme", keys);
        // the router's records (two rows a source record), then a replay's of the same records
        for (int pass = 0; pass < 2; pass++) {
          for (int i = 0; i < produced.size(); i++) {
            var record = KafkaToQueryIT.record(EVENTS, "acme", produced.get(i));
            SourceCoordinates.of("otlp_logs", 0, 1_000 + i / 2)
                .row(i % 2, 2)
                .writeTo(record.headers());
            producer.send(record);
          }
        }
        producer.flush();
        LiveTail tail = query.liveTail().orElseThrow();
        await().atMost(Duration.ofSeconds(60)).until(() -> tail.rowsRead() >= 2L * keys.length);
        List<String> expected =
            KafkaToQueryIT.expected(EVENTS, produced, Long.MIN_VALUE, Long.MAX_VALUE);
        await()
            .atMost(Duration.ofSeconds(30))
            .during(Duration.ofSeconds(1))
            .until(() -> sidecar.readAll(id).size() == expected.size());
        KafkaToQueryIT.assertSameRowsInKeyOrder(EVENTS, sidecar.readAll(id), expected);
        assertThat(sidecar.servedStatus(id).get("tail_rows").asLong()).isEqualTo(keys.length);

        // the writer writes each once too: from Delta, the same rows
        try (WriterRole writer = WriterRole.start(writerConfig, new SimpleMeterRegistry())) {
          await()
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> sidecar.servedStatus(id).path("tail_rows").asLong() == 0);
          KafkaToQueryIT.assertSameRowsInKeyOrder(EVENTS, sidecar.readAll(id), expected);
          assertThat(writer.failure()).isEmpty();
        }
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
        Sidecar sidecar = Sidecar.of(query);
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
            .until(() -> sidecar.servedStatus(id).path("tail_lag_ms").asLong() >= 200);
        long held = sidecar.servedStatus(id).get("tail_rows").asLong();
        assertThat(held).isBetween(1L, 1_499L);
        assertThat(sidecar.readAll(id)).hasSize((int) held);

        // commits drop the tail's rows, reading resumes: every row, once, none lost
        try (WriterRole writer = WriterRole.start(writerConfig, new SimpleMeterRegistry())) {
          List<String> expected =
              KafkaToQueryIT.expected(EVENTS, produced, Long.MIN_VALUE, Long.MAX_VALUE);
          await()
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> sidecar.readAll(id).size() == expected.size());
          KafkaToQueryIT.assertSameRowsInKeyOrder(EVENTS, sidecar.readAll(id), expected);
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> sidecar.servedStatus(id).path("tail_lag_ms").asLong() == 0);
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
        Sidecar sidecar = Sidecar.of(query);
        sent.produce(producer, 30);
        awaitExactlyTheRowsSent(sidecar);
        for (TableId id : sent.byTable().keySet()) {
          assertThat(sidecar.servedStatus(id).get("delta_version").asLong()).isEqualTo(-1);
        }

        // the writer creates the feed; its announced commits move the rows into Delta
        try (WriterRole writer = WriterRole.start(writerConfig, new SimpleMeterRegistry())) {
          for (TableId id : sent.byTable().keySet()) {
            await()
                .atMost(Duration.ofSeconds(60))
                .until(
                    () -> {
                      var status = sidecar.servedStatus(id);
                      return status.path("rows").asLong() == 30
                          && status.path("tail_rows").asLong() == 0;
                    });
          }
          assertEveryTableServesExactlyTheRowsSent(sidecar);
          assertThat(writer.failure()).isEmpty();
        }
      }
    }
  }

  @Test
  void aSidecarIsReadyOnlyOnceItServesTheRowsWaitingInTheTail() throws Exception {
    // As after a restart: rows not yet in Delta wait in Kafka; the first read after /ready says
    // 200 must serve every one of them (a sidecar restarted serves every row it served before).
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(Topics.rows(EVENTS.name()), 2);
      kafka.createTopic(Topics.COMMITS, 12);
      try (KafkaProducer<byte[], byte[]> producer =
          KafkaToQueryIT.producer(kafka.bootstrapServers())) {
        sent.produce(producer, 5_000);
      }
      try (QueryRole query =
          QueryRole.start(tailConfig(kafka).build(), new SimpleMeterRegistry())) {
        Sidecar sidecar = Sidecar.of(query);
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(5))
            .until(() -> sidecar.get("/ready").statusCode() == 200);
        for (Map.Entry<TableId, List<GenericRecord>> entry : sent.byTable().entrySet()) {
          assertThat(sidecar.readAll(entry.getKey()))
              .as("%s at the first read after ready", entry.getKey())
              .hasSize(5_000);
        }
        assertEveryTableServesExactlyTheRowsSent(sidecar);
        assertThat(query.liveTail().orElseThrow().caughtUp()).isTrue();
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
        List<Sidecar> sidecars = List.of(Sidecar.of(one), Sidecar.of(two));
        sent.produce(producer, 60); // tail only
        for (Sidecar sidecar : sidecars) {
          awaitExactlyTheRowsSent(sidecar);
        }
        try (WriterRole writer = WriterRole.start(writerConfig, new SimpleMeterRegistry())) {
          sent.produce(producer, 40); // tail and files
          for (Sidecar sidecar : sidecars) {
            awaitExactlyTheRowsSent(sidecar);
            assertEveryFormatAndCursorServeTheRowsSent(sidecar);
          }
          assertThat(writer.failure()).isEmpty();
        }
        for (TableId id : sent.byTable().keySet()) {
          assertThat(sidecars.get(1).readAll(id)).isEqualTo(sidecars.get(0).readAll(id));
        }
      }
    }
  }

  private QueryConfig.Builder tailConfig(EmbeddedKafka kafka) {
    return FeedFixtures.sidecarWithTail(kafka.bootstrapServers(), warehouse);
  }

  /** Waits until a read serves as many rows as were sent, then checks they are exactly those. */
  private void awaitExactlyTheRowsSent(Sidecar sidecar) {
    for (Map.Entry<TableId, List<GenericRecord>> entry : sent.byTable().entrySet()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> sidecar.readAll(entry.getKey()).size() == entry.getValue().size());
    }
    assertEveryTableServesExactlyTheRowsSent(sidecar);
  }

  private void assertEveryTableServesExactlyTheRowsSent(Sidecar sidecar) {
    for (Map.Entry<TableId, List<GenericRecord>> entry : sent.byTable().entrySet()) {
      KafkaToQueryIT.assertSameRowsInKeyOrder(
          EVENTS,
          sidecar.readAll(entry.getKey()),
          KafkaToQueryIT.expected(EVENTS, entry.getValue(), Long.MIN_VALUE, Long.MAX_VALUE));
    }
  }

  /** CSV, Arrow and a paged walk with cursors serve the same rows as JSON. */
  private void assertEveryFormatAndCursorServeTheRowsSent(Sidecar sidecar) {
    List<String> columns = EVENTS.columnNames();
    for (Map.Entry<TableId, List<GenericRecord>> entry : sent.byTable().entrySet()) {
      TableId id = entry.getKey();
      List<String> expected =
          KafkaToQueryIT.expected(EVENTS, entry.getValue(), Long.MIN_VALUE, Long.MAX_VALUE);
      String rows = Sidecar.path(id) + "/rows?limit=100000";
      KafkaToQueryIT.assertSameRowsInKeyOrder(
          EVENTS,
          ResponseFormats.csvTexts(EVENTS, columns, sidecar.get(rows + "&format=csv").body()),
          expected);
      KafkaToQueryIT.assertSameRowsInKeyOrder(
          EVENTS,
          ResponseFormats.arrowTexts(
              EVENTS, columns, sidecar.getBytes(rows + "&format=arrow").body()),
          expected);
      List<String> walked = sidecar.walk(id, 37);
      KafkaToQueryIT.assertSameRowsInKeyOrder(EVENTS, walked, expected);
    }
  }
}

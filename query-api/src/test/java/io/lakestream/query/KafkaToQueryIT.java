package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.reader.TableId;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.lakestream.schema.convert.AvroSchemas;
import io.lakestream.testkit.EmbeddedKafka;
import io.lakestream.writer.WriterConfig;
import io.lakestream.writer.WriterRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole path: routed rows produced to Kafka, written by the real writer role as Delta tables,
 * read back over HTTP by the query role, row for row, for 3 projects × 3 tables; and the time from
 * producing a row to reading it.
 *
 * <p>Rows of equal keys may land in different files in an order the test does not control (file
 * modification times at millisecond resolution), so rows are compared in key order, and as
 * multisets within one key; tie order itself is covered by {@link RangeReaderIT}.
 */
class KafkaToQueryIT {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaToQueryIT.class);

  static final List<String> PROJECTS = List.of("acme", "globex", "initech");
  static final Map<String, TableDefinition> TABLES = TableDefinitions.builtIns();
  static final long BASE = 1_795_000_000_000_000L;

  @TempDir Path warehouse;
  private final HttpClient http = HttpClient.newHttpClient();

  /**
   * The writer configures {@code fs.file.impl=RawLocalFileSystem}, which Hadoop caches for the
   * whole JVM; s3a (in later test classes) needs the default {@code LocalFileSystem} there.
   */
  @AfterAll
  static void forgetCachedFileSystems() throws java.io.IOException {
    org.apache.hadoop.fs.FileSystem.closeAll();
  }

  @Test
  void rowsProducedToKafkaAreReadableOverHttpRowForRow() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      for (String table : TABLES.keySet()) {
        kafka.createTopic(Topics.rows(table), 2);
      }
      WriterConfig writerConfig =
          FeedFixtures.devWriter(kafka.bootstrapServers(), warehouse, Duration.ofMillis(200));
      QueryConfig.Builder queryConfig =
          QueryConfig.builder()
              .warehouse(warehouse.toUri())
              .httpHost("127.0.0.1")
              .httpPort(0)
              .pollInterval(Duration.ofMillis(100))
              .discoveryInterval(Duration.ofMillis(200))
              .adminToken("admin");
      PROJECTS.forEach(p -> queryConfig.projectToken(p, p + "-token"));
      try (WriterRole writer = WriterRole.start(writerConfig, new SimpleMeterRegistry());
          QueryRole query = QueryRole.start(queryConfig.build(), new SimpleMeterRegistry());
          KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers())) {
        String origin = "http://127.0.0.1:" + query.port();
        Map<TableId, List<GenericRecord>> sent = new TreeMap<>();
        Random random = new Random(21);
        for (int batch = 0; batch < 3; batch++) {
          for (String project : PROJECTS) {
            for (TableDefinition table : TABLES.values()) {
              TestRows rows = new TestRows(table, random.nextLong());
              long[] keys = new long[150];
              for (int i = 0; i < keys.length; i++) {
                keys[i] = BASE + random.nextInt(5_000) * 1_000L; // many duplicates, across batches
              }
              for (GenericRecord row : rows.rows(project, keys)) {
                producer.send(record(table, project, row));
                sent.computeIfAbsent(new TableId(project, table.name()), id -> new ArrayList<>())
                    .add(row);
              }
            }
          }
          producer.flush();
        }
        for (Map.Entry<TableId, List<GenericRecord>> entry : sent.entrySet()) {
          TableId id = entry.getKey();
          String token = id.project() + "-token";
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(100))
              .until(() -> rowCount(origin, id, token) == entry.getValue().size());
          TableDefinition table = TABLES.get(id.table());
          assertSameRowsInKeyOrder(
              table,
              walk(origin, id, token),
              expected(table, entry.getValue(), Long.MIN_VALUE, Long.MAX_VALUE));
          for (int i = 0; i < 5; i++) {
            long from = BASE + random.nextInt(5_000) * 1_000L;
            long to = from + 1 + random.nextInt(2_000) * 1_000L;
            String body =
                get(
                        origin,
                        "/v1/projects/"
                            + id.project()
                            + "/tables/"
                            + id.table()
                            + "/rows?limit=100000&from="
                            + from
                            + "&to="
                            + to,
                        token)
                    .body();
            assertSameRowsInKeyOrder(
                table,
                ExpectedRows.texts(ExpectedRows.parse(body)),
                expected(table, entry.getValue(), from, to));
          }
        }
        assertThat(get(origin, "/v1/projects/globex/tables/events/rows", "acme-token").statusCode())
            .isEqualTo(403);

        // Freshness: produce one row, time until a point read returns it.
        TableDefinition events = TABLES.get("events");
        List<Long> freshness = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          long key = BASE + 10_000_000_000L + i;
          long produced = System.nanoTime();
          producer.send(record(events, "acme", new TestRows(events, i).row("acme", key)));
          producer.flush();
          await()
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(5))
              .until(
                  () ->
                      ExpectedRows.parse(
                                  get(
                                          origin,
                                          "/v1/projects/acme/tables/events/rows/" + key,
                                          "acme-token")
                                      .body())
                              .size()
                          == 1);
          freshness.add((System.nanoTime() - produced) / 1_000_000);
        }
        freshness.sort(Comparator.naturalOrder());
        LOG.info(
            "FRESHNESS KafkaToQueryIT: produce to readable over HTTP (writer flush age 200 ms,"
                + " query poll 100 ms): {} ms",
            freshness);
        assertThat(writer.failure()).isEmpty();
      }
    }
  }

  static void assertSameRowsInKeyOrder(
      TableDefinition table, List<String> actual, List<String> expected) {
    String key = table.primaryKey();
    List<Long> keys = actual.stream().map(t -> ExpectedRows.parse(t).get(key).asLong()).toList();
    for (int i = 1; i < keys.size(); i++) {
      assertThat(keys.get(i)).as("key order at row %d", i).isGreaterThanOrEqualTo(keys.get(i - 1));
    }
    Comparator<String> byKeyThenText =
        Comparator.<String>comparingLong(t -> ExpectedRows.parse(t).get(key).asLong())
            .thenComparing(t -> t);
    assertThat(actual.stream().sorted(byKeyThenText).toList())
        .isEqualTo(expected.stream().sorted(byKeyThenText).toList());
  }

  static List<String> expected(
      TableDefinition table, List<GenericRecord> rows, long from, long to) {
    TestRows keys = new TestRows(table, 0);
    List<GenericRecord> selected = new ArrayList<>();
    for (GenericRecord row : rows) {
      long key = keys.key(row);
      if (key >= from && (to == Long.MAX_VALUE || key < to)) {
        selected.add(row);
      }
    }
    return ExpectedRows.jsonTexts(table, table.columnNames(), selected);
  }

  private List<String> walk(String origin, TableId id, String token) throws Exception {
    List<String> rows = new ArrayList<>();
    String cursor = null;
    do {
      HttpResponse<String> page =
          get(
              origin,
              "/v1/projects/"
                  + id.project()
                  + "/tables/"
                  + id.table()
                  + "/rows?limit=113"
                  + (cursor == null ? "" : "&cursor=" + cursor),
              token);
      assertThat(page.statusCode()).isEqualTo(200);
      rows.addAll(ExpectedRows.texts(ExpectedRows.parse(page.body())));
      cursor = page.headers().firstValue("Lakestream-Next-Cursor").orElse(null);
    } while (cursor != null);
    return rows;
  }

  private long rowCount(String origin, TableId id, String token) throws Exception {
    HttpResponse<String> status =
        get(origin, "/v1/projects/" + id.project() + "/tables/" + id.table(), token);
    if (status.statusCode() != 200) {
      return -1;
    }
    var rows = ExpectedRows.parse(status.body()).get("rows");
    return rows == null ? -1 : rows.asLong();
  }

  private static HttpResponse<String> get(String origin, String path, String token) {
    return ApiRequests.get(origin, path, token);
  }

  static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
    Map<String, Object> properties = new HashMap<>();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return new KafkaProducer<>(properties);
  }

  private static final Map<String, BinaryMessageEncoder<GenericRecord>> ENCODERS = new HashMap<>();

  static ProducerRecord<byte[], byte[]> record(
      TableDefinition table, String project, GenericRecord row) {
    try {
      ByteBuffer buffer =
          ENCODERS
              .computeIfAbsent(
                  table.name(),
                  n -> new BinaryMessageEncoder<>(GenericData.get(), AvroSchemas.rowSchema(table)))
              .encode(row);
      byte[] value = new byte[buffer.remaining()];
      buffer.get(value);
      return new ProducerRecord<>(
          Topics.rows(table.name()), project.getBytes(StandardCharsets.UTF_8), value);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

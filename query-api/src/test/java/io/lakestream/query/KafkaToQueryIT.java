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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
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
@ExtendWith(ClosesHadoopFileSystems.class)
class KafkaToQueryIT {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaToQueryIT.class);

  static final List<String> PROJECTS = List.of("acme", "globex", "initech");
  static final Map<String, TableDefinition> TABLES = TableDefinitions.builtIns();
  static final long BASE = 1_795_000_000_000_000L;

  @TempDir Path warehouse;

  @Test
  void rowsProducedToKafkaAreReadableOverHttpRowForRow() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      for (String table : TABLES.keySet()) {
        kafka.createTopic(Topics.rows(table), 2);
      }
      WriterConfig writerConfig =
          FeedFixtures.devWriter(kafka.bootstrapServers(), warehouse, Duration.ofMillis(200));
      QueryConfig.Builder queryConfig = FeedFixtures.pollingSidecar(warehouse);
      PROJECTS.forEach(p -> queryConfig.projectToken(p, p + "-token"));
      try (WriterRole writer = WriterRole.start(writerConfig, new SimpleMeterRegistry());
          QueryRole query = QueryRole.start(queryConfig.build(), new SimpleMeterRegistry());
          KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers())) {
        Sidecar admin = Sidecar.of(query);
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
          Sidecar sidecar = admin.as(id.project() + "-token");
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(100))
              .until(() -> sidecar.rowCount(id) == entry.getValue().size());
          TableDefinition table = TABLES.get(id.table());
          assertSameRowsInKeyOrder(
              table,
              sidecar.walk(id, 113),
              expected(table, entry.getValue(), Long.MIN_VALUE, Long.MAX_VALUE));
          for (int i = 0; i < 5; i++) {
            long from = BASE + random.nextInt(5_000) * 1_000L;
            long to = from + 1 + random.nextInt(2_000) * 1_000L;
            String body =
                sidecar
                    .get(Sidecar.path(id) + "/rows?limit=100000&from=" + from + "&to=" + to)
                    .body();
            assertSameRowsInKeyOrder(
                table,
                ExpectedRows.texts(ExpectedRows.parse(body)),
                expected(table, entry.getValue(), from, to));
          }
        }
        Sidecar acme = admin.as("acme-token");
        assertThat(acme.get("/v1/projects/globex/tables/events/rows").statusCode()).isEqualTo(403);

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
                                  acme.get("/v1/projects/acme/tables/events/rows/" + key).body())
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

  static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
    Map<String, Object> properties = new HashMap<>();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return new KafkaProducer<>(properties);
  }

  /** By definition: a table type created again with other columns gets an encoder of its own. */
  private static final Map<TableDefinition, BinaryMessageEncoder<GenericRecord>> ENCODERS =
      new HashMap<>();

  /** A row as the router writes it to {@code table}'s rows topic, encoded with its schema. */
  static ProducerRecord<byte[], byte[]> record(
      TableDefinition table, String project, GenericRecord row) {
    try {
      ByteBuffer buffer =
          ENCODERS
              .computeIfAbsent(
                  table,
                  t -> new BinaryMessageEncoder<>(GenericData.get(), AvroSchemas.rowSchema(table)))
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

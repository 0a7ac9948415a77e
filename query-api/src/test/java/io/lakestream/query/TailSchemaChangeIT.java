package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.catalog.Catalog;
import io.lakestream.reader.TableId;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.lakestream.testkit.EmbeddedKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table type dropped and created again with other columns, while its rows are only in the live
 * tail (no Delta table yet): rows produced after the new definition are decoded and served with the
 * new columns.
 */
@ExtendWith(ClosesHadoopFileSystems.class)
class TailSchemaChangeIT {
  private static final TableId USERS = new TableId("acme", "users");

  @TempDir Path warehouse;

  @Test
  void aTableTypeCreatedAgainWithOtherColumnsIsDecodedWithItsNewColumnsInTheTail()
      throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        Catalog catalog = Catalog.inMemory(TableDefinitions.builtIns())) {
      kafka.createTopic(Topics.COMMITS, 12);
      try (KafkaProducer<byte[], byte[]> producer =
              KafkaToQueryIT.producer(kafka.bootstrapServers());
          QueryRole query =
              QueryRole.start(
                  FeedFixtures.sidecarWithTail(kafka.bootstrapServers(), warehouse).build(),
                  new SimpleMeterRegistry(),
                  catalog,
                  QueryRole.NO_INSERTS)) {
        Sidecar sidecar = Sidecar.of(query);
        create(
            sidecar,
            "{\"name\":\"users\",\"primary_key\":\"user_id\",\"columns\":[{\"name\":\"user_id\","
                + "\"type\":\"long\",\"nullable\":false},{\"name\":\"email\",\"type\":\"string\"}]}");
        TableDefinition first = catalog.table("users").orElseThrow();
        kafka.createTopic(Topics.rows("users"), 1); // as the ingest role does for a new type
        List<GenericRecord> before = new TestRows(first, 5).rows("acme", new long[] {1, 2});
        send(producer, first, before);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> sidecar.readAll(USERS).size() == before.size());

        HttpResponse<String> dropped = sidecar.delete("/v1/tables/users");
        assertThat(dropped.statusCode()).as(dropped.body()).isEqualTo(200);
        create(
            sidecar,
            "{\"name\":\"users\",\"primary_key\":\"user_id\",\"columns\":[{\"name\":\"user_id\","
                + "\"type\":\"long\",\"nullable\":false},{\"name\":\"name\",\"type\":\"string\"},"
                + "{\"name\":\"age\",\"type\":\"int\"}]}");
        TableDefinition second = catalog.table("users").orElseThrow();
        List<GenericRecord> after = new TestRows(second, 6).rows("acme", new long[] {3, 4, 5});
        send(producer, second, after);

        List<String> expected = KafkaToQueryIT.expected(second, after, 3, 6);
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  HttpResponse<String> page =
                      sidecar.get(Sidecar.path(USERS) + "/rows?from=3&to=6&limit=100");
                  assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
                  KafkaToQueryIT.assertSameRowsInKeyOrder(
                      second, ExpectedRows.texts(ExpectedRows.parse(page.body())), expected);
                });
      }
    }
  }

  private static void create(Sidecar sidecar, String definition) {
    HttpResponse<String> created = sidecar.post("/v1/tables", definition);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  /** Sends the rows encoded with {@code table}'s schema, as the router does. */
  private static void send(
      KafkaProducer<byte[], byte[]> producer, TableDefinition table, List<GenericRecord> rows) {
    for (GenericRecord row : rows) {
      producer.send(KafkaToQueryIT.record(table, "acme", row));
    }
    producer.flush();
  }
}

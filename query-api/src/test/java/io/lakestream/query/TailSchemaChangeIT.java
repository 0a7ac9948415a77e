package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.catalog.Catalog;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.lakestream.schema.convert.AvroSchemas;
import io.lakestream.testkit.EmbeddedKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table type dropped and created again with other columns, while its rows are only in the live
 * tail (no Delta table yet): rows produced after the new definition are decoded and served with the
 * new columns.
 */
class TailSchemaChangeIT {
  @TempDir Path warehouse;
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterAll
  static void forgetCachedFileSystems() throws java.io.IOException {
    org.apache.hadoop.fs.FileSystem.closeAll();
  }

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
                  FeedFixtures.sidecarOnFeed(kafka.bootstrapServers(), warehouse)
                      .tailEnabled(true)
                      .build(),
                  new SimpleMeterRegistry(),
                  catalog,
                  QueryRole.NO_INSERTS)) {
        String origin = "http://127.0.0.1:" + query.port();
        create(
            origin,
            "{\"name\":\"users\",\"primary_key\":\"user_id\",\"columns\":[{\"name\":\"user_id\","
                + "\"type\":\"long\",\"nullable\":false},{\"name\":\"email\",\"type\":\"string\"}]}");
        TableDefinition first = catalog.table("users").orElseThrow();
        kafka.createTopic(Topics.rows("users"), 1); // as the ingest role does for a new type
        List<GenericRecord> before = new TestRows(first, 5).rows("acme", new long[] {1, 2});
        send(producer, first, before);
        await().atMost(Duration.ofSeconds(30)).until(() -> readAll(origin).size() == before.size());

        HttpResponse<String> dropped = request(origin, "DELETE", "/v1/tables/users", null);
        assertThat(dropped.statusCode()).as(dropped.body()).isEqualTo(200);
        create(
            origin,
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
                      request(
                          origin,
                          "GET",
                          "/v1/projects/acme/tables/users/rows?from=3&to=6&limit=100",
                          null);
                  assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
                  KafkaToQueryIT.assertSameRowsInKeyOrder(
                      second, ExpectedRows.texts(ExpectedRows.parse(page.body())), expected);
                });
      }
    }
  }

  private void create(String origin, String definition) {
    HttpResponse<String> created = request(origin, "POST", "/v1/tables", definition);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  /** Sends the rows encoded with {@code table}'s schema, as the router does. */
  private static void send(
      KafkaProducer<byte[], byte[]> producer, TableDefinition table, List<GenericRecord> rows)
      throws java.io.IOException {
    BinaryMessageEncoder<GenericRecord> encoder =
        new BinaryMessageEncoder<>(GenericData.get(), AvroSchemas.rowSchema(table));
    for (GenericRecord row : rows) {
      ByteBuffer buffer = encoder.encode(row);
      byte[] value = new byte[buffer.remaining()];
      buffer.get(value);
      producer.send(
          new ProducerRecord<>(
              Topics.rows(table.name()), "acme".getBytes(StandardCharsets.UTF_8), value));
    }
    producer.flush();
  }

  private List<String> readAll(String origin) {
    HttpResponse<String> page =
        request(origin, "GET", "/v1/projects/acme/tables/users/rows?limit=1000", null);
    if (page.statusCode() != 200) {
      return List.of();
    }
    JsonNode rows = ExpectedRows.parse(page.body());
    return ExpectedRows.texts(rows);
  }

  private HttpResponse<String> request(String origin, String method, String path, String body) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(origin + path))
              .header("Authorization", "Bearer admin")
              .header("Content-Type", "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

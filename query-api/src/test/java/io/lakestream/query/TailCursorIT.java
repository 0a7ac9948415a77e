package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.reader.TableId;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.SourceCoordinates;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.lakestream.testkit.EmbeddedKafka;
import io.lakestream.writer.WriterConfig;
import io.lakestream.writer.WriterRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cursor whose page ends inside a run of equal keys held by the live tail, continued after the
 * writer moved part of that run into a file: every row is served exactly once.
 *
 * <p>The run's order changes with the move: rows a, b, c of one key are read into the tail in that
 * order; the writer commits a and c (their source record is whole) and keeps b (its source record,
 * from another source partition, still lacks a row), so the table then serves a, c from its file
 * and b from the tail. A cursor that counted "two rows of the key served" (a, b) would serve b
 * again and never c.
 */
@ExtendWith(ClosesHadoopFileSystems.class)
class TailCursorIT {
  private static final TableDefinition EVENTS = TableDefinitions.builtIn("events");
  private static final TableId ACME_EVENTS = new TableId("acme", EVENTS.name());
  private static final long KEY = 1_795_000_000_000_000L;
  private static final String SOURCE = "otlp_logs";

  @TempDir Path warehouse;

  @Test
  void aCursorInsideARunOfEqualKeysServesEveryRowOnceAcrossTheMoveIntoAFile() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(Topics.rows(EVENTS.name()), 1);
      kafka.createTopic(Topics.COMMITS, 12);
      QueryConfig queryConfig =
          FeedFixtures.sidecarWithTail(kafka.bootstrapServers(), warehouse).build();
      WriterConfig writerConfig =
          FeedFixtures.devWriter(kafka.bootstrapServers(), warehouse, Duration.ofMillis(300));
      TestRows rows = new TestRows(EVENTS, 7);
      List<GenericRecord> sent =
          rows.rows("acme", new long[] {KEY - 1_000, KEY, KEY, KEY, KEY + 1_000});
      // source records: before (p0@0), a (p0@1), b (p1@0, 1 row of 2), c (p0@2), after (p0@3)
      List<SourceCoordinates> sources =
          List.of(
              SourceCoordinates.of(SOURCE, 0, 0).row(0, 1),
              SourceCoordinates.of(SOURCE, 0, 1).row(0, 1),
              SourceCoordinates.of(SOURCE, 1, 0).row(0, 2),
              SourceCoordinates.of(SOURCE, 0, 2).row(0, 1),
              SourceCoordinates.of(SOURCE, 0, 3).row(0, 1));
      List<String> expected = KafkaToQueryIT.expected(EVENTS, sent, Long.MIN_VALUE, Long.MAX_VALUE);
      try (KafkaProducer<byte[], byte[]> producer =
              KafkaToQueryIT.producer(kafka.bootstrapServers());
          QueryRole query = QueryRole.start(queryConfig, new SimpleMeterRegistry())) {
        Sidecar sidecar = Sidecar.of(query);
        for (int i = 0; i < sent.size(); i++) {
          ProducerRecord<byte[], byte[]> record =
              KafkaToQueryIT.record(EVENTS, "acme", sent.get(i));
          sources.get(i).writeTo(record.headers());
          producer.send(record);
        }
        producer.flush();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> sidecar.status(ACME_EVENTS).path("tail_rows").asLong() == 5);

        // page 1: the row before the key, then a and b; c is left in the run
        Sidecar.Page first = sidecar.page(ACME_EVENTS, 3, null);
        List<String> walked = new ArrayList<>(first.rows());
        assertThat(walked).containsExactlyElementsOf(expected.subList(0, 3));
        String cursor = first.next().orElseThrow();

        // the writer commits a, c and the last row, and keeps b (its record lacks a row)
        try (WriterRole writer = WriterRole.start(writerConfig, new SimpleMeterRegistry())) {
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () -> {
                    JsonNode status = sidecar.status(ACME_EVENTS);
                    return status.path("rows").asLong() == 4
                        && status.path("tail_rows").asLong() == 1;
                  });
          assertThat(writer.failure()).isEmpty();
        }

        // the rest of the walk, then a fresh walk of the moved table
        while (cursor != null) {
          Sidecar.Page page = sidecar.page(ACME_EVENTS, 3, cursor);
          walked.addAll(page.rows());
          cursor = page.next().orElse(null);
        }
        assertThat(walked).doesNotHaveDuplicates();
        KafkaToQueryIT.assertSameRowsInKeyOrder(EVENTS, walked, expected);
        KafkaToQueryIT.assertSameRowsInKeyOrder(EVENTS, sidecar.walk(ACME_EVENTS, 2), expected);
      }
    }
  }
}

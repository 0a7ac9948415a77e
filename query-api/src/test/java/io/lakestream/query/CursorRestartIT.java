package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.reader.TableId;
import io.lakestream.reader.TestRows;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cursor taken from one sidecar and continued on another one started afterwards (a restart, or
 * another replica behind the same Service) serves exactly the rows after it, when no row of its key
 * moved between the two: the walk holds every row once, its page ending inside a run of equal keys
 * that spans a Delta file and the live tail.
 */
@ExtendWith(ClosesHadoopFileSystems.class)
class CursorRestartIT {
  private static final TableDefinition EVENTS = TableDefinitions.builtIn("events");
  private static final TableId ACME_EVENTS = new TableId("acme", EVENTS.name());
  private static final long BASE = 1_795_000_000_000_000L;
  private static final int RUNS = 6;
  private static final int RUN = 3;

  @TempDir Path warehouse;

  @Test
  void aCursorContinuedOnARestartedSidecarServesExactlyTheRemainingRows() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(Topics.rows(EVENTS.name()), 1);
      kafka.createTopic(Topics.COMMITS, 12);
      QueryConfig queryConfig =
          FeedFixtures.sidecarWithTail(kafka.bootstrapServers(), warehouse).build();
      WriterConfig writerConfig =
          FeedFixtures.devWriter(kafka.bootstrapServers(), warehouse, Duration.ofMillis(300));
      TestRows rows = new TestRows(EVENTS, 11);
      // every key RUN times: half of each run committed to a file, half only in the live tail
      List<GenericRecord> committed = rows.rows("acme", keys());
      List<GenericRecord> inTail = rows.rows("acme", keys());
      List<GenericRecord> sent = new ArrayList<>(committed);
      sent.addAll(inTail);
      List<String> expected = KafkaToQueryIT.expected(EVENTS, sent, Long.MIN_VALUE, Long.MAX_VALUE);
      List<String> walked = new ArrayList<>();

      try (KafkaProducer<byte[], byte[]> producer =
          KafkaToQueryIT.producer(kafka.bootstrapServers())) {
        produce(producer, committed);
        try (WriterRole writer = WriterRole.start(writerConfig, new SimpleMeterRegistry());
            QueryRole first = QueryRole.start(queryConfig, new SimpleMeterRegistry())) {
          Sidecar sidecar = Sidecar.of(first);
          await().atMost(Duration.ofSeconds(60)).until(() -> serves(sidecar, committed.size(), 0));
          assertThat(writer.failure()).isEmpty();
        }
        produce(producer, inTail); // no writer runs now: these stay in the tail

        String cursor;
        try (QueryRole before = QueryRole.start(queryConfig, new SimpleMeterRegistry())) {
          Sidecar sidecar = Sidecar.of(before);
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> serves(sidecar, committed.size(), inTail.size()));
          // a page that ends inside a run: RUN + 2 rows
          Sidecar.Page page = sidecar.page(ACME_EVENTS, RUN + 2, null);
          walked.addAll(page.rows());
          cursor = page.next().orElseThrow();
        }

        try (QueryRole after = QueryRole.start(queryConfig, new SimpleMeterRegistry())) {
          Sidecar sidecar = Sidecar.of(after);
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> serves(sidecar, committed.size(), inTail.size()));
          while (cursor != null) {
            Sidecar.Page page = sidecar.page(ACME_EVENTS, RUN + 2, cursor);
            walked.addAll(page.rows());
            cursor = page.next().orElse(null);
          }
        }
      }
      assertThat(walked).hasSize(expected.size()).doesNotHaveDuplicates();
      KafkaToQueryIT.assertSameRowsInKeyOrder(EVENTS, walked, expected);
    }
  }

  /** Each of {@link #RUNS} keys {@link #RUN} times. */
  private static long[] keys() {
    long[] keys = new long[RUNS * RUN];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = BASE + (i / RUN) * 1_000L;
    }
    return keys;
  }

  private static void produce(KafkaProducer<byte[], byte[]> producer, List<GenericRecord> rows) {
    for (GenericRecord row : rows) {
      producer.send(KafkaToQueryIT.record(EVENTS, "acme", row));
    }
    producer.flush();
  }

  /** Whether the sidecar serves {@code rows} rows from files and {@code tailRows} from the tail. */
  private static boolean serves(Sidecar sidecar, long rows, long tailRows) {
    JsonNode status = sidecar.status(ACME_EVENTS);
    return status.path("rows").asLong() == rows && status.path("tail_rows").asLong() == tailRows;
  }
}

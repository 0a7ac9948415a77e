package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.reader.TableId;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.lakestream.testkit.EmbeddedKafka;
import io.lakestream.testkit.KernelTables;
import io.lakestream.writer.WriterConfig;
import io.lakestream.writer.WriterRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar on the commit feed, without any log poll or listing (fallback sweep off): rows the
 * writer commits are served from the announcements; a sidecar stopped and started again (a new
 * process in all but the JVM: nothing of the first is kept) serves exactly the same rows, including
 * those committed while it was down (found by its start-up load, before the feed's end offsets it
 * took) and those committed after (announced).
 */
@ExtendWith(ClosesHadoopFileSystems.class)
class CommitFeedRestartIT {
  private static final List<String> PROJECTS = List.of("acme", "globex");
  private static final TableDefinition EVENTS = TableDefinitions.builtIn("events");

  @TempDir Path warehouse;
  private final SentEvents sent = new SentEvents(PROJECTS, new Random(14));

  @Test
  void aRestartedSidecarServesTheSameRowsFromItsLoadAndTheFeed() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(Topics.rows(EVENTS.name()), 2);
      WriterConfig writerConfig =
          FeedFixtures.devWriter(kafka.bootstrapServers(), warehouse, Duration.ofMillis(200));
      QueryConfig queryConfig =
          FeedFixtures.sidecarOnFeed(kafka.bootstrapServers(), warehouse).build();
      try (WriterRole writer = WriterRole.start(writerConfig, new SimpleMeterRegistry());
          KafkaProducer<byte[], byte[]> producer =
              KafkaToQueryIT.producer(kafka.bootstrapServers())) {
        Map<TableId, List<String>> before;
        try (QueryRole query = QueryRole.start(queryConfig, new SimpleMeterRegistry())) {
          Sidecar sidecar = Sidecar.of(query);
          await().atMost(Duration.ofSeconds(60)).until(() -> positioned(query));
          sent.produce(producer, 200);
          before = awaitAllRows(sidecar);
          assertThat(query.tables().feedCounts().applied()).isPositive();
        }

        sent.produce(producer, 150); // committed while no sidecar runs
        await().atMost(Duration.ofSeconds(60)).until(this::writerCommittedEverything);

        try (QueryRole query = QueryRole.start(queryConfig, new SimpleMeterRegistry())) {
          Sidecar sidecar = Sidecar.of(query);
          await().atMost(Duration.ofSeconds(60)).until(() -> positioned(query));
          Map<TableId, List<String>> afterRestart = awaitAllRows(sidecar);
          for (TableId id : before.keySet()) {
            assertThat(afterRestart.get(id)).containsAll(before.get(id));
          }
          long appliedAtStart = query.tables().feedCounts().applied();

          sent.produce(producer, 100); // committed and announced after the restart
          awaitAllRows(sidecar);
          assertThat(query.tables().feedCounts().applied()).isGreaterThan(appliedAtStart);
          assertThat(query.tables().feedCounts().fallbackSweeps()).isZero();
        }
        assertThat(writer.failure()).isEmpty();
      }
    }
  }

  private static boolean positioned(QueryRole query) {
    return query.commitFeed().map(f -> f.isPositioned()).orElse(false);
  }

  /** Whether every row sent so far is in Delta, as Delta Kernel reads the tables. */
  private boolean writerCommittedEverything() {
    KernelTables kernel = new KernelTables(new org.apache.hadoop.conf.Configuration());
    for (Map.Entry<TableId, List<GenericRecord>> entry : sent.byTable().entrySet()) {
      String table =
          warehouse
              .resolve("projects")
              .resolve(entry.getKey().project())
              .resolve(entry.getKey().table())
              .toUri()
              .toString();
      try {
        if (kernel.rowsAsText(table, List.of(EVENTS.primaryKey())).size()
            != entry.getValue().size()) {
          return false;
        }
      } catch (RuntimeException e) {
        return false;
      }
    }
    return true;
  }

  /** Waits until every row sent is served, then reads each table whole, in key order. */
  private Map<TableId, List<String>> awaitAllRows(Sidecar sidecar) {
    Map<TableId, List<String>> served = new TreeMap<>();
    for (Map.Entry<TableId, List<GenericRecord>> entry : sent.byTable().entrySet()) {
      TableId id = entry.getKey();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> sidecar.rowCount(id) == entry.getValue().size());
      List<String> rows = sidecar.readAll(id);
      KafkaToQueryIT.assertSameRowsInKeyOrder(
          EVENTS,
          rows,
          KafkaToQueryIT.expected(EVENTS, entry.getValue(), Long.MIN_VALUE, Long.MAX_VALUE));
      served.put(id, rows);
    }
    return served;
  }
}

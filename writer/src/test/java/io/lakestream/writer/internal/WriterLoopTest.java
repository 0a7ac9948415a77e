package io.lakestream.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.schema.SourceCoordinates;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.lakestream.schema.convert.AvroSchemas;
import io.lakestream.testkit.KernelTables;
import io.lakestream.writer.CrashPoint;
import io.lakestream.writer.FaultInjector;
import io.lakestream.writer.KeyModelEncoder;
import io.lakestream.writer.TestRows;
import io.lakestream.writer.WriterConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poll loop over Kafka's {@link MockConsumer}, with real Parquet files and Delta commits in a
 * local warehouse read back by Delta Kernel: which routed offsets it commits while flushes of
 * several tables run, fail, are slow, are revoked or crash.
 */
class WriterLoopTest {
  private static final TableDefinition EVENTS = TableDefinitions.builtIn("events");
  private static final TopicPartition P0 = new TopicPartition(Topics.rows("events"), 0);
  private static final TopicPartition P1 = new TopicPartition(Topics.rows("events"), 1);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private final RecordingConsumer consumer = new RecordingConsumer();
  private final CountDownLatch release = new CountDownLatch(1);
  private WriterConfig config;
  private Warehouse warehouse;
  private WriterLoop loop;
  private Thread thread;

  @AfterEach
  void stopLoop() throws InterruptedException {
    release.countDown();
    if (loop != null) {
      loop.stop();
      thread.join(TIMEOUT.toMillis());
    }
  }

  /** Records every offset commit; a poll without records waits a little, as a real one does. */
  private static final class RecordingConsumer extends MockConsumer<byte[], byte[]> {
    private final List<Map<TopicPartition, OffsetAndMetadata>> commits = new ArrayList<>();

    RecordingConsumer() {
      super("earliest");
    }

    @Override
    public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
      ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
      if (records.isEmpty()) {
        LockSupport.parkNanos(Math.min(timeout.toNanos(), Duration.ofMillis(5).toNanos()));
      }
      return records;
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
      synchronized (this) {
        commits.add(Map.copyOf(offsets));
      }
      super.commitSync(offsets, timeout);
    }

    /** The last offset committed for {@code partition}, if any. */
    synchronized OptionalLong lastCommitted(TopicPartition partition) {
      for (int i = commits.size() - 1; i >= 0; i--) {
        OffsetAndMetadata offset = commits.get(i).get(partition);
        if (offset != null) {
          return OptionalLong.of(offset.offset());
        }
      }
      return OptionalLong.empty();
    }

    /** The highest offset ever committed for {@code partition}, or -1. */
    synchronized long highestCommitted(TopicPartition partition) {
      return commits.stream()
          .map(c -> c.get(partition))
          .filter(java.util.Objects::nonNull)
          .mapToLong(OffsetAndMetadata::offset)
          .max()
          .orElse(-1);
    }
  }

  /** The log reads of each project's table: its watermarks read and its held log dropped. */
  private final Map<String, java.util.concurrent.atomic.AtomicInteger> refreshes =
      new java.util.concurrent.ConcurrentHashMap<>();

  private java.util.concurrent.atomic.AtomicInteger refreshes(String project) {
    return refreshes.computeIfAbsent(project, p -> new java.util.concurrent.atomic.AtomicInteger());
  }

  /** {@code tables}, counting each table's {@link DeltaTables.Table#refresh} by project. */
  private DeltaTables counting(DeltaTables tables) {
    return (project, definition) -> {
      DeltaTables.Table table = tables.open(project, definition);
      return new DeltaTables.Table() {
        @Override
        public String project() {
          return table.project();
        }

        @Override
        public TableDefinition definition() {
          return table.definition();
        }

        @Override
        public String path() {
          return table.path();
        }

        @Override
        public long transactionVersion(String appId) {
          return table.transactionVersion(appId);
        }

        @Override
        public void refresh() {
          refreshes(project).incrementAndGet();
          table.refresh();
        }

        @Override
        public DeltaTables.CommitOutcome commit(
            List<DataFile> files, Map<String, DeltaTables.SourceRange> sources) {
          return table.commit(files, sources);
        }
      };
    };
  }

  private void start(FaultInjector faults) {
    config =
        WriterConfig.devBuilder()
            .bootstrapServers("unused:9092")
            .warehouse(dir.toUri())
            .tables(Map.of("events", EVENTS))
            .flushAge(Duration.ofMillis(50))
            .flushThreads(2)
            .build();
    warehouse = Warehouse.of(config);
    WriterMetrics metrics = new WriterMetrics(new SimpleMeterRegistry());
    RoutedRows routedRows = new RoutedRows(config.tableLookup());
    FlushPool pool = new FlushPool(config.flushThreads(), "test-flush");
    TableFlusher flusher =
        new TableFlusher(
            warehouse,
            counting(new StandaloneDeltaTables(warehouse, 10, Duration.ofDays(7))),
            routedRows,
            "zstd",
            KeyModelEncoder.none(),
            pool.guard(faults),
            metrics,
            CommitFeed.NONE,
            100);
    MockProducer<byte[], byte[]> dlq =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    loop =
        new WriterLoop(
            config, consumer, new DeadLetters(dlq), flusher, pool, routedRows, metrics, faults);
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    thread = new Thread(loop, "test-writer-loop");
    thread.start();
  }

  /** Assigns P0 and P1 and hands the loop these records, in its poll thread. */
  private void deliver(List<ConsumerRecord<byte[], byte[]>> records) {
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(P0, P1));
          records.forEach(consumer::addRecord);
        });
  }

  /**
   * Routed records at {@code firstOffset}…: one source record of one row each, of {@code project}.
   */
  private static List<ConsumerRecord<byte[], byte[]>> rows(
      TopicPartition partition, String project, long firstOffset, int count) {
    return routed(partition, firstOffset, partition.partition(), firstOffset, project, count);
  }

  /**
   * Routed records at {@code firstOffset}… of {@code partition}: one source record of one row each,
   * of {@code project}, from src-{@code sourcePartition} at {@code firstSourceOffset}….
   */
  private static List<ConsumerRecord<byte[], byte[]>> routed(
      TopicPartition partition,
      long firstOffset,
      int sourcePartition,
      long firstSourceOffset,
      String project,
      int count) {
    BinaryMessageEncoder<GenericRecord> encoder =
        new BinaryMessageEncoder<>(GenericData.get(), AvroSchemas.rowSchema(EVENTS));
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long offset = firstOffset + i;
      long sourceOffset = firstSourceOffset + i;
      String id = partition + "@" + offset;
      GenericRecord row = TestRows.row(EVENTS, project, 1_700_000_000_000_000L + sourceOffset, id);
      ConsumerRecord<byte[], byte[]> record =
          new ConsumerRecord<>(
              partition.topic(),
              partition.partition(),
              offset,
              project.getBytes(StandardCharsets.UTF_8),
              encode(encoder, row));
      SourceCoordinates.of("src", sourcePartition, sourceOffset)
          .row(0, 1)
          .writeTo(record.headers());
      records.add(record);
    }
    return records;
  }

  /**
   * Routed row {@code index} of {@code count} of source record src-{@code partition}@{@code
   * sourceOffset}, at {@code routedOffset} of {@code partition}, of project "a".
   */
  private static ConsumerRecord<byte[], byte[]> sourceRow(
      TopicPartition partition, long routedOffset, long sourceOffset, int index, int count) {
    BinaryMessageEncoder<GenericRecord> encoder =
        new BinaryMessageEncoder<>(GenericData.get(), AvroSchemas.rowSchema(EVENTS));
    String id = "src@" + sourceOffset + "#" + index;
    GenericRecord row = TestRows.row(EVENTS, "a", 1_700_000_000_000_000L + sourceOffset, id);
    ConsumerRecord<byte[], byte[]> record =
        new ConsumerRecord<>(
            partition.topic(),
            partition.partition(),
            routedOffset,
            "a".getBytes(StandardCharsets.UTF_8),
            encode(encoder, row));
    SourceCoordinates.of("src", partition.partition(), sourceOffset)
        .row(index, count)
        .writeTo(record.headers());
    return record;
  }

  private static byte[] encode(BinaryMessageEncoder<GenericRecord> encoder, GenericRecord row) {
    try {
      ByteBuffer buffer = encoder.encode(row);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> concat(
      List<ConsumerRecord<byte[], byte[]>> a, List<ConsumerRecord<byte[], byte[]>> b) {
    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** The ids in the project's table, duplicates kept; empty while it does not exist. */
  private List<String> ids(String project) {
    String path = warehouse.tablePath(project, "events").toString();
    try {
      return new KernelTables(warehouse.hadoopConf())
          .rows(path).stream().map(row -> (String) row.get(TestRows.idColumn(EVENTS))).toList();
    } catch (io.delta.kernel.exceptions.TableNotFoundException e) {
      return List.of();
    }
  }

  /** Blocks flushes of {@code project} after their file is written, until {@link #release}. */
  private FaultInjector blocking(String project, CountDownLatch reached) {
    return (point, flushedProject, table) -> {
      if (point == CrashPoint.AFTER_DATA_FILE_WRITTEN && flushedProject.equals(project)) {
        reached.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
    };
  }

  /** P0: fast@0-4, slow@5-9, fast@10-14. */
  private void deliverFastSlowFast() {
    deliver(
        concat(concat(rows(P0, "fast", 0, 5), rows(P0, "slow", 5, 5)), rows(P0, "fast", 10, 5)));
  }

  @Test
  void aSlowTablesRowsHoldBackTheOffsetAndAnotherTablesFinishedFlushMovesItUpToThem() {
    CountDownLatch slowReached = new CountDownLatch(1);
    start(blocking("slow", slowReached));
    deliverFastSlowFast();

    await().atMost(TIMEOUT).until(() -> ids("fast").size() == 10);
    await().atMost(TIMEOUT).until(() -> consumer.lastCommitted(P0).equals(OptionalLong.of(5)));
    assertThat(slowReached.getCount()).as("the slow flush is running").isZero();
    assertThat(ids("slow")).isEmpty();

    release.countDown();

    await().atMost(TIMEOUT).until(() -> consumer.lastCommitted(P0).equals(OptionalLong.of(15)));
    assertThat(ids("slow")).hasSize(5).doesNotHaveDuplicates();
    assertThat(ids("fast")).hasSize(10).doesNotHaveDuplicates();
  }

  @Test
  void aFailingFlushIsRetriedAndHoldsBackOnlyTheOffsetsOfItsOwnRows() {
    AtomicInteger attempts = new AtomicInteger();
    start(
        (point, project, table) -> {
          if (point == CrashPoint.AFTER_DATA_FILE_WRITTEN
              && project.equals("failing")
              && (attempts.incrementAndGet() < 2 || release.getCount() > 0)) {
            throw new IllegalStateException("simulated storage outage");
          }
        });
    deliver(concat(rows(P0, "failing", 0, 5), rows(P1, "fine", 0, 5)));

    await().atMost(TIMEOUT).until(() -> consumer.lastCommitted(P1).equals(OptionalLong.of(5)));
    await().atMost(TIMEOUT).until(() -> attempts.get() >= 2);
    assertThat(consumer.highestCommitted(P0))
        .as("offset of the failing table's rows")
        .isLessThan(1);
    assertThat(ids("failing")).isEmpty();

    release.countDown();

    await().atMost(TIMEOUT).until(() -> consumer.lastCommitted(P0).equals(OptionalLong.of(5)));
    assertThat(ids("failing")).hasSize(5).doesNotHaveDuplicates();
    assertThat(ids("fine")).hasSize(5).doesNotHaveDuplicates();
  }

  @Test
  void revocationWaitsForTheFlushInFlightAndCommitsTheOffsetsItCovers() {
    CountDownLatch slowReached = new CountDownLatch(1);
    start(blocking("slow", slowReached));
    deliverFastSlowFast();
    await().atMost(TIMEOUT).until(() -> consumer.lastCommitted(P0).equals(OptionalLong.of(5)));

    consumer.schedulePollTask(
        () -> {
          release.countDown(); // the flush goes on while the revocation waits for it
          consumer.rebalance(List.of());
        });

    await().atMost(TIMEOUT).until(() -> consumer.lastCommitted(P0).equals(OptionalLong.of(15)));
    assertThat(ids("slow")).hasSize(5).doesNotHaveDuplicates();
    assertThat(loop.isRunning()).isTrue();
  }

  @Test
  void aCrashInAFlushStopsTheLoopWithoutCommittingPastTheCrashedTablesRows() {
    CountDownLatch slowReached = new CountDownLatch(1);
    FaultInjector block = blocking("slow", slowReached);
    start(
        (point, project, table) -> {
          block.at(point, project, table);
          if (point == CrashPoint.AFTER_DATA_FILE_WRITTEN && project.equals("slow")) {
            throw new Error("simulated crash");
          }
        });
    deliverFastSlowFast();
    await().atMost(TIMEOUT).until(() -> consumer.lastCommitted(P0).equals(OptionalLong.of(5)));

    release.countDown();

    await().atMost(TIMEOUT).until(() -> !loop.isRunning());
    assertThat(loop.failure()).isInstanceOf(Error.class).hasMessage("simulated crash");
    assertThat(consumer.highestCommitted(P0)).isEqualTo(5);
    assertThat(ids("slow")).isEmpty();
  }

  @Test
  void aRecordPartlyFoundWrittenBeforeARebalanceDoesNotHoldBackTheLaterRecords() {
    start((point, project, table) -> {});
    // src@0 (three rows) and src@1 are written; their offsets are committed.
    deliver(
        List.of(
            sourceRow(P0, 0, 0, 0, 3),
            sourceRow(P0, 1, 0, 1, 3),
            sourceRow(P0, 2, 0, 2, 3),
            sourceRow(P0, 3, 1, 0, 1)));
    await().atMost(TIMEOUT).until(() -> consumer.lastCommitted(P0).equals(OptionalLong.of(4)));
    // src@0 comes again (a re-read after a restart, a replay): its first two rows in one poll,
    // found written; then a rebalance; then its last row and a new record, src@2, in the next.
    consumer.schedulePollTask(
        () -> {
          consumer.addRecord(sourceRow(P0, 4, 0, 0, 3));
          consumer.addRecord(sourceRow(P0, 5, 0, 1, 3));
        });
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0)));
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(P0, P1));
          consumer.addRecord(sourceRow(P0, 6, 0, 2, 3));
          consumer.addRecord(sourceRow(P0, 7, 2, 0, 1));
        });

    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(ids("a")).contains("src@2#0"));
    assertThat(ids("a"))
        .containsExactlyInAnyOrder("src@0#0", "src@0#1", "src@0#2", "src@1#0", "src@2#0");
    await().atMost(TIMEOUT).until(() -> consumer.lastCommitted(P0).equals(OptionalLong.of(8)));
  }

  @Test
  void aRebalanceRereadsTheTablesOfThePartitionsThatMovedAndKeepsTheRest() {
    start((point, project, table) -> {});
    deliver(concat(rows(P0, "kept", 0, 3), rows(P1, "moved", 0, 3)));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                consumer.lastCommitted(P0).equals(OptionalLong.of(3))
                    && consumer.lastCommitted(P1).equals(OptionalLong.of(3)));

    // P1 leaves this writer, then comes back; P0 stays throughout.
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0)));
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(P0, P1));
          rows(P0, "kept", 3, 2).forEach(consumer::addRecord);
          rows(P1, "moved", 3, 2).forEach(consumer::addRecord);
        });

    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                consumer.lastCommitted(P0).equals(OptionalLong.of(5))
                    && consumer.lastCommitted(P1).equals(OptionalLong.of(5)));
    assertThat(refreshes("kept")).as("the table of the partition kept").hasValue(0);
    assertThat(refreshes("moved").get()).as("the table of the partition moved").isPositive();
    assertThat(ids("kept"))
        .containsExactlyInAnyOrder(P0 + "@0", P0 + "@1", P0 + "@2", P0 + "@3", P0 + "@4");
    assertThat(ids("moved"))
        .containsExactlyInAnyOrder(P1 + "@0", P1 + "@1", P1 + "@2", P1 + "@3", P1 + "@4");
  }

  @Test
  void rowsOfOneSourcePartitionThroughTwoRoutedPartitionsAreAllWrittenWhicheverCommitsFirst() {
    // Partitions were added to the routed topic: project a's newer rows of source partition 0
    // (offsets 10-19) came through routed partition 1 and are committed first; its older rows
    // (0-9), still in routed partition 0, come later. They are not in the table yet.
    start((point, project, table) -> {});
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(P0, P1));
          routed(P1, 0, 0, 10, "a", 10).forEach(consumer::addRecord);
        });
    await().atMost(TIMEOUT).until(() -> consumer.lastCommitted(P1).equals(OptionalLong.of(10)));
    assertThat(ids("a")).hasSize(10);

    consumer.schedulePollTask(() -> routed(P0, 0, 0, 0, "a", 10).forEach(consumer::addRecord));

    await().atMost(TIMEOUT).until(() -> consumer.lastCommitted(P0).equals(OptionalLong.of(10)));
    assertThat(ids("a")).hasSize(20).doesNotHaveDuplicates();
  }

  /**
   * Commits project a's source offsets 0-9 of src-0 (no file) as a writer of an earlier version
   * did: with a watermark per source partition only.
   */
  private void commitAsAnEarlierWriter() {
    DeltaTables.Table earlier =
        new StandaloneDeltaTables(warehouse, 10, Duration.ofDays(7)).open("a", EVENTS);
    assertThat(earlier.commit(List.of(), Map.of("src-0", new DeltaTables.SourceRange(0, 9))))
        .isInstanceOf(DeltaTables.Committed.class);
  }

  @Test
  void aTableWrittenBeforeRoutesWereKeptIsNotWrittenTwice() {
    // An earlier writer committed source offsets 0-9 with a watermark per source partition only.
    start((point, project, table) -> {});
    commitAsAnEarlierWriter();

    // Its routed partition is read again from offset 0 (its offsets were not committed).
    deliver(routed(P0, 0, 0, 0, "a", 15));

    await().atMost(TIMEOUT).until(() -> consumer.lastCommitted(P0).equals(OptionalLong.of(15)));
    assertThat(ids("a"))
        .as("only the rows after the earlier writer's watermark")
        .containsExactlyInAnyOrder(P0 + "@10", P0 + "@11", P0 + "@12", P0 + "@13", P0 + "@14");
  }

  @Test
  void aTableWrittenBeforeRoutesWereKeptIsNotWrittenTwiceAfterTheRoutedTopicGrew() {
    // An earlier writer committed source offsets 0-9 with a watermark per source partition only,
    // through routed partition 0, and stopped before committing its consumer offsets.
    start((point, project, table) -> {});
    commitAsAnEarlierWriter();
    // The routed topic grew: newer rows come through 1 and are committed first.
    deliver(routed(P1, 0, 0, 20, "a", 10));
    await().atMost(TIMEOUT).until(() -> consumer.lastCommitted(P1).equals(OptionalLong.of(10)));

    // Then routed partition 0 is read again from offset 0.
    consumer.schedulePollTask(() -> routed(P0, 0, 0, 0, "a", 15).forEach(consumer::addRecord));

    await().atMost(TIMEOUT).until(() -> consumer.lastCommitted(P0).equals(OptionalLong.of(15)));
    assertThat(ids("a"))
        .as("the newer rows, and of the older only those after the earlier writer's watermark")
        .hasSize(15)
        .contains(P0 + "@10", P0 + "@11", P0 + "@12", P0 + "@13", P0 + "@14")
        .doesNotContain(P0 + "@9");
  }

  @Test
  void aReplayAfterTheRoutedTopicGrewDoesNotWriteAgainWhatAnotherRouteWrote() {
    // Source offsets 0-9 of project a were routed through routed partition 0 and written. Then the
    // routed topic grew, and a replay routed the same source records by the new count: through 1.
    start((point, project, table) -> {});
    deliver(routed(P0, 0, 0, 0, "a", 10));
    await().atMost(TIMEOUT).until(() -> consumer.lastCommitted(P0).equals(OptionalLong.of(10)));

    consumer.schedulePollTask(
        () -> replayed(routed(P1, 0, 0, 0, "a", 12)).forEach(consumer::addRecord));

    await().atMost(TIMEOUT).until(() -> consumer.lastCommitted(P1).equals(OptionalLong.of(12)));
    assertThat(ids("a"))
        .as("the ten rows once, and the two the first routing never wrote")
        .hasSize(12)
        .contains(P1 + "@10", P1 + "@11");
  }

  /** {@code records}, marked as written by {@code lakestream replay}. */
  private static List<ConsumerRecord<byte[], byte[]>> replayed(
      List<ConsumerRecord<byte[], byte[]>> records) {
    records.forEach(
        r ->
            r.headers()
                .add(
                    io.lakestream.schema.RecordHeaders.REPLAYED,
                    "1".getBytes(StandardCharsets.UTF_8)));
    return records;
  }
}

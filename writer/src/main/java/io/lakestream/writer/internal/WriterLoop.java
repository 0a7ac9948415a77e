package io.lakestream.writer.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.Topics;
import io.lakestream.writer.CrashPoint;
import io.lakestream.writer.FaultInjector;
import io.lakestream.writer.WriterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer's one thread: polls {@code lakestream.rows.*}, buffers rows per (project, table),
 * flushes buffers by rows, bytes and age, and commits the routed offsets once the Delta commits
 * that cover them are made.
 *
 * <p>A source record's rows for one (project, table) all travel through one routed partition, in
 * one producer transaction, and each says how many they are ({@code lakestream.source.count}). A
 * buffered row is <em>complete</em> (its source record has no more rows to come) when its table
 * buffer holds that many rows of the record ({@link TableBuffer#completeRows}). That holds whatever
 * other producers' transactions are open in the same partition: with {@code read_committed} the
 * consumer stops at the first open transaction, possibly in the middle of a committed one, so "read
 * to the end" says nothing about a record being whole. Rows routed before the count existed keep
 * the older rule: complete when a later source record of the same source partition was seen in the
 * same routed partition, or when the routed partition was read to its end at the last poll. Flushes
 * take complete rows only, so a source record is never split across commits. Rows still incomplete
 * after {@code incompleteRecordTimeout} go to the DLQ as {@value #INCOMPLETE_RECORD}.
 *
 * <p>Failures: a flush that fails keeps its rows and is retried with exponential backoff (per
 * table, up to {@value #MAX_BACKOFF_MILLIS} ms), with a log line naming the table and the cause.
 * When buffers hold the memory cap and flushes fail, every partition is paused until they drain. A
 * row that cannot be written goes to the DLQ and its offset advances.
 */
public final class WriterLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(WriterLoop.class);
  private static final long MAX_BACKOFF_MILLIS = 30_000;
  private static final long FIRST_BACKOFF_MILLIS = 250;
  private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);
  private static final long OFFSET_COMMIT_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();
  private static final long INCOMPLETE_CHECK_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

  /** DLQ reason: part of a source record's rows never arrived within the timeout. */
  public static final String INCOMPLETE_RECORD = "incomplete_record";

  private final Consumer<byte[], byte[]> consumer;
  private final DeadLetters deadLetters;
  private final TableFlusher flusher;
  private final RoutedRows routedRows;
  private final WriterMetrics metrics;
  private final FaultInjector faults;
  private final long flushRows;
  private final long flushBytes;
  private final long flushAgeNanos;
  private final long incompleteTimeoutNanos;
  private final long memoryCap;
  private final Pattern topicPattern;

  private final Map<TableKey, TableBuffer> buffers = new LinkedHashMap<>();
  private final Map<TableKey, Retry> retries = new HashMap<>();
  private final Map<TopicPartition, Map<String, Long>> latestSource = new HashMap<>();
  private final Set<TopicPartition> sealed = new HashSet<>();
  private final Set<TopicPartition> active = new HashSet<>();
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private final Map<TopicPartition, Long> firstSeen = new HashMap<>();
  private long bufferedBytes;
  private long bufferedRows;
  private boolean paused;
  private boolean flushedSinceOffsetCommit;
  private boolean rewindPending;
  private long lastOffsetCommitNanos = System.nanoTime();
  private long lastIncompleteCheckNanos = System.nanoTime();

  private volatile boolean stopping;
  private volatile boolean running = true;
  private volatile Throwable failure;

  public WriterLoop(
      WriterConfig config,
      Consumer<byte[], byte[]> consumer,
      DeadLetters deadLetters,
      TableFlusher flusher,
      RoutedRows routedRows,
      WriterMetrics metrics,
      FaultInjector faults) {
    this.consumer = requireNonNull(consumer, "consumer is null");
    this.deadLetters = requireNonNull(deadLetters, "deadLetters is null");
    this.flusher = requireNonNull(flusher, "flusher is null");
    this.routedRows = requireNonNull(routedRows, "routedRows is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.faults = requireNonNull(faults, "faults is null");
    this.flushRows = config.flushRows();
    this.flushBytes = config.flushBytes();
    this.flushAgeNanos = config.flushAge().toNanos();
    this.incompleteTimeoutNanos = config.incompleteRecordTimeout().toNanos();
    this.memoryCap = config.memoryCapBytes();
    this.topicPattern = Pattern.compile(config.topicPattern());
  }

  /** Asks the loop to flush what it can, commit its offsets and stop; returns at once. */
  public void stop() {
    stopping = true;
    consumer.wakeup();
  }

  /** Whether the loop is still running. */
  public boolean isRunning() {
    return running;
  }

  /** What stopped the loop abnormally (a simulated crash, or an error), if anything. */
  public Throwable failure() {
    return failure;
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(topicPattern, new Rebalances());
      while (!stopping) {
        if (rewindPending) {
          try {
            rewind();
          } catch (RuntimeException e) {
            log.warn("Cannot re-read from the committed offsets yet: {}", e.toString());
          }
        }
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(Duration.ofMillis(buffers.isEmpty() ? 200 : 50));
        } catch (WakeupException e) {
          continue;
        } catch (KafkaException e) {
          log.warn("Cannot poll {}: {}. Retrying.", topicPattern, e.toString());
          continue;
        }
        if (rewindPending) {
          continue; // fetched before the seek: these records are read again after it
        }
        try {
          accept(records);
          updateSealed();
          maintain();
        } catch (WakeupException e) {
          // stop() was called while a Kafka call blocked; the loop condition ends the loop.
        } catch (RuntimeException e) {
          // Rows of this poll may be half processed: forget what is buffered and read again from
          // the committed offsets; the watermarks drop what already landed.
          log.error("Unexpected error; re-reading from the last committed offsets", e);
          rewindPending = true;
        }
      }
      shutDown();
    } catch (Throwable e) {
      failure = e; // from here on the rebalance listener does nothing, as in a dead process
      if (e instanceof Error) {
        log.error("Writer stopped without committing offsets: {}", e.toString());
      } else {
        log.error("Writer stopped on an unexpected error; nothing committed is lost", e);
      }
    } finally {
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        log.warn("Cannot close the consumer cleanly: {}", e.toString());
      }
      running = false;
    }
  }

  private void accept(ConsumerRecords<byte[], byte[]> records) {
    long now = System.nanoTime();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      active.add(partition);
      firstSeen.putIfAbsent(partition, record.offset());
      RowSource source = routedRows.source(record);
      if (source != null) {
        latestSource
            .computeIfAbsent(partition, p -> new HashMap<>())
            .merge(source.appId(), source.offset(), Math::max);
      }
      RoutedRows.Parsed parsed = routedRows.parse(record, source, now);
      if (parsed instanceof RoutedRows.Rejected rejected) {
        log.warn(
            "Sending {}-{}@{} to {}: {}",
            record.topic(),
            record.partition(),
            record.offset(),
            Topics.DEAD_LETTER,
            rejected.message());
        deadLetters.send(record, rejected.reason(), rejected.message(), rejected.error());
        metrics.deadLettered(rejected.reason());
        continue;
      }
      RoutedRows.Row row = (RoutedRows.Row) parsed;
      if (flusher.alreadyWritten(row.table(), row.definition(), row.row())) {
        metrics.rowsSkipped(row.table().table(), 1);
        continue;
      }
      boolean added =
          buffers
              .computeIfAbsent(row.table(), key -> new TableBuffer(key, row.definition()))
              .add(row.row());
      if (!added) {
        metrics.rowsSkipped(row.table().table(), 1); // the same row of the same record is buffered
        continue;
      }
      bufferedBytes += row.row().sizeBytes();
      bufferedRows++;
    }
    metrics.buffered(bufferedBytes, bufferedRows);
  }

  private void updateSealed() {
    sealed.clear();
    for (TopicPartition partition : consumer.assignment()) {
      OptionalLong lag = consumer.currentLag(partition);
      if (lag.isPresent() && lag.getAsLong() == 0) {
        sealed.add(partition);
      }
    }
  }

  /**
   * The older completeness rule, for rows without a row count: whether no more rows of this row's
   * source record can arrive.
   */
  private boolean isCompleteByPosition(BufferedRow row) {
    if (sealed.contains(row.partition())) {
      return true;
    }
    Map<String, Long> latest = latestSource.get(row.partition());
    Long newest = latest == null ? null : latest.get(row.appId());
    return newest != null && newest > row.sourceOffset();
  }

  private void maintain() {
    long now = System.nanoTime();
    for (TableBuffer buffer : new ArrayList<>(buffers.values())) {
      if (buffer.isDue(flushRows, flushBytes, flushAgeNanos, now)) {
        flush(buffer, now);
      }
    }
    if (bufferedBytes >= memoryCap) {
      List<TableBuffer> largestFirst = new ArrayList<>(buffers.values());
      largestFirst.sort(Comparator.comparingLong(TableBuffer::bytes).reversed());
      for (TableBuffer buffer : largestFirst) {
        if (bufferedBytes < memoryCap / 2) {
          break;
        }
        flush(buffer, now);
      }
    }
    if (now - lastIncompleteCheckNanos >= INCOMPLETE_CHECK_INTERVAL_NANOS) {
      lastIncompleteCheckNanos = now;
      for (TableBuffer buffer : new ArrayList<>(buffers.values())) {
        setAsideIncomplete(buffer, now);
      }
    }
    applyBackpressure();
    if (flushedSinceOffsetCommit || now - lastOffsetCommitNanos >= OFFSET_COMMIT_INTERVAL_NANOS) {
      commitOffsets(consumer.assignment());
    }
  }

  private void flush(TableBuffer buffer, long now) {
    TableKey key = buffer.key();
    Retry retry = retries.get(key);
    if (retry != null && now < retry.atNanos) {
      return;
    }
    long bytesBefore = buffer.bytes();
    int rowsBefore = buffer.rowCount();
    try {
      if (!routedRows.isLive(key.table())) {
        deadLetterDropped(buffer);
        retries.remove(key);
        return;
      }
      TableFlusher.FlushResult result = flusher.flush(buffer, this::isCompleteByPosition);
      if (retry != null) {
        log.info("Flushing {} works again after {} failed attempts", key, retry.failures);
        retries.remove(key);
      }
      if (result.rowsWritten() > 0 || result.rowsSkipped() > 0) {
        flushedSinceOffsetCommit = true;
        log.debug(
            "Flushed {}: {} rows written at version {}, {} already there",
            key,
            result.rowsWritten(),
            result.version(),
            result.rowsSkipped());
      }
    } catch (RuntimeException e) {
      Retry next = retry == null ? new Retry() : retry;
      next.failures++;
      long delay =
          Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(next.failures - 1, 16));
      next.atNanos = now + Duration.ofMillis(delay).toNanos();
      retries.put(key, next);
      metrics.flushFailed(key.table());
      log.warn(
          "Cannot flush {} ({} rows buffered): {}. Retrying in {} ms; the rows stay buffered and"
              + " their offsets uncommitted, so nothing is lost.",
          key,
          buffer.rowCount(),
          e.getMessage(),
          delay);
    } finally {
      bufferedBytes -= bytesBefore - buffer.bytes();
      bufferedRows -= rowsBefore - buffer.rowCount();
      if (buffer.isEmpty()) {
        buffers.remove(key);
      }
      metrics.buffered(bufferedBytes, bufferedRows);
    }
  }

  /**
   * The table type was dropped while these rows waited: they go to the DLQ rather than re-create a
   * table that may be being purged. Replaying them after the type is created again writes them.
   */
  private void deadLetterDropped(TableBuffer buffer) {
    List<BufferedRow> rows = buffer.rows(row -> true);
    String message =
        "Table type '"
            + buffer.key().table()
            + "' was dropped before these rows were written. Create it again, then replay the"
            + " DLQ.";
    for (BufferedRow row : rows) {
      deadLetters.sendRow(buffer.key().project(), row, RoutedRows.UNKNOWN_TABLE, message);
      metrics.deadLettered(RoutedRows.UNKNOWN_TABLE);
    }
    buffer.remove(rows);
    flushedSinceOffsetCommit = true;
    log.warn(
        "{}: {} buffered rows sent to {}: the table type was dropped",
        buffer.key(),
        rows.size(),
        Topics.DEAD_LETTER);
  }

  /**
   * Sends rows whose source record is still incomplete after the timeout to the DLQ, so that they
   * neither wait forever nor hold back the later records of their source partition. This happens
   * only when a producer wrote part of a record (the rest of it is then in the DLQ too, as the
   * router's dead letter of the whole source record).
   */
  private void setAsideIncomplete(TableBuffer buffer, long now) {
    List<BufferedRow> rows = buffer.incompleteRowsArrivedBefore(now - incompleteTimeoutNanos);
    if (rows.isEmpty()) {
      return;
    }
    long bytesBefore = buffer.bytes();
    int rowsBefore = buffer.rowCount();
    for (BufferedRow row : rows) {
      deadLetters.sendRow(
          buffer.key().project(),
          row,
          INCOMPLETE_RECORD,
          "Only part of the rows of source record "
              + row.appId()
              + "@"
              + row.sourceOffset()
              + " for this table arrived within "
              + Duration.ofNanos(incompleteTimeoutNanos).toSeconds()
              + " s (writer.incomplete.record.timeout). If the whole source record is in the DLQ"
              + " as well, replay that instead of these rows.");
      metrics.deadLettered(INCOMPLETE_RECORD);
    }
    buffer.remove(rows);
    bufferedBytes -= bytesBefore - buffer.bytes();
    bufferedRows -= rowsBefore - buffer.rowCount();
    flushedSinceOffsetCommit = true;
    if (buffer.isEmpty()) {
      buffers.remove(buffer.key());
    }
    metrics.buffered(bufferedBytes, bufferedRows);
    log.error(
        "{}: {} rows of incomplete source records sent to {} after {} s: a producer wrote only part"
            + " of a record",
        buffer.key(),
        rows.size(),
        Topics.DEAD_LETTER,
        Duration.ofNanos(incompleteTimeoutNanos).toSeconds());
  }

  private void applyBackpressure() {
    boolean failing = !retries.isEmpty();
    if (!paused && bufferedBytes >= memoryCap && failing) {
      Set<TopicPartition> assignment = consumer.assignment();
      consumer.pause(assignment);
      paused = true;
      metrics.paused(true);
      metrics.pausedOnce();
      log.warn(
          "Buffers hold {} bytes, the memory cap, and flushes are failing: pausing {} partitions"
              + " until flushes catch up",
          bufferedBytes,
          assignment.size());
    } else if (paused && (bufferedBytes < memoryCap * 3 / 4 || !failing)) {
      consumer.resume(consumer.paused());
      paused = false;
      metrics.paused(false);
      log.info("Buffers hold {} bytes: resuming consumption", bufferedBytes);
    } else if (paused) {
      consumer.pause(consumer.assignment()); // partitions assigned while paused
    }
  }

  /**
   * Commits, for each partition, the offset of its first row still buffered, or its position when
   * none is: everything before it is in Delta or in the DLQ.
   */
  private void commitOffsets(Collection<TopicPartition> partitions) {
    lastOffsetCommitNanos = System.nanoTime();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : partitions) {
      if (!active.contains(partition)) {
        continue;
      }
      long offset = consumer.position(partition);
      for (TableBuffer buffer : buffers.values()) {
        OptionalLong first = buffer.firstOffset(partition);
        if (first.isPresent()) {
          offset = Math.min(offset, first.getAsLong());
        }
      }
      Long last = committed.get(partition);
      boolean progressed = offset > firstSeen.getOrDefault(partition, -1L);
      if (last == null ? progressed : last != offset) {
        offsets.put(partition, new OffsetAndMetadata(offset));
      }
    }
    if (offsets.isEmpty()) {
      flushedSinceOffsetCommit = false;
      return;
    }
    Exception deadLetterFailure = deadLetters.flush();
    if (deadLetterFailure != null) {
      log.warn(
          "Cannot send to {}: {}. Re-reading from the last committed offsets.",
          Topics.DEAD_LETTER,
          deadLetterFailure.toString());
      rewind();
      return;
    }
    faults.at(CrashPoint.BEFORE_OFFSET_COMMIT, "", "");
    try {
      consumer.commitSync(offsets, COMMIT_TIMEOUT);
      offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
      flushedSinceOffsetCommit = false;
    } catch (CommitFailedException e) {
      log.warn("Cannot commit offsets, the group rebalanced: {}", e.getMessage());
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      log.warn("Cannot commit offsets now ({}); retrying. Nothing is lost.", e.toString());
    }
  }

  /** Forgets every buffered row and reads again from the last committed offsets. */
  private void rewind() {
    rewindPending = true;
    Set<TopicPartition> assignment = consumer.assignment();
    drop(assignment);
    flusher.forgetWatermarks();
    Map<TopicPartition, OffsetAndMetadata> offsets = consumer.committed(assignment);
    for (TopicPartition partition : assignment) {
      OffsetAndMetadata offset = offsets.get(partition);
      if (offset == null) {
        consumer.seekToBeginning(List.of(partition));
      } else {
        consumer.seek(partition, offset.offset());
      }
    }
    rewindPending = false;
  }

  private void drop(Collection<TopicPartition> partitions) {
    Set<TopicPartition> dropped = new HashSet<>(partitions);
    for (Iterator<TableBuffer> it = buffers.values().iterator(); it.hasNext(); ) {
      TableBuffer buffer = it.next();
      long bytes = buffer.bytes();
      int rows = buffer.rowCount();
      buffer.removePartitions(dropped);
      bufferedBytes -= bytes - buffer.bytes();
      bufferedRows -= rows - buffer.rowCount();
      if (buffer.isEmpty()) {
        it.remove();
        retries.remove(buffer.key());
        flusher.forget(buffer.key());
      }
    }
    for (TopicPartition partition : dropped) {
      latestSource.remove(partition);
      sealed.remove(partition);
      active.remove(partition);
      committed.remove(partition);
      firstSeen.remove(partition);
    }
    metrics.buffered(bufferedBytes, bufferedRows);
  }

  private void shutDown() {
    log.info("Writer stopping: flushing complete rows and committing offsets");
    updateSealed();
    long now = System.nanoTime();
    retries.clear();
    for (TableBuffer buffer : new ArrayList<>(buffers.values())) {
      flush(buffer, now);
    }
    commitOffsets(consumer.assignment());
  }

  private final class Rebalances implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty() || failure != null) {
        return;
      }
      long now = System.nanoTime();
      for (TableBuffer buffer : new ArrayList<>(buffers.values())) {
        if (buffer.partitions().stream().anyMatch(partitions::contains)) {
          flush(buffer, now);
        }
      }
      try {
        commitOffsets(partitions);
      } catch (RuntimeException e) {
        log.warn("Cannot commit offsets of revoked partitions: {}", e.toString());
      }
      drop(partitions);
      log.info("Partitions revoked: {}", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      if (failure != null) {
        return;
      }
      drop(partitions);
      log.warn(
          "Partitions lost, their buffered rows dropped (they will be re-read): {}", partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      flusher.forgetWatermarks();
      if (!partitions.isEmpty()) {
        log.info("Partitions assigned: {}", partitions);
      }
    }
  }

  private static final class Retry {
    int failures;
    long atNanos;
  }
}

package io.lakestream.writer.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.Topics;
import io.lakestream.writer.CrashPoint;
import io.lakestream.writer.FaultInjector;
import io.lakestream.writer.WriterConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
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
 * The writer's poll thread: polls {@code lakestream.rows.*}, buffers rows per (project, table),
 * hands due buffers' complete rows to the flush pool ({@link FlushPool}: Parquet write and Delta
 * commit on {@code writer.flush.threads} threads, one flush per table at a time), applies the
 * flushes' outcomes between polls, and commits the routed offsets their commits cover.
 *
 * <p>Only this thread touches the consumer, the buffers ({@link Buffers}) and the offsets ({@link
 * PartitionOffsets}). A flush's rows stay in their buffer until its outcome is applied, so a
 * partition's committed offset never passes a row whose commit has not succeeded, whichever other
 * tables' flushes finish first.
 *
 * <p>A source record's rows for one (project, table) all travel through one routed partition, in
 * one producer transaction, and each says how many they are ({@code lakestream.source.count}). A
 * buffered row is <em>complete</em> (its source record has no more rows to come) when its table
 * buffer holds that many rows of the record ({@link TableBuffer#completeRows}). That holds whatever
 * other producers' transactions are open in the same partition: with {@code read_committed} the
 * consumer stops at the first open transaction, possibly in the middle of a committed one, so "read
 * to the end" says nothing about a record being whole. Rows routed before the count existed keep
 * the older rule ({@link SourcePositions}). Flushes take complete rows only, so a source record is
 * never split across commits. Each flush also checks the rows of incomplete records against the
 * table's watermarks and drops those in the table already (a record whose other rows were skipped
 * as written before a rebalance made the loop forget the watermarks). Rows still incomplete after
 * {@code incompleteRecordTimeout} go to the DLQ as {@value #INCOMPLETE_RECORD}.
 *
 * <p>Failures: a flush that fails keeps its rows (and so their offsets) and is retried with
 * exponential backoff ({@link Backoff}), with a log line naming the table and the cause. When the
 * buffers hold the memory cap while flushes fail or are still running, every partition is paused
 * until they drain. A row that cannot be written goes to the DLQ and its offset advances.
 * Revocation waits for the flushes in flight, flushes the revoked partitions' tables and commits
 * their offsets; lost partitions are dropped at once, and a flush of their rows still running can
 * only commit what no other writer has (the tables' txn watermarks fence it).
 */
public final class WriterLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(WriterLoop.class);
  private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration FLUSH_WAIT = Duration.ofSeconds(60);
  private static final long OFFSET_COMMIT_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();
  private static final long INCOMPLETE_CHECK_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

  /** DLQ reason: part of a source record's rows never arrived within the timeout. */
  public static final String INCOMPLETE_RECORD = "incomplete_record";

  private final Consumer<byte[], byte[]> consumer;
  private final DeadLetters deadLetters;
  private final TableFlusher flusher;
  private final FlushPool pool;
  private final RoutedRows routedRows;
  private final WriterMetrics metrics;
  private final FaultInjector faults;
  private final long flushRows;
  private final long flushBytes;
  private final long flushAgeNanos;
  private final long incompleteTimeoutNanos;
  private final long memoryCap;
  private final Pattern topicPattern;

  private final Buffers buffers = new Buffers();
  private final PartitionOffsets offsets = new PartitionOffsets();
  private final SourcePositions sources = new SourcePositions();
  private final Backoff backoff = Backoff.FLUSHES.fresh();
  private boolean paused;
  private boolean progressSinceOffsetCommit;
  private boolean rewindPending;
  private long lastOffsetCommitNanos = System.nanoTime();
  private long lastIncompleteCheckNanos = System.nanoTime();

  private volatile boolean stopping;
  private volatile boolean running = true;
  private volatile Throwable failure;

  /**
   * Since when every flush has failed (System.nanoTime; {@link Long#MIN_VALUE} while the last one
   * worked or none failed), and the last failure's message: the warehouse refusing or not
   * answering.
   */
  private volatile long failingSinceNanos = Long.MIN_VALUE;

  private volatile String lastFlushFailure = "";

  /** Whether a flush has worked since the writer started. */
  private volatile boolean flushWorked;

  /**
   * @param pool runs the flushes; the loop closes it when it ends
   * @param faults crash points of the poll thread ({@link CrashPoint#FLUSH_APPLIED}, {@link
   *     CrashPoint#BEFORE_OFFSET_COMMIT})
   */
  public WriterLoop(
      WriterConfig config,
      Consumer<byte[], byte[]> consumer,
      DeadLetters deadLetters,
      TableFlusher flusher,
      FlushPool pool,
      RoutedRows routedRows,
      WriterMetrics metrics,
      FaultInjector faults) {
    this.consumer = requireNonNull(consumer, "consumer is null");
    this.deadLetters = requireNonNull(deadLetters, "deadLetters is null");
    this.flusher = requireNonNull(flusher, "flusher is null");
    this.pool = requireNonNull(pool, "pool is null");
    this.routedRows = requireNonNull(routedRows, "routedRows is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.faults = pool.guard(requireNonNull(faults, "faults is null"));
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
  /**
   * The last flush failure's message when every flush has failed for at least {@code atLeast} (none
   * worked since); empty otherwise.
   */
  public java.util.Optional<String> failingFlushes(Duration atLeast) {
    long since = failingSinceNanos;
    return since != Long.MIN_VALUE && System.nanoTime() - since >= atLeast.toNanos()
        ? java.util.Optional.of(lastFlushFailure)
        : java.util.Optional.empty();
  }

  /** Whether a flush has worked since the writer started. */
  public boolean flushWorked() {
    return flushWorked;
  }

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
          records =
              consumer.poll(
                  Duration.ofMillis(buffers.isEmpty() && pool.inFlight() == 0 ? 200 : 20));
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
        consumer.close(Duration.ofSeconds(5)); // revocation may still flush: before the pool
      } catch (RuntimeException e) {
        log.warn("Cannot close the consumer cleanly: {}", e.toString());
      }
      pool.close();
      running = false;
    }
  }

  private void accept(ConsumerRecords<byte[], byte[]> records) {
    long now = System.nanoTime();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      offsets.read(partition, record.offset());
      RowSource source = routedRows.source(record);
      if (source != null) {
        sources.read(partition, source);
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
      if (flusher.alreadyWritten(row.table(), row.row())
          || !buffers.add(row.table(), row.definition(), row.row())) {
        // in the table already, or the same row of the same record is buffered
        metrics.rowsSkipped(row.table().table(), 1);
      }
    }
    metrics.buffered(buffers.bytes(), buffers.rows());
  }

  private void updateSealed() {
    Set<TopicPartition> sealed = new HashSet<>();
    for (TopicPartition partition : consumer.assignment()) {
      OptionalLong lag = consumer.currentLag(partition);
      if (lag.isPresent() && lag.getAsLong() == 0) {
        sealed.add(partition);
      }
    }
    sources.sealed(sealed);
  }

  private void maintain() {
    applyOutcomes(pool.completed());
    long now = System.nanoTime();
    for (TableBuffer buffer : buffers.all()) {
      if (buffer.isDue(flushRows, flushBytes, flushAgeNanos, now)) {
        startFlush(buffer, now);
      }
    }
    if (buffers.bytes() >= memoryCap) {
      long notFlushing = buffers.bytes();
      for (TableBuffer buffer : buffers.largestFirst()) {
        if (notFlushing < memoryCap / 2) {
          break;
        }
        notFlushing -= pool.isInFlight(buffer.key()) ? buffer.bytes() : startFlush(buffer, now);
      }
    }
    if (now - lastIncompleteCheckNanos >= INCOMPLETE_CHECK_INTERVAL_NANOS) {
      lastIncompleteCheckNanos = now;
      for (TableBuffer buffer : buffers.all()) {
        setAsideIncomplete(buffer, now);
      }
    }
    applyBackpressure();
    if (progressSinceOffsetCommit || now - lastOffsetCommitNanos >= OFFSET_COMMIT_INTERVAL_NANOS) {
      commitOffsets(consumer.assignment());
    }
  }

  /**
   * Hands the complete rows of {@code buffer} to the pool, unless its table has a flush in flight
   * or is waiting out a failure.
   *
   * @return the bytes handed over
   */
  private long startFlush(TableBuffer buffer, long now) {
    TableKey key = buffer.key();
    if (pool.isInFlight(key) || !backoff.mayTry(key, now)) {
      return 0;
    }
    if (!routedRows.isLive(key.table())) {
      deadLetterDropped(buffer);
      backoff.forget(key);
      return 0;
    }
    List<BufferedRow> batch = buffer.completeRows(sources::isComplete);
    List<BufferedRow> waiting = buffer.incompleteRowsToCheck(now, INCOMPLETE_CHECK_INTERVAL_NANOS);
    if (batch.isEmpty() && waiting.isEmpty()) {
      return 0;
    }
    TableDefinition definition = buffer.definition();
    pool.submit(
        buffer,
        batch,
        () -> {
          List<BufferedRow> settled = flusher.inTable(key, definition, waiting);
          return flusher.flush(key, definition, batch).settling(settled);
        });
    long bytes = 0;
    for (BufferedRow row : batch) {
      bytes += row.sizeBytes();
    }
    return bytes;
  }

  /**
   * Applies finished flushes: their rows leave the buffers (so their offsets may be committed), or
   * stay and wait out a backoff.
   *
   * @throws Error the error that ended a flush, as a crash would end the process
   */
  private void applyOutcomes(List<FlushPool.Outcome> outcomes) {
    long now = System.nanoTime();
    for (FlushPool.Outcome outcome : outcomes) {
      if (outcome.failure() instanceof Error error) {
        throw error;
      }
    }
    for (FlushPool.Outcome outcome : outcomes) {
      TableKey key = outcome.table();
      if (outcome.failure() == null) {
        List<BufferedRow> settled = outcome.result().settled();
        buffers.remove(outcome.buffer(), concat(outcome.batch(), settled));
        logSettled(outcome.table(), settled);
        failingSinceNanos = Long.MIN_VALUE;
        flushWorked = true;
        int failures = backoff.succeeded(key);
        if (failures > 0) {
          log.info("Flushing {} works again after {} failed attempts", key, failures);
        }
        progressSinceOffsetCommit = true;
        TableFlusher.FlushResult result = outcome.result();
        log.debug(
            "Flushed {}: {} rows written at version {}, {} already there",
            key,
            result.rowsWritten(),
            result.version(),
            result.rowsSkipped());
        faults.at(CrashPoint.FLUSH_APPLIED, key.project(), key.table());
      } else {
        Duration delay = backoff.failed(key, now);
        metrics.flushFailed(key.table());
        lastFlushFailure = key + ": " + outcome.failure().getMessage();
        if (failingSinceNanos == Long.MIN_VALUE) {
          failingSinceNanos = now;
        }
        // The first failure of a table and every tenth after it: a warehouse refusing every
        // write would otherwise log a line per table at each retry (40 a second with 300 tables).
        int inARow = backoff.failures(key);
        if (inARow == 1 || inARow % 10 == 0) {
          log.warn(
              "Cannot flush {} ({} rows; failure {} in a row): {}. Retrying in {} ms; the rows stay"
                  + " buffered and their offsets uncommitted, so nothing is lost.",
              key,
              outcome.batch().size(),
              inARow,
              outcome.failure().getMessage(),
              delay.toMillis());
        }
      }
    }
    if (!outcomes.isEmpty()) {
      metrics.buffered(buffers.bytes(), buffers.rows());
    }
  }

  /**
   * Rows of incomplete source records that a flush found in the table already leave the buffer with
   * its batch: the record's other rows were skipped as written earlier, so it could never complete
   * here, and would hold back every later record of its source partition until the
   * incomplete-record timeout.
   */
  private void logSettled(TableKey key, List<BufferedRow> settled) {
    if (settled.isEmpty()) {
      return;
    }
    metrics.rowsSkipped(key.table(), settled.size());
    log.info(
        "{}: {} rows of source records already in the table dropped (the rest of each record was"
            + " found written before)",
        key,
        settled.size());
  }

  private static List<BufferedRow> concat(List<BufferedRow> a, List<BufferedRow> b) {
    if (b.isEmpty()) {
      return a;
    }
    List<BufferedRow> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Waits for every flush in flight and applies the outcomes. */
  private void awaitFlushes() {
    try {
      applyOutcomes(pool.awaitAll(FLUSH_WAIT));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WakeupException();
    }
    if (pool.inFlight() > 0) {
      log.warn(
          "{} flushes still running after {} s; their offsets stay uncommitted",
          pool.inFlight(),
          FLUSH_WAIT.toSeconds());
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
    buffers.remove(buffer, rows);
    metrics.buffered(buffers.bytes(), buffers.rows());
    progressSinceOffsetCommit = true;
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
   * router's dead letter of the whole source record). Such rows are never in a flush in flight.
   */
  private void setAsideIncomplete(TableBuffer buffer, long now) {
    List<BufferedRow> rows = buffer.incompleteRowsArrivedBefore(now - incompleteTimeoutNanos);
    if (rows.isEmpty()) {
      return;
    }
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
    buffers.remove(buffer, rows);
    progressSinceOffsetCommit = true;
    metrics.buffered(buffers.bytes(), buffers.rows());
    log.error(
        "{}: {} rows of incomplete source records sent to {} after {} s: a producer wrote only part"
            + " of a record",
        buffer.key(),
        rows.size(),
        Topics.DEAD_LETTER,
        Duration.ofNanos(incompleteTimeoutNanos).toSeconds());
  }

  /**
   * Pauses every partition while the buffers hold the memory cap and flushes fail or are still
   * running; resumes below three quarters of it, or once no flush fails or runs.
   */
  private void applyBackpressure() {
    boolean draining = backoff.anyFailing() || pool.inFlight() > 0;
    long bytes = buffers.bytes();
    if (!paused && bytes >= memoryCap && draining) {
      Set<TopicPartition> assignment = consumer.assignment();
      consumer.pause(assignment);
      paused = true;
      metrics.paused(true);
      metrics.pausedOnce();
      log.warn(
          "Buffers hold {} bytes, the memory cap, while {} flushes run and {} fail: pausing {}"
              + " partitions until flushes catch up",
          bytes,
          pool.inFlight(),
          backoff.anyFailing() ? "some" : "none",
          assignment.size());
    } else if (paused && (bytes < memoryCap * 3 / 4 || !draining)) {
      consumer.resume(consumer.paused());
      paused = false;
      metrics.paused(false);
      log.info("Buffers hold {} bytes: resuming consumption", bytes);
    } else if (paused) {
      consumer.pause(consumer.assignment()); // partitions assigned while paused
    }
  }

  /**
   * Commits, for each partition, the offset of its first row still buffered (in flight or not), or
   * its position when none is: everything before it is in Delta or in the DLQ.
   */
  private void commitOffsets(Collection<TopicPartition> partitions) {
    lastOffsetCommitNanos = System.nanoTime();
    Map<TopicPartition, OffsetAndMetadata> toCommit =
        offsets.toCommit(partitions, consumer::position, buffers::firstOffset);
    if (toCommit.isEmpty()) {
      progressSinceOffsetCommit = false;
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
    pool.checkAlive();
    faults.at(CrashPoint.BEFORE_OFFSET_COMMIT, "", "");
    try {
      consumer.commitSync(toCommit, COMMIT_TIMEOUT);
      offsets.committed(toCommit);
      progressSinceOffsetCommit = false;
    } catch (CommitFailedException e) {
      log.warn("Cannot commit offsets, the group rebalanced: {}", e.getMessage());
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      log.warn("Cannot commit offsets now ({}); retrying. Nothing is lost.", e.toString());
    }
  }

  /**
   * Forgets every buffered row and reads again from the last committed offsets. Flushes in flight
   * go on; their outcomes are applied to buffers no longer held, and the table's next flush waits
   * for them and drops, by the watermarks, what they wrote.
   */
  private void rewind() {
    rewindPending = true;
    Set<TopicPartition> assignment = consumer.assignment();
    drop(assignment);
    flusher.forgetWatermarks();
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assignment);
    for (TopicPartition partition : assignment) {
      OffsetAndMetadata offset = committed.get(partition);
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
    for (TableKey emptied : buffers.dropPartitions(dropped)) {
      backoff.forget(emptied);
      if (!pool.isInFlight(emptied)) {
        flusher.forget(emptied);
      }
    }
    sources.forget(dropped);
    offsets.forget(dropped);
    metrics.buffered(buffers.bytes(), buffers.rows());
  }

  private void shutDown() {
    log.info("Writer stopping: flushing complete rows and committing offsets");
    awaitFlushes();
    updateSealed();
    backoff.clear();
    long now = System.nanoTime();
    for (TableBuffer buffer : buffers.all()) {
      startFlush(buffer, now);
    }
    awaitFlushes();
    commitOffsets(consumer.assignment());
  }

  private final class Rebalances implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty() || failure != null) {
        return;
      }
      // Flushes in flight first: their rows may be of these partitions, and a flush of a table
      // must end before its next one starts.
      awaitFlushes();
      long now = System.nanoTime();
      for (TableBuffer buffer : buffers.all()) {
        if (buffer.partitions().stream().anyMatch(partitions::contains)) {
          startFlush(buffer, now);
        }
      }
      awaitFlushes();
      try {
        commitOffsets(partitions);
      } catch (RuntimeException e) {
        log.warn("Cannot commit offsets of revoked partitions: {}", e.toString());
      }
      drop(partitions);
      flusher.forgetPartitions(partitions);
      log.info("Partitions revoked: {}", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      if (failure != null) {
        return;
      }
      drop(partitions);
      flusher.forgetPartitions(partitions);
      log.warn(
          "Partitions lost, their buffered rows dropped (they will be re-read): {}", partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      // Tables of these partitions were forgotten when the partitions left; once more in case
      // they left without a callback (a consumer closed and made again).
      flusher.forgetPartitions(partitions);
      if (!partitions.isEmpty()) {
        log.info("Partitions assigned: {}", partitions);
      }
    }
  }
}

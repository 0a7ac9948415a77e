package io.lakestream.writer.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The writer's meters, all named {@code lakestream.writer.*}, tagged by table type where it applies
 * (not by project: projects are unbounded).
 */
public final class WriterMetrics {
  private final MeterRegistry registry;
  private final AtomicLong bufferedBytes = new AtomicLong();
  private final AtomicLong bufferedBytesPeak = new AtomicLong();
  private final AtomicLong bufferedRows = new AtomicLong();
  private final AtomicLong paused = new AtomicLong();
  private final AtomicLong rowsWritten = new AtomicLong();

  public WriterMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("lakestream.writer.buffered.bytes", bufferedBytes, AtomicLong::get)
        .description("Bytes of rows waiting in buffers (serialized size plus per-row overhead)")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("lakestream.writer.buffered.bytes.peak", bufferedBytesPeak, AtomicLong::get)
        .description("The most bytes buffers held at once since the writer started")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("lakestream.writer.buffered.rows", bufferedRows, AtomicLong::get)
        .description("Rows waiting in buffers")
        .register(registry);
    Gauge.builder("lakestream.writer.paused", paused, AtomicLong::get)
        .description("1 while consumption is paused because buffers are full")
        .register(registry);
  }

  /** Records the buffers' current size. */
  public void buffered(long bytes, long rows) {
    bufferedBytes.set(bytes);
    bufferedRows.set(rows);
    bufferedBytesPeak.accumulateAndGet(bytes, Math::max);
  }

  /** Counts one pause of consumption for backpressure. */
  public void pausedOnce() {
    Counter.builder("lakestream.writer.pauses")
        .description("Times consumption was paused because buffers were full")
        .register(registry)
        .increment();
  }

  public void paused(boolean isPaused) {
    paused.set(isPaused ? 1 : 0);
  }

  /** Rows committed since the writer started, all tables together. */
  public long rowsWritten() {
    return rowsWritten.get();
  }

  /** The most bytes the buffers held at once. */
  public long bufferedBytesPeak() {
    return bufferedBytesPeak.get();
  }

  public void committed(String table, long nanos, long rows, long fileBytes) {
    Timer.builder("lakestream.writer.commit.latency")
        .description("Time of one Delta commit, from start of transaction to committed")
        .tag("table", table)
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
    counter("lakestream.writer.rows.written", "Rows committed to Delta tables", table)
        .increment(rows);
    rowsWritten.addAndGet(rows);
    counter("lakestream.writer.files.written", "Parquet data files committed", table).increment();
    counter("lakestream.writer.bytes.written", "Bytes of Parquet data files committed", table)
        .increment(fileBytes);
  }

  public void rowsSkipped(String table, long rows) {
    if (rows > 0) {
      counter(
              "lakestream.writer.rows.skipped",
              "Rows not written because their Delta table already holds them (redelivered)",
              table)
          .increment(rows);
    }
  }

  public void conflict(String table) {
    counter(
            "lakestream.writer.commit.conflicts",
            "Delta commits that lost to a concurrent commit of another writer (then retried)",
            table)
        .increment();
  }

  public void deadLettered(String reason) {
    Counter.builder("lakestream.writer.rows.dead.lettered")
        .description("Rows the writer set aside in lakestream.dlq, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** A table's state was given back (the writer holds writer.table.cache tables at most). */
  public void tableStateEvicted() {
    Counter.builder("lakestream.writer.table.states.evicted")
        .description(
            "Tables whose Delta log object and watermarks the writer gave back, least recently"
                + " used first (writer.table.cache)")
        .register(registry)
        .increment();
  }

  /** A commit announcement on lakestream.commits that could not be sent. */
  public void announcementFailed() {
    Counter.builder("lakestream.writer.commit.announcements.failed")
        .description(
            "Delta commits whose announcement on lakestream.commits failed (readers use the log)")
        .register(registry)
        .increment();
  }

  public void flushFailed(String table) {
    counter("lakestream.writer.flush.failures", "Buffer flushes that failed and will retry", table)
        .increment();
  }

  private Counter counter(String name, String description, String table) {
    return Counter.builder(name).description(description).tag("table", table).register(registry);
  }
}

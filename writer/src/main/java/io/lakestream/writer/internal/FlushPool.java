package io.lakestream.writer.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.writer.FaultInjector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs table flushes (Parquet write and Delta commit) on a bounded pool of threads, at most one per
 * table at a time so that each table's commits stay in order, and hands their outcomes back to the
 * poll thread, which applies them (removes the rows, commits offsets) between polls.
 *
 * <p>A flush that ends in an {@link Error} (a simulated crash in tests, or a real one) stops the
 * writer as a killed process would: the poll thread rethrows it ({@link #checkAlive}) before any
 * further offset commit, and every later crash point of the other flushes throws it too ({@link
 * #guard}), so no flush goes on past its next step.
 *
 * <p>{@link #submit}, {@link #completed}, {@link #awaitAll} and {@link #isInFlight} are for the
 * poll thread only.
 */
public final class FlushPool implements AutoCloseable {
  /**
   * What one flush did: its rows are in the table (written now or found there) when {@code failure}
   * is null; else they are still to be written.
   */
  public record Outcome(
      TableBuffer buffer,
      List<BufferedRow> batch,
      TableFlusher.FlushResult result,
      Throwable failure) {
    public TableKey table() {
      return buffer.key();
    }
  }

  private final ExecutorService executor;
  private final int threads;
  private final Set<TableKey> inFlight = new HashSet<>();
  private final LinkedBlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
  private final AtomicReference<Error> fatal = new AtomicReference<>();

  /**
   * @param threads how many flushes may run at once (at least 1)
   * @param name the thread name prefix
   */
  public FlushPool(int threads, String name) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1: " + threads);
    }
    requireNonNull(name, "name is null");
    this.threads = threads;
    AtomicInteger number = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            threads,
            task -> {
              Thread thread = new Thread(task, name + "-" + number.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /** How many flushes may run at once. */
  public int threads() {
    return threads;
  }

  /** Whether a flush of {@code table} is running or waiting for a thread. */
  public boolean isInFlight(TableKey table) {
    return inFlight.contains(table);
  }

  /** How many tables have a flush running or waiting. */
  public int inFlight() {
    return inFlight.size();
  }

  /**
   * Starts flushing {@code batch}, rows of {@code buffer} that stay in it until the outcome is
   * applied.
   *
   * @throws IllegalStateException when a flush of the table is in flight already
   */
  public void submit(
      TableBuffer buffer, List<BufferedRow> batch, Supplier<TableFlusher.FlushResult> flush) {
    TableKey table = buffer.key();
    if (!inFlight.add(table)) {
      throw new IllegalStateException("A flush of " + table + " is in flight already");
    }
    List<BufferedRow> rows = List.copyOf(batch);
    executor.execute(
        () -> {
          try {
            checkAlive();
            outcomes.add(new Outcome(buffer, rows, flush.get(), null));
          } catch (Error e) {
            fatal.compareAndSet(null, e);
            outcomes.add(new Outcome(buffer, rows, null, e));
          } catch (Throwable e) {
            // Delta Standalone (Scala) and Hadoop may throw checked exceptions undeclared, e.g. an
            // InterruptedIOException when close() interrupts a flush.
            outcomes.add(new Outcome(buffer, rows, null, e));
          }
        });
  }

  /** The outcomes of flushes finished since the last call, without waiting. */
  public List<Outcome> completed() {
    List<Outcome> done = new ArrayList<>();
    outcomes.drainTo(done);
    done.forEach(outcome -> inFlight.remove(outcome.table()));
    return done;
  }

  /**
   * Waits until no flush is in flight, or {@code timeout} has passed, and returns the outcomes of
   * the flushes finished meanwhile.
   */
  public List<Outcome> awaitAll(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Outcome> done = completed();
    while (!inFlight.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      Outcome outcome = outcomes.poll(left, TimeUnit.NANOSECONDS);
      if (outcome != null) {
        inFlight.remove(outcome.table());
        done.add(outcome);
      }
    }
    return done;
  }

  /** Throws the {@link Error} that ended a flush, if one did. */
  public void checkAlive() {
    Error error = fatal.get();
    if (error != null) {
      throw error;
    }
  }

  /**
   * {@code faults}, which first throws the error that ended another flush, if one did; an error it
   * throws itself (a simulated crash) stops the pool at once, before its flush unwinds, so that no
   * flush waiting for a thread starts after the crash (as none would after a kill).
   */
  public FaultInjector guard(FaultInjector faults) {
    requireNonNull(faults, "faults is null");
    return (point, project, table) -> {
      checkAlive();
      try {
        faults.at(point, project, table);
      } catch (Error e) {
        fatal.compareAndSet(null, e);
        throw e;
      }
    };
  }

  /**
   * Stops the threads: a flush still running is interrupted and given up to {@code timeout} to end;
   * its outcome is not applied (its rows are read again by the partitions' next owner).
   */
  public void close(Duration timeout) {
    executor.shutdownNow();
    try {
      executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}

package io.lakestream.writer.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * When to try a failed flush again, per table: exponential backoff from {@code first}, doubling
 * with each failure in a row up to {@code max}. The one retry policy of the writer: the poll loop
 * asks it before starting a table's flush, and {@link TableFlusher} asks it how long to wait
 * between commit attempts that conflict.
 *
 * <p>Not thread-safe: the poll thread owns the per-table state; {@link #delay} is a pure function.
 */
public final class Backoff {
  /** The writer's policy: 250 ms after the first failure, doubling, at most 30 s. */
  public static final Backoff FLUSHES = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30));

  private final long firstNanos;
  private final long maxNanos;
  private final Map<TableKey, Failures> failing = new HashMap<>();

  public Backoff(Duration first, Duration max) {
    requireNonNull(first, "first is null");
    requireNonNull(max, "max is null");
    if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
      throw new IllegalArgumentException("need 0 < first <= max: " + first + ", " + max);
    }
    this.firstNanos = first.toNanos();
    this.maxNanos = max.toNanos();
  }

  /** A fresh policy with the same delays and no table failing. */
  public Backoff fresh() {
    return new Backoff(Duration.ofNanos(firstNanos), Duration.ofNanos(maxNanos));
  }

  /** The wait after {@code failures} failures in a row (at least 1). */
  public Duration delay(int failures) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures must be at least 1: " + failures);
    }
    int doublings = Math.min(failures - 1, 30);
    long nanos = firstNanos;
    for (int i = 0; i < doublings && nanos < maxNanos; i++) {
      nanos *= 2;
    }
    return Duration.ofNanos(Math.min(nanos, maxNanos));
  }

  /**
   * Records a failure of {@code key} at {@code nowNanos}.
   *
   * @return how long to wait before the next attempt
   */
  public Duration failed(TableKey key, long nowNanos) {
    Failures failures = failing.computeIfAbsent(key, k -> new Failures());
    failures.count++;
    Duration delay = delay(failures.count);
    failures.retryAtNanos = nowNanos + delay.toNanos();
    return delay;
  }

  /**
   * Whether {@code key} may be tried at {@code nowNanos}: it is not failing, or its wait is over.
   */
  public boolean mayTry(TableKey key, long nowNanos) {
    Failures failures = failing.get(key);
    return failures == null || nowNanos - failures.retryAtNanos >= 0;
  }

  /**
   * Records a success of {@code key}.
   *
   * @return the failures in a row that it ends (0 when it was not failing)
   */
  public int succeeded(TableKey key) {
    Failures failures = failing.remove(key);
    return failures == null ? 0 : failures.count;
  }

  /** Forgets {@code key}'s failures (its rows are gone). */
  public void forget(TableKey key) {
    failing.remove(key);
  }

  /** Forgets every failure, so every table may be tried at once (shutting down). */
  public void clear() {
    failing.clear();
  }

  /** How many times in a row {@code key}'s flush has failed (0: its last one worked). */
  public int failures(TableKey key) {
    Failures failures = failing.get(key);
    return failures == null ? 0 : failures.count;
  }

  /** Whether some table's last flush failed. */
  public boolean anyFailing() {
    return !failing.isEmpty();
  }

  private static final class Failures {
    int count;
    long retryAtNanos;
  }
}

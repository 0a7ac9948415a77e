package io.lakestream.ingest.internal;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The accepted range of row timestamps: from a fixed minimum (inclusive) to the clock's now plus a
 * skew (inclusive). Only a row's primary key timestamp is checked: it orders the table and its
 * index; the other timestamps of a row are kept as they come.
 */
public final class TimestampBounds {
  private final long minMicros;
  private final Instant min;
  private final Duration maxFutureSkew;
  private final Clock clock;

  public TimestampBounds(Instant min, Duration maxFutureSkew, Clock clock) {
    this.min = requireNonNull(min, "min is null");
    this.maxFutureSkew = requireNonNull(maxFutureSkew, "maxFutureSkew is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.minMicros = toMicros(min);
  }

  /**
   * Returns {@code micros} when it is in range.
   *
   * @param what the row, for the message, e.g. "log record 3"
   * @throws RecordRejectedException {@code timestamp_out_of_range}
   */
  long check(long micros, String what) {
    Instant max = clock.instant().plus(maxFutureSkew);
    if (micros < minMicros || micros > toMicros(max)) {
      throw IngestErrors.timestampOutOfRange(what, micros, min, max);
    }
    return micros;
  }

  /** Converts an OTLP nanosecond timestamp (unsigned 64 bits) to microseconds, truncating. */
  static long nanosToMicros(long nanos) {
    return Long.divideUnsigned(nanos, 1_000L);
  }

  private static long toMicros(Instant instant) {
    try {
      return Math.addExact(
          Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000L);
    } catch (ArithmeticException e) {
      return instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }
}

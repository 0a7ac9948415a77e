package io.lakestream.ingest.replay;

import java.time.Duration;
import java.util.Locale;

/**
 * Where a {@link Replayer} reports how far it is: the CLI draws a progress bar, tests and other
 * callers may ignore it ({@link #NONE}).
 */
public interface ReplayProgress {
  /** Reports nothing. */
  ReplayProgress NONE =
      new ReplayProgress() {
        @Override
        public void start(String topic, long total, String plan) {}

        @Override
        public void advance(long done) {}

        @Override
        public void finish() {}
      };

  /** The replay of {@code topic} begins: {@code total} records, as {@code plan} describes. */
  void start(String topic, long total, String plan);

  /** {@code done} records of the total are replayed. */
  void advance(long done);

  /** The replay ended (finished or failed). */
  void finish();

  /** A count with thousands separators: {@code 12,345}. */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** A short duration: {@code 0.4s}, {@code 12.0s}, {@code 3m05s}, {@code 1h02m}. */
  static String duration(Duration duration) {
    long seconds = duration.getSeconds();
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1fs", duration.toMillis() / 1000.0);
    }
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
  }
}

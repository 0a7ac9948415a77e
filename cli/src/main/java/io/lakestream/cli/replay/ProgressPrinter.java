package io.lakestream.cli.replay;

import static java.util.Objects.requireNonNull;

import io.lakestream.ingest.replay.ReplayProgress;
import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Shows a replay's progress: records done of the total, rate and time left. On a terminal, one line
 * redrawn in place ({@code \r}) at most every {@value #REDRAW_MILLIS} ms; otherwise a plain line
 * every {@value #PLAIN_INTERVAL_SECONDS} s or every tenth of the total, whichever comes first, and
 * always one at the end. The total counts offsets, so transaction markers in the range are counted
 * as done when passed.
 */
public final class ProgressPrinter implements ReplayProgress {
  static final long REDRAW_MILLIS = 100;
  static final long PLAIN_INTERVAL_SECONDS = 2;
  private static final int BAR_WIDTH = 24;

  private final PrintWriter out;
  private final LongSupplier nanoTime;
  private final boolean terminal;
  private String topic = "";
  private long total;
  private long startNanos;
  private long lastPrintNanos;
  private long lastPrintDone = -1;
  private int lastWidth;

  private ProgressPrinter(PrintWriter out, LongSupplier nanoTime, boolean terminal) {
    this.out = requireNonNull(out, "out is null");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
    this.terminal = terminal;
  }

  /** A progress bar when the process runs on a terminal, plain lines otherwise. */
  public static ProgressPrinter forConsole(PrintWriter out) {
    return isTerminal() ? terminal(out, System::nanoTime) : plain(out, System::nanoTime);
  }

  /** A one-line bar redrawn with {@code \r}. */
  static ProgressPrinter terminal(PrintWriter out, LongSupplier nanoTime) {
    return new ProgressPrinter(out, nanoTime, true);
  }

  /** Plain lines, for logs and pipes. */
  static ProgressPrinter plain(PrintWriter out, LongSupplier nanoTime) {
    return new ProgressPrinter(out, nanoTime, false);
  }

  /** Prints what will be replayed and starts the clock. */
  @Override
  public void start(String topic, long total, String plan) {
    this.topic = topic;
    this.total = total;
    this.startNanos = nanoTime.getAsLong();
    this.lastPrintNanos = startNanos;
    out.println(plan);
    out.flush();
  }

  /** Reports {@code done} of the total; prints when it is time to. */
  @Override
  public void advance(long done) {
    long now = nanoTime.getAsLong();
    if (terminal) {
      if (now - lastPrintNanos >= REDRAW_MILLIS * 1_000_000L) {
        draw(done, now);
      }
    } else if (now - lastPrintNanos >= PLAIN_INTERVAL_SECONDS * 1_000_000_000L
        || done - Math.max(0, lastPrintDone) >= Math.max(1, total / 10)) {
      if (done != lastPrintDone) {
        draw(done, now);
      }
    }
  }

  /** Prints the final state: everything in range is done. */
  @Override
  public void finish() {
    long now = nanoTime.getAsLong();
    if (terminal || lastPrintDone != total) {
      draw(total, now);
    }
    if (terminal) {
      out.println();
    }
    out.flush();
  }

  private void draw(long done, long now) {
    lastPrintNanos = now;
    lastPrintDone = done;
    double seconds = (now - startNanos) / 1e9;
    double rate = seconds > 0 ? done / seconds : 0;
    String eta =
        done >= total
            ? "0s"
            : rate > 0 ? ReplayProgress.duration(secondsDuration((total - done) / rate)) : "?";
    int percent = total == 0 ? 100 : (int) (done * 100 / total);
    String counts = ReplayProgress.count(done) + "/" + ReplayProgress.count(total) + " records";
    if (terminal) {
      int filled = total == 0 ? BAR_WIDTH : (int) (done * BAR_WIDTH / total);
      String line =
          topic
              + " ["
              + "#".repeat(filled)
              + "-".repeat(BAR_WIDTH - filled)
              + "] "
              + percent
              + "% "
              + counts
              + "  "
              + ReplayProgress.count(Math.round(rate))
              + "/s  ETA "
              + eta;
      String padding = " ".repeat(Math.max(0, lastWidth - line.length()));
      lastWidth = line.length();
      out.print("\r" + line + padding);
    } else {
      out.println(
          topic
              + ": "
              + counts
              + " ("
              + percent
              + "%), "
              + ReplayProgress.count(Math.round(rate))
              + " records/s, ETA "
              + eta);
    }
    out.flush();
  }

  private static Duration secondsDuration(double seconds) {
    return Duration.ofMillis((long) Math.min(Long.MAX_VALUE / 2.0, seconds * 1000));
  }

  /** Whether stdout is a terminal: {@code System.console()}, and on JDK 22+ its isTerminal(). */
  private static boolean isTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}

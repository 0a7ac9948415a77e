package io.lakestream.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.ingest.replay.ReplayProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {
  private final StringWriter text = new StringWriter();
  private long nanos;

  private void at(double seconds) {
    nanos = (long) (seconds * 1e9);
  }

  @Test
  void plainLinesComeEveryTenthOfTheTotalOrEveryTwoSecondsAndOnceAtTheEnd() {
    ProgressPrinter progress = ProgressPrinter.plain(new PrintWriter(text), () -> nanos);
    progress.start("otlp_logs", 1_000, "replay of otlp_logs: 1,000 records");
    at(0.5);
    progress.advance(50); // neither a tenth nor two seconds: nothing
    at(1.0);
    progress.advance(100); // a tenth
    at(3.0);
    progress.advance(150); // two seconds since the last line
    at(4.0);
    progress.finish();

    assertThat(text.toString().split("\\R"))
        .containsExactly(
            "replay of otlp_logs: 1,000 records",
            "otlp_logs: 100/1,000 records (10%), 100 records/s, ETA 9.0s",
            "otlp_logs: 150/1,000 records (15%), 50 records/s, ETA 17.0s",
            "otlp_logs: 1,000/1,000 records (100%), 250 records/s, ETA 0s");
  }

  @Test
  void onATerminalOneBarIsRedrawnInPlace() {
    ProgressPrinter progress = ProgressPrinter.terminal(new PrintWriter(text), () -> nanos);
    progress.start("t", 200, "plan");
    at(0.05);
    progress.advance(10); // within 100 ms of the last draw: nothing
    at(1.0);
    progress.advance(100);
    at(2.0);
    progress.finish();

    assertThat(text.toString())
        .isEqualTo(
            "plan"
                + System.lineSeparator()
                + "\rt [############------------] 50% 100/200 records  100/s  ETA 1.0s"
                + "\rt [########################] 100% 200/200 records  100/s  ETA 0s "
                + System.lineSeparator());
  }

  @Test
  void durationsAreShort() {
    assertThat(ReplayProgress.duration(Duration.ofMillis(400))).isEqualTo("0.4s");
    assertThat(ReplayProgress.duration(Duration.ofSeconds(185))).isEqualTo("3m05s");
    assertThat(ReplayProgress.duration(Duration.ofMinutes(62))).isEqualTo("1h02m");
  }
}

package io.lakestream.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final TableKey ACME = new TableKey("acme", "events");
  private static final TableKey GLOBEX = new TableKey("globex", "events");
  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  @Test
  void delaysDoubleFromTheFirstUpToTheMost() {
    Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30));

    assertThat(backoff.delay(1)).isEqualTo(Duration.ofMillis(250));
    assertThat(backoff.delay(2)).isEqualTo(Duration.ofMillis(500));
    assertThat(backoff.delay(5)).isEqualTo(Duration.ofSeconds(4));
    assertThat(backoff.delay(8)).isEqualTo(Duration.ofSeconds(30));
    assertThat(backoff.delay(1_000)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aFailingTableWaitsItsDelayAndOtherTablesDoNot() {
    Backoff backoff = Backoff.FLUSHES.fresh();
    long now = 1_000 * SECOND;

    assertThat(backoff.failed(ACME, now)).isEqualTo(Duration.ofMillis(250));
    assertThat(backoff.failed(ACME, now)).isEqualTo(Duration.ofMillis(500));

    assertThat(backoff.mayTry(ACME, now + SECOND / 4)).isFalse();
    assertThat(backoff.mayTry(ACME, now + SECOND / 2)).isTrue();
    assertThat(backoff.mayTry(GLOBEX, now)).isTrue();
    assertThat(backoff.anyFailing()).isTrue();
  }

  @Test
  void aSuccessEndsTheFailuresAndSaysHowManyThereWere() {
    Backoff backoff = Backoff.FLUSHES.fresh();
    backoff.failed(ACME, 0);
    backoff.failed(ACME, 0);

    assertThat(backoff.succeeded(ACME)).isEqualTo(2);
    assertThat(backoff.succeeded(ACME)).isZero();
    assertThat(backoff.mayTry(ACME, 0)).isTrue();
    assertThat(backoff.anyFailing()).isFalse();
  }

  @Test
  void freshCopiesShareTheDelaysNotTheFailures() {
    Backoff first = Backoff.FLUSHES.fresh();
    first.failed(ACME, 0);

    Backoff second = first.fresh();

    assertThat(second.anyFailing()).isFalse();
    assertThat(second.delay(2)).isEqualTo(first.delay(2));
  }

  @Test
  void refusesADelayRangeThatIsEmptyOrZero() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("need 0 < first <= max: PT0S, PT1S");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("need 0 < first <= max: PT2S, PT1S");
  }
}

package io.lakestream.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.schema.SourceCoordinates;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.writer.CrashPoint;
import io.lakestream.writer.FaultInjector;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class FlushPoolTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final TableFlusher.FlushResult WROTE_ONE = new TableFlusher.FlushResult(1, 0, 0);

  private static TableBuffer buffer(String project) {
    TableBuffer buffer =
        new TableBuffer(new TableKey(project, "events"), TableDefinitions.builtIn("events"));
    SourceCoordinates source = SourceCoordinates.of("src", 0, 1).row(0, 1);
    buffer.add(
        new BufferedRow(
            new byte[10],
            1,
            new RowSource(source, "src-0"),
            new TopicPartition("lakestream.rows.events", 0),
            1,
            0));
    return buffer;
  }

  @Test
  void handsEachFlushsOutcomeBackWithItsRows() throws InterruptedException {
    try (FlushPool pool = new FlushPool(2, "test-flush")) {
      TableBuffer acme = buffer("acme");
      TableBuffer globex = buffer("globex");
      pool.submit(acme, acme.rows(r -> true), () -> WROTE_ONE);
      pool.submit(
          globex,
          globex.rows(r -> true),
          () -> {
            throw new IllegalStateException("storage is down");
          });

      List<FlushPool.Outcome> outcomes = pool.awaitAll(WAIT);

      assertThat(outcomes).hasSize(2);
      assertThat(outcomes)
          .filteredOn(o -> o.table().project().equals("acme"))
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.result()).isEqualTo(WROTE_ONE);
                assertThat(o.failure()).isNull();
                assertThat(o.batch()).isEqualTo(acme.rows(r -> true));
              });
      assertThat(outcomes)
          .filteredOn(o -> o.table().project().equals("globex"))
          .singleElement()
          .satisfies(o -> assertThat(o.failure()).hasMessage("storage is down"));
      assertThat(pool.inFlight()).isZero();
    }
  }

  @Test
  void refusesASecondFlushOfATableInFlight() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    try (FlushPool pool = new FlushPool(2, "test-flush")) {
      TableBuffer acme = buffer("acme");
      pool.submit(
          acme,
          List.of(),
          () -> {
            awaitQuietly(release);
            return WROTE_ONE;
          });

      assertThat(pool.isInFlight(acme.key())).isTrue();
      assertThatThrownBy(() -> pool.submit(acme, List.of(), () -> WROTE_ONE))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("A flush of acme/events is in flight already");

      release.countDown();
      assertThat(pool.awaitAll(WAIT)).hasSize(1);
      assertThat(pool.isInFlight(acme.key())).isFalse();
    }
  }

  /** A crash in one flush stops the others at their next crash point and the poll thread too. */
  @Test
  void anErrorInOneFlushStopsTheOthersAtTheirNextStep() throws InterruptedException {
    Error crash = new Error("simulated crash");
    try (FlushPool pool = new FlushPool(2, "test-flush")) {
      FaultInjector guarded = pool.guard(FaultInjector.NONE);
      TableBuffer acme = buffer("acme");
      pool.submit(
          acme,
          List.of(),
          () -> {
            throw crash;
          });
      assertThat(pool.awaitAll(WAIT))
          .singleElement()
          .satisfies(o -> assertThat(o.failure()).isSameAs(crash));

      assertThatThrownBy(pool::checkAlive).isSameAs(crash);
      assertThatThrownBy(() -> guarded.at(CrashPoint.AFTER_DATA_FILE_WRITTEN, "globex", "events"))
          .isSameAs(crash);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

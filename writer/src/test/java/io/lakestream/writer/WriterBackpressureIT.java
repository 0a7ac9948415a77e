package io.lakestream.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.testkit.EmbeddedKafkaExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A burst far larger than the memory cap, while storage fails at first: memory stays bounded. */
class WriterBackpressureIT {
  @RegisterExtension static EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  private static final long CAP = 256 * 1024;

  @TempDir Path dir;

  @Test
  void aBurstOfTenTimesTheMemoryCapLandsWithBoundedBuffers() {
    WriterConfig config =
        TestWriters.onPrefixedTables(kafka, dir, "burst", 2)
            .flushBytes(64 * 1024)
            .memoryCapBytes(CAP)
            .flushAge(Duration.ofMillis(200))
            .build();
    Workload workload =
        Workload.generate(config.tables().values(), List.of("acme"), "otlp_logs", 2, 0, 2_300, 6);
    long burstBytes;
    try (RoutedProducer producer = new RoutedProducer(kafka.bootstrapServers())) {
      workload.produce(producer, 2_000);
      burstBytes =
          workload.rows().stream().mapToLong(r -> producer.encode(r.table(), r.row()).length).sum();
    }
    assertThat(burstBytes).isGreaterThanOrEqualTo(10 * CAP);
    AtomicInteger failures = new AtomicInteger();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    // Storage is down for the first four flushes and then until the writer has paused, so the
    // test does not depend on how fast this machine fills the buffers.
    FaultInjector storageDownAtFirst =
        (point, project, table) -> {
          if (point == CrashPoint.AFTER_DATA_FILE_WRITTEN
              && (failures.incrementAndGet() <= 4
                  || meters.find("lakestream.writer.pauses").counter() == null)) {
            throw new IllegalStateException("simulated storage outage");
          }
        };

    try (WriterRole writer =
        WriterRole.start(config, meters, KeyModelEncoder.learned(), storageDownAtFirst)) {
      new Lake(config).awaitExactly(workload.expected(), Duration.ofSeconds(90));
      assertThat(writer.bufferedBytesPeak()).isPositive().isLessThanOrEqualTo(2 * CAP);
    }
    assertThat(meters.get("lakestream.writer.buffered.bytes.peak").gauge().value())
        .isLessThanOrEqualTo(2 * CAP);
    assertThat(meters.get("lakestream.writer.pauses").counter().count()).isPositive();
  }
}

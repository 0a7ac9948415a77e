package io.lakestream.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.Topics;
import io.lakestream.storage.S3Settings;
import io.lakestream.testkit.EmbeddedKafkaExtension;
import io.lakestream.testkit.EmbeddedS3Extension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The writer on an S3 warehouse (S3Proxy), read back by Delta Kernel through s3a. */
class WriterS3IT {
  @RegisterExtension static EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();
  @RegisterExtension static EmbeddedS3Extension s3 = new EmbeddedS3Extension();

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  static WriterConfig config(String bucket, String prefix, String groupId) {
    s3.createBucket(bucket);
    Map<String, TableDefinition> tables = TestTables.builtInsPrefixed(prefix);
    tables.keySet().forEach(table -> kafka.createTopic(Topics.rows(table), 3));
    kafka.createTopic(Topics.DEAD_LETTER, 1);
    return WriterConfig.devBuilder()
        .bootstrapServers(kafka.bootstrapServers())
        .groupId(groupId)
        .warehouse(URI.create("s3://" + bucket + "/lake"))
        .s3(S3Settings.compatible(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey()))
        .tables(tables)
        .topicPattern("lakestream\\.rows\\." + prefix + "_.*")
        .flushAge(Duration.ofMillis(300))
        .checkpointInterval(5)
        .build();
  }

  @Test
  void writesEveryRowExactlyOncePerProjectAndTableOnS3() {
    WriterConfig config = config("writer-s3-exact", "s3exact", "s3-exact-writer");
    Workload workload =
        Workload.generate(
            config.tables().values(),
            List.of("acme", "globex", "initech"),
            "otlp_logs",
            2,
            0,
            150,
            4);
    Lake lake = new Lake(config);

    try (RoutedProducer producer = new RoutedProducer(kafka.bootstrapServers());
        WriterRole writer = WriterRole.start(config, new SimpleMeterRegistry())) {
      workload.produce(producer, 40);
      lake.awaitExactly(workload.expected(), TIMEOUT);
    }
  }

  /**
   * A warehouse that refuses every write (a wrong secret key): the writer keeps running and keeps
   * the rows, and says that no flush works (what the role's /health and /ready report); a writer
   * with the right key then writes every row once.
   */
  @Test
  void aWarehouseThatRefusesWritesIsSaidAndNothingIsLost() {
    WriterConfig config = config("writer-s3-refused", "s3refused", "s3-refused-writer");
    // Another bucket: Hadoop keeps one s3a file system per bucket in the JVM, and the refused
    // key's must not serve the writer and reader that follow.
    s3.createBucket("writer-s3-refused-other");
    WriterConfig refused =
        config.toBuilder()
            .warehouse(URI.create("s3://writer-s3-refused-other/lake"))
            .s3(
                S3Settings.compatible(
                    s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey() + "-wrong"))
            .build();
    Workload workload =
        Workload.generate(
            config.tables().values(), List.of("acme", "globex"), "otlp_logs", 2, 0, 60, 4);
    Lake lake = new Lake(config);
    try (RoutedProducer producer = new RoutedProducer(kafka.bootstrapServers())) {
      try (WriterRole writer = WriterRole.start(refused, new SimpleMeterRegistry())) {
        // said at start, before any row (the first flush may be writer.flush.age away)
        org.awaitility.Awaitility.await()
            .atMost(TIMEOUT)
            .until(() -> writer.failingFlushes(Duration.ofHours(1)).isPresent());
        assertThat(writer.failingFlushes(Duration.ofHours(1)).orElseThrow())
            .startsWith("cannot read the warehouse s3://writer-s3-refused-other/lake")
            .containsIgnoringCase("forbidden");
        workload.produce(producer, 40);
        org.awaitility.Awaitility.await()
            .atMost(TIMEOUT)
            .until(() -> writer.failingFlushes(Duration.ofSeconds(2)).isPresent());
        assertThat(writer.failingFlushes(Duration.ofSeconds(2)).orElseThrow())
            .containsIgnoringCase("forbidden");
        assertThat(writer.isRunning()).isTrue();
        assertThat(writer.failure()).isEmpty();
      }
      try (WriterRole writer = WriterRole.start(config, new SimpleMeterRegistry())) {
        lake.awaitExactly(workload.expected(), TIMEOUT);
        assertThat(writer.failingFlushes(Duration.ZERO)).isEmpty();
      }
    }
  }

  @Test
  void twoWritersThatBothOwnThePartitionsWriteEachRowOnce() {
    WriterConfig config = config("writer-s3-zombie", "s3zombie", "s3-zombie-a");
    WriterConfig zombie = config.toBuilder().groupId("s3-zombie-b").build();
    Workload workload =
        Workload.generate(
            config.tables().values(), List.of("acme", "globex"), "otlp_spans", 2, 0, 120, 5);
    Lake lake = new Lake(config);
    SimpleMeterRegistry first = new SimpleMeterRegistry();
    SimpleMeterRegistry second = new SimpleMeterRegistry();

    try (RoutedProducer producer = new RoutedProducer(kafka.bootstrapServers());
        WriterRole a = WriterRole.start(config, first);
        WriterRole b = WriterRole.start(zombie, second)) {
      workload.produce(producer, 30);
      lake.awaitExactly(workload.expected(), TIMEOUT);
    }

    // Each row was committed by exactly one of the two writers, each commit adding one file.
    assertThat(
            sum(first, "lakestream.writer.rows.written")
                + sum(second, "lakestream.writer.rows.written"))
        .isEqualTo(workload.rowCount());
    long commits = lake.versions(workload.expected()).values().stream().mapToLong(v -> v + 1).sum();
    assertThat(
            sum(first, "lakestream.writer.files.written")
                + sum(second, "lakestream.writer.files.written"))
        .isEqualTo(commits);
  }

  private static double sum(SimpleMeterRegistry registry, String counter) {
    return registry.find(counter).counters().stream().mapToDouble(c -> c.count()).sum();
  }
}

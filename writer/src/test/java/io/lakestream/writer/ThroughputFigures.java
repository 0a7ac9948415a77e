package io.lakestream.writer;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.Topics;
import io.lakestream.storage.S3Settings;
import io.lakestream.testkit.EmbeddedKafka;
import io.lakestream.testkit.EmbeddedS3;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka → Delta throughput of the writer on a local warehouse and on S3Proxy, beside the raw
 * consume rate of the same routed topics in the same run (embedded broker, one JVM, this machine).
 *
 * <p>{@code java -Xmx3g -cp … io.lakestream.writer.ThroughputFigures [source records per partition,
 * default 25000] [local,s3]}
 */
public final class ThroughputFigures {
  private static final Logger LOG = LoggerFactory.getLogger(ThroughputFigures.class);

  public static void main(String[] args) throws Exception {
    int recordsPerPartition = args.length > 0 ? Integer.parseInt(args[0]) : 25_000;
    String targets = args.length > 1 ? args[1] : "local,s3";
    Map<String, TableDefinition> tables = TestTables.builtInsPrefixed("tput");
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        EmbeddedS3 s3 = EmbeddedS3.start()) {
      tables.keySet().forEach(t -> kafka.createTopic(Topics.rows(t), 6));
      kafka.createTopic(Topics.DEAD_LETTER, 1);
      s3.createBucket("tput");
      Workload workload =
          Workload.generate(
              tables.values(),
              List.of("acme", "globex", "initech"),
              "otlp_logs",
              4,
              0,
              recordsPerPartition,
              42);
      long bytes;
      try (RoutedProducer producer = new RoutedProducer(kafka.bootstrapServers())) {
        long start = System.nanoTime();
        workload.produce(producer, 5_000);
        bytes =
            workload.rows().stream()
                .mapToLong(r -> producer.encode(r.table(), r.row()).length)
                .sum();
        report("produce (setup)", workload.rowCount(), bytes, System.nanoTime() - start);
      }
      int rows = workload.rowCount();

      Path local = Files.createTempDirectory("tput-lake");
      WriterConfig base =
          WriterConfig.builder()
              .bootstrapServers(kafka.bootstrapServers())
              .tables(tables)
              .topicPattern("lakestream\\.rows\\.tput_.*")
              .flushBytes(32L << 20)
              .flushAge(Duration.ofSeconds(1))
              .memoryCapBytes(512L << 20)
              .warehouse(local.toUri())
              .build();
      // Warm the JIT up on a throwaway warehouse first, so neither measured run pays for it.
      try (WriterRole warmup =
          WriterRole.start(
              base.toBuilder()
                  .groupId("tput-warmup")
                  .warehouse(Files.createTempDirectory("tput-warmup").toUri())
                  .build(),
              new SimpleMeterRegistry())) {
        waitForRows(warmup, rows);
      }
      long start = System.nanoTime();
      long consumed = consumeAll(kafka.bootstrapServers(), tables.keySet(), rows);
      report("raw consume", consumed, bytes, System.nanoTime() - start);

      if (targets.contains("local")) {
        run(
            "writer → local",
            base.toBuilder().groupId("tput-local").warehouse(local.toUri()).build(),
            rows,
            bytes);
      }
      if (targets.contains("s3")) {
        run(
            "writer → S3Proxy",
            base.toBuilder()
                .groupId("tput-s3")
                .warehouse(URI.create("s3://tput/lake"))
                .s3(
                    S3Settings.compatible(
                        s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey()))
                .build(),
            rows,
            bytes);
      }
    }
    System.exit(0);
  }

  private static void run(String name, WriterConfig config, int rows, long bytes) throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    long start = System.nanoTime();
    try (WriterRole writer = WriterRole.start(config, meters)) {
      while (written(meters) < rows) {
        Thread.onSpinWait();
        java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
      }
      long elapsed = System.nanoTime() - start;
      report(name, rows, bytes, elapsed);
      LOG.info(
          String.format(
              "    commits: %.0f, peak buffered: %.1f MiB",
              meters.find("lakestream.writer.files.written").counters().stream()
                  .mapToDouble(c -> c.count())
                  .sum(),
              writer.bufferedBytesPeak() / 1048576.0));
    }
  }

  private static void waitForRows(WriterRole writer, int rows) {
    while (writer.rowsWritten() < rows) {
      java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
    }
  }

  private static double written(SimpleMeterRegistry meters) {
    return meters.find("lakestream.writer.rows.written").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  private static long consumeAll(String bootstrap, java.util.Set<String> tables, int expected) {
    Map<String, Object> properties = new HashMap<>();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "raw-" + UUID.randomUUID());
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    long count = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
      consumer.subscribe(tables.stream().map(Topics::rows).toList());
      while (count < expected) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          count++;
        }
      }
    }
    return count;
  }

  private static void report(String name, long rows, long bytes, long nanos) {
    double seconds = nanos / 1e9;
    LOG.info(
        String.format(
            "%-18s %,9d rows in %6.2f s = %,9.0f rows/s (%.1f MiB/s of Avro rows)",
            name, rows, seconds, rows / seconds, bytes / seconds / 1048576.0));
  }
}

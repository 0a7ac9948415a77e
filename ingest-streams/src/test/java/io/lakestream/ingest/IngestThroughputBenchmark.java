package io.lakestream.ingest;

import static io.lakestream.ingest.Otlp.integer;
import static io.lakestream.ingest.Otlp.kv;
import static io.lakestream.ingest.Otlp.resource;
import static io.lakestream.ingest.Otlp.str;

import io.lakestream.schema.RecordHeaders;
import io.lakestream.schema.Topics;
import io.lakestream.testkit.EmbeddedKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Throughput of the running router on the embedded broker: produces {@code records} OTLP log
 * batches of {@code rowsPerRecord} log records each (10 projects), then starts the role and times
 * until a read_committed consumer has every routed row. Not a test; run with
 *
 * <pre>
 * mvn -q -B -pl ingest-streams test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.lakestream.ingest.IngestThroughputBenchmark -Dexec.args="20000 10 1"
 * </pre>
 *
 * Arguments: records (20000), rows per record (10), stream threads (1). Everything (broker, router,
 * consumer) shares the machine, so the figure is a floor, not a capacity.
 */
public final class IngestThroughputBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(IngestThroughputBenchmark.class);

  private static final int PARTITIONS = 4;
  private static final Duration LIMIT = Duration.ofMinutes(5);

  private IngestThroughputBenchmark() {}

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rowsPerRecord = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    long expectedRows = (long) records * rowsPerRecord;
    Path stateDir = Files.createTempDirectory("lakestream-bench-streams");

    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      IngestConfig config =
          IngestConfig.builder(kafka.bootstrapServers())
              .applicationId("ingest-bench")
              .stateDir(stateDir)
              .routedPartitions(PARTITIONS)
              .numStreamThreads(threads)
              .build();
      for (String topic : IngestTopology.topics(config)) {
        kafka.createTopic(topic, PARTITIONS);
      }
      long payloadBytes = produce(kafka.bootstrapServers(), records, rowsPerRecord);

      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      long start = System.nanoTime();
      try (IngestRole role = IngestRole.start(config, registry)) {
        long[] running = new long[1];
        Thread watcher =
            new Thread(
                () -> {
                  while (!role.isRunning() && !Thread.currentThread().isInterrupted()) {
                    Thread.onSpinWait();
                  }
                  running[0] = System.nanoTime();
                });
        watcher.setDaemon(true);
        watcher.start();
        long routed = countCommittedRows(kafka.bootstrapServers(), expectedRows);
        long end = System.nanoTime();
        watcher.join(1000);
        double total = (end - start) / 1e9;
        double processing = (end - running[0]) / 1e9;
        LOG.info(
            String.format(
                "ingest-streams throughput: %d OTLP log records, %d rows (%.1f MB protobuf), each row"
                    + " once: %.2f s from start (%.0f records/s, %.0f rows/s), %.2f s from RUNNING"
                    + " (%.0f records/s, %.0f rows/s); %d stream thread(s), %d partitions,"
                    + " exactly-once v2",
                records,
                routed,
                payloadBytes / 1e6,
                total,
                records / total,
                routed / total,
                processing,
                records / processing,
                routed / processing,
                threads,
                PARTITIONS));
      }
    }
  }

  private static long produce(String bootstrap, int records, int rowsPerRecord) {
    long bytes = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4"),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      long nowNanos = System.currentTimeMillis() * 1_000_000L;
      for (int i = 0; i < records; i++) {
        byte[] value = batch("project-" + (i % 10), nowNanos + i, rowsPerRecord).toByteArray();
        bytes += value.length;
        producer.send(new ProducerRecord<>(Topics.OTLP_LOGS, value));
      }
      producer.flush();
    }
    return bytes;
  }

  private static String header(ConsumerRecord<byte[], byte[]> row, String name) {
    return new String(row.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static LogsData batch(String project, long nanos, int rows) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder().setScope(Otlp.scope("io.acme.app", "1.0"));
    for (int r = 0; r < rows; r++) {
      scope.addLogRecords(
          LogRecord.newBuilder()
              .setTimeUnixNano(nanos + r)
              .setObservedTimeUnixNano(nanos + r + 1000)
              .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO)
              .setSeverityText("INFO")
              .setBody(str("GET /api/orders/" + r + " completed in 12 ms"))
              .addAttributes(kv("http.method", "GET"))
              .addAttributes(kv("http.status_code", integer(200)))
              .addAttributes(kv("user.id", "u-" + (r * 7919 % 1000)))
              .setTraceId(Otlp.id("5b8efff798038103d269b633813fc60c"))
              .setSpanId(Otlp.id("eee19b7ec3c1b174")));
    }
    return LogsData.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(
                    resource(
                        kv("project_id", project),
                        kv("service.name", "orders"),
                        kv("service.version", "2.4.1"),
                        kv("host.name", "node-17"),
                        kv("k8s.pod.name", "orders-7d9f8c-x2x1z")))
                .addScopeLogs(scope))
        .build();
  }

  /**
   * Reads committed rows until every expected row arrived, checking that no source row (topic,
   * partition, offset, index) arrives twice, then briefly that no extra row follows.
   */
  private static long countCommittedRows(String bootstrap, long expected) {
    Set<String> seen = new HashSet<>();
    long count = 0;
    long deadline = System.nanoTime() + LIMIT.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "ingest-bench-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.rows("otel_logs_and_spans")));
      while (count < expected) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "Only " + count + " of " + expected + " rows routed within " + LIMIT);
        }
        for (ConsumerRecord<byte[], byte[]> row : consumer.poll(Duration.ofMillis(100))) {
          count++;
          String source =
              header(row, RecordHeaders.SOURCE_PARTITION)
                  + "/"
                  + header(row, RecordHeaders.SOURCE_OFFSET)
                  + "/"
                  + header(row, RecordHeaders.SOURCE_INDEX);
          if (!seen.add(source)) {
            throw new IllegalStateException("Row " + source + " was routed twice");
          }
        }
      }
      int extra = consumer.poll(Duration.ofSeconds(1)).count();
      if (extra > 0) {
        throw new IllegalStateException(extra + " rows more than expected were routed");
      }
    }
    return count;
  }
}

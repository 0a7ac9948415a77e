package io.lakestream.ingest;

import static io.lakestream.ingest.Otlp.kv;
import static io.lakestream.ingest.Otlp.resource;
import static io.lakestream.ingest.OtlpLogsRoutingTest.log;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.ingest.CommittedRecords.Out;
import io.lakestream.ingest.internal.DeadLetterRecord;
import io.lakestream.ingest.internal.IngestMetrics;
import io.lakestream.schema.RecordHeaders;
import io.lakestream.schema.Topics;
import io.lakestream.testkit.EmbeddedKafkaExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records that cannot be routed, as large as the broker accepts (GZIP-compressed like kafkajs and
 * the OpenTelemetry Collector send them), go to the dead-letter topic, cut to fit when they are too
 * large for it; the router keeps routing every other record and its stream thread never fails. A
 * large valid batch is routed.
 */
class PoisonRecordIT {
  @RegisterExtension static EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  private static final int PARTITIONS = 3;

  /** What the input topic accepts: larger than the router's limits, as a user's topic may be. */
  private static final int INPUT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  @Test
  void poisonRecordsGoToTheDeadLetterTopicAndEveryOtherRecordIsRouted(@TempDir Path stateDir)
      throws Exception {
    kafka
        .kafka()
        .createTopic(
            Topics.OTLP_LOGS,
            PARTITIONS,
            Map.of(
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(INPUT_MAX_MESSAGE_BYTES)));
    IngestConfig config =
        IngestConfig.builder(kafka.bootstrapServers())
            .applicationId("poison-record-it")
            .stateDir(stateDir)
            .routedPartitions(PARTITIONS)
            .build();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    long now = System.currentTimeMillis() * 1_000_000L;
    Random random = new Random(42);

    // Undecodable, 1.2 MB even compressed (random bytes do not compress).
    byte[] garbage = new byte[1_200_000];
    random.nextBytes(garbage);
    // A valid batch whose one row is 5 MB.
    byte[] fiveMegabyteRow =
        logs("acme", LogRecord.newBuilder().setTimeUnixNano(now).setBody(Otlp.str(text(5 << 20))))
            .toByteArray();
    // One log with 100,000 attributes: its row's attributes JSON is over 2 MB.
    LogRecord.Builder attributes = LogRecord.newBuilder().setTimeUnixNano(now);
    for (int i = 0; i < 100_000; i++) {
      attributes.addAttributes(kv("attribute_" + i, "value " + i));
    }
    byte[] hundredThousandAttributes = logs("acme", attributes).toByteArray();
    // A batch above ingest.max.batch.bytes (32 MiB) decoded, small compressed.
    byte[] overBatchLimit = bulkLogs("acme", now, 320_000);
    // Small and undecodable: kept whole.
    byte[] smallGarbage = "not protobuf".getBytes(StandardCharsets.UTF_8);
    // Valid: about 1 MB compressed, many MB decoded.
    byte[] bigValidBatch = bulkLogs("bulk", now, 60_000);
    byte[] other =
        logs("other", LogRecord.newBuilder().setTimeUnixNano(now).setBody(Otlp.str("o")))
            .toByteArray();

    assertThat(garbage.length).isGreaterThan(config.deadLetterBytes());
    assertThat(gzip(bigValidBatch).length).isBetween(200_000, 1_048_576);
    assertThat(bigValidBatch.length).isGreaterThan(4 * 1_048_576);
    assertThat(overBatchLimit.length).isGreaterThan(config.maxBatchBytes());

    try (IngestRole role = IngestRole.start(config, registry)) {
      await().atMost(Duration.ofSeconds(60)).until(role::isRunning);
      assertThat(maxMessageBytes(Topics.DEAD_LETTER)).isEqualTo(config.maxRequestBytes());
      assertThat(maxMessageBytes(Topics.rows("otel_logs_and_spans")))
          .isEqualTo(config.maxRequestBytes());

      try (KafkaProducer<byte[], byte[]> producer = gzipProducer()) {
        send(producer, 0, garbage); // @0
        send(producer, 0, fiveMegabyteRow); // @1
        send(producer, 0, hundredThousandAttributes); // @2
        send(producer, 0, overBatchLimit); // @3
        send(producer, 0, smallGarbage); // @4
        send(producer, 0, other); // @5
        send(producer, 1, other); // partition 1 @0
        send(producer, 2, bigValidBatch); // partition 2 @0
        producer.flush();
      }

      List<Out> rows =
          awaitAtLeast(Topics.rows("otel_logs_and_spans"), 2 + 60_000, Duration.ofSeconds(120));
      Map<String, Long> rowsByProject =
          rows.stream().collect(Collectors.groupingBy(Out::key, Collectors.counting()));
      assertThat(rowsByProject)
          .containsExactlyInAnyOrderEntriesOf(Map.of("other", 2L, "bulk", 60_000L));

      List<Out> deadLetters = awaitAtLeast(Topics.DEAD_LETTER, 5, Duration.ofSeconds(60));
      assertThat(deadLetters).hasSize(5);
      Map<String, Out> byOffset =
          deadLetters.stream()
              .collect(
                  Collectors.toMap(
                      l -> l.header(RecordHeaders.SOURCE_OFFSET), Function.identity()));
      assertCut(byOffset.get("0"), garbage, "undecodable", config);
      assertCut(byOffset.get("1"), fiveMegabyteRow, "record_too_large", config);
      assertCut(byOffset.get("2"), hundredThousandAttributes, "record_too_large", config);
      assertCut(byOffset.get("3"), overBatchLimit, "record_too_large", config);
      assertThat(byOffset.get("3").header(RecordHeaders.DLQ_MESSAGE))
          .isEqualTo(
              "The record is "
                  + overBatchLimit.length
                  + " bytes decoded, above the router's limit of 33554432 bytes for one batch."
                  + " Send smaller batches (e.g. lower the collector's send_batch_max_size) or"
                  + " raise ingest.max.batch.bytes.");
      Out whole = byOffset.get("4");
      assertThat(whole.value()).isEqualTo(smallGarbage);
      assertThat(whole.header(RecordHeaders.DLQ_REASON)).isEqualTo("undecodable");
      assertThat(whole.headers()).doesNotContainKey(RecordHeaders.DLQ_TRUNCATED);

      // The counter says what the dead-letter topic holds.
      Map<String, Long> lettersByReason =
          deadLetters.stream()
              .collect(
                  Collectors.groupingBy(
                      l -> l.header(RecordHeaders.DLQ_REASON), Collectors.counting()));
      for (DeadLetterReason reason : DeadLetterReason.values()) {
        assertThat(count(registry, reason.code()))
            .as("lakestream.ingest.dlq{reason=%s}", reason.code())
            .isEqualTo(lettersByReason.getOrDefault(reason.code(), 0L).doubleValue());
      }
      assertThat(role.threadFailures()).isZero();
      assertThat(role.health()).isEqualTo(IngestHealth.ok());
    }
  }

  private static void assertCut(Out letter, byte[] original, String reason, IngestConfig config) {
    assertThat(letter.header(RecordHeaders.DLQ_REASON)).isEqualTo(reason);
    assertThat(letter.header(RecordHeaders.SOURCE_TOPIC)).isEqualTo(Topics.OTLP_LOGS);
    assertThat(letter.header(RecordHeaders.SOURCE_PARTITION)).isEqualTo("0");
    assertThat(letter.header(RecordHeaders.DLQ_TRUNCATED)).isEqualTo("value");
    assertThat(letter.header(RecordHeaders.DLQ_ORIGINAL_BYTES))
        .isEqualTo(Integer.toString(original.length));
    assertThat(letter.header(RecordHeaders.DLQ_ORIGINAL_SHA256))
        .isEqualTo(DeadLetterRecord.sha256(original));
    assertThat(letter.value().length).isGreaterThan(config.maxRecordBytes() / 2);
    assertThat(letter.value()).isEqualTo(Arrays.copyOf(original, letter.value().length));
  }

  private static LogsData logs(String project, LogRecord.Builder log) {
    return LogsData.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(resource(project, "svc"))
                .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(log)))
        .build();
  }

  /** A batch of {@code count} access-log-like lines, which compress several times. */
  private static byte[] bulkLogs(String project, long now, int count) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    Random random = new Random(count);
    for (int i = 0; i < count; i++) {
      scope.addLogRecords(
          log(
              now + i,
              "GET /api/v1/items/"
                  + random.nextInt(10_000)
                  + " 200 "
                  + random.nextInt(500)
                  + "ms user=user-"
                  + random.nextInt(100)
                  + " region=eu-west-1 agent=Mozilla/5.0 (X11; Linux x86_64)"));
    }
    return LogsData.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder().setResource(resource(project, "web")).addScopeLogs(scope))
        .build()
        .toByteArray();
  }

  private static String text(int length) {
    StringBuilder text = new StringBuilder(length);
    while (text.length() < length) {
      text.append("line of a very long log body; ");
    }
    return text.substring(0, length);
  }

  private static byte[] gzip(byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A producer like kafkajs or the collector's exporter: GZIP, requests as large as needed. */
  private static KafkaProducer<byte[], byte[]> gzipProducer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.COMPRESSION_TYPE_CONFIG,
            "gzip",
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
            64 * 1024 * 1024,
            ProducerConfig.BUFFER_MEMORY_CONFIG,
            256L * 1024 * 1024),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, int partition, byte[] value)
      throws Exception {
    producer.send(new ProducerRecord<>(Topics.OTLP_LOGS, partition, null, value)).get();
  }

  private static List<Out> awaitAtLeast(String topic, int expected, Duration timeout) {
    List<Out> records = new java.util.ArrayList<>();
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              records.clear();
              records.addAll(CommittedRecords.read(kafka.bootstrapServers(), topic));
              assertThat(records).hasSizeGreaterThanOrEqualTo(expected);
            });
    return records;
  }

  private static int maxMessageBytes(String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    try (var admin = kafka.kafka().admin()) {
      Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
      return Integer.parseInt(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
    }
  }

  private static double count(SimpleMeterRegistry registry, String reason) {
    return registry.get(IngestMetrics.DEAD_LETTERS).tag("reason", reason).counter().count();
  }
}

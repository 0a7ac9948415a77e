package io.lakestream.ingest;

import static io.lakestream.ingest.Otlp.kv;
import static io.lakestream.ingest.Otlp.resource;
import static io.lakestream.ingest.OtlpLogsRoutingTest.log;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.schema.RecordHeaders;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.lakestream.schema.convert.AvroSchemas;
import io.lakestream.testkit.EmbeddedKafkaExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router on a real broker: OTLP protobuf from two independent encoders, Avro event rows and
 * garbage go in; the routed topics and the dead-letter topic hold exactly what they should.
 */
class IngestRoleIT {
  @RegisterExtension static EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  private static final int PARTITIONS = 3;

  /** One record read back from an output topic. */
  record Out(int partition, String key, byte[] value, Map<String, String> headers) {
    String header(String name) {
      return headers.get(name);
    }
  }

  @Test
  void routesEveryRecordByProjectOrSetsItAsideExactlyOnce(@TempDir Path stateDir) {
    IngestConfig config =
        IngestConfig.builder(kafka.bootstrapServers())
            .applicationId("ingest-role-it")
            .stateDir(stateDir)
            .routedPartitions(PARTITIONS)
            .build();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    long nowNanos = System.currentTimeMillis() * 1_000_000L;

    try (IngestRole role = IngestRole.start(config, registry)) {
      assertThat(kafka.kafka().topics()).containsAll(IngestTopology.topics(config));
      await().atMost(Duration.ofSeconds(60)).until(role::isRunning);

      // opentelemetry-proto classes: 3 rows for two projects, then 1 span, then 2 points.
      LogsData protoLogs =
          LogsData.newBuilder()
              .addResourceLogs(
                  ResourceLogs.newBuilder()
                      .setResource(resource("alpha", "a"))
                      .addScopeLogs(
                          ScopeLogs.newBuilder()
                              .addLogRecords(log(nowNanos, "a1"))
                              .addLogRecords(log(nowNanos, "a2"))))
              .addResourceLogs(
                  ResourceLogs.newBuilder()
                      .setResource(resource("beta", "b"))
                      .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(log(nowNanos, "b1"))))
              .build();
      TracesData protoSpans =
          TracesData.newBuilder()
              .addResourceSpans(
                  ResourceSpans.newBuilder()
                      .setResource(resource("alpha", "a"))
                      .addScopeSpans(
                          ScopeSpans.newBuilder()
                              .addSpans(
                                  Span.newBuilder()
                                      .setName("GET /")
                                      .setStartTimeUnixNano(nowNanos)
                                      .setEndTimeUnixNano(nowNanos + 1000))))
              .build();
      MetricsData protoMetrics =
          MetricsData.newBuilder()
              .addResourceMetrics(
                  ResourceMetrics.newBuilder()
                      .setResource(resource("beta", "b"))
                      .addScopeMetrics(
                          ScopeMetrics.newBuilder()
                              .addMetrics(
                                  Metric.newBuilder()
                                      .setName("queue.depth")
                                      .setGauge(
                                          Gauge.newBuilder()
                                              .addDataPoints(
                                                  NumberDataPoint.newBuilder()
                                                      .setTimeUnixNano(nowNanos)
                                                      .setAsInt(3))
                                              .addDataPoints(
                                                  NumberDataPoint.newBuilder()
                                                      .setTimeUnixNano(nowNanos)
                                                      .setAsInt(4))))))
              .build();
      // The OpenTelemetry Java SDK's marshalers: 2 log rows and 2 span rows for gamma.
      byte[] sdkLogs =
          SdkOtlp.logsProto(SdkOtlp.logs(SdkOtlp.resource("gamma", "sdk"), nowNanos, 2));
      byte[] sdkSpans =
          SdkOtlp.tracesProto(SdkOtlp.spans(SdkOtlp.resource("gamma", "sdk"), nowNanos, 2));
      // Avro events: the project from the row, then from the key.
      long nowMicros = nowNanos / 1000;
      byte[] eventAcme = AvroRowsRoutingTest.encode(AvroRowsRoutingTest.event("acme", nowMicros));
      byte[] eventKeyed = AvroRowsRoutingTest.encode(AvroRowsRoutingTest.event("", nowMicros));
      byte[] garbage = "garbage, not protobuf".getBytes(StandardCharsets.UTF_8);
      byte[] noProject =
          LogsData.newBuilder()
              .addResourceLogs(
                  ResourceLogs.newBuilder()
                      .setResource(resource(kv("service.name", "anon")))
                      .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(log(nowNanos, "x"))))
              .build()
              .toByteArray();

      try (KafkaProducer<byte[], byte[]> producer = producer()) {
        send(producer, Topics.OTLP_LOGS, null, protoLogs.toByteArray()); // logs@0
        send(producer, Topics.OTLP_LOGS, null, sdkLogs); // logs@1
        send(producer, Topics.OTLP_LOGS, "bad-1", garbage); // logs@2 → DLQ
        send(producer, Topics.OTLP_LOGS, null, noProject); // logs@3 → DLQ
        send(producer, Topics.OTLP_SPANS, null, protoSpans.toByteArray()); // spans@0
        send(producer, Topics.OTLP_SPANS, null, sdkSpans); // spans@1
        send(producer, Topics.OTLP_METRICS, null, protoMetrics.toByteArray()); // metrics@0
        send(producer, Topics.ingest("events"), null, eventAcme); // events@0
        send(producer, Topics.ingest("events"), "keyed", eventKeyed); // events@1
        send(producer, Topics.ingest("events"), "bad-2", garbage); // events@2 → DLQ
        producer.flush();
      }

      List<Out> logsAndSpans = awaitExactly(Topics.rows("otel_logs_and_spans"), 3 + 2 + 1 + 2);
      List<Out> metrics = awaitExactly(Topics.rows("metrics"), 2);
      List<Out> events = awaitExactly(Topics.rows("events"), 2);
      List<Out> deadLetters = awaitExactly(Topics.DEAD_LETTER, 3);

      // Keys are projects; a project's rows all land in the partition its key hashes to.
      for (Out row : concat(logsAndSpans, metrics, events)) {
        assertThat(row.partition()).isEqualTo(partitionOf(row.key()));
      }
      assertThat(sourceIds(logsAndSpans))
          .containsExactlyInAnyOrder(
              "alpha otlp_logs 0 0",
              "alpha otlp_logs 0 1",
              "beta otlp_logs 0 2",
              "gamma otlp_logs 1 0",
              "gamma otlp_logs 1 1",
              "alpha otlp_spans 0 0",
              "gamma otlp_spans 1 0",
              "gamma otlp_spans 1 1");
      assertThat(sourceIds(metrics))
          .containsExactlyInAnyOrder("beta otlp_metrics 0 0", "beta otlp_metrics 0 1");
      assertThat(sourceIds(events))
          .containsExactlyInAnyOrder(
              "acme lakestream.ingest.events 0 0", "keyed lakestream.ingest.events 1 0");
      BinaryMessageDecoder<GenericRecord> eventsDecoder =
          new BinaryMessageDecoder<>(
              GenericData.get(), AvroSchemas.rowSchema(TableDefinitions.builtIn("events")));
      for (Out event : events) {
        assertThat(decode(eventsDecoder, event.value()).get("project_id").toString())
            .isEqualTo(event.key());
      }

      Map<String, Out> lettersBySource =
          deadLetters.stream()
              .collect(
                  Collectors.toMap(
                      l ->
                          l.header(RecordHeaders.SOURCE_TOPIC)
                              + "@"
                              + l.header(RecordHeaders.SOURCE_OFFSET),
                      l -> l));
      assertThat(lettersBySource)
          .containsOnlyKeys("otlp_logs@2", "otlp_logs@3", "lakestream.ingest.events@2");
      Out garbageLog = lettersBySource.get("otlp_logs@2");
      assertThat(garbageLog.key()).isEqualTo("bad-1");
      assertThat(garbageLog.value()).isEqualTo(garbage);
      assertThat(garbageLog.header(RecordHeaders.DLQ_REASON)).isEqualTo("undecodable");
      assertThat(garbageLog.header(RecordHeaders.SOURCE_PARTITION)).isEqualTo("0");
      assertThat(garbageLog.header(RecordHeaders.DLQ_ERROR_CLASS))
          .startsWith("com.google.protobuf.InvalidProtocolBufferException");
      Out anonymous = lettersBySource.get("otlp_logs@3");
      assertThat(anonymous.key()).isNull();
      assertThat(anonymous.value()).isEqualTo(noProject);
      assertThat(anonymous.header(RecordHeaders.DLQ_REASON)).isEqualTo("invalid_project");
      Out garbageEvent = lettersBySource.get("lakestream.ingest.events@2");
      assertThat(garbageEvent.key()).isEqualTo("bad-2");
      assertThat(garbageEvent.header(RecordHeaders.DLQ_REASON)).isEqualTo("undecodable");

      assertThat(count(registry, "lakestream.ingest.records.in", "table", "otel_logs_and_spans"))
          .isEqualTo(6);
      assertThat(count(registry, "lakestream.ingest.rows.out", "table", "otel_logs_and_spans"))
          .isEqualTo(8);
      assertThat(count(registry, "lakestream.ingest.dlq", "reason", "undecodable")).isEqualTo(2);
      assertThat(count(registry, "lakestream.ingest.dlq", "reason", "invalid_project"))
          .isEqualTo(1);

      assertThat(role.close(Duration.ofSeconds(30))).isTrue();
      assertThat(role.state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
    }
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all"),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /** Sends to partition 0, so the source coordinates in the headers are known. */
  private static void send(
      KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) {
    producer.send(
        new ProducerRecord<>(
            topic, 0, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
  }

  /**
   * Reads the committed records of a topic until it holds {@code expected}, then checks once more
   * that no further record was committed.
   */
  private static List<Out> awaitExactly(String topic, int expected) {
    List<Out> records = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              records.clear();
              records.addAll(readCommitted(topic));
              assertThat(records).hasSizeGreaterThanOrEqualTo(expected);
            });
    assertThat(records).as("records in %s", topic).hasSize(expected);
    return records;
  }

  /** Every committed record of a topic, read up to the last stable offset of each partition. */
  private static List<Out> readCommitted(String topic) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<Out> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(
              new Out(
                  r.partition(),
                  r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                  r.value(),
                  RouterDriver.headers(r.headers())));
        }
      }
    }
    return out;
  }

  private static int partitionOf(String key) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
  }

  private static List<String> sourceIds(List<Out> rows) {
    return rows.stream()
        .map(
            r ->
                String.join(
                    " ",
                    r.key(),
                    r.header(RecordHeaders.SOURCE_TOPIC),
                    r.header(RecordHeaders.SOURCE_OFFSET),
                    r.header(RecordHeaders.SOURCE_INDEX)))
        .toList();
  }

  @SafeVarargs
  private static List<Out> concat(List<Out>... lists) {
    return Arrays.stream(lists).flatMap(List::stream).toList();
  }

  private static GenericRecord decode(BinaryMessageDecoder<GenericRecord> decoder, byte[] value) {
    try {
      return decoder.decode(value);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static double count(SimpleMeterRegistry registry, String name, String tag, String value) {
    return registry.get(name).tag(tag, value).counter().count();
  }
}

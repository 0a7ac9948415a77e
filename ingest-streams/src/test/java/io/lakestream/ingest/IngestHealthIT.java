package io.lakestream.ingest;

import static io.lakestream.ingest.Otlp.resource;
import static io.lakestream.ingest.OtlpLogsRoutingTest.log;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lakestream.ingest.CommittedRecords.Out;
import io.lakestream.schema.ProjectAdmission;
import io.lakestream.schema.Topics;
import io.lakestream.testkit.EmbeddedKafkaExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
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
 * The router's health tells the truth: unhealthy, with the reason, while a stream thread fails and
 * is replaced, healthy again once it recovers; and the router refuses to start when the topics it
 * writes would refuse what it sends.
 */
class IngestHealthIT {
  @RegisterExtension static EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  @Test
  void aFailingStreamThreadMakesTheRouterUnhealthyUntilItRecovers(@TempDir Path stateDir)
      throws Exception {
    // A fault no handler can take: an Error escaping the processor kills the stream thread, once.
    AtomicBoolean fail = new AtomicBoolean(true);
    ProjectAdmission failingOnce =
        project -> {
          if (project.equals("boom") && fail.getAndSet(false)) {
            throw new AssertionError("injected fault routing project boom");
          }
          return true;
        };
    IngestConfig config =
        IngestConfig.builder(kafka.bootstrapServers())
            .applicationId("ingest-health-it")
            .stateDir(stateDir)
            .routedPartitions(1)
            .projectAdmission(failingOnce)
            .threadFailureWindow(Duration.ofSeconds(5))
            .build();
    long now = System.currentTimeMillis() * 1_000_000L;

    try (IngestRole role = IngestRole.start(config, new SimpleMeterRegistry())) {
      await().atMost(Duration.ofSeconds(60)).until(role::isRunning);
      assertThat(role.health()).isEqualTo(IngestHealth.ok());

      try (KafkaProducer<byte[], byte[]> producer = producer()) {
        producer.send(new ProducerRecord<>(Topics.OTLP_LOGS, 0, null, logs("boom", now))).get();
      }

      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> !role.health().healthy());
      IngestHealth failing = role.health();
      // A replaced thread is no reason to restart the process: liveness holds.
      assertThat(role.liveness()).isEqualTo(IngestHealth.ok());
      assertThat(failing.error()).isEqualTo("stream_thread_failed");
      assertThat(failing.detail())
          .startsWith("A stream thread of the ingest router failed ")
          .contains("AssertionError: injected fault routing project boom")
          .contains("(1 failure(s) since start)");

      // The replacement thread reads the record again and routes it; then health recovers.
      List<Out> rows =
          awaitRows(Topics.rows(IngestConfig.LOGS_AND_SPANS_TABLE), 1, Duration.ofSeconds(60));
      assertThat(rows).extracting(Out::key).containsExactly("boom");
      await().atMost(Duration.ofSeconds(30)).until(() -> role.health().healthy());
      assertThat(role.threadFailures()).isEqualTo(1);
    }
  }

  @Test
  void aRecordTheBrokerRefusesMakesTheRouterUnhealthyUntilItIsWritten(@TempDir Path stateDir)
      throws Exception {
    IngestConfig config =
        IngestConfig.builder(kafka.bootstrapServers())
            .applicationId("ingest-send-failure-it")
            .stateDir(stateDir)
            .routedPartitions(1)
            .threadFailureWindow(Duration.ofSeconds(5))
            .build();
    byte[] garbage = new byte[60_000];
    new java.util.Random(5).nextBytes(garbage);
    try (IngestRole role = IngestRole.start(config, new SimpleMeterRegistry())) {
      await().atMost(Duration.ofSeconds(60)).until(role::isRunning);
      int lettersBefore =
          CommittedRecords.read(kafka.bootstrapServers(), Topics.DEAD_LETTER).size();
      // Changed behind the router's back after its start-up check.
      setMaxMessageBytes(Topics.DEAD_LETTER, 20_000);
      try {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
          producer.send(new ProducerRecord<>(Topics.OTLP_LOGS, 0, null, garbage)).get();
        }
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> !role.health().healthy());
        IngestHealth failing = role.health();
        assertThat(failing.error()).isIn("send_failed", "stream_thread_failed");
        assertThat(failing.detail()).contains("RecordTooLargeException");
      } finally {
        setMaxMessageBytes(Topics.DEAD_LETTER, config.maxRequestBytes());
      }
      // Once the topic accepts it again, the record is re-read and set aside, and health recovers.
      awaitRows(Topics.DEAD_LETTER, lettersBefore + 1, Duration.ofSeconds(120));
      await().atMost(Duration.ofSeconds(60)).until(() -> role.health().healthy());
    }
  }

  @Test
  void theRouterRefusesToStartWhenATopicItWritesAcceptsLessThanItSends(@TempDir Path stateDir)
      throws Exception {
    kafka.kafka().createTopic(Topics.DEAD_LETTER, 1);
    setMaxMessageBytes(Topics.DEAD_LETTER, 500_000);
    IngestConfig config =
        IngestConfig.builder(kafka.bootstrapServers())
            .applicationId("ingest-limits-it")
            .stateDir(stateDir)
            .routedPartitions(1)
            .build();

    assertThatThrownBy(() -> IngestRole.start(config, new SimpleMeterRegistry()))
        .isInstanceOfSatisfying(
            IngestException.class,
            e -> assertThat(e.kind()).isEqualTo(io.lakestream.schema.ErrorKind.BAD_REQUEST))
        .hasMessage(
            "Cannot start the ingest router ingest-limits-it: max.message.bytes of lakestream.dlq"
                + " (500000) is below the router's producer max.request.size (1048588 ="
                + " ingest.max.record.bytes 1000000 + headers and batch framing). Routed rows or"
                + " dead letters of that size would be refused and the router would stop. Raise the"
                + " topics' max.message.bytes to at least 1048588 (kafka-configs --alter"
                + " --entity-type topics --entity-name <topic> --add-config"
                + " max.message.bytes=1048588), or lower ingest.max.record.bytes.");

    try {
      // With the limit lowered to what the topic accepts, it starts.
      IngestConfig smaller = config.toBuilder().maxRecordBytes(400_000).build();
      try (IngestRole role = IngestRole.start(smaller, new SimpleMeterRegistry())) {
        await().atMost(Duration.ofSeconds(60)).until(role::isRunning);
      }
      // A topic made with the broker's defaults accepts what the default router sends.
      setMaxMessageBytes(Topics.DEAD_LETTER, null);
      try (IngestRole role = IngestRole.start(config, new SimpleMeterRegistry())) {
        await().atMost(Duration.ofSeconds(60)).until(role::isRunning);
      }
    } finally {
      setMaxMessageBytes(Topics.DEAD_LETTER, config.maxRequestBytes());
    }
  }

  /** Sets a topic's max.message.bytes, or with null, removes it (the broker's default applies). */
  private static void setMaxMessageBytes(String topic, Integer bytes) throws Exception {
    try (Admin admin = kafka.kafka().admin()) {
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.TOPIC, topic),
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry(
                              TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                              bytes == null ? null : bytes.toString()),
                          bytes == null ? AlterConfigOp.OpType.DELETE : AlterConfigOp.OpType.SET))))
          .all()
          .get();
    }
  }

  private static byte[] logs(String project, long now) {
    return LogsData.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(resource(project, "svc"))
                .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(log(now, "hello"))))
        .build()
        .toByteArray();
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  private static List<Out> awaitRows(String topic, int expected, Duration timeout) {
    List<Out> records = new java.util.ArrayList<>();
    await()
        .atMost(timeout)
        .untilAsserted(
            () -> {
              records.clear();
              records.addAll(CommittedRecords.read(kafka.bootstrapServers(), topic));
              assertThat(records).hasSizeGreaterThanOrEqualTo(expected);
            });
    return records;
  }
}

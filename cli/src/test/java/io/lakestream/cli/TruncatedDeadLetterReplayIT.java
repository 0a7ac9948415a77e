package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.ingest.IngestConfig;
import io.lakestream.ingest.IngestRole;
import io.lakestream.schema.RecordHeaders;
import io.lakestream.schema.Topics;
import io.lakestream.testkit.EmbeddedKafkaExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dead letter the live router had to cut to fit {@code lakestream.dlq} is not replayed: replay
 * says so and names the source record to replay instead.
 */
class TruncatedDeadLetterReplayIT {
  @RegisterExtension static EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  @Test
  void aTruncatedDeadLetterIsRefusedWithItsSourceToReplayInstead(@TempDir Path stateDir)
      throws Exception {
    kafka
        .kafka()
        .createTopic(Topics.OTLP_LOGS, 1, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "4194304"));
    byte[] garbage = new byte[1_500_000];
    new Random(3).nextBytes(garbage);
    IngestConfig config =
        IngestConfig.builder(kafka.bootstrapServers())
            .applicationId("truncated-replay-it")
            .stateDir(stateDir)
            .routedPartitions(1)
            .build();
    try (IngestRole live = IngestRole.start(config, new SimpleMeterRegistry());
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(
                Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(),
                    ProducerConfig.COMPRESSION_TYPE_CONFIG,
                    "gzip",
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                    4_194_304),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(Topics.OTLP_LOGS, 0, null, garbage)).get();
      await().atMost(Duration.ofSeconds(90)).until(() -> deadLetters().size() == 1);
    }
    ConsumerRecord<byte[], byte[]> letter = deadLetters().get(0);
    assertThat(text(letter, RecordHeaders.DLQ_TRUNCATED)).isEqualTo("value");

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int status =
        cli.execute(
            "replay",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--topic",
            Topics.DEAD_LETTER,
            "--from-beginning",
            "--set",
            "projects.registration=auto");

    assertThat(status).as("exit status; stderr: %s", err).isZero();
    assertThat(out.toString())
        .contains(
            "  rows produced: 0",
            "    truncated: 1",
            "  truncated: these dead letters were cut to fit lakestream.dlq and hold only the"
                + " start of their record, so they cannot be replayed. Replay their source"
                + " records instead (raise ingest.max.batch.bytes or ingest.max.record.bytes"
                + " first if that was the reason): lakestream replay ...",
            "    --topic otlp_logs --from-offsets 0:0 (dead letter "
                + letter.partition()
                + ":"
                + letter.offset()
                + ", 1500000 bytes)");
  }

  private static List<ConsumerRecord<byte[], byte[]>> deadLetters() {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<byte[], byte[]>> records = new java.util.ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.DEAD_LETTER).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  private static String text(ConsumerRecord<byte[], byte[]> record, String header) {
    return new String(record.headers().lastHeader(header).value(), StandardCharsets.UTF_8);
  }
}

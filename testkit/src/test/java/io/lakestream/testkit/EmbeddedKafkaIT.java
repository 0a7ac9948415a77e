package io.lakestream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

  @Test
  void producedRecordsAreConsumedAndSurviveARestart(@TempDir Path dataDir) {
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dataDir).start()) {
      kafka.createTopic("greetings", 2);
      produce(kafka.bootstrapServers(), "greetings", List.of("a", "b", "c"));
      assertThat(consumeAll(kafka.bootstrapServers(), "greetings", 3))
          .containsExactlyInAnyOrder("a", "b", "c");
    }
    try (EmbeddedKafka restarted = EmbeddedKafka.builder().dataDir(dataDir).start()) {
      assertThat(restarted.topics()).contains("greetings");
      produce(restarted.bootstrapServers(), "greetings", List.of("d"));
      assertThat(consumeAll(restarted.bootstrapServers(), "greetings", 4))
          .containsExactlyInAnyOrder("a", "b", "c", "d");
    }
  }

  @Test
  void transactionsWork() {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic("tx", 1);
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  kafka.bootstrapServers(),
                  ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                  "tx-1"),
              new StringSerializer(),
              new StringSerializer())) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("tx", "k", "committed"));
        producer.commitTransaction();
      }
      assertThat(consumeAll(kafka.bootstrapServers(), "tx", 1)).containsExactly("committed");
    }
  }

  @Test
  void closingLeavesNoThreadBehind() {
    Set<String> before = NonDaemonThreads.names();
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic("t", 1);
      produce(kafka.bootstrapServers(), "t", List.of("x"));
    }
    await()
        .pollInSameThread()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(NonDaemonThreads.names()).isSubsetOf(before));
  }

  static void produce(String bootstrap, String topic, List<String> values) {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringSerializer(),
            new StringSerializer())) {
      for (String value : values) {
        producer.send(new ProducerRecord<>(topic, value, value));
      }
      producer.flush();
    }
  }

  static List<String> consumeAll(String bootstrap, String topic, int expected) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "test-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, String> record :
                    consumer.poll(Duration.ofMillis(200))) {
                  values.add(record.value());
                }
                return values.size() >= expected;
              });
    }
    return values;
  }
}

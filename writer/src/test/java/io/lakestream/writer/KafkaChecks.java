package io.lakestream.writer;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Offsets and records of the test broker. */
public final class KafkaChecks implements AutoCloseable {
  private final String bootstrapServers;
  private final Admin admin;

  public KafkaChecks(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }

  /** The committed offsets of a group. */
  public Map<TopicPartition, Long> committed(String groupId) {
    try {
      Map<TopicPartition, Long> offsets = new HashMap<>();
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
      committed.forEach((tp, om) -> offsets.put(tp, om == null ? 0 : om.offset()));
      return offsets;
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The last stable offsets of every partition of these topics. */
  public Map<TopicPartition, Long> endOffsets(Collection<String> topics) {
    try {
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      admin
          .describeTopics(topics)
          .allTopicNames()
          .get()
          .forEach(
              (name, description) ->
                  description
                      .partitions()
                      .forEach(
                          p ->
                              request.put(
                                  new TopicPartition(name, p.partition()), OffsetSpec.latest())));
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin
          .listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
          .all()
          .get()
          .forEach((tp, info) -> ends.put(tp, info.offset()));
      return ends;
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits until the group has committed the end of every partition of these topics. */
  public void awaitCommittedToEnd(String groupId, Collection<String> topics, Duration timeout) {
    Map<TopicPartition, Long> ends = endOffsets(topics);
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              Map<TopicPartition, Long> committed = committed(groupId);
              return ends.entrySet().stream()
                  .allMatch(
                      e ->
                          e.getValue() == 0
                              || committed.getOrDefault(e.getKey(), -1L) >= e.getValue());
            });
  }

  /** Reads every record of a topic, waiting until there are at least {@code count}. */
  public List<ConsumerRecord<byte[], byte[]>> readAtLeast(
      String topic, int count, Duration timeout) {
    Map<String, Object> properties = new HashMap<>();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(timeout)
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
              });
    }
    return records;
  }

  @Override
  public void close() {
    admin.close();
  }
}

package io.lakestream.ingest;

import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.Topics;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The size limits the router depends on, checked against the brokers at start: every topic the
 * router writes ({@code lakestream.rows.<table>}, {@code lakestream.dlq}) must accept a record of
 * the router's producer {@code max.request.size} ({@link IngestConfig#maxRequestBytes()}), or a
 * routed row or a dead letter the producer sends would be refused by the broker, which aborts the
 * router's transaction and makes it read the same record again. The inputs' {@code
 * max.message.bytes} size the consumer's fetches.
 */
final class TopicLimits {
  private static final long ADMIN_TIMEOUT_SECONDS = 60;

  private TopicLimits() {}

  /**
   * Checks the topics the router writes and returns the largest {@code max.message.bytes} of its
   * inputs.
   *
   * @throws IngestException naming the topics and the keys to change when a limit disagrees, or
   *     when the topics cannot be described
   */
  static int check(IngestConfig config) {
    Set<String> outputs = new LinkedHashSet<>();
    for (String table : config.tables().keySet()) {
      outputs.add(Topics.rows(table));
    }
    outputs.add(Topics.DEAD_LETTER);
    Set<String> inputs = new LinkedHashSet<>(IngestTopology.topics(config));
    inputs.removeAll(outputs);
    Set<String> all = new LinkedHashSet<>(outputs);
    all.addAll(inputs);
    Map<String, Integer> limits = maxMessageBytes(config, all);

    int request = config.maxRequestBytes();
    List<String> tooSmall = new ArrayList<>();
    for (String topic : outputs) {
      int limit = limits.get(topic);
      if (limit < request) {
        tooSmall.add(topic + " (" + limit + ")");
      }
    }
    if (!tooSmall.isEmpty()) {
      throw new IngestException(
          ErrorKind.BAD_REQUEST,
          "Cannot start the ingest router "
              + config.applicationId()
              + ": max.message.bytes of "
              + String.join(", ", tooSmall)
              + " is below the router's producer max.request.size ("
              + request
              + " = ingest.max.record.bytes "
              + config.maxRecordBytes()
              + " + headers and batch framing). Routed rows or dead letters of that size would be"
              + " refused and the router would stop. Raise the topics' max.message.bytes to at"
              + " least "
              + request
              + " (kafka-configs --alter --entity-type topics --entity-name <topic> --add-config"
              + " max.message.bytes="
              + request
              + "), or lower ingest.max.record.bytes.",
          null);
    }
    int largestInput = 0;
    for (String topic : inputs) {
      largestInput = Math.max(largestInput, limits.get(topic));
    }
    return largestInput;
  }

  /**
   * The topics' configurations; a topic the router has just created may not be known to every
   * broker yet, so an unknown topic is asked again for a while.
   */
  private static Map<ConfigResource, Config> describe(Admin admin, List<ConfigResource> resources)
      throws ExecutionException, TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ADMIN_TIMEOUT_SECONDS);
    while (true) {
      try {
        return admin.describeConfigs(resources).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200); // metadata of a new topic propagates within moments
      }
    }
  }

  private static Map<String, Integer> maxMessageBytes(IngestConfig config, Set<String> topics) {
    try (Admin admin = Admin.create(config.adminProperties())) {
      List<ConfigResource> resources =
          topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
      Map<ConfigResource, Config> configs = describe(admin, resources);
      Map<String, Integer> limits = new java.util.HashMap<>();
      for (Map.Entry<ConfigResource, Config> entry : configs.entrySet()) {
        ConfigEntry limit = entry.getValue().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        limits.put(
            entry.getKey().name(),
            limit == null || limit.value() == null
                ? 1_048_588
                : Integer.parseInt(limit.value().trim()));
      }
      return limits;
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IngestException(
          ErrorKind.UNAVAILABLE,
          "Cannot read max.message.bytes of the ingest topics "
              + topics
              + " on "
              + config.bootstrapServers()
              + ": "
              + cause
              + ". Check that the router may describe topic configs (DescribeConfigs).",
          cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IngestException(
          ErrorKind.UNAVAILABLE,
          "Interrupted while reading the ingest topics' limits on " + config.bootstrapServers(),
          e);
    }
  }
}

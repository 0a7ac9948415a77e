package io.lakestream.tables;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.CommitAnnouncement;
import io.lakestream.schema.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the writers' commit feed ({@code lakestream.commits}) and hands each announced commit to
 * a {@link TableRegistry}, which applies it to the table's index without reading the Delta log (see
 * {@link TableRegistry#apply}); new tables are found from their first announced commit.
 *
 * <p>Start-up: the follower takes every partition of the feed at its end, then has the registry
 * load every table from its log ({@link TableRegistry#loadAll}) and waits for that, and only then
 * reads the feed from the positions taken: a commit made before them is in the loaded snapshot, one
 * made after them is announced (and skipped when the snapshot already holds it). When the feed does
 * not exist yet (no writer has started), the registry loads every table at once and the follower
 * reads the feed from its beginning as soon as it exists. A lost announcement shows as a gap in the
 * table's versions at its next one (the registry then reads the log), or is found by the registry's
 * fallback sweep; a repeated one is skipped.
 */
public final class CommitFeedFollower implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CommitFeedFollower.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration TOPIC_RETRY = Duration.ofSeconds(5);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final TableRegistry registry;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean positioned;
  private volatile long announcements;

  private CommitFeedFollower(KafkaConsumer<byte[], byte[]> consumer, TableRegistry registry) {
    this.consumer = consumer;
    this.registry = registry;
    this.thread = new Thread(this::run, "lakestream-commit-feed");
    this.thread.setDaemon(true);
  }

  /**
   * Starts following the feed on a thread of its own.
   *
   * @param clientProperties more Kafka consumer properties (security, timeouts), over its own
   */
  public static CommitFeedFollower start(
      String bootstrapServers, Map<String, String> clientProperties, TableRegistry registry) {
    requireNonNull(bootstrapServers, "bootstrapServers is null");
    requireNonNull(clientProperties, "clientProperties is null");
    requireNonNull(registry, "registry is null");
    Map<String, Object> properties = new HashMap<>();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "lakestream-query-commit-feed");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // looking a topic up must not create it (with the broker's defaults): the writer and the
    // router create theirs with their own partitions and limits
    properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    properties.putAll(clientProperties);
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    CommitFeedFollower follower = new CommitFeedFollower(consumer, registry);
    follower.thread.start();
    return follower;
  }

  /**
   * Whether the follower has taken the feed's partitions, the registry has loaded every table, and
   * the feed is read.
   */
  public boolean isPositioned() {
    return positioned;
  }

  /** Announcements read since start. */
  public long announcements() {
    return announcements;
  }

  private void run() {
    try {
      position();
      while (running) {
        if (consumer.assignment().isEmpty()) {
          awaitFeed();
          continue;
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          apply(record);
        }
      }
    } catch (WakeupException e) {
      // close()
    } catch (RuntimeException e) {
      log.error(
          "Stopped following {}: {}. Tables are still read by the fallback poll.",
          Topics.COMMITS,
          e.toString());
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /**
   * Takes the feed's partitions at their end and loads every table. Without the feed (no writer has
   * started yet) the tables are loaded at once, and the feed is read from its beginning once it
   * exists ({@link #awaitFeed}).
   */
  private void position() {
    List<TopicPartition> assigned = feedPartitions();
    if (!assigned.isEmpty()) {
      consumer.assign(assigned);
      consumer.seekToEnd(assigned);
      assigned.forEach(consumer::position); // fixes the positions now
    }
    long started = System.nanoTime();
    registry.loadAll();
    positioned = true;
    if (assigned.isEmpty()) {
      log.info(
          "{} does not exist yet (no writer has started): loaded {} tables in {} ms; the feed is"
              + " read from its beginning once it exists (looking every {} s)",
          Topics.COMMITS,
          registry.tables().size(),
          Duration.ofNanos(System.nanoTime() - started).toMillis(),
          TOPIC_RETRY.toSeconds());
    } else {
      log.info(
          "Following {} ({} partitions) after loading {} tables in {} ms",
          Topics.COMMITS,
          assigned.size(),
          registry.tables().size(),
          Duration.ofNanos(System.nanoTime() - started).toMillis());
    }
  }

  /**
   * Waits for the feed to exist, then reads it from its beginning: every commit announced on it was
   * made after the tables' load started, or is skipped as already held.
   */
  private void awaitFeed() {
    long until = System.nanoTime() + TOPIC_RETRY.toNanos();
    while (running && System.nanoTime() < until) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
        return;
      }
    }
    List<TopicPartition> assigned = running ? feedPartitions() : List.of();
    if (!assigned.isEmpty()) {
      consumer.assign(assigned);
      consumer.seekToBeginning(assigned);
      log.info("Following {} ({} partitions) from its beginning", Topics.COMMITS, assigned.size());
    }
  }

  /** The feed's partitions, none when it does not exist (yet). */
  private List<TopicPartition> feedPartitions() {
    List<PartitionInfo> partitions;
    try {
      partitions = consumer.partitionsFor(Topics.COMMITS, Duration.ofSeconds(10));
    } catch (KafkaException e) {
      if (e instanceof WakeupException wakeup) {
        throw wakeup;
      }
      log.warn("Cannot read the partitions of {} yet: {}", Topics.COMMITS, e.toString());
      return List.of();
    }
    return partitions == null
        ? List.of()
        : partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
  }

  private void apply(ConsumerRecord<byte[], byte[]> record) {
    CommitAnnouncement announcement;
    try {
      announcement = CommitAnnouncement.fromJson(record.value());
    } catch (IllegalArgumentException e) {
      log.warn(
          "Skipping {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
      return;
    }
    announcements++;
    try {
      registry.apply(announcement);
    } catch (RuntimeException e) {
      log.warn(
          "Cannot apply commit {} of {}/{} announced at {}-{}@{}; its log is read at the next"
              + " announcement or fallback sweep: {}",
          announcement.version(),
          announcement.project(),
          announcement.table(),
          record.topic(),
          record.partition(),
          record.offset(),
          e.toString());
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

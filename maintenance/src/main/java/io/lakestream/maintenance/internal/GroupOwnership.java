package io.lakestream.maintenance.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.Topics;
import io.lakestream.writer.internal.CommitFeed;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the tables between maintenance instances through a Kafka consumer group over the commit
 * feed {@code lakestream.commits}: a table belongs to the instance assigned the feed partition its
 * key {@code <project>/<table>} maps to (the producer's default partitioner: murmur2 of the key
 * bytes, so the partition of the table's own announcements). Membership, assignment and failure
 * detection are Kafka's: an instance that stops leaves the group and its tables move at once; one
 * that crashes stops heartbeating and its tables move after the session timeout.
 *
 * <p>The consumer reads nothing: its partitions are paused, it polls only to stay in the group. The
 * cooperative sticky assignor moves only the partitions that must move. A partition being revoked
 * is first marked as not owned (turns under way on its tables stop at their next step, and no new
 * turn starts), then the revocation waits for those turns, at most {@link #REVOCATION_WAIT}, before
 * the partition is given up: so two instances never work on one table at once. A turn that outlives
 * the wait (or a partition lost without revocation) is still safe: Delta refuses a commit that
 * conflicts with another maintainer's, and it is skipped.
 */
public final class GroupOwnership implements TableOwnership {
  private static final Logger LOG = LoggerFactory.getLogger(GroupOwnership.class);

  /** How long a revocation waits for the turns under way on the partition's tables. */
  public static final Duration REVOCATION_WAIT = Duration.ofMinutes(4);

  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Runnable onAssigned;
  private final Thread poller;
  private final String name;
  // guarded by this
  private final Set<Integer> owned = new HashSet<>();
  private final Map<String, Integer> turns = new HashMap<>();
  private int partitions;
  private volatile String failure;
  private volatile boolean closing;
  private boolean started; // guarded by this
  private volatile boolean remainInGroup;

  /**
   * A member of the group {@code group} of the brokers {@code bootstrapServers} (creating {@code
   * lakestream.commits} when missing); {@code onAssigned} runs (on the group's thread, it must not
   * block) after each assignment that gave this instance tables.
   *
   * @param instanceId the static member id ({@code group.instance.id}), empty for a dynamic member
   * @param sessionTimeout how long the group waits for a silent member before moving its tables
   * @param kafkaProperties more client properties (security, timeouts)
   */
  public GroupOwnership(
      String bootstrapServers,
      String group,
      Optional<String> instanceId,
      Duration sessionTimeout,
      Map<String, String> kafkaProperties,
      Runnable onAssigned) {
    requireNonNull(bootstrapServers, "bootstrapServers is null");
    requireNonNull(group, "group is null");
    requireNonNull(instanceId, "instanceId is null");
    requireNonNull(sessionTimeout, "sessionTimeout is null");
    this.onAssigned = requireNonNull(onAssigned, "onAssigned is null");
    Map<String, Object> admin = new HashMap<>();
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    admin.putAll(kafkaProperties);
    CommitFeed.createTopic(admin);

    this.name =
        instanceId.orElse("lakestream-maintenance-" + UUID.randomUUID().toString().substring(0, 8));
    Map<String, Object> properties = new HashMap<>();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    properties.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
    instanceId.ifPresent(id -> properties.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id));
    properties.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
    properties.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    properties.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
    properties.put(
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        (int) Math.max(500, sessionTimeout.toMillis() / 4));
    // a revocation may wait for a turn; the group must not take that for a dead member
    properties.put(
        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
        (int) REVOCATION_WAIT.plusMinutes(1).toMillis());
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    properties.putAll(kafkaProperties);
    this.consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.poller = new Thread(this::run, "lakestream-maintenance-group");
    this.poller.setDaemon(true);
  }

  /** Joins the group (in a thread of its own, which polls until {@link #close()}). */
  public synchronized void start() {
    started = true;
    poller.start();
  }

  /**
   * The partition of {@code lakestream.commits} that the table {@code tableKey} ({@code
   * <project>/<table>}) maps to among {@code partitions}: the producer's default partitioner.
   */
  public static int partition(String tableKey, int partitions) {
    byte[] key = tableKey.getBytes(StandardCharsets.UTF_8);
    return Utils.toPositive(Utils.murmur2(key)) % partitions;
  }

  /** This member's name in the group (its client id, or its static instance id). */
  public String name() {
    return name;
  }

  /** The feed partitions this instance owns now. */
  public synchronized Set<Integer> ownedPartitions() {
    return Set.copyOf(owned);
  }

  @Override
  public synchronized boolean owns(String tableKey) {
    return partitions > 0 && owned.contains(partition(tableKey, partitions));
  }

  @Override
  public synchronized boolean begin(String tableKey) {
    if (!owns(tableKey)) {
      return false;
    }
    turns.put(tableKey, partition(tableKey, partitions));
    return true;
  }

  @Override
  public synchronized void end(String tableKey) {
    turns.remove(tableKey);
    notifyAll();
  }

  @Override
  public Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  private void run() {
    try {
      consumer.subscribe(List.of(Topics.COMMITS), new Listener());
      while (!closing) {
        try {
          consumer.poll(POLL_TIMEOUT);
          failure = null;
        } catch (WakeupException e) {
          // closing
        } catch (KafkaException e) {
          if (!closing) {
            failure = "cannot take part in maintenance group: " + e.getMessage();
            LOG.warn("Maintenance group member {}: {}", name, e.getMessage(), e);
            await(Duration.ofSeconds(1));
          }
        }
      }
    } finally {
      CloseOptions options =
          CloseOptions.timeout(Duration.ofSeconds(10))
              .withGroupMembershipOperation(
                  remainInGroup
                      ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP
                      : CloseOptions.GroupMembershipOperation.DEFAULT);
      try {
        consumer.close(options);
      } catch (RuntimeException e) {
        LOG.warn("Maintenance group member {} did not close cleanly: {}", name, e.toString());
      }
    }
  }

  private synchronized void await(Duration duration) {
    try {
      wait(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops taking part: revokes every table (after the turns under way) and leaves the group. */
  @Override
  public void close() {
    stop();
  }

  /**
   * Stops without leaving the group, as a crashed instance would: the group moves this instance's
   * tables after the session timeout. For tests of failover.
   */
  public void closeWithoutLeaving() {
    remainInGroup = true;
    synchronized (this) {
      owned.clear();
    }
    stop();
  }

  private void stop() {
    closing = true;
    synchronized (this) {
      if (!started) {
        started = true; // never again
        consumer.close(CloseOptions.timeout(Duration.ZERO));
        return;
      }
    }
    consumer.wakeup();
    try {
      poller.join(TimeUnit.MINUTES.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs on the poll thread, inside {@code poll}. */
  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
      consumer.pause(consumer.assignment());
      int count = partitionCount();
      synchronized (GroupOwnership.this) {
        if (count != partitions && partitions != 0) {
          LOG.info(
              "{} has {} partitions now (was {}): tables map to partitions anew",
              Topics.COMMITS,
              count,
              partitions);
        }
        partitions = count;
        for (TopicPartition partition : assigned) {
          owned.add(partition.partition());
        }
      }
      if (!assigned.isEmpty()) {
        LOG.info("Maintenance member {} maintains the tables of partitions {}", name, ownedList());
        onAssigned.run();
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
      if (revoked.isEmpty()) {
        return;
      }
      long deadline = System.nanoTime() + REVOCATION_WAIT.toNanos();
      synchronized (GroupOwnership.this) {
        Set<Integer> ids = new HashSet<>();
        for (TopicPartition partition : revoked) {
          ids.add(partition.partition());
        }
        owned.removeAll(ids);
        while (turns.values().stream().anyMatch(ids::contains)) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            LOG.warn(
                "Maintenance member {} gives partitions {} up with turns still under way after {};"
                    + " they stop at their next step, and Delta refuses a conflicting commit",
                name,
                ids,
                REVOCATION_WAIT);
            break;
          }
          try {
            GroupOwnership.this.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
      LOG.info("Maintenance member {} gave up the tables of partitions {}", name, revoked);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
      synchronized (GroupOwnership.this) {
        for (TopicPartition partition : lost) {
          owned.remove(partition.partition());
        }
      }
      LOG.warn(
          "Maintenance member {} lost partitions {} (out of the group): their turns stop at their"
              + " next step",
          name,
          lost);
    }

    private String ownedList() {
      return ownedPartitions().stream().sorted().toList().toString();
    }
  }

  private int partitionCount() {
    try {
      List<PartitionInfo> infos = consumer.partitionsFor(Topics.COMMITS, Duration.ofSeconds(15));
      return infos == null ? 0 : infos.size();
    } catch (KafkaException e) {
      failure = "cannot read the partitions of " + Topics.COMMITS + ": " + e.getMessage();
      return 0;
    }
  }
}

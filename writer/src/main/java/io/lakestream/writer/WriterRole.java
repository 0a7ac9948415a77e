package io.lakestream.writer;

import static java.util.Objects.requireNonNull;

import io.lakestream.writer.internal.CommitFeed;
import io.lakestream.writer.internal.DeadLetters;
import io.lakestream.writer.internal.FlushPool;
import io.lakestream.writer.internal.RoutedRows;
import io.lakestream.writer.internal.StandaloneDeltaTables;
import io.lakestream.writer.internal.TableFlusher;
import io.lakestream.writer.internal.Warehouse;
import io.lakestream.writer.internal.WriterLoop;
import io.lakestream.writer.internal.WriterMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer role: a member of a Kafka consumer group over {@code lakestream.rows.*} that writes
 * every routed row into its project's Delta table ({@code {warehouse}/projects/{project}/{table}/})
 * exactly once, whatever crashes, rebalances, zombie writers or replays happen (DESIGN §5).
 *
 * <p>Start as many as there are routed partitions to share; each runs one poll thread and {@code
 * flushThreads} flush threads. {@link #close()} flushes what it can, commits the offsets it covers
 * and leaves the group; a writer that dies instead loses nothing: its successor re-reads from the
 * committed offsets and the tables' transaction watermarks drop what had already landed.
 */
public final class WriterRole implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WriterRole.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

  private final WriterConfig config;
  private final WriterLoop loop;
  private final Thread thread;
  private final KafkaProducer<byte[], byte[]> producer;
  private final WriterMetrics metrics;

  /**
   * Why the warehouse could not be read when the writer started (a wrong S3 key, a missing bucket),
   * found at once rather than at the first flush (up to writer.flush.age later); null when it
   * could, or while the check runs.
   */
  private volatile String warehouseProblem;

  private WriterRole(
      WriterConfig config,
      WriterLoop loop,
      KafkaProducer<byte[], byte[]> producer,
      WriterMetrics metrics) {
    this.config = config;
    this.loop = loop;
    this.producer = producer;
    this.metrics = metrics;
    this.thread = new Thread(loop, "lakestream-writer-" + config.groupId());
  }

  /**
   * Starts a writer: joins the consumer group and begins writing in a background thread.
   *
   * @throws WriterException when the configuration is unusable
   */
  public static WriterRole start(WriterConfig config, MeterRegistry registry) {
    return start(config, registry, KeyModelEncoder.learned(), FaultInjector.NONE);
  }

  /** Starts a writer with a chosen key model encoder and fault injector (tests, benchmarks). */
  static WriterRole start(
      WriterConfig config,
      MeterRegistry registry,
      KeyModelEncoder keyModels,
      FaultInjector faults) {
    requireNonNull(config, "config is null");
    requireNonNull(registry, "registry is null");
    Warehouse warehouse = Warehouse.of(config);
    WriterMetrics metrics = new WriterMetrics(registry);
    RoutedRows routedRows = new RoutedRows(config.tableLookup());
    CommitFeed.createTopic(adminProperties(config));
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(config));
    FlushPool pool = new FlushPool(config.flushThreads(), "lakestream-flush-" + config.groupId());
    FaultInjector flushFaults = pool.guard(faults);
    TableFlusher flusher =
        new TableFlusher(
            warehouse,
            new StandaloneDeltaTables(
                warehouse,
                config.checkpointInterval(),
                config.checkpointSpacing(),
                config.logRetention(),
                flushFaults),
            routedRows,
            config.compression(),
            keyModels,
            flushFaults,
            metrics,
            new CommitFeed(producer, metrics),
            config.tableCache());
    KafkaConsumer<byte[], byte[]> consumer;
    try {
      consumer = new KafkaConsumer<>(consumerProperties(config));
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      pool.close();
      throw e;
    }
    WriterLoop loop =
        new WriterLoop(
            config,
            consumer,
            new DeadLetters(producer),
            flusher,
            pool,
            routedRows,
            metrics,
            faults);
    WriterRole role = new WriterRole(config, loop, producer, metrics);
    role.thread.start();
    role.checkWarehouse();
    log.info(
        "Writer started: group {}, warehouse {}, tables {}, flush at {} rows / {} bytes / {} on {}"
            + " threads",
        config.groupId(),
        config.warehouse(),
        config.tables().keySet(),
        config.flushRows(),
        config.flushBytes(),
        config.flushAge(),
        config.flushThreads());
    return role;
  }

  /** The configuration this writer runs with. */
  public WriterConfig config() {
    return config;
  }

  /** Whether the writer is still running (it stops on {@link #close()} or a fatal error). */
  public boolean isRunning() {
    return loop.isRunning();
  }

  /** What stopped the writer abnormally, if anything. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(loop.failure());
  }

  /**
   * Why no flush has worked for at least {@code atLeast} (the last failure: the warehouse refusing
   * writes, e.g. S3 credentials, or not answering), when that is so: the rows stay buffered and
   * their offsets uncommitted, nothing is lost, but nothing is written either.
   */
  public Optional<String> failingFlushes(java.time.Duration atLeast) {
    Optional<String> failing = loop.failingFlushes(atLeast);
    if (failing.isPresent() || loop.flushWorked()) {
      return failing;
    }
    return Optional.ofNullable(warehouseProblem);
  }

  /**
   * Reads the warehouse's root once, on a thread of its own (an unreachable endpoint may take the
   * S3 client's retries): a failure is said by {@link #failingFlushes} until a flush works.
   */
  private void checkWarehouse() {
    Thread check =
        new Thread(
            () -> {
              try {
                io.lakestream.writer.internal.Warehouse warehouse =
                    io.lakestream.writer.internal.Warehouse.of(config);
                org.apache.hadoop.fs.Path root = warehouse.root();
                root.getFileSystem(warehouse.hadoopConf()).exists(root);
              } catch (java.io.IOException | RuntimeException e) {
                warehouseProblem =
                    "cannot read the warehouse " + config.warehouse() + ": " + e.getMessage();
                log.warn(
                    "Cannot read the warehouse {}: {}. Rows will stay buffered, and their offsets"
                        + " uncommitted, until it can be written.",
                    config.warehouse(),
                    e.getMessage());
              }
            },
            "lakestream-writer-warehouse-check");
    check.setDaemon(true);
    check.start();
  }

  /** The most bytes the writer's buffers held at once, as the gauge shows it. */
  public long bufferedBytesPeak() {
    return metrics.bufferedBytesPeak();
  }

  /** Rows this writer has committed to Delta since it started. */
  public long rowsWritten() {
    return metrics.rowsWritten();
  }

  /**
   * Flushes the complete rows, commits their offsets, leaves the group and stops, within 60 s. Rows
   * not flushed are re-read by the next owner of their partitions.
   */
  @Override
  public void close() {
    loop.stop();
    try {
      thread.join(CLOSE_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn("Writer thread did not stop within {}", CLOSE_TIMEOUT);
    }
    producer.close(Duration.ofSeconds(5));
    log.info("Writer stopped: group {}", config.groupId());
  }

  static Map<String, Object> consumerProperties(WriterConfig config) {
    Map<String, Object> properties = new HashMap<>();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    properties.put(
        ConsumerConfig.CLIENT_ID_CONFIG,
        "lakestream-writer-" + UUID.randomUUID().toString().substring(0, 8));
    properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    // One fetch is at most a quarter of the memory cap, so buffers overshoot the cap little.
    int fetchBytes = (int) Math.max(64 << 10, Math.min(50L << 20, config.memoryCapBytes() / 4));
    properties.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, fetchBytes);
    properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Math.min(1 << 20, fetchBytes));
    properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    // Discover new lakestream.rows.* topics within seconds.
    properties.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5_000);
    // A writer that died gives its partitions up after 15 s (Kafka's default is 45 s); with a
    // stable instance id, a restarted one takes them back without a rebalance.
    properties.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 15_000);
    config
        .instanceId()
        .ifPresent(id -> properties.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id));
    properties.putAll(config.kafkaProperties());
    return properties;
  }

  static Map<String, Object> adminProperties(WriterConfig config) {
    Map<String, Object> properties = new HashMap<>();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    // The API timeout may not be below the request timeout (30 s by default): the admin client
    // refuses to start otherwise.
    properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    properties.putAll(config.kafkaProperties());
    return properties;
  }

  static Map<String, Object> producerProperties(WriterConfig config) {
    Map<String, Object> properties = new HashMap<>();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    properties.put(
        ProducerConfig.CLIENT_ID_CONFIG,
        "lakestream-writer-dlq-" + UUID.randomUUID().toString().substring(0, 8));
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    properties.putAll(config.kafkaProperties());
    return properties;
  }
}

package io.lakestream.ingest;

import static java.util.Objects.requireNonNull;

import io.lakestream.ingest.internal.SendFailureListener;
import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running ingest router: creates the topics it needs, then runs the {@link IngestTopology} in
 * Kafka Streams until closed.
 *
 * <pre>
 * try (IngestRole ingest = IngestRole.start(IngestConfig.builder("localhost:9092").build(), registry)) {
 *   … ingest.isRunning() …
 * }
 * </pre>
 */
public final class IngestRole implements AutoCloseable {
  /** How long {@link #close()} waits for a clean shutdown. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(IngestRole.class);
  private static final long ADMIN_TIMEOUT_SECONDS = 60;

  private final IngestConfig config;
  private final KafkaStreams streams;
  private final Failures failures;
  private boolean closed;
  private boolean closedCleanly;

  private IngestRole(IngestConfig config, KafkaStreams streams, Failures failures) {
    this.config = config;
    this.streams = streams;
    this.failures = failures;
  }

  /**
   * Failures of the stream threads (from the uncaught-exception handler) and of sends (from the
   * production exception handler): what {@link #health()} reports.
   */
  private static final class Failures implements SendFailureListener {
    /** One failure: when, its error code and a sentence for people. */
    private record Failure(Instant at, String error, String detail) {}

    private final AtomicLong threadFailures = new AtomicLong();
    private final AtomicReference<Failure> last = new AtomicReference<>();
    private final AtomicReference<Instant> lastRunning = new AtomicReference<>(Instant.EPOCH);

    /**
     * Whether the last failure was a stream thread's and no rebalance has completed since: its
     * replacement has not got the partitions yet (the group waits for the failed thread's session
     * to time out), so they are not routed.
     */
    boolean awaitingReplacement() {
      Failure failure = last.get();
      return failure != null
          && failure.error().equals("stream_thread_failed")
          && !lastRunning.get().isAfter(failure.at());
    }

    void threadFailed(Throwable error) {
      long count = threadFailures.incrementAndGet();
      last.set(
          new Failure(
              Instant.now(),
              "stream_thread_failed",
              "A stream thread of the ingest router failed and was replaced ("
                  + count
                  + " failure(s) since start): "
                  + describe(error)
                  + ". Its partitions are re-read from the last commit."));
    }

    @Override
    public void sendFailed(String topic, String source, Exception error) {
      last.set(
          new Failure(
              Instant.now(),
              "send_failed",
              "The ingest router could not write a record to "
                  + topic
                  + " for source "
                  + source
                  + ": "
                  + describe(error)
                  + ". The transaction is aborted and its records are read again."));
    }

    private static String describe(Throwable error) {
      Throwable cause = error;
      while (cause.getCause() != null && cause.getCause() != cause) {
        cause = cause.getCause();
      }
      String message = String.valueOf(cause.getMessage());
      if (message.length() > 300) {
        message = message.substring(0, 299) + "…";
      }
      return cause.getClass().getSimpleName() + ": " + message;
    }
  }

  /**
   * Creates the missing topics ({@link IngestTopology#topics}) with {@code routedPartitions}
   * partitions and the broker's default replication, then starts Kafka Streams. Returns once
   * Streams is starting; {@link #isRunning()} tells when it runs.
   *
   * @throws IngestException when the topics cannot be listed or created
   */
  public static IngestRole start(IngestConfig config, MeterRegistry registry) {
    requireNonNull(config, "config is null");
    requireNonNull(registry, "registry is null");
    createMissingTopics(config, IngestTopology.topics(config));
    int largestInput = TopicLimits.check(config);
    Topology topology = IngestTopology.build(config, registry);
    Properties props = IngestTopology.streamsProperties(config, largestInput);
    Failures failures = new Failures();
    props.put(IngestTopology.METER_REGISTRY_CONFIG, registry);
    props.put(IngestTopology.SEND_FAILURE_LISTENER_CONFIG, failures);
    KafkaStreams streams = new KafkaStreams(topology, props);
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.RUNNING) {
            failures.lastRunning.set(Instant.now());
          }
          LOG.info("Ingest router {}: {} → {}", config.applicationId(), before, now);
        });
    // A failed thread is replaced, so that one failure never stops every partition; its tasks
    // restart from the last commit. health() reports it for threadFailureWindow.
    streams.setUncaughtExceptionHandler(
        e -> {
          failures.threadFailed(e);
          LOG.error(
              "Ingest stream thread failed ({} failure(s) since start); replacing it",
              failures.threadFailures.get(),
              e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    LOG.info(
        "Starting ingest router {} on {}: OTLP logs from {} ({}), spans from {} ({}), metrics from"
            + " {} ({}), Avro rows from {}; tables {}; project from resource attribute '{}', header"
            + " '{}', default {}; dead letters to {}; exactly-once v2, {} thread(s)",
        config.applicationId(),
        config.bootstrapServers(),
        config.logs().topic(),
        config.logs().encoding(),
        config.spans().topic(),
        config.spans().encoding(),
        config.metrics().topic(),
        config.metrics().encoding(),
        IngestTopology.INGEST_TOPICS.pattern(),
        config.tables().keySet(),
        config.projectAttribute(),
        io.lakestream.schema.RecordHeaders.PROJECT_ID,
        config.defaultProject().orElse("(none)"),
        Topics.DEAD_LETTER,
        config.numStreamThreads());
    LOG.debug("Ingest topology:\n{}", topology.describe());
    try {
      streams.start();
    } catch (RuntimeException e) {
      streams.close(CloseOptions.timeout(DEFAULT_CLOSE_TIMEOUT));
      throw new IngestException(
          ErrorKind.UNAVAILABLE,
          "Cannot start the ingest router "
              + config.applicationId()
              + " on "
              + config.bootstrapServers()
              + ": "
              + e.getMessage(),
          e);
    }
    return new IngestRole(config, streams, failures);
  }

  /**
   * Whether the router routes: unhealthy while Kafka Streams is not running or rebalancing (ERROR,
   * PENDING_ERROR, shutting down), and for {@link IngestConfig#threadFailureWindow()} after a
   * stream thread failed or the producer could not write a record (which aborts the transaction),
   * with the reason; after a stream thread failed, also until a rebalance has given its partitions
   * to its replacement.
   */
  public IngestHealth health() {
    IngestHealth live = liveness();
    if (!live.healthy()) {
      return live;
    }
    Failures.Failure last = failures.last.get();
    if (last != null) {
      Duration since = Duration.between(last.at(), Instant.now());
      if (failures.awaitingReplacement()) {
        return IngestHealth.unhealthy(
            last.error(),
            last.detail()
                + " That was "
                + since.toSeconds()
                + " s ago; its partitions wait for the replacement thread to be assigned them.");
      }
      if (since.compareTo(config.threadFailureWindow()) < 0) {
        return IngestHealth.unhealthy(
            last.error(),
            last.detail()
                + " That was "
                + since.toSeconds()
                + " s ago; the router reports healthy again "
                + config.threadFailureWindow().toSeconds()
                + " s after the last failure.");
      }
    }
    return IngestHealth.ok();
  }

  /**
   * Whether the router can still work without a restart: unhealthy only while Kafka Streams is in
   * ERROR, PENDING_ERROR or shutting down. A failed stream thread is replaced, so it does not make
   * the router dead, only not {@link #health() healthy}; restarting would not help a record that
   * fails every time either.
   */
  public IngestHealth liveness() {
    KafkaStreams.State state = streams.state();
    if (state == KafkaStreams.State.RUNNING
        || state == KafkaStreams.State.REBALANCING
        || state == KafkaStreams.State.CREATED) {
      return IngestHealth.ok();
    }
    Failures.Failure last = failures.last.get();
    return IngestHealth.unhealthy(
        "streams_not_running",
        "The ingest router's Kafka Streams is "
            + state
            + "."
            + (last == null ? "" : " Last failure: " + last.detail())
            + " Records are not routed; see the router's log.");
  }

  /** How many stream threads failed (and were replaced) since start. */
  public long threadFailures() {
    return failures.threadFailures.get();
  }

  /** The Kafka Streams state: CREATED, REBALANCING, RUNNING, PENDING_SHUTDOWN, … */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Whether Kafka Streams is RUNNING (started, tasks assigned, processing). */
  public boolean isRunning() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  /** The configuration this role runs with. */
  public IngestConfig config() {
    return config;
  }

  /** Stops processing and closes Kafka Streams, waiting up to {@link #DEFAULT_CLOSE_TIMEOUT}. */
  @Override
  public void close() {
    close(DEFAULT_CLOSE_TIMEOUT);
  }

  /**
   * Stops processing and closes Kafka Streams: the open transaction is committed or aborted, so
   * every source record is either routed or re-read on the next start. Closing again returns the
   * first outcome.
   *
   * @return whether the shutdown finished within {@code timeout}
   */
  public synchronized boolean close(Duration timeout) {
    if (closed) {
      return closedCleanly;
    }
    closed = true;
    LOG.info("Stopping ingest router {}", config.applicationId());
    closedCleanly = streams.close(CloseOptions.timeout(timeout));
    if (!closedCleanly) {
      LOG.warn("Ingest router {} did not stop within {}", config.applicationId(), timeout);
    }
    return closedCleanly;
  }

  /**
   * Creates {@code lakestream.rows.<table>} and {@code lakestream.ingest.<table>} when missing, as
   * at start, for a table type created while the router runs; the router reads the new ingest topic
   * within {@link IngestTopology#NEW_TOPICS_DISCOVERY}. Safe to call for a table whose topics
   * exist.
   *
   * @throws IngestException when the topics cannot be listed or created
   */
  public void createTableTopics(String table) {
    requireNonNull(table, "table is null");
    // The routed topic first: the router writes it as soon as it reads the ingest topic.
    createMissingTopics(
        config, new java.util.LinkedHashSet<>(List.of(Topics.rows(table), Topics.ingest(table))));
  }

  private static void createMissingTopics(IngestConfig config, Set<String> wanted) {
    try (Admin admin = Admin.create(config.adminProperties())) {
      Set<String> existing =
          admin.listTopics().names().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String topic : wanted) {
        if (!existing.contains(topic)) {
          NewTopic newTopic =
              new NewTopic(topic, Optional.of(config.routedPartitions()), Optional.empty());
          // Explicit, not the broker's default: every routed row and dead letter fits.
          newTopic.configs(
              Map.of(
                  TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                  Integer.toString(config.maxRequestBytes())));
          missing.add(newTopic);
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> created :
          admin.createTopics(missing).values().entrySet()) {
        try {
          created.getValue().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
          LOG.info(
              "Created topic {} with {} partitions", created.getKey(), config.routedPartitions());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IngestException(
          ErrorKind.UNAVAILABLE,
          "Cannot create the ingest topics on "
              + config.bootstrapServers()
              + ": "
              + cause
              + ". Check that the brokers are reachable and allow creating topics, or create "
              + wanted
              + " beforehand.",
          cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IngestException(
          ErrorKind.UNAVAILABLE,
          "Interrupted while creating the ingest topics on " + config.bootstrapServers(),
          e);
    }
  }
}

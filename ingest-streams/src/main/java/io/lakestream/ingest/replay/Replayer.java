package io.lakestream.ingest.replay;

import static java.util.Objects.requireNonNull;

import io.lakestream.ingest.IngestConfig;
import io.lakestream.ingest.RecordRouter;
import io.lakestream.ingest.Routing;
import io.lakestream.ingest.SourceRecord;
import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.RecordHeaders;
import io.lakestream.schema.SourceCoordinates;
import io.lakestream.schema.Topics;
import io.lakestream.schema.convert.AvroSchemas;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Re-drives a bounded range of one topic through the pipeline. The range ends at the topic's end
 * offsets when the replay starts (read_committed: the last stable offsets), or earlier at {@code
 * to}; records are read by manual assignment, with no consumer group and no offset commits.
 *
 * <ul>
 *   <li>An input topic (an OTLP topic as configured, {@code lakestream.ingest.<table>}): every
 *       record is routed with its own coordinates by a {@link RecordRouter}, and its rows are
 *       produced to {@code lakestream.rows.<table>} exactly as the live router writes them.
 *   <li>{@code lakestream.dlq}: every dead letter of the router is routed as the record it was set
 *       aside from ({@link SourceRecord#ofDeadLetter}: as read from its original topic), and a dead
 *       letter of the writer (a routed row) goes back to its table's routed topic; their rows carry
 *       the dead letter's own topic, partition and offset as their source ({@link
 *       #fromDeadLetter}).
 *   <li>{@code lakestream.rows.<table>}: every record is produced again as it is.
 * </ul>
 *
 * Rejected records are counted, never written to the dead-letter topic again. Rows are produced in
 * Kafka transactions (idempotent, acks=all) that each hold whole source records, committed every
 * {@value #COMMIT_RECORDS} records or {@value #COMMIT_MILLIS} ms, so a replay that fails or is
 * killed leaves no source record partly produced for the writer (which reads read_committed). Since
 * every row carries stable source coordinates, the writer drops rows it already wrote: running a
 * replay twice changes nothing.
 */
public final class Replayer {
  private static final byte[] REPLAYED_VALUE =
      "1".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  /** Source records per transaction, at most (a whole poll is never split). */
  static final int COMMIT_RECORDS = 5_000;

  /** How long a transaction stays open, at most, before it is committed. */
  static final long COMMIT_MILLIS = 1_000;

  /**
   * {@code headers} with the dead letter's own topic, partition and offset as the source; the row's
   * index and count in its record are kept. The writer skips rows at or below the last offset it
   * wrote for a (table, project, source partition): rows that keep their original coordinates would
   * be skipped whenever later records of the same partition were written since, which is the usual
   * case (a project registered while its data kept coming, a table created after its first rows).
   * As their own source, dead letters are written once, and replaying the dead letters again still
   * changes nothing.
   */
  static Headers fromDeadLetter(Headers headers, ConsumerRecord<?, ?> deadLetter) {
    Headers rewritten = new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.forEach(rewritten::add);
    SourceCoordinates row = SourceCoordinates.read(headers);
    SourceCoordinates own =
        SourceCoordinates.of(deadLetter.topic(), deadLetter.partition(), deadLetter.offset());
    return (row == null ? own : row.movedTo(own.topic(), own.partition(), own.offset()))
        .writeTo(rewritten);
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null || header.value() == null
        ? "?"
        : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The reason counted for a dead letter that has no source coordinates. */
  public static final String NO_SOURCE = "no_source_coordinates";

  /**
   * The reason counted for a dead letter the router cut to fit the dead-letter topic ({@code
   * lakestream.dlq.truncated}): it holds a prefix of its record only, so its source is replayed
   * instead.
   */
  public static final String TRUNCATED = "truncated";

  /** How many truncated dead letters the summary names, at most. */
  static final int MAX_TRUNCATED_LISTED = 20;

  /** The reason counted for a row set aside by the writer whose schema is no table's. */
  public static final String UNKNOWN_ROW_SCHEMA = "unknown_row_schema";

  private static final String DLQ_HEADER_PREFIX = "lakestream.dlq.";

  private static final Duration POLL = Duration.ofMillis(200);

  /** What kind of topic is replayed, which decides what a record becomes. */
  public enum Kind {
    /** An input of the router: records are routed. */
    INPUT,
    /**
     * The dead-letter topic: the router's dead letters are routed as their source records, the
     * writer's go back to their routed topic.
     */
    DEAD_LETTERS,
    /** A routed-rows topic: records are produced again as they are. */
    ROWS
  }

  private final IngestConfig config;
  private final Duration timeout;
  private final ReplayProgress progress;
  private final RecordRouter router;
  private final Map<Long, String> tablesByFingerprint = new HashMap<>();

  /**
   * @param config the router's configuration: the cluster, input topics and encodings, tables,
   *     project and timestamp rules; replay routes with it as the live router would
   * @param timeout how long to wait for the brokers, and for progress, before failing
   */
  public Replayer(IngestConfig config, Duration timeout, ReplayProgress progress) {
    this.config = requireNonNull(config, "config is null");
    this.timeout = requireNonNull(timeout, "timeout is null");
    this.progress = requireNonNull(progress, "progress is null");
    this.router = new RecordRouter(config);
    config
        .tables()
        .forEach(
            (name, table) ->
                tablesByFingerprint.put(
                    SchemaNormalization.parsingFingerprint64(AvroSchemas.rowSchema(table)), name));
  }

  /**
   * What a topic is to replay.
   *
   * @throws ReplayException when replay does not re-drive that topic
   */
  public Kind kindOf(String topic) {
    if (router.reads(topic)) {
      return Kind.INPUT;
    }
    if (topic.equals(Topics.DEAD_LETTER)) {
      return Kind.DEAD_LETTERS;
    }
    if (Topics.tableOfRows(topic) != null && !Topics.tableOfRows(topic).isEmpty()) {
      return Kind.ROWS;
    }
    throw new ReplayException(
        ErrorKind.BAD_REQUEST,
        "Cannot replay topic '"
            + topic
            + "': it is neither an input of the router ("
            + config.logs().topic()
            + ", "
            + config.spans().topic()
            + ", "
            + config.metrics().topic()
            + ", lakestream.ingest.<table>), nor "
            + Topics.DEAD_LETTER
            + ", nor lakestream.rows.<table>. Name one of those; OTLP topics are the configured"
            + " ingest.otlp.*.topic.");
  }

  private boolean isReplayable(String topic) {
    try {
      kindOf(topic);
      return true;
    } catch (ReplayException e) {
      return false;
    }
  }

  /**
   * Replays {@code topic} from {@code start} to its end offsets at start, or to the first record at
   * or after {@code to}.
   *
   * @throws ReplayException when the brokers cannot be reached, the topic or a target topic does
   *     not exist, or a write fails; rows of committed transactions stay produced, and replaying
   *     the same range again is safe
   */
  public ReplaySummary replay(String topic, ReplayStart start, Optional<Instant> to) {
    requireNonNull(topic, "topic is null");
    requireNonNull(start, "start is null");
    requireNonNull(to, "to is null");
    Kind kind = kindOf(topic);
    try (KafkaConsumer<byte[], byte[]> consumer = newConsumer()) {
      Map<String, List<PartitionInfo>> topics = listTopics(consumer);
      List<PartitionInfo> partitions = topics.get(topic);
      if (partitions == null || partitions.isEmpty()) {
        throw new ReplayException(
            ErrorKind.NOT_FOUND,
            "Topic '"
                + topic
                + "' does not exist on "
                + config.bootstrapServers()
                + ". Check the name; topics replay can re-drive there: "
                + topics.keySet().stream()
                    .filter(this::isReplayable)
                    .sorted()
                    .collect(Collectors.joining(", "))
                + ".");
      }
      Map<TopicPartition, long[]> ranges = ranges(consumer, topic, partitions, start, to);
      long total = ranges.values().stream().mapToLong(r -> r[1] - r[0]).sum();
      progress.start(topic, total, plan(topic, kind, ranges, total));
      Run run = new Run(kind, topics.keySet(), ranges);
      if (total == 0) {
        progress.finish();
        return run.summary(topic);
      }
      try (KafkaProducer<byte[], byte[]> producer = newProducer(topic)) {
        run.execute(consumer, producer);
      }
      progress.finish();
      return run.summary(topic);
    }
  }

  /** One replay's state: ranges left, counts, the open transaction. */
  private final class Run {
    private final Kind kind;
    private final Set<String> existingTopics;
    private final Map<TopicPartition, long[]> ranges;
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private final Map<String, Long> produced = new TreeMap<>();
    private final Map<String, Long> rejected = new TreeMap<>();
    private final List<String> truncated = new ArrayList<>();
    private final AtomicReference<RuntimeException> sendFailure = new AtomicReference<>();
    private long recordsRead;
    private long startNanos;
    private long endNanos;

    Run(Kind kind, Set<String> existingTopics, Map<TopicPartition, long[]> ranges) {
      this.kind = kind;
      this.existingTopics = new HashSet<>(existingTopics);
      this.ranges = ranges;
      ranges.forEach((tp, range) -> positions.put(tp, range[0]));
    }

    void execute(KafkaConsumer<byte[], byte[]> consumer, KafkaProducer<byte[], byte[]> producer) {
      startNanos = System.nanoTime();
      List<TopicPartition> remaining = new ArrayList<>(ranges.keySet());
      consumer.assign(remaining);
      ranges.forEach((tp, range) -> consumer.seek(tp, range[0]));
      initTransactions(producer);
      producer.beginTransaction();
      long uncommitted = 0;
      long lastCommit = System.nanoTime();
      long lastProgress = System.nanoTime();
      try {
        while (!remaining.isEmpty()) {
          ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
          for (ConsumerRecord<byte[], byte[]> record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            if (record.offset() >= ranges.get(tp)[1]) {
              continue;
            }
            recordsRead++;
            uncommitted++;
            handle(record, producer);
          }
          checkSends();
          boolean advanced = false;
          for (TopicPartition tp : List.copyOf(remaining)) {
            long position = Math.min(consumer.position(tp), ranges.get(tp)[1]);
            advanced |= position != positions.put(tp, position);
            if (position >= ranges.get(tp)[1]) {
              remaining.remove(tp);
              consumer.pause(List.of(tp));
            }
          }
          long now = System.nanoTime();
          if (advanced) {
            lastProgress = now;
          } else if (now - lastProgress > timeout.toNanos()) {
            throw new ReplayException(
                ErrorKind.UNAVAILABLE,
                "No progress reading "
                    + remaining
                    + " for "
                    + timeout.toSeconds()
                    + " s from "
                    + config.bootstrapServers()
                    + ". Check that the brokers are up and the partitions have a leader; rows"
                    + " produced so far are committed, and replaying again is safe.");
          }
          if (uncommitted >= COMMIT_RECORDS
              || (uncommitted > 0 && now - lastCommit >= COMMIT_MILLIS * 1_000_000L)) {
            commit(producer);
            producer.beginTransaction();
            uncommitted = 0;
            lastCommit = now;
          }
          progress.advance(done());
        }
        commit(producer);
      } catch (RuntimeException e) {
        abortQuietly(producer, e);
        throw e;
      }
      endNanos = System.nanoTime();
    }

    private void handle(ConsumerRecord<byte[], byte[]> record, KafkaProducer<byte[], byte[]> p) {
      switch (kind) {
        case ROWS ->
            send(
                p,
                new ProducerRecord<>(
                    record.topic(),
                    record.partition(), // its route, whatever the topic's partition count now
                    record.timestamp(),
                    record.key(),
                    record.value(),
                    record.headers()));
        case INPUT ->
            route(
                p,
                new SourceRecord(
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    record.timestamp(),
                    record.key(),
                    record.value(),
                    record.headers()));
        case DEAD_LETTERS -> {
          if (record.headers().lastHeader(RecordHeaders.DLQ_TRUNCATED) != null) {
            // Routing a prefix would reject it again at best: its whole record is at its source.
            rejected.merge(TRUNCATED, 1L, Long::sum);
            if (truncated.size() < MAX_TRUNCATED_LISTED) {
              truncated.add(
                  "--topic "
                      + header(record, RecordHeaders.SOURCE_TOPIC)
                      + " --from-offsets "
                      + header(record, RecordHeaders.SOURCE_PARTITION)
                      + ":"
                      + header(record, RecordHeaders.SOURCE_OFFSET)
                      + " (dead letter "
                      + record.partition()
                      + ":"
                      + record.offset()
                      + ", "
                      + header(record, RecordHeaders.DLQ_ORIGINAL_BYTES)
                      + " bytes)");
            }
            return;
          }
          if (record.headers().lastHeader(RecordHeaders.SOURCE_INDEX) != null) {
            rowAgain(p, record);
            return;
          }
          SourceRecord source;
          try {
            source =
                SourceRecord.ofDeadLetter(
                    record.key(), record.value(), record.timestamp(), record.headers());
          } catch (IllegalArgumentException e) {
            rejected.merge(NO_SOURCE, 1L, Long::sum);
            return;
          }
          if (Topics.tableOfRows(source.topic()) != null) {
            // A routed record the writer set aside, which had no source coordinates itself.
            rejected.merge(NO_SOURCE, 1L, Long::sum);
            return;
          }
          route(p, source, record);
        }
      }
    }

    /**
     * A dead letter the writer set aside is a routed row (it keeps the row's headers, {@code
     * lakestream.source.index} among them): it goes back to its table's routed topic, found by the
     * Avro schema fingerprint of its value, without the {@code lakestream.dlq.*} headers.
     */
    private void rowAgain(
        KafkaProducer<byte[], byte[]> producer, ConsumerRecord<byte[], byte[]> r) {
      String table = tableOfRow(r.value());
      if (table == null) {
        rejected.merge(UNKNOWN_ROW_SCHEMA, 1L, Long::sum);
        return;
      }
      Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
      for (Header header : r.headers()) {
        if (!header.key().startsWith(DLQ_HEADER_PREFIX)) {
          headers.add(header);
        }
      }
      // One row set aside on its own: as its own source record, it is row 0 of 1.
      SourceCoordinates.of(r.topic(), r.partition(), r.offset()).row(0, 1).writeTo(headers);
      send(
          producer,
          new ProducerRecord<>(
              Topics.rows(table), null, r.timestamp(), r.key(), r.value(), headers));
    }

    private void route(KafkaProducer<byte[], byte[]> producer, SourceRecord source) {
      route(producer, source, null);
    }

    /**
     * Routes {@code source}; the rows carry the coordinates of {@code deadLetter} as their source
     * when it is given (see {@link #fromDeadLetter}).
     */
    private void route(
        KafkaProducer<byte[], byte[]> producer,
        SourceRecord source,
        ConsumerRecord<byte[], byte[]> deadLetter) {
      Routing routing = router.route(source);
      if (routing instanceof Routing.Rejected rejection) {
        rejected.merge(rejection.reason().code(), 1L, Long::sum);
        return;
      }
      List<Routing.Row> rows = ((Routing.Routed) routing).rows();
      for (Routing.Row row : rows) {
        Headers headers =
            deadLetter == null ? row.headers() : fromDeadLetter(row.headers(), deadLetter);
        send(
            producer,
            new ProducerRecord<>(
                row.topic(), null, row.timestamp(), row.key(), row.value(), headers));
      }
    }

    private void send(KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> r) {
      requireTopic(r.topic());
      r.headers().remove(RecordHeaders.REPLAYED);
      r.headers().add(RecordHeaders.REPLAYED, REPLAYED_VALUE);
      producer.send(
          r,
          (metadata, error) -> {
            if (error != null) {
              sendFailure.compareAndSet(
                  null,
                  new ReplayException(
                      ErrorKind.UNAVAILABLE,
                      "Cannot write to " + r.topic() + ": " + error.getMessage(),
                      error));
            }
          });
      produced.merge(r.topic(), 1L, Long::sum);
    }

    /** Fails rather than let the producer create a routed topic with the broker's defaults. */
    private void requireTopic(String topic) {
      if (!existingTopics.contains(topic)) {
        throw new ReplayException(
            ErrorKind.NOT_FOUND,
            "Topic '"
                + topic
                + "' does not exist on "
                + config.bootstrapServers()
                + ". Start the ingest role once (it creates the routed topics) or create it with"
                + " the partitions of the other lakestream.rows.* topics, then replay again.");
      }
    }

    private void checkSends() {
      RuntimeException failure = sendFailure.get();
      if (failure != null) {
        throw failure;
      }
    }

    private void commit(KafkaProducer<byte[], byte[]> producer) {
      try {
        producer.commitTransaction();
      } catch (ProducerFencedException e) {
        throw new ReplayException(
            ErrorKind.CONFLICT,
            "Another replay of the same topic started and fenced this one (transactional id "
                + transactionalId(ranges.keySet().iterator().next().topic())
                + "). Let one replay run at a time per topic.",
            e);
      } catch (KafkaException e) {
        checkSends();
        throw new ReplayException(
            ErrorKind.UNAVAILABLE,
            "Cannot commit the rows produced to " + config.bootstrapServers() + ": " + e,
            e);
      }
      checkSends();
    }

    private void abortQuietly(KafkaProducer<byte[], byte[]> producer, RuntimeException cause) {
      try {
        producer.abortTransaction();
      } catch (RuntimeException e) {
        cause.addSuppressed(e);
      }
    }

    private long done() {
      long done = 0;
      for (Map.Entry<TopicPartition, long[]> entry : ranges.entrySet()) {
        done += positions.get(entry.getKey()) - entry.getValue()[0];
      }
      return done;
    }

    ReplaySummary summary(String topic) {
      return new ReplaySummary(
          topic,
          recordsRead,
          produced,
          rejected,
          truncated,
          Duration.ofNanos(endNanos - startNanos));
    }
  }

  /** The configured table whose row schema wrote {@code value}, or null. */
  private String tableOfRow(byte[] value) {
    if (value == null || value.length < 10 || value[0] != (byte) 0xC3 || value[1] != 0x01) {
      return null;
    }
    long fingerprint = ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    return tablesByFingerprint.get(fingerprint);
  }

  private void initTransactions(KafkaProducer<byte[], byte[]> producer) {
    try {
      producer.initTransactions();
    } catch (TimeoutException e) {
      throw unreachable(e);
    }
  }

  private Map<String, List<PartitionInfo>> listTopics(KafkaConsumer<byte[], byte[]> consumer) {
    try {
      return consumer.listTopics(timeout);
    } catch (TimeoutException e) {
      throw unreachable(e);
    } catch (KafkaException e) {
      throw new ReplayException(
          ErrorKind.UNAVAILABLE,
          "Cannot list the topics of " + config.bootstrapServers() + ": " + e.getMessage(),
          e);
    }
  }

  private ReplayException unreachable(Exception e) {
    return new ReplayException(
        ErrorKind.UNAVAILABLE,
        "Cannot reach Kafka at "
            + config.bootstrapServers()
            + " within "
            + timeout.toSeconds()
            + " s. Check kafka.bootstrap.servers (or --bootstrap-servers) and that the brokers"
            + " are up.",
        e);
  }

  /** Per partition: {start, end}, end exclusive; only partitions with something to read. */
  private Map<TopicPartition, long[]> ranges(
      KafkaConsumer<byte[], byte[]> consumer,
      String topic,
      List<PartitionInfo> partitions,
      ReplayStart start,
      Optional<Instant> to) {
    List<TopicPartition> all =
        partitions.stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
            .toList();
    List<TopicPartition> chosen = all;
    if (start instanceof ReplayStart.AtOffsets at) {
      for (int partition : at.offsets().keySet()) {
        if (partition >= all.size()) {
          throw new ReplayException(
              ErrorKind.BAD_REQUEST,
              "Topic '"
                  + topic
                  + "' has partitions 0 to "
                  + (all.size() - 1)
                  + "; --from-offsets names partition "
                  + partition
                  + ".");
        }
      }
      chosen = all.stream().filter(tp -> at.offsets().containsKey(tp.partition())).toList();
    }
    try {
      Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(chosen);
      Map<TopicPartition, Long> ends = consumer.endOffsets(chosen);
      Map<TopicPartition, Long> firsts =
          start instanceof ReplayStart.AtTimestamp at
              ? offsetsAt(consumer, chosen, at.timestamp(), ends)
              : new HashMap<>(beginnings);
      if (start instanceof ReplayStart.AtOffsets at) {
        for (TopicPartition tp : chosen) {
          long wanted = at.offsets().get(tp.partition());
          firsts.put(tp, Math.max(beginnings.get(tp), Math.min(wanted, ends.get(tp))));
        }
      }
      Map<TopicPartition, Long> lasts =
          to.isPresent() ? offsetsAt(consumer, chosen, to.get(), ends) : ends;
      Map<TopicPartition, long[]> ranges = new LinkedHashMap<>();
      for (TopicPartition tp : chosen) {
        long first = firsts.get(tp);
        long end = Math.min(lasts.get(tp), ends.get(tp));
        if (first < end) {
          ranges.put(tp, new long[] {first, end});
        }
      }
      return ranges;
    } catch (TimeoutException e) {
      throw unreachable(e);
    }
  }

  /** The first offset at or after {@code timestamp} per partition; the end offset when none. */
  private static Map<TopicPartition, Long> offsetsAt(
      KafkaConsumer<byte[], byte[]> consumer,
      List<TopicPartition> partitions,
      Instant timestamp,
      Map<TopicPartition, Long> ends) {
    Map<TopicPartition, Long> query = new HashMap<>();
    partitions.forEach(tp -> query.put(tp, timestamp.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      OffsetAndTimestamp at = found.get(tp);
      offsets.put(tp, at == null ? ends.get(tp) : at.offset());
    }
    return offsets;
  }

  private static String plan(
      String topic, Kind kind, Map<TopicPartition, long[]> ranges, long total) {
    String target =
        switch (kind) {
          case INPUT -> "routed to lakestream.rows.<table>";
          case DEAD_LETTERS -> "routed again as their source records to lakestream.rows.<table>";
          case ROWS -> "produced again to " + topic;
        };
    String partitions =
        ranges.entrySet().stream()
            .limit(12)
            .map(e -> e.getKey().partition() + ": " + e.getValue()[0] + "→" + e.getValue()[1])
            .collect(Collectors.joining(", "));
    if (ranges.size() > 12) {
      partitions += ", …";
    }
    return "replay of "
        + topic
        + ": "
        + ReplayProgress.count(total)
        + " records in "
        + ranges.size()
        + " partition(s)"
        + (ranges.isEmpty() ? "" : " [" + partitions + "]")
        + ", "
        + target;
  }

  private KafkaConsumer<byte[], byte[]> newConsumer() {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "lakestream-replay");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    props.put(
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
        Math.max(1_048_576, config.maxRequestBytes()));
    props.putAll(config.clientOverrides());
    try {
      return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    } catch (KafkaException e) {
      throw new ReplayException(
          ErrorKind.UNAVAILABLE,
          "Cannot connect to Kafka at "
              + config.bootstrapServers()
              + ": "
              + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())
              + ". Check kafka.bootstrap.servers (or --bootstrap-servers).",
          e);
    }
  }

  private KafkaProducer<byte[], byte[]> newProducer(String topic) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "lakestream-replay");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(topic));
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        config.maxRequestBytes()); // the live router's: the topics are checked to accept it
    props.putAll(config.clientOverrides());
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * One transactional id per replayed topic: a replay that was killed is fenced, and its open
   * transaction aborted, as soon as the next replay of that topic starts.
   */
  static String transactionalId(String topic) {
    return "lakestream-replay-" + topic;
  }
}

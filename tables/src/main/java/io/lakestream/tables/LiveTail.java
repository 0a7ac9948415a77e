package io.lakestream.tables;

import static java.util.Objects.requireNonNull;

import io.lakestream.reader.ByteSlice;
import io.lakestream.reader.Keys;
import io.lakestream.reader.TableId;
import io.lakestream.reader.TailRows;
import io.lakestream.schema.Column;
import io.lakestream.schema.SourceCoordinates;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.Topics;
import io.lakestream.schema.convert.AvroSchemas;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.util.Utf8;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live tail: reads every served table type's routed-rows topic ({@code
 * lakestream.rows.<table>}, read_committed) from the writer group's committed offsets (everything
 * before them is in Delta) and adds each row to its table's {@link TailRows} through {@link
 * TableRegistry#appendTail}; a commit's txn watermarks (from the commit feed or the log) drop the
 * rows it holds. Reads of a table's snapshot therefore serve rows not yet in Delta, each row once.
 *
 * <p>Memory is bounded: above {@code maxBytes} of tail rows the reader pauses every partition, and
 * resumes once commits have dropped enough rows; rows are then visible later, never lost.
 *
 * <p>Starts reading once the registry has loaded its tables ({@code ready}), so that a row's
 * watermarks are known. The table types come from {@code tableTypes} at every turn (the catalog's,
 * with those created at run time): the routed-rows topic of a type not read yet is looked for every
 * second until it exists, and every {@value #TOPICS_EVERY_SECONDS} s the partitions of every type
 * are checked for new ones.
 */
public final class LiveTail implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LiveTail.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final int TOPICS_EVERY_SECONDS = 10;
  private static final Duration TOPICS_PENDING = Duration.ofSeconds(1);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Admin admin;
  private final String writerGroup;
  private final Supplier<Map<String, TableDefinition>> tableTypes;
  private final TableRegistry registry;
  private final Supplier<Boolean> ready;
  private final long maxBytes;
  private final Thread thread;

  /** Per table type, its definition and the decoder of its rows (a type created again anew). */
  private final Map<String, Decoder> decoders = new HashMap<>();

  private record Decoder(TableDefinition table, BinaryMessageDecoder<GenericRecord> decoder) {}

  private final Map<String, Long> lastReadMillis = new ConcurrentHashMap<>();
  private volatile Set<String> behind = Set.of();
  private final Set<TopicPartition> assigned = new HashSet<>();
  private final Set<String> typesRead = new HashSet<>();
  private volatile boolean running = true;
  private volatile boolean paused;

  /**
   * Per partition assigned before the tail first caught up, the end offset when it was assigned:
   * the rows written before the sidecar started, which a sidecar restarted may have served before.
   */
  private final Map<TopicPartition, Long> startEnds = new HashMap<>();

  private volatile boolean caughtUp;
  private volatile boolean topicsChecked;
  private volatile long rowsRead;
  private long topicsCheckedNanos;

  private LiveTail(
      Map<String, Object> properties,
      String writerGroup,
      Supplier<Map<String, TableDefinition>> tableTypes,
      TableRegistry registry,
      Supplier<Boolean> ready,
      long maxBytes) {
    this.consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    Map<String, Object> adminProperties = new HashMap<>(properties);
    adminProperties.keySet().retainAll(AdminClientConfig.configNames());
    this.admin = Admin.create(adminProperties);
    this.writerGroup = writerGroup;
    this.tableTypes = tableTypes;
    this.registry = registry;
    this.ready = ready;
    this.maxBytes = maxBytes;
    this.thread = new Thread(this::run, "lakestream-live-tail");
    this.thread.setDaemon(true);
  }

  /**
   * Starts reading on a thread of its own.
   *
   * @param writerGroup the writers' consumer group, whose committed offsets are where the tail
   *     starts
   * @param tableTypes the table types served, by name
   * @param ready whether the registry has loaded its tables (the tail waits for it)
   * @param maxBytes tail rows kept in memory at most, in bytes as read
   */
  public static LiveTail start(
      String bootstrapServers,
      Map<String, String> clientProperties,
      String writerGroup,
      Supplier<Map<String, TableDefinition>> tableTypes,
      TableRegistry registry,
      Supplier<Boolean> ready,
      long maxBytes) {
    requireNonNull(bootstrapServers, "bootstrapServers is null");
    Map<String, Object> properties = new HashMap<>();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "lakestream-query-live-tail");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // looking a topic up must not create it (with the broker's defaults): the writer and the
    // router create theirs with their own partitions and limits
    properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    properties.putAll(clientProperties);
    LiveTail tail = new LiveTail(properties, writerGroup, tableTypes, registry, ready, maxBytes);
    tail.thread.start();
    return tail;
  }

  /** Rows read since start. */
  public long rowsRead() {
    return rowsRead;
  }

  /** Whether reading is paused because the tail holds {@code maxBytes}. */
  public boolean caughtUp() {
    return caughtUp;
  }

  public boolean paused() {
    return paused;
  }

  /**
   * How far the tail's reading is behind for a table type: while its partitions have rows not read
   * yet (also while paused by the memory bound), now − the produce time of the last row read of it
   * (of the start of reading, before any); 0 when it read to their end.
   */
  public long lagMillis(String tableType) {
    if (!behind.contains(tableType)) {
      return 0;
    }
    long now = System.currentTimeMillis();
    return Math.max(0, now - lastReadMillis.getOrDefault(tableType, now));
  }

  private void run() {
    try {
      while (running && !ready.get()) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
      topicsCheckedNanos = System.nanoTime() - Duration.ofSeconds(TOPICS_EVERY_SECONDS).toNanos();
      while (running) {
        Duration every =
            typesRead.containsAll(tableTypes.get().keySet())
                ? Duration.ofSeconds(TOPICS_EVERY_SECONDS)
                : TOPICS_PENDING;
        if (System.nanoTime() - topicsCheckedNanos >= every.toNanos()) {
          topicsChecked |= assignNewTopics();
          topicsCheckedNanos = System.nanoTime();
        }
        checkCaughtUp();
        if (assigned.isEmpty()) {
          try {
            Thread.sleep(POLL.toMillis());
          } catch (InterruptedException e) {
            return;
          }
          continue;
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        apply(records);
        bound();
      }
    } catch (WakeupException e) {
      // close()
    } catch (RuntimeException e) {
      log.error(
          "The live tail stopped: {}. Rows are served once committed to Delta.", e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
      admin.close(Duration.ofSeconds(2));
    }
  }

  /**
   * Notes the tail caught up once every partition assigned at the first check of the topics has
   * been read up to its end offset of then (or reading is paused at the memory bound: nothing more
   * would be served).
   */
  private void checkCaughtUp() {
    if (caughtUp || !topicsChecked) {
      return;
    }
    startEnds.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
    if (startEnds.isEmpty() || paused) {
      startEnds.clear();
      caughtUp = true;
      log.info("Live tail caught up with the rows written before it started");
    }
  }

  /**
   * Assigns the partitions of routed-rows topics not read yet, at the writers' offsets; false when
   * the topics or the offsets could not be read (tried again later).
   */
  private boolean assignNewTopics() {
    List<TopicPartition> fresh = new ArrayList<>();
    Set<String> existing;
    try {
      existing = admin.listTopics().names().get(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("Cannot list the topics yet: {}", e.toString());
      return false;
    }
    for (String type : tableTypes.get().keySet()) {
      if (!existing.contains(Topics.rows(type))) {
        continue; // the ingest role creates it when the type is created
      }
      List<PartitionInfo> partitions;
      try {
        partitions = consumer.partitionsFor(Topics.rows(type), Duration.ofSeconds(5));
      } catch (org.apache.kafka.common.KafkaException e) {
        if (e instanceof WakeupException wakeup) {
          throw wakeup;
        }
        continue;
      }
      for (PartitionInfo partition : partitions == null ? List.<PartitionInfo>of() : partitions) {
        TopicPartition tp = new TopicPartition(partition.topic(), partition.partition());
        if (!assigned.contains(tp)) {
          fresh.add(tp);
        }
      }
    }
    if (fresh.isEmpty()) {
      return true;
    }
    Map<TopicPartition, OffsetAndMetadata> committed;
    try {
      committed =
          admin
              .listConsumerGroupOffsets(writerGroup)
              .partitionsToOffsetAndMetadata()
              .get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn(
          "Cannot read the committed offsets of group {} yet ({}); the tail retries in {} s",
          writerGroup,
          e.toString(),
          TOPICS_EVERY_SECONDS);
      return false;
    }
    assigned.addAll(fresh);
    long now = System.currentTimeMillis();
    for (TopicPartition tp : fresh) {
      String type = Topics.tableOfRows(tp.topic());
      typesRead.add(type);
      lastReadMillis.putIfAbsent(type, now);
    }
    consumer.assign(List.copyOf(assigned));
    for (TopicPartition tp : fresh) {
      OffsetAndMetadata offset = committed == null ? null : committed.get(tp);
      if (offset != null) {
        consumer.seek(tp, offset.offset());
      } else {
        consumer.seekToBeginning(List.of(tp));
      }
    }
    if (paused) {
      consumer.pause(fresh);
    }
    if (!caughtUp) {
      try {
        startEnds.putAll(consumer.endOffsets(fresh, Duration.ofSeconds(30)));
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        log.warn("Cannot read the end offsets of {} partitions: not waited for", fresh.size());
      }
    }
    log.info(
        "Live tail reads {} more partitions from the offsets of group {}",
        fresh.size(),
        writerGroup);
    return true;
  }

  private void apply(ConsumerRecords<byte[], byte[]> records) {
    Map<TableId, List<TailRows.Row>> rows = new HashMap<>();
    Map<String, Long> lastTimestamp = new HashMap<>();
    Map<String, TableDefinition> types = tableTypes.get();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      String type = Topics.tableOfRows(record.topic());
      TableDefinition table = type == null ? null : types.get(type);
      if (table == null || record.key() == null || record.value() == null) {
        continue;
      }
      try {
        TailRows.Row row = row(table, record);
        String project = new String(record.key(), StandardCharsets.UTF_8);
        rows.computeIfAbsent(new TableId(project, type), id -> new ArrayList<>()).add(row);
        lastTimestamp.merge(type, record.timestamp(), Math::max);
      } catch (Exception e) {
        // the writer sends such a row to the dead-letter topic; it never reaches Delta
        log.debug(
            "Not adding {}-{}@{} to the tail: {}",
            record.topic(),
            record.partition(),
            record.offset(),
            e.toString());
      }
    }
    rowsRead += records.count();
    rows.forEach(registry::appendTail);
    lastReadMillis.putAll(lastTimestamp);
    Set<String> stillBehind = new HashSet<>();
    for (TopicPartition tp : assigned) {
      java.util.OptionalLong lag = consumer.currentLag(tp);
      if (lag.isPresent() && lag.getAsLong() > 0) {
        stillBehind.add(Topics.tableOfRows(tp.topic()));
      }
    }
    behind = Set.copyOf(stillBehind);
  }

  /** Pauses reading above the memory bound, resumes below it. */
  private void bound() {
    long held = registry.tailBytes();
    if (!paused && held > maxBytes) {
      consumer.pause(assigned);
      paused = true;
      log.info("Live tail paused: {} bytes held, above query.tail.max.bytes {}", held, maxBytes);
    } else if (paused && held <= maxBytes) {
      consumer.resume(assigned);
      paused = false;
      log.info("Live tail resumed: {} bytes held", held);
    }
  }

  private TailRows.Row row(TableDefinition table, ConsumerRecord<byte[], byte[]> record)
      throws java.io.IOException {
    Decoder decoder = decoders.get(table.name());
    if (decoder == null || (decoder.table() != table && !decoder.table().equals(table))) {
      // new, or dropped and created again with other columns
      decoder =
          new Decoder(
              table, new BinaryMessageDecoder<>(GenericData.get(), AvroSchemas.rowSchema(table)));
      decoders.put(table.name(), decoder);
    }
    GenericRecord avro = decoder.decoder().decode(record.value());
    List<Column> columns = table.columns();
    Object[] values = new Object[columns.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = value(columns.get(i), avro.get(columns.get(i).name()));
    }
    Object key = values[table.columnNames().indexOf(table.primaryKey())];
    SourceCoordinates source = SourceCoordinates.read(record.headers());
    String appId = source == null ? record.topic() + "-" + record.partition() : source.appId();
    long offset = source == null ? record.offset() : source.offset();
    return new TailRows.Row(
        Keys.encode(table.primaryKeyColumn().type(), key),
        values,
        appId,
        offset,
        source == null ? 0 : source.index(),
        record.partition(),
        record.timestamp(),
        record.serializedValueSize() + 64L * values.length);
  }

  /** An Avro value as a {@link io.lakestream.reader.RowSink} takes it. */
  private static Object value(Column column, Object value) {
    if (value == null) {
      return null;
    }
    return switch (column.type()) {
      case BOOLEAN -> (Boolean) value;
      case INT, DATE -> ((Number) value).intValue();
      case LONG, TIMESTAMP -> ((Number) value).longValue();
      case FLOAT -> ((Number) value).floatValue();
      case DOUBLE -> ((Number) value).doubleValue();
      case STRING, JSON -> text(value);
      case BYTES -> {
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        yield ByteSlice.of(bytes);
      }
      case ARRAY_LONG ->
          ((List<?>) value).stream().map(v -> v == null ? null : ((Number) v).longValue()).toList();
      case ARRAY_DOUBLE ->
          ((List<?>) value)
              .stream().map(v -> v == null ? null : ((Number) v).doubleValue()).toList();
      case ARRAY_STRING -> ((List<?>) value).stream().map(v -> v == null ? null : text(v)).toList();
    };
  }

  private static ByteSlice text(Object value) {
    if (value instanceof Utf8 utf8) {
      return ByteSlice.of(Arrays.copyOf(utf8.getBytes(), utf8.getByteLength()));
    }
    return ByteSlice.of(value.toString().getBytes(StandardCharsets.UTF_8));
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

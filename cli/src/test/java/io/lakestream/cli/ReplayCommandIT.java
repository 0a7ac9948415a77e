package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.catalog.Catalog;
import io.lakestream.catalog.ProjectRegistration;
import io.lakestream.ingest.IngestConfig;
import io.lakestream.ingest.IngestRole;
import io.lakestream.schema.RecordHeaders;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.lakestream.schema.convert.AvroSchemas;
import io.lakestream.testkit.EmbeddedKafkaExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lakestream replay} on a real broker, against the live router: the live router routes OTLP
 * logs and Avro events once (two records go to the dead-letter topic), then replay re-drives the
 * same topics. Every replayed row must be a byte-for-byte copy of the live router's row with the
 * same source coordinates, which the writer drops as already written.
 */
class ReplayCommandIT {
  @RegisterExtension static EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  private static final String LOGS = Topics.OTLP_LOGS;
  private static final String EVENTS = Topics.ingest("events");
  private static final String LOG_ROWS = Topics.rows(IngestConfig.LOGS_AND_SPANS_TABLE);
  private static final String EVENT_ROWS = Topics.rows("events");

  /** Where the live router set the record without a project aside: otlp_logs-1@1. */
  private static RecordMetadata noProject;

  /** The headers of the routed row in the writer's dead letter. */
  private static final Map<String, String> WRITER_ROW_HEADERS =
      Map.of(
          RecordHeaders.SOURCE_TOPIC, Topics.OTLP_METRICS,
          RecordHeaders.SOURCE_PARTITION, "0",
          RecordHeaders.SOURCE_OFFSET, "7",
          RecordHeaders.SOURCE_INDEX, "2");

  /** The live router's rows, before any replay. */
  private static List<Out> liveLogRows;

  private static List<Out> liveEventRows;

  /** A record read back, with its headers as text. */
  record Out(int partition, String key, byte[] value, long timestamp, Map<String, String> headers) {
    String source() {
      return headers.get(RecordHeaders.SOURCE_TOPIC)
          + "-"
          + headers.get(RecordHeaders.SOURCE_PARTITION)
          + "@"
          + headers.get(RecordHeaders.SOURCE_OFFSET)
          + "#"
          + headers.get(RecordHeaders.SOURCE_INDEX);
    }

    /**
     * Everything but the value and the replay's mark, plus the value's hex, for comparing copies.
     */
    String written() {
      Map<String, String> copied = new TreeMap<>(headers);
      copied.remove(RecordHeaders.REPLAYED);
      return partition + "|" + key + "|" + timestamp + "|" + copied + "|" + hex(value);
    }

    boolean replayed() {
      return "1".equals(headers.get(RecordHeaders.REPLAYED));
    }
  }

  /**
   * Inputs on otlp_logs (2 partitions) and lakestream.ingest.events, routed once by the live
   * router: 3 log rows and 1 event row; an invalid project and a record naming no project go to the
   * dead-letter topic.
   */
  @BeforeAll
  static void routeOnceLive(@TempDir Path stateDir) throws Exception {
    kafka.createTopic(LOGS, 2);
    IngestConfig config =
        IngestConfig.builder(kafka.bootstrapServers())
            .applicationId("replay-it-live")
            .stateDir(stateDir)
            .routedPartitions(3)
            .build();
    long nowNanos = System.currentTimeMillis() * 1_000_000L;
    try (IngestRole live = IngestRole.start(config, new SimpleMeterRegistry());
        KafkaProducer<byte[], byte[]> producer = producer()) {
      send(producer, LOGS, 0, null, logs(resource("acme"), nowNanos, "a1", "a2"));
      send(producer, LOGS, 0, null, logs(resource("bad/id"), nowNanos, "x"));
      send(producer, LOGS, 1, null, logs(resource("globex"), nowNanos, "g1"));
      noProject = send(producer, LOGS, 1, utf8("k"), logs(resource(null), nowNanos, "n1"));
      send(producer, EVENTS, 0, utf8("acme"), event(nowNanos / 1_000));

      await().atMost(Duration.ofSeconds(90)).until(live::isRunning);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  readAll(LOG_ROWS).size() == 3
                      && readAll(EVENT_ROWS).size() == 1
                      && readAll(Topics.DEAD_LETTER).size() == 2);
    }
    liveLogRows = readAll(LOG_ROWS);
    liveEventRows = readAll(EVENT_ROWS);
    // Replay routes registered projects only (projects.registration defaults to required).
    try (Catalog catalog = Catalog.start(kafka.bootstrapServers(), TableDefinitions.builtIns())) {
      for (String project : List.of("acme", "globex", "dev")) {
        catalog.registerProject(ProjectRegistration.shared(project, Instant.EPOCH));
      }
    }
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      producer.send(writerDeadLetter(nowNanos / 1_000)).get();
    }
    // Readable with read_committed once the live router's last transaction marker is written.
    await().atMost(Duration.ofSeconds(60)).until(() -> readAll(Topics.DEAD_LETTER).size() == 3);
  }

  /** What the writer sets aside: a routed metrics row with its headers, plus the reason headers. */
  private static ProducerRecord<byte[], byte[]> writerDeadLetter(long timestampMicros)
      throws IOException {
    GenericRecord row =
        new GenericData.Record(AvroSchemas.rowSchema(TableDefinitions.builtIn("metrics")));
    row.put("timestamp", timestampMicros);
    row.put("metric_name", "queue.depth");
    row.put("metric_type", "gauge");
    row.put("project_id", "acme");
    ProducerRecord<byte[], byte[]> letter =
        // A recent timestamp: a record of 1970 is past the topic's retention and may be deleted.
        new ProducerRecord<>(
            Topics.DEAD_LETTER, null, timestampMicros / 1_000, utf8("acme"), encode(row));
    WRITER_ROW_HEADERS.forEach((key, value) -> letter.headers().add(key, utf8(value)));
    letter.headers().add(RecordHeaders.DLQ_REASON, utf8("schema_mismatch"));
    letter.headers().add(RecordHeaders.DLQ_MESSAGE, utf8("The table's schema changed."));
    letter
        .headers()
        .add(RecordHeaders.DLQ_ERROR_CLASS, utf8("io.lakestream.writer.internal.WriterLoop"));
    return letter;
  }

  @Test
  void replayingAnInputWritesTheLiveRoutersRowsAgainAndTwiceChangesNothing() {
    Run first = replay("--topic", LOGS, "--from-beginning");
    Run second = replay("--topic", LOGS, "--from-beginning");

    assertThat(first.err())
        .contains("replay of otlp_logs: 4 records in 2 partition(s) [0: 0→2, 1: 0→2]")
        .contains("otlp_logs: 4/4 records (100%)");
    assertThat(first.out())
        .contains(
            "  records read: 4 (",
            "  rows produced: 3",
            "    lakestream.rows.otel_logs_and_spans: 3",
            "  rejected: 2 (counted only, not written to the dead-letter topic again)",
            "    invalid_project: 2");
    assertThat(second.out()).contains("  records read: 4 (", "  rows produced: 3");
    assertThat(readAll(Topics.DEAD_LETTER)).as("no new dead letters").hasSize(3);
    assertEveryRowIsCopiedExactly(LOG_ROWS, liveLogRows, 3);
  }

  @Test
  void replayingAvroRowsAndRoutedRowsCopiesThemExactly() {
    assertThat(replay("--topic", EVENTS, "--from-beginning").out())
        .contains("    lakestream.rows.events: 1");
    assertThat(replay("--topic", EVENT_ROWS, "--from-beginning").out())
        .contains("  records read: 2 (", "    lakestream.rows.events: 2");

    assertThat(readAll(EVENT_ROWS)).hasSize(4);
    assertEveryRowIsCopiedExactly(EVENT_ROWS, liveEventRows, 4);
  }

  /**
   * The source headers a row replayed from this dead letter carries: the letter's own place, the
   * row's index, one row for its table (each letter here makes one), and the replay's mark.
   */
  private static Map<String, String> asSource(ConsumerRecord<byte[], byte[]> letter, int index) {
    return Map.of(
        RecordHeaders.SOURCE_TOPIC,
        Topics.DEAD_LETTER,
        RecordHeaders.SOURCE_PARTITION,
        Integer.toString(letter.partition()),
        RecordHeaders.SOURCE_OFFSET,
        Long.toString(letter.offset()),
        RecordHeaders.SOURCE_INDEX,
        Integer.toString(index),
        RecordHeaders.SOURCE_COUNT,
        "1",
        RecordHeaders.REPLAYED,
        "1");
  }

  private static ConsumerRecord<byte[], byte[]> deadLetterFrom(
      String topic, int partition, long offset) {
    return readRecords(Topics.DEAD_LETTER).stream()
        .filter(r -> topic.equals(text(r.headers()).get(RecordHeaders.SOURCE_TOPIC)))
        .filter(
            r ->
                Integer.toString(partition)
                    .equals(text(r.headers()).get(RecordHeaders.SOURCE_PARTITION)))
        .filter(
            r -> Long.toString(offset).equals(text(r.headers()).get(RecordHeaders.SOURCE_OFFSET)))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void replayingTheDeadLettersRoutesThemAsRecordsOfTheirOwn() {
    Run run = replay("--topic", Topics.DEAD_LETTER, "--from-beginning", "--default-project", "dev");

    assertThat(run.out())
        .contains(
            "  records read: 3 (",
            "    lakestream.rows.otel_logs_and_spans: 1",
            "    lakestream.rows.metrics: 1",
            "    invalid_project: 1");
    List<Out> metrics = readAll(Topics.rows("metrics"));
    assertThat(metrics).hasSize(1);
    assertThat(metrics.get(0).key()).isEqualTo("acme");
    ConsumerRecord<byte[], byte[]> writerLetter = deadLetterFrom(Topics.OTLP_METRICS, 0, 7);
    assertThat(metrics.get(0).headers()).isEqualTo(asSource(writerLetter, 0));
    assertThat(metrics.get(0).value()).isEqualTo(writerLetter.value());
    List<Out> dev = readAll(LOG_ROWS).stream().filter(r -> r.key().equals("dev")).toList();
    assertThat(dev).hasSize(1);
    ConsumerRecord<byte[], byte[]> routerLetter = deadLetterFrom(LOGS, 1, noProject.offset());
    assertThat(dev.get(0).headers()).containsExactlyInAnyOrderEntriesOf(asSource(routerLetter, 0));
    assertThat(dev.get(0).timestamp()).isEqualTo(noProject.timestamp());
  }

  @Test
  void offsetsAndTimestampsBoundTheRange() {
    assertThat(replay("--topic", LOGS, "--from-offsets", "1:1").out())
        .contains("  records read: 1 (", "  rows produced: 0", "    invalid_project: 1");
    Run none = replay("--topic", LOGS, "--from-timestamp", "2999-01-01");
    assertThat(none.err()).contains("replay of otlp_logs: 0 records in 0 partition(s)");
    assertThat(none.out()).contains("  records read: 0 (");
    assertThat(replay("--topic", LOGS, "--from-beginning", "--to-timestamp", "2000-01-01").out())
        .contains("  records read: 0 (");
  }

  @Test
  void recordsOfUnregisteredProjectsAreCountedWithWhatToDo() {
    Run run = replay("--topic", LOGS, "--from-offsets", "1:1", "--default-project", "initech");

    assertThat(run.out())
        .contains(
            "  rows produced: 0",
            "    unregistered_project: 1",
            "  unregistered projects: register them (POST /v1/projects), or replay with --set"
                + " projects.registration=auto to register them as their rows are routed");
  }

  @Test
  void aMissingTopicOrAnUnknownKindOfTopicFailsWithAClearMessage() {
    assertThat(fails("--topic", Topics.ingest("nothing"), "--from-beginning"))
        .contains(
            "lakestream: Topic 'lakestream.ingest.nothing' does not exist on "
                + kafka.bootstrapServers());
    assertThat(fails("--topic", "orders", "--from-beginning"))
        .contains("lakestream: Cannot replay topic 'orders': it is neither an input of the router");
  }

  @Test
  void anUnreachableBrokerFailsWithAClearMessage() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setErr(new PrintWriter(err));
    int status =
        cli.execute(
            "replay",
            "--bootstrap-servers",
            "localhost:" + port,
            "--timeout",
            "2s",
            "--topic",
            LOGS,
            "--from-beginning");
    assertThat(status).isEqualTo(1);
    assertThat(err.toString())
        .contains("lakestream: Cannot reach Kafka at localhost:" + port + " within 2 s.");
  }

  /**
   * Every row of {@code topic} is one of the live router's rows, and each live row is there exactly
   * {@code copies} times, identical in partition, key, timestamp, headers and value.
   */
  private static void assertEveryRowIsCopiedExactly(String topic, List<Out> live, int copies) {
    Map<String, List<String>> bySource =
        readAll(topic).stream()
            .filter(r -> live.stream().anyMatch(l -> l.source().equals(r.source())))
            .collect(
                Collectors.groupingBy(
                    Out::source,
                    TreeMap::new,
                    Collectors.mapping(Out::written, Collectors.toList())));
    assertThat(bySource).hasSize(live.size());
    for (Out row : live) {
      assertThat(bySource.get(row.source()))
          .as("copies of %s", row.source())
          .hasSize(copies)
          .containsOnly(row.written());
    }
    assertThat(live).as("the live router's rows, not marked as replayed").noneMatch(Out::replayed);
    assertThat(
            readAll(topic).stream()
                .filter(r -> live.stream().anyMatch(l -> l.source().equals(r.source())))
                .filter(Out::replayed)
                .count())
        .as("each copy the replays wrote is marked as replayed")
        .isEqualTo((long) live.size() * (copies - 1));
  }

  /** What a successful run printed. */
  record Run(String out, String err) {}

  private static Run replay(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of("replay"));
    all.addAll(List.of("--bootstrap-servers", kafka.bootstrapServers()));
    all.addAll(Arrays.asList(args));
    int status = cli.execute(all.toArray(String[]::new));
    assertThat(status).as("exit status; stderr: %s", err).isZero();
    return new Run(out.toString(), err.toString());
  }

  private static String fails(String... args) {
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of("replay"));
    all.addAll(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--timeout", "10s"));
    all.addAll(Arrays.asList(args));
    assertThat(cli.execute(all.toArray(String[]::new))).as("exit status").isEqualTo(1);
    return err.toString();
  }

  private static LogsData logs(Resource resource, long nanos, String... bodies) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (String body : bodies) {
      scope.addLogRecords(
          LogRecord.newBuilder()
              .setTimeUnixNano(nanos)
              .setBody(AnyValue.newBuilder().setStringValue(body)));
    }
    return LogsData.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().setResource(resource).addScopeLogs(scope))
        .build();
  }

  /** A resource of service "api" in {@code project}, or naming no project when null. */
  private static Resource resource(String project) {
    Resource.Builder resource = Resource.newBuilder().addAttributes(kv("service.name", "api"));
    if (project != null) {
      resource.addAttributes(kv("project_id", project));
    }
    return resource.build();
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static byte[] event(long timestampMicros) {
    GenericRecord row =
        new GenericData.Record(AvroSchemas.rowSchema(TableDefinitions.builtIn("events")));
    row.put("timestamp", timestampMicros);
    row.put("event_type", "user.signup");
    row.put("project_id", "");
    try {
      return encode(row);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] encode(GenericRecord row) throws IOException {
    return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), row.getSchema())
        .encode(row)
        .array();
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all"),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  private static RecordMetadata send(
      KafkaProducer<byte[], byte[]> producer, String topic, int partition, byte[] key, Object value)
      throws ExecutionException, InterruptedException {
    byte[] bytes = value instanceof LogsData logs ? logs.toByteArray() : (byte[]) value;
    return producer.send(new ProducerRecord<>(topic, partition, key, bytes)).get();
  }

  /** Every committed record of a topic, up to its end offsets now. */
  private static List<Out> readAll(String topic) {
    return readRecords(topic).stream()
        .map(
            r ->
                new Out(
                    r.partition(),
                    r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                    r.value(),
                    r.timestamp(),
                    text(r.headers())))
        .toList();
  }

  private static List<ConsumerRecord<byte[], byte[]>> readRecords(String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                  records.add(r);
                }
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
              });
      return records;
    }
  }

  private static Map<String, String> text(Iterable<Header> headers) {
    Map<String, String> text = new TreeMap<>();
    for (Header header : headers) {
      text.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
    }
    return text;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}

package io.lakestream.ingest;

import static java.util.Objects.requireNonNull;

import io.lakestream.ingest.internal.DeadLetterDeserializationHandler;
import io.lakestream.ingest.internal.DeadLetterProcessingHandler;
import io.lakestream.ingest.internal.DeadLetterProductionHandler;
import io.lakestream.ingest.internal.IngestMetrics;
import io.lakestream.ingest.internal.RouterProcessor;
import io.lakestream.schema.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;

/**
 * The ingest router's Kafka Streams topology and its Streams configuration, apart from start-up
 * ({@link IngestRole}).
 *
 * <pre>
 * otlp_logs ─────────────┐                         ┌→ lakestream.rows.&lt;table&gt; (key project, Avro row)
 * otlp_spans ────────────┤ route: decode, map,     │
 * otlp_metrics ──────────┤ find project, check     ┤
 * lakestream.ingest.* ───┘ (one processor each)    └→ lakestream.dlq (original key, value, headers)
 * </pre>
 *
 * Every record is read as bytes ({@code ByteArray} serdes) and routed inside its processor by a
 * {@link RecordRouter}, which catches every failure per record; a source record produces all of its
 * rows or one dead-letter record. Avro ingest topics are read by pattern ({@code
 * lakestream\.ingest\..+}), so rows for a table that is not configured reach the dead-letter topic
 * as {@code unknown_table} instead of waiting unread.
 */
public final class IngestTopology {
  /** Source node of the OTLP logs topic. */
  public static final String LOGS_SOURCE = "otlp-logs-source";

  /** Source node of the OTLP traces topic. */
  public static final String SPANS_SOURCE = "otlp-spans-source";

  /** Source node of the OTLP metrics topic. */
  public static final String METRICS_SOURCE = "otlp-metrics-source";

  /** Source node of the Avro ingest topics. */
  public static final String AVRO_SOURCE = "avro-rows-source";

  /**
   * Sink node of the routed topics of table types not in {@link IngestConfig#tables()}, created at
   * run time: writes {@code lakestream.rows.<table>} of the record's {@code
   * lakestream.ingest.<table>} topic.
   */
  public static final String LIVE_ROWS_SINK = "rows-sink-live";

  /** Sink node of the dead-letter topic. */
  public static final String DEAD_LETTER_SINK = "dead-letter-sink";

  /** The topics Avro rows are read from: {@code lakestream.ingest.<table>}. */
  public static final Pattern INGEST_TOPICS =
      Pattern.compile(Topics.ingest("").replace(".", "\\.") + ".+");

  /** How soon the router reads a new {@code lakestream.ingest.<table>} topic (metadata max age). */
  public static final Duration NEW_TOPICS_DISCOVERY = Duration.ofSeconds(5);

  /** The Streams property carrying the {@link MeterRegistry} to the exception handlers. */
  public static final String METER_REGISTRY_CONFIG = "lakestream.ingest.meter.registry";

  private IngestTopology() {}

  /** The sink node of a table's routed topic. */
  public static String rowSink(String table) {
    return "rows-sink-" + table;
  }

  /**
   * Builds the router. Pure: touches no broker.
   *
   * @param registry where the router counts records in, rows out and dead letters
   */
  public static Topology build(IngestConfig config, MeterRegistry registry) {
    requireNonNull(config, "config is null");
    requireNonNull(registry, "registry is null");
    RecordRouter.Parts parts = RecordRouter.Parts.of(config);
    IngestMetrics metrics = new IngestMetrics(registry, config.tables().keySet());
    Set<String> startTables = Set.copyOf(config.tables().keySet());
    Function<String, String> rowSinks =
        table -> startTables.contains(table) ? rowSink(table) : LIVE_ROWS_SINK;
    // One router per processor instance: routers are not thread-safe, processors are per task.
    ProcessorSupplier<byte[], byte[], Object, byte[]> router =
        () ->
            new RouterProcessor(
                new RecordRouter(config, parts), metrics, rowSinks, DEAD_LETTER_SINK);

    Topology topology = new Topology();
    List<String> processors = new ArrayList<>();
    addRoute(topology, processors, LOGS_SOURCE, router, config.logs().topic());
    addRoute(topology, processors, SPANS_SOURCE, router, config.spans().topic());
    addRoute(topology, processors, METRICS_SOURCE, router, config.metrics().topic());

    topology.addSource(
        AVRO_SOURCE,
        Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer(),
        INGEST_TOPICS);
    String avroProcessor = "avro-rows-route";
    topology.addProcessor(avroProcessor, router, AVRO_SOURCE);
    processors.add(avroProcessor);

    String[] parents = processors.toArray(String[]::new);
    for (String table : config.tables().keySet()) {
      topology.addSink(
          rowSink(table),
          Topics.rows(table),
          Serdes.String().serializer(),
          Serdes.ByteArray().serializer(),
          parents);
    }
    // Rows of a table type created at run time come only from its lakestream.ingest.<table> topic.
    TopicNameExtractor<String, byte[]> liveRowsTopic =
        (key, value, context) -> {
          String table = Topics.tableOfIngest(context.topic());
          if (table == null) {
            throw new IllegalStateException(
                "A row from topic "
                    + context.topic()
                    + " has no table the router was started with");
          }
          return Topics.rows(table);
        };
    topology.addSink(
        LIVE_ROWS_SINK,
        liveRowsTopic,
        Serdes.String().serializer(),
        Serdes.ByteArray().serializer(),
        parents);
    topology.addSink(
        DEAD_LETTER_SINK,
        Topics.DEAD_LETTER,
        Serdes.ByteArray().serializer(),
        Serdes.ByteArray().serializer(),
        parents);
    return topology;
  }

  private static void addRoute(
      Topology topology,
      List<String> processors,
      String sourceName,
      ProcessorSupplier<byte[], byte[], Object, byte[]> router,
      String topic) {
    topology.addSource(
        sourceName, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), topic);
    String processor = sourceName.replace("-source", "-route");
    topology.addProcessor(processor, router, sourceName);
    processors.add(processor);
  }

  /**
   * The Kafka Streams properties of the router: exactly-once v2, byte-array serdes, the dead-letter
   * exception handlers, producer requests large enough for {@code maxRecordBytes}, then {@link
   * IngestConfig#streamsOverrides()}.
   */
  public static Properties streamsProperties(IngestConfig config) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.numStreamThreads());
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
    props.put(
        StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterDeserializationHandler.class.getName());
    props.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterProcessingHandler.class.getName());
    props.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterProductionHandler.class.getName());
    props.put(
        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        Math.max(1_048_576, config.maxRecordBytes() + 65_536));
    props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    // New lakestream.ingest.<table> topics (table types created at run time) are found on metadata
    // refresh.
    props.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG),
        (int) NEW_TOPICS_DISCOVERY.toMillis());
    // A router that died gives its partitions up after 15 s (Kafka's default is 45 s); with a
    // stable instance id (group.instance.id) a restarted one takes them back without a rebalance.
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 15_000);
    props.putAll(config.streamsOverrides());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    return props;
  }

  /**
   * The topics the router reads or writes by name, which {@link IngestRole} creates when missing:
   * the three OTLP inputs, {@code lakestream.ingest.<table>} and {@code lakestream.rows.<table>} of
   * every table, and the dead-letter topic.
   */
  public static Set<String> topics(IngestConfig config) {
    Set<String> topics = new LinkedHashSet<>();
    topics.add(config.logs().topic());
    topics.add(config.spans().topic());
    topics.add(config.metrics().topic());
    for (String table : config.tables().keySet()) {
      topics.add(Topics.ingest(table));
    }
    for (String table : config.tables().keySet()) {
      topics.add(Topics.rows(table));
    }
    topics.add(Topics.DEAD_LETTER);
    return topics;
  }
}

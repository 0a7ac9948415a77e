package io.lakestream.ingest;

import static java.util.Objects.requireNonNull;

import io.lakestream.ingest.internal.AvroRowMapper;
import io.lakestream.ingest.internal.OtlpLogsMapper;
import io.lakestream.ingest.internal.OtlpMetricsMapper;
import io.lakestream.ingest.internal.OtlpSpansMapper;
import io.lakestream.ingest.internal.OtlpTables;
import io.lakestream.ingest.internal.ProjectResolver;
import io.lakestream.ingest.internal.RecordMapper;
import io.lakestream.ingest.internal.RecordRouting;
import io.lakestream.ingest.internal.RowEncoder;
import io.lakestream.ingest.internal.TimestampBounds;
import io.lakestream.schema.ProjectAdmission;
import io.lakestream.schema.Topics;
import java.util.List;

/**
 * The ingest router's mapping, apart from Kafka Streams: one source record in, all of its rows for
 * {@code lakestream.rows.<table>} (key, value, headers, timestamp) or the reason it is rejected
 * out. The Streams topology ({@link IngestTopology}) routes every record through this class, so
 * anything else that routes with it ({@code lakestream replay}) writes byte for byte what the live
 * router writes.
 *
 * <pre>
 * RecordRouter router = new RecordRouter(config);
 * Routing routing = router.route(new SourceRecord("otlp_logs", 0, 42L, ts, key, value, headers));
 * if (routing instanceof Routing.Routed routed) { … routed.rows() … }
 * </pre>
 *
 * <p>The record's topic picks the mapping: the configured OTLP logs, spans and metrics topics (with
 * their encodings), and {@code lakestream.ingest.<table>} for Avro rows. Records of any other topic
 * are rejected as {@code unknown_table}. Routing is a pure function of the record, the
 * configuration and the clock (timestamps later than now plus {@code maxFutureSkew} are rejected).
 *
 * <p>Not thread-safe (decoders and the encoder keep buffers): use one router per thread.
 */
public final class RecordRouter {
  private final String logsTopic;
  private final String spansTopic;
  private final String metricsTopic;
  private final RecordMapper logs;
  private final RecordMapper spans;
  private final RecordMapper metrics;
  private final RecordMapper avroRows;
  private final RecordMapper notAnInput;
  private final RowEncoder encoder;
  private final int maxRecordBytes;
  private final int maxBatchBytes;
  private final ProjectAdmission admission;

  /** A router with the tables, inputs, project and timestamp rules of {@code config}. */
  public RecordRouter(IngestConfig config) {
    this(config, Parts.of(config));
  }

  /** Shares the immutable parts (row schemas, rules) between the routers of one topology. */
  RecordRouter(IngestConfig config, Parts parts) {
    requireNonNull(config, "config is null");
    this.logsTopic = config.logs().topic();
    this.spansTopic = config.spans().topic();
    this.metricsTopic = config.metrics().topic();
    this.logs =
        new OtlpLogsMapper(config.logs().encoding(), parts.tables, parts.projects, parts.bounds);
    this.spans =
        new OtlpSpansMapper(config.spans().encoding(), parts.tables, parts.projects, parts.bounds);
    this.metrics =
        new OtlpMetricsMapper(
            config.metrics().encoding(), parts.tables, parts.projects, parts.bounds);
    this.avroRows = new AvroRowMapper(parts.tables, parts.projects, parts.bounds);
    this.notAnInput =
        RecordRouting.notAnInput(
            List.of(logsTopic, spansTopic, metricsTopic, Topics.ingest("<table>")));
    this.encoder = new RowEncoder();
    this.maxRecordBytes = config.maxRecordBytes();
    this.maxBatchBytes = config.maxBatchBytes();
    this.admission = config.projectAdmission();
  }

  /**
   * Routes one source record as the live router does. Never throws for bad input: every failure,
   * expected or not, is a {@link Routing.Rejected}.
   */
  public Routing route(SourceRecord source) {
    requireNonNull(source, "source is null");
    return RecordRouting.route(
        source, mapper(source.topic()), encoder, maxBatchBytes, maxRecordBytes, admission);
  }

  /**
   * Whether the router reads {@code topic}: one of the configured OTLP topics or a {@code
   * lakestream.ingest.<table>} topic (configured table or not).
   */
  public boolean reads(String topic) {
    requireNonNull(topic, "topic is null");
    return mapper(topic) != notAnInput;
  }

  /**
   * The table the records of {@code topic} are routed to, for counting; null when the topic is not
   * an input or names a table that is not configured.
   */
  public String tableOf(String topic) {
    requireNonNull(topic, "topic is null");
    return mapper(topic).table(topic);
  }

  private RecordMapper mapper(String topic) {
    if (topic.equals(logsTopic)) {
      return logs;
    }
    if (topic.equals(spansTopic)) {
      return spans;
    }
    if (topic.equals(metricsTopic)) {
      return metrics;
    }
    if (IngestTopology.INGEST_TOPICS.matcher(topic).matches()) {
      return avroRows;
    }
    return notAnInput;
  }

  /** The immutable parts of routing, built once per configuration. */
  static final class Parts {
    final OtlpTables tables;
    final ProjectResolver projects;
    final TimestampBounds bounds;

    private Parts(OtlpTables tables, ProjectResolver projects, TimestampBounds bounds) {
      this.tables = tables;
      this.projects = projects;
      this.bounds = bounds;
    }

    static Parts of(IngestConfig config) {
      requireNonNull(config, "config is null");
      return new Parts(
          new OtlpTables(config.tableLookup()),
          new ProjectResolver(config.projectAttribute(), config.defaultProject()),
          new TimestampBounds(config.minTimestamp(), config.maxFutureSkew(), config.clock()));
    }
  }
}

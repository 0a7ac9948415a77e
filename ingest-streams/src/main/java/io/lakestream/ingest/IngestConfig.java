package io.lakestream.ingest;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.ProjectAdmission;
import io.lakestream.schema.ProjectIds;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.TableLookup;
import io.lakestream.schema.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Settings of the ingest router. Build one with {@link #builder(String)}; every setting but the
 * bootstrap servers has a default.
 *
 * @param bootstrapServers the Kafka cluster, {@code host:port[,host:port…]}
 * @param applicationId the Kafka Streams application id (consumer group, transactional id prefix);
 *     default {@value #DEFAULT_APPLICATION_ID}
 * @param stateDir Kafka Streams' state directory (the router keeps no state stores, but Streams
 *     locks task directories there); default {@code ${java.io.tmpdir}/lakestream-ingest}
 * @param logs the OTLP logs input; default {@code otlp_logs}, {@code otlp_proto}
 * @param spans the OTLP traces input; default {@code otlp_spans}, {@code otlp_proto}
 * @param metrics the OTLP metrics input; default {@code otlp_metrics}, {@code otlp_proto}
 * @param tables the table types rows may be routed to, by name; default {@link
 *     TableDefinitions#builtIns()}. OTLP logs and spans go to {@value #LOGS_AND_SPANS_TABLE}, OTLP
 *     metrics to {@value #METRICS_TABLE}; Avro rows to the table named by their topic {@code
 *     lakestream.ingest.<table>}. The router's topology and the topics it creates at start are made
 *     for these
 * @param liveTables where the router looks table types up while it runs, when they may change (the
 *     catalog): rows of a table type created after start are routed at once, rows of a dropped one
 *     go to the dead-letter topic as {@code unknown_table}; empty (the default) routes to {@code
 *     tables} only. See {@link #tableLookup()}
 * @param projectAttribute the OTLP resource attribute naming a row's project; default {@value
 *     #DEFAULT_PROJECT_ATTRIBUTE}
 * @param defaultProject the project of records that name none; empty (the default) sends them to
 *     the dead-letter topic
 * @param projectAdmission which projects' rows are routed; a record with a row of a project not
 *     admitted goes to the dead-letter topic as {@code unregistered_project}; default {@link
 *     ProjectAdmission#open()} (every valid project id)
 * @param routedPartitions partitions of the topics the role creates when missing (routed rows, dead
 *     letters, inputs); default {@value #DEFAULT_ROUTED_PARTITIONS}
 * @param maxRecordBytes the largest routed row (its encoded value); a source record with a larger
 *     row goes to the dead-letter topic as {@code record_too_large}. The router's producer requests
 *     ({@link #maxRequestBytes()}) and the {@code max.message.bytes} of the topics it writes follow
 *     from it; default {@value #DEFAULT_MAX_RECORD_BYTES}
 * @param maxBatchBytes the largest source record value the router maps, as the consumer hands it
 *     over (decompressed): the OTLP batch or Avro row, which is held with its rows in the memory of
 *     one stream thread while it is routed; larger ones go to the dead-letter topic as {@code
 *     record_too_large}. The compressed size is the broker's to limit; default {@value
 *     #DEFAULT_MAX_BATCH_BYTES}
 * @param minTimestamp the earliest row timestamp accepted (inclusive); default the Unix epoch
 * @param maxFutureSkew how far past the clock's now a row timestamp may be; default one day
 * @param numStreamThreads Kafka Streams threads; default 1
 * @param threadFailureWindow how long the router reports itself unhealthy after a stream thread
 *     failed (and was replaced); default {@link #DEFAULT_THREAD_FAILURE_WINDOW}
 * @param clock the clock the future bound is measured against; default UTC system clock
 * @param streamsOverrides Kafka Streams, consumer or producer properties set last, over the
 *     router's own (for tuning; the processing guarantee cannot be changed)
 */
public record IngestConfig(
    String bootstrapServers,
    String applicationId,
    Path stateDir,
    OtlpInput logs,
    OtlpInput spans,
    OtlpInput metrics,
    Map<String, TableDefinition> tables,
    Optional<TableLookup> liveTables,
    String projectAttribute,
    Optional<String> defaultProject,
    ProjectAdmission projectAdmission,
    int routedPartitions,
    int maxRecordBytes,
    int maxBatchBytes,
    Instant minTimestamp,
    Duration maxFutureSkew,
    int numStreamThreads,
    Duration threadFailureWindow,
    Clock clock,
    Map<String, String> streamsOverrides) {

  /** The default Kafka Streams application id. */
  public static final String DEFAULT_APPLICATION_ID = "lakestream-ingest";

  /** The default resource attribute naming the project. */
  public static final String DEFAULT_PROJECT_ATTRIBUTE = "project_id";

  /** The default partition count of created topics. */
  public static final int DEFAULT_ROUTED_PARTITIONS = 12;

  /** The default largest record: below the broker's default {@code message.max.bytes}. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 1_000_000;

  /**
   * The default largest decoded batch: 32 MiB. A batch is decoded and mapped on its stream thread,
   * with its rows, at once (about five times its size in memory at the peak).
   */
  public static final int DEFAULT_MAX_BATCH_BYTES = 32 * 1024 * 1024;

  /**
   * Bytes of a producer request above {@link #maxRecordBytes()} by default: a routed row's key,
   * headers and batch framing, with room to spare. With the default largest record the request is
   * 1,048,588 bytes, Kafka's own default {@code max.message.bytes}, so topics created with the
   * broker's defaults accept every routed row and dead letter.
   */
  public static final int REQUEST_HEADROOM_BYTES = 48_588;

  /** Bytes a producer request needs at least above {@link #maxRecordBytes()}. */
  public static final int MIN_REQUEST_HEADROOM_BYTES = 16_384;

  /** The default time the router stays unhealthy after a stream thread failed. */
  public static final Duration DEFAULT_THREAD_FAILURE_WINDOW = Duration.ofMinutes(2);

  /** The default allowed clock skew into the future. */
  public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofDays(1);

  /** The table OTLP logs and spans are routed to. */
  public static final String LOGS_AND_SPANS_TABLE = "otel_logs_and_spans";

  /** The table OTLP metric data points are routed to. */
  public static final String METRICS_TABLE = "metrics";

  /** Checks every setting; see {@link Builder} for what each one accepts. */
  public IngestConfig {
    requireNonNull(bootstrapServers, "bootstrapServers is null");
    requireNonNull(applicationId, "applicationId is null");
    requireNonNull(stateDir, "stateDir is null");
    requireNonNull(logs, "logs is null");
    requireNonNull(spans, "spans is null");
    requireNonNull(metrics, "metrics is null");
    requireNonNull(tables, "tables is null");
    requireNonNull(liveTables, "liveTables is null");
    requireNonNull(projectAttribute, "projectAttribute is null");
    requireNonNull(defaultProject, "defaultProject is null");
    requireNonNull(projectAdmission, "projectAdmission is null");
    requireNonNull(minTimestamp, "minTimestamp is null");
    requireNonNull(maxFutureSkew, "maxFutureSkew is null");
    requireNonNull(threadFailureWindow, "threadFailureWindow is null");
    requireNonNull(clock, "clock is null");
    requireNonNull(streamsOverrides, "streamsOverrides is null");
    check(!bootstrapServers.isBlank(), "bootstrap servers are blank. Give host:port of a broker.");
    check(!applicationId.isBlank(), "application id is blank. Name the Streams application.");
    check(!projectAttribute.isBlank(), "project attribute is blank. Name a resource attribute.");
    defaultProject.ifPresent(
        p ->
            check(
                ProjectIds.isValid(p),
                "default project '"
                    + p
                    + "' is not a project id. Use 1 to 64 letters, digits, '_' or '-'."));
    check(routedPartitions >= 1, "routed partitions is " + routedPartitions + ". Use at least 1.");
    check(
        maxRecordBytes >= 1024,
        "max record bytes is " + maxRecordBytes + ". Use at least 1024 bytes.");
    check(
        maxBatchBytes >= 1024,
        "max batch bytes is " + maxBatchBytes + ". Use at least 1024 bytes.");
    check(
        !threadFailureWindow.isNegative(),
        "thread failure window is " + threadFailureWindow + ". Use zero or a positive duration.");
    check(
        !maxFutureSkew.isNegative(),
        "max future skew is " + maxFutureSkew + ". Use zero or a positive duration.");
    check(numStreamThreads >= 1, "stream threads is " + numStreamThreads + ". Use at least 1.");
    check(!tables.isEmpty(), "no tables are configured. Give at least one table definition.");
    for (Map.Entry<String, TableDefinition> entry : tables.entrySet()) {
      check(
          entry.getKey().equals(entry.getValue().name()),
          "table key '"
              + entry.getKey()
              + "' differs from the definition's name '"
              + entry.getValue().name()
              + "'. Key each definition by its name.");
    }
    Set<String> inputs = new HashSet<>();
    for (OtlpInput input : List.of(logs, spans, metrics)) {
      String topic = input.topic();
      check(
          inputs.add(topic),
          "OTLP topic '" + topic + "' is used for two signals. Give each signal its own topic.");
      check(
          Topics.tableOfIngest(topic) == null
              && Topics.tableOfRows(topic) == null
              && !topic.equals(Topics.DEAD_LETTER)
              && !topic.equals(Topics.CATALOG),
          "OTLP topic '"
              + topic
              + "' is one of Lakestream's own topics. Use another name, e.g. otlp_logs.");
    }
    tables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    streamsOverrides = Map.copyOf(streamsOverrides);
    long request = requestBytes(maxRecordBytes, streamsOverrides);
    check(
        request >= (long) maxRecordBytes + MIN_REQUEST_HEADROOM_BYTES,
        "the producer's max.request.size ("
            + request
            + ") leaves no room for a row of ingest.max.record.bytes ("
            + maxRecordBytes
            + ") with its headers. Set max.request.size to at least ingest.max.record.bytes + "
            + MIN_REQUEST_HEADROOM_BYTES
            + ", or leave it unset (ingest.max.record.bytes + "
            + REQUEST_HEADROOM_BYTES
            + ").");
  }

  /**
   * The router's producer {@code max.request.size}: {@code producer.max.request.size} or {@code
   * max.request.size} of {@link #streamsOverrides()} when set, else {@link #maxRecordBytes()} +
   * {@value #REQUEST_HEADROOM_BYTES}. Every routed row fits it; the topics the router writes must
   * accept records of this size ({@code max.message.bytes}), which the router checks at start.
   */
  public int maxRequestBytes() {
    return (int) Math.min(Integer.MAX_VALUE, requestBytes(maxRecordBytes, streamsOverrides));
  }

  /**
   * The largest dead letter the router writes, framing and headers included: {@link
   * #maxRequestBytes()}, which the dead-letter topic is checked to accept at start. A dead letter
   * that would be larger is cut to a prefix of its value, with headers saying so.
   */
  public int deadLetterBytes() {
    return maxRequestBytes();
  }

  private static long requestBytes(int maxRecordBytes, Map<String, String> overrides) {
    String set = overrides.get("producer.max.request.size");
    if (set == null) {
      set = overrides.get("max.request.size");
    }
    if (set == null) {
      return (long) maxRecordBytes + REQUEST_HEADROOM_BYTES;
    }
    try {
      return Long.parseLong(set.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Invalid ingest configuration: max.request.size '" + set + "' is not a number of bytes.");
    }
  }

  /**
   * Where the router finds a table type by name while routing: {@link #liveTables()} when set, else
   * {@link #tables()}.
   */
  public TableLookup tableLookup() {
    return liveTables.orElseGet(() -> TableLookup.of(tables));
  }

  /**
   * The {@link #streamsOverrides} that every Kafka client takes (security, timeouts): those without
   * a Kafka Streams client prefix ({@code main.consumer.}, {@code consumer.}, {@code producer.},
   * …). Clients of the router's own that are not Kafka Streams' ({@code lakestream replay}, the
   * topic admin) apply them.
   */
  public Map<String, String> clientOverrides() {
    return commonOverrides();
  }

  /**
   * The properties of the router's own admin client (topic creation, the start-up size check): the
   * brokers, a client id, then {@link #clientOverrides()}.
   */
  public Map<String, Object> adminProperties() {
    Map<String, Object> properties = new java.util.HashMap<>();
    properties.put(
        org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrapServers);
    properties.put(
        org.apache.kafka.clients.admin.AdminClientConfig.CLIENT_ID_CONFIG,
        applicationId + "-admin");
    properties.putAll(commonOverrides());
    return properties;
  }

  private Map<String, String> commonOverrides() {
    Map<String, String> common = new java.util.HashMap<>();
    streamsOverrides.forEach(
        (key, value) -> {
          if (!key.matches(
              "(main\\.consumer|restore\\.consumer|global\\.consumer|consumer|producer|admin|topic)\\..*")) {
            common.put(key, value);
          }
        });
    return common;
  }

  /** A builder with every default set, for a cluster at {@code bootstrapServers}. */
  public static Builder builder(String bootstrapServers) {
    return new Builder(bootstrapServers);
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException("Invalid ingest configuration: " + message);
    }
  }

  /** Builds an {@link IngestConfig}; setters check nothing, {@link #build()} checks everything. */
  public static final class Builder {
    private String bootstrapServers;
    private String applicationId = DEFAULT_APPLICATION_ID;
    private Path stateDir = Path.of(System.getProperty("java.io.tmpdir"), "lakestream-ingest");
    private OtlpInput logs = OtlpInput.proto(Topics.OTLP_LOGS);
    private OtlpInput spans = OtlpInput.proto(Topics.OTLP_SPANS);
    private OtlpInput metrics = OtlpInput.proto(Topics.OTLP_METRICS);
    private Map<String, TableDefinition> tables;
    private Optional<TableLookup> liveTables = Optional.empty();
    private String projectAttribute = DEFAULT_PROJECT_ATTRIBUTE;
    private Optional<String> defaultProject = Optional.empty();
    private ProjectAdmission projectAdmission = ProjectAdmission.open();
    private int routedPartitions = DEFAULT_ROUTED_PARTITIONS;
    private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
    private int maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
    private Duration threadFailureWindow = DEFAULT_THREAD_FAILURE_WINDOW;
    private Instant minTimestamp = Instant.EPOCH;
    private Duration maxFutureSkew = DEFAULT_MAX_FUTURE_SKEW;
    private int numStreamThreads = 1;
    private Clock clock = Clock.systemUTC();
    private Map<String, String> streamsOverrides = Map.of();

    private Builder(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
    }

    private Builder(IngestConfig config) {
      this.bootstrapServers = config.bootstrapServers;
      this.applicationId = config.applicationId;
      this.stateDir = config.stateDir;
      this.logs = config.logs;
      this.spans = config.spans;
      this.metrics = config.metrics;
      this.tables = config.tables;
      this.liveTables = config.liveTables;
      this.projectAttribute = config.projectAttribute;
      this.defaultProject = config.defaultProject;
      this.projectAdmission = config.projectAdmission;
      this.routedPartitions = config.routedPartitions;
      this.maxRecordBytes = config.maxRecordBytes;
      this.maxBatchBytes = config.maxBatchBytes;
      this.threadFailureWindow = config.threadFailureWindow;
      this.minTimestamp = config.minTimestamp;
      this.maxFutureSkew = config.maxFutureSkew;
      this.numStreamThreads = config.numStreamThreads;
      this.clock = config.clock;
      this.streamsOverrides = config.streamsOverrides;
    }

    public Builder bootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
      return this;
    }

    public Builder applicationId(String applicationId) {
      this.applicationId = applicationId;
      return this;
    }

    public Builder stateDir(Path stateDir) {
      this.stateDir = stateDir;
      return this;
    }

    /** The OTLP logs topic and its encoding. */
    public Builder logs(String topic, OtlpEncoding encoding) {
      this.logs = new OtlpInput(topic, encoding);
      return this;
    }

    /** The OTLP traces topic and its encoding. */
    public Builder spans(String topic, OtlpEncoding encoding) {
      this.spans = new OtlpInput(topic, encoding);
      return this;
    }

    /** The OTLP metrics topic and its encoding. */
    public Builder metrics(String topic, OtlpEncoding encoding) {
      this.metrics = new OtlpInput(topic, encoding);
      return this;
    }

    /** The table types, keyed by name; replaces the built-ins. */
    public Builder tables(Map<String, TableDefinition> tables) {
      this.tables = tables;
      return this;
    }

    /**
     * Where to look table types up while routing, so that table types created or dropped at run
     * time (the catalog) take effect without a restart; null to route to {@link #tables} only.
     */
    public Builder liveTables(TableLookup liveTables) {
      this.liveTables = Optional.ofNullable(liveTables);
      return this;
    }

    public Builder projectAttribute(String projectAttribute) {
      this.projectAttribute = projectAttribute;
      return this;
    }

    /** The project of records that name none; null for none (they go to the DLQ). */
    public Builder defaultProject(String defaultProject) {
      this.defaultProject = Optional.ofNullable(defaultProject);
      return this;
    }

    /** Which projects' rows are routed; others go to the dead-letter topic. */
    public Builder projectAdmission(ProjectAdmission projectAdmission) {
      this.projectAdmission = projectAdmission;
      return this;
    }

    public Builder routedPartitions(int routedPartitions) {
      this.routedPartitions = routedPartitions;
      return this;
    }

    public Builder maxRecordBytes(int maxRecordBytes) {
      this.maxRecordBytes = maxRecordBytes;
      return this;
    }

    /** The largest source record value mapped, decoded. */
    public Builder maxBatchBytes(int maxBatchBytes) {
      this.maxBatchBytes = maxBatchBytes;
      return this;
    }

    /** How long the router reports itself unhealthy after a stream thread failed. */
    public Builder threadFailureWindow(Duration threadFailureWindow) {
      this.threadFailureWindow = threadFailureWindow;
      return this;
    }

    /** The earliest accepted row timestamp, inclusive. */
    public Builder minTimestamp(Instant minTimestamp) {
      this.minTimestamp = minTimestamp;
      return this;
    }

    /** How far past now a row timestamp may be. */
    public Builder maxFutureSkew(Duration maxFutureSkew) {
      this.maxFutureSkew = maxFutureSkew;
      return this;
    }

    public Builder numStreamThreads(int numStreamThreads) {
      this.numStreamThreads = numStreamThreads;
      return this;
    }

    /** The clock for the future bound (tests pin it). */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Kafka Streams/consumer/producer properties applied over the router's own. */
    public Builder streamsOverrides(Map<String, String> streamsOverrides) {
      this.streamsOverrides = streamsOverrides;
      return this;
    }

    /**
     * Checks the settings and builds the configuration.
     *
     * @throws IllegalArgumentException saying which setting is wrong and what to use
     */
    public IngestConfig build() {
      return new IngestConfig(
          bootstrapServers,
          applicationId,
          stateDir,
          logs,
          spans,
          metrics,
          tables == null ? TableDefinitions.builtIns() : tables,
          liveTables,
          projectAttribute,
          defaultProject,
          projectAdmission,
          routedPartitions,
          maxRecordBytes,
          maxBatchBytes,
          minTimestamp,
          maxFutureSkew,
          numStreamThreads,
          threadFailureWindow,
          clock,
          streamsOverrides);
    }
  }
}

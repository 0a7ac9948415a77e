package io.lakestream.writer;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.TableLookup;
import io.lakestream.schema.Topics;
import io.lakestream.storage.S3Settings;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the writer role needs: where to read routed rows, where the warehouse is, and when to
 * flush.
 *
 * <p>A table's buffer (one per project and table) is flushed as one Parquet file and one Delta
 * commit when it holds {@code flushRows} rows or {@code flushBytes} bytes, or when its oldest row
 * is {@code flushAge} old. When all buffers together hold {@code memoryCapBytes}, the writer
 * flushes the largest ones early and, if that is not enough (storage down), pauses its partitions
 * until they drain. Buffered bytes are the routed records' serialized sizes plus a small per-row
 * overhead.
 *
 * <p>Use {@link #devDefaults} for a local, fresh-within-a-second setup and {@link
 * #productionDefaults} (also {@link #builder}'s defaults) for deployments: 128 MiB files or 5
 * minutes (the query sidecar's live tail serves rows before their flush), 1 GiB of buffers.
 *
 * @param bootstrapServers the Kafka cluster holding {@code lakestream.rows.*}
 * @param groupId the writer's consumer group (default {@value #DEFAULT_GROUP_ID})
 * @param warehouse {@code file:///path} or {@code s3://bucket/prefix}; tables live under {@code
 *     {warehouse}/projects/{project}/{table}/}
 * @param s3 how to reach S3 when the warehouse is on S3
 * @param tables the table types this writer accepts, by name; rows of others go to the DLQ
 * @param liveTables where the writer looks table types up while it runs, when they may change (the
 *     catalog): rows of a table type created after start are written at once, rows of a dropped one
 *     go to the DLQ as {@code unknown_table} (data already written is kept); empty (the default)
 *     accepts {@code tables} only. See {@link #tableLookup()}
 * @param flushRows rows in one table's buffer that trigger its flush
 * @param flushBytes bytes in one table's buffer that trigger its flush (≈ data file size before
 *     compression)
 * @param flushAge age of a buffer's oldest row that triggers its flush (freshness)
 * @param incompleteRecordTimeout how long the rows of a source record may wait for the rest of the
 *     record's rows (their {@code lakestream.source.count}); after it they are set aside in the DLQ
 *     as {@code incomplete_record}. Default 15 minutes, the broker's default {@code
 *     transaction.max.timeout.ms}: no open transaction can hold the rest back longer
 * @param memoryCapBytes the most bytes all buffers may hold before the writer pauses consumption
 * @param checkpointInterval Delta checkpoint every this many commits ({@code
 *     delta.checkpointInterval} of new tables)
 * @param checkpointSpacing the least time between two checkpoints of one table: a checkpoint that
 *     falls due sooner is written at the table's first commit after it (a checkpoint rewrites the
 *     table's whole state, a commit adds one entry; so a table committing every second checkpoints
 *     every {@code checkpointSpacing}, not every {@code checkpointInterval} seconds). Zero: every
 *     {@code checkpointInterval}-th commit
 * @param logRetention how long Delta log entries are kept ({@code delta.logRetentionDuration} of
 *     new tables)
 * @param compression Parquet compression of data files: {@code zstd} or {@code snappy}
 * @param kafkaProperties extra Kafka client properties (security, timeouts), applied to the
 *     consumer and the DLQ producer
 * @param instanceId a stable name of this writer instance, unique in the group, or empty: the
 *     consumer's {@code group.instance.id} (static membership), so that a restarted writer gets its
 *     partitions back at once instead of after a rebalance
 * @param tableCache how many tables' state (a Delta log object, the txn watermarks) the writer
 *     keeps, least recently used given back first, so that memory follows the active tables and not
 *     every table ever written; a table given back is read again from its log when it returns
 * @param flushThreads how many tables' flushes (Parquet write and Delta commit) may run at once,
 *     off the poll thread; one per table at a time. Default: the available processors, at least 2
 * @param topicPattern the routed topics to consume, a regular expression (default {@link
 *     Topics#rowsPattern()}: every table); rows of a matched topic whose table is not in {@code
 *     tables} go to the DLQ
 */
public record WriterConfig(
    String bootstrapServers,
    String groupId,
    URI warehouse,
    S3Settings s3,
    Map<String, TableDefinition> tables,
    Optional<TableLookup> liveTables,
    long flushRows,
    long flushBytes,
    Duration flushAge,
    Duration incompleteRecordTimeout,
    long memoryCapBytes,
    int checkpointInterval,
    Duration checkpointSpacing,
    Duration logRetention,
    String compression,
    Map<String, String> kafkaProperties,
    Optional<String> instanceId,
    int tableCache,
    int flushThreads,
    String topicPattern) {

  /** The default consumer group of the writer role. */
  public static final String DEFAULT_GROUP_ID = "lakestream-writer";

  public WriterConfig {
    requireNonNull(bootstrapServers, "bootstrapServers is null");
    requireNonNull(groupId, "groupId is null");
    requireNonNull(warehouse, "warehouse is null");
    requireNonNull(s3, "s3 is null");
    requireNonNull(flushAge, "flushAge is null");
    requireNonNull(incompleteRecordTimeout, "incompleteRecordTimeout is null");
    requireNonNull(checkpointSpacing, "checkpointSpacing is null");
    requireNonNull(logRetention, "logRetention is null");
    requireNonNull(compression, "compression is null");
    tables = Map.copyOf(requireNonNull(tables, "tables is null"));
    requireNonNull(liveTables, "liveTables is null");
    kafkaProperties = Map.copyOf(requireNonNull(kafkaProperties, "kafkaProperties is null"));
    requireNonNull(topicPattern, "topicPattern is null");
    requireNonNull(instanceId, "instanceId is null");
    if (instanceId.isPresent() && instanceId.get().isBlank()) {
      instanceId = Optional.empty();
    }
    if (tableCache < 1) {
      throw WriterErrors.invalidConfig("tableCache", "must be at least 1");
    }
    if (flushThreads < 1) {
      throw WriterErrors.invalidConfig("flushThreads", "must be at least 1");
    }
    compression = compression.toLowerCase(Locale.ROOT);
    if (bootstrapServers.isBlank()) {
      throw WriterErrors.invalidConfig("bootstrapServers", "name at least one host:port");
    }
    if (groupId.isBlank()) {
      throw WriterErrors.invalidConfig("groupId", "give a non-empty consumer group id");
    }
    String scheme = warehouse.getScheme();
    if (scheme == null || !(scheme.equals("file") || scheme.equals("s3") || scheme.equals("s3a"))) {
      throw WriterErrors.unsupportedWarehouse(warehouse);
    }
    if (tables.isEmpty()) {
      throw WriterErrors.invalidConfig("tables", "give at least one table definition");
    }
    if (flushRows < 1 || flushBytes < 1 || flushAge.isNegative() || flushAge.isZero()) {
      throw WriterErrors.invalidConfig("flushRows/flushBytes/flushAge", "each must be positive");
    }
    if (incompleteRecordTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw WriterErrors.invalidConfig(
          "incompleteRecordTimeout",
          "must be at least 1s (and should exceed the producers' transaction timeout)");
    }
    if (memoryCapBytes < flushBytes) {
      throw WriterErrors.invalidConfig(
          "memoryCapBytes",
          "must be at least flushBytes ("
              + flushBytes
              + " bytes), or no table could ever fill a file; it is "
              + memoryCapBytes);
    }
    if (checkpointInterval < 1) {
      throw WriterErrors.invalidConfig("checkpointInterval", "must be at least 1");
    }
    if (checkpointSpacing.isNegative()) {
      throw WriterErrors.invalidConfig("checkpointSpacing", "must not be negative");
    }
    if (logRetention.toHours() < 1) {
      throw WriterErrors.invalidConfig("logRetention", "must be at least one hour");
    }
    if (!compression.equals("zstd") && !compression.equals("snappy")) {
      throw WriterErrors.invalidConfig("compression", "use zstd or snappy, not " + compression);
    }
    try {
      java.util.regex.Pattern.compile(topicPattern);
    } catch (java.util.regex.PatternSyntaxException e) {
      throw WriterErrors.invalidConfig(
          "topicPattern", "give a valid regular expression (" + e.getDescription() + ")");
    }
  }

  /**
   * Where the writer finds a table type by name while it runs: {@link #liveTables()} when set, else
   * {@link #tables()}.
   */
  public TableLookup tableLookup() {
    return liveTables.orElseGet(() -> TableLookup.of(tables));
  }

  /** The default of {@code flushThreads}: the available processors, at least 2. */
  public static int defaultFlushThreads() {
    return Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  /** A builder with the production defaults; set at least bootstrap servers and warehouse. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Production defaults: flush at 128 MiB, 2,000,000 rows or 5 minutes per table, 1 GiB of buffers,
   * checkpoint every 10 commits and at most every 30 s per table, 7 days of log, ZSTD, the built-in
   * tables.
   */
  public static WriterConfig productionDefaults(String bootstrapServers, URI warehouse) {
    return builder().bootstrapServers(bootstrapServers).warehouse(warehouse).build();
  }

  /**
   * Development defaults, tuned for freshness: flush at 1 s, 16 MiB or 200,000 rows, 128 MiB of
   * buffers; otherwise as {@link #productionDefaults}.
   */
  public static WriterConfig devDefaults(String bootstrapServers, URI warehouse) {
    return devBuilder().bootstrapServers(bootstrapServers).warehouse(warehouse).build();
  }

  /** A builder preset with {@link #devDefaults}, to change a few settings. */
  public static Builder devBuilder() {
    return builder()
        .flushRows(200_000)
        .flushBytes(16L << 20)
        .flushAge(Duration.ofSeconds(1))
        .memoryCapBytes(128L << 20);
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Whether the warehouse is on S3. */
  public boolean warehouseOnS3() {
    return !warehouse.getScheme().equals("file");
  }

  /** Builds a {@link WriterConfig}; every setter checks nothing, {@link #build()} checks all. */
  public static final class Builder {
    private String bootstrapServers;
    private String groupId = DEFAULT_GROUP_ID;
    private URI warehouse;
    private S3Settings s3 = S3Settings.aws();
    private Map<String, TableDefinition> tables = TableDefinitions.builtIns();
    private Optional<TableLookup> liveTables = Optional.empty();
    private long flushRows = 2_000_000;
    private long flushBytes = 128L << 20;
    private Duration flushAge = Duration.ofMinutes(5);
    private Duration incompleteRecordTimeout = Duration.ofMinutes(15);
    private long memoryCapBytes = 1L << 30;
    private int checkpointInterval = 10;
    private Duration checkpointSpacing = Duration.ofSeconds(30);
    private Duration logRetention = Duration.ofDays(7);
    private String compression = "zstd";
    private Map<String, String> kafkaProperties = Map.of();
    private Optional<String> instanceId = Optional.empty();
    private int tableCache = 10_000;
    private int flushThreads = defaultFlushThreads();
    private String topicPattern = Topics.rowsPattern();

    private Builder() {}

    private Builder(WriterConfig config) {
      bootstrapServers = config.bootstrapServers;
      groupId = config.groupId;
      warehouse = config.warehouse;
      s3 = config.s3;
      tables = config.tables;
      liveTables = config.liveTables;
      flushRows = config.flushRows;
      flushBytes = config.flushBytes;
      flushAge = config.flushAge;
      incompleteRecordTimeout = config.incompleteRecordTimeout;
      memoryCapBytes = config.memoryCapBytes;
      checkpointInterval = config.checkpointInterval;
      checkpointSpacing = config.checkpointSpacing;
      logRetention = config.logRetention;
      compression = config.compression;
      kafkaProperties = config.kafkaProperties;
      instanceId = config.instanceId;
      tableCache = config.tableCache;
      flushThreads = config.flushThreads;
      topicPattern = config.topicPattern;
    }

    public Builder bootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
      return this;
    }

    public Builder groupId(String groupId) {
      this.groupId = groupId;
      return this;
    }

    public Builder warehouse(URI warehouse) {
      this.warehouse = warehouse;
      return this;
    }

    /** Parses {@code file:///path}, {@code s3://bucket/prefix}, or a plain local path. */
    public Builder warehouse(String warehouse) {
      requireNonNull(warehouse, "warehouse is null");
      this.warehouse =
          warehouse.contains("://")
              ? URI.create(warehouse)
              : java.nio.file.Path.of(warehouse).toAbsolutePath().toUri();
      return this;
    }

    public Builder s3(S3Settings s3) {
      this.s3 = s3;
      return this;
    }

    public Builder tables(Map<String, TableDefinition> tables) {
      this.tables = new LinkedHashMap<>(tables);
      return this;
    }

    /**
     * Where to look table types up while writing, so that table types created or dropped at run
     * time (the catalog) take effect without a restart; null to accept {@link #tables} only.
     */
    public Builder liveTables(TableLookup liveTables) {
      this.liveTables = Optional.ofNullable(liveTables);
      return this;
    }

    public Builder flushRows(long flushRows) {
      this.flushRows = flushRows;
      return this;
    }

    public Builder flushBytes(long flushBytes) {
      this.flushBytes = flushBytes;
      return this;
    }

    public Builder flushAge(Duration flushAge) {
      this.flushAge = flushAge;
      return this;
    }

    /** How long rows wait for the rest of their source record; see {@link WriterConfig}. */
    public Builder incompleteRecordTimeout(Duration incompleteRecordTimeout) {
      this.incompleteRecordTimeout = incompleteRecordTimeout;
      return this;
    }

    public Builder memoryCapBytes(long memoryCapBytes) {
      this.memoryCapBytes = memoryCapBytes;
      return this;
    }

    public Builder checkpointInterval(int checkpointInterval) {
      this.checkpointInterval = checkpointInterval;
      return this;
    }

    /** The least time between two checkpoints of one table; see {@link WriterConfig}. */
    public Builder checkpointSpacing(Duration checkpointSpacing) {
      this.checkpointSpacing = checkpointSpacing;
      return this;
    }

    public Builder logRetention(Duration logRetention) {
      this.logRetention = logRetention;
      return this;
    }

    public Builder compression(String compression) {
      this.compression = compression;
      return this;
    }

    public Builder kafkaProperties(Map<String, String> kafkaProperties) {
      this.kafkaProperties = new LinkedHashMap<>(kafkaProperties);
      return this;
    }

    /** The routed topics to consume, as a regular expression; see {@link WriterConfig}. */
    /** A stable name of this instance for static group membership; see {@link WriterConfig}. */
    public Builder instanceId(String instanceId) {
      this.instanceId = Optional.ofNullable(instanceId);
      return this;
    }

    /** How many tables' state the writer keeps; see {@link WriterConfig}. */
    public Builder tableCache(int tableCache) {
      this.tableCache = tableCache;
      return this;
    }

    /** How many flushes may run at once; see {@link WriterConfig}. */
    public Builder flushThreads(int flushThreads) {
      this.flushThreads = flushThreads;
      return this;
    }

    public Builder topicPattern(String topicPattern) {
      this.topicPattern = topicPattern;
      return this;
    }

    /**
     * @throws WriterException naming the setting and the fix when a value is missing or invalid
     */
    public WriterConfig build() {
      if (bootstrapServers == null) {
        throw WriterErrors.invalidConfig("bootstrapServers", "name the Kafka brokers");
      }
      if (warehouse == null) {
        throw WriterErrors.invalidConfig(
            "warehouse", "give file:///absolute/path or s3://bucket/prefix");
      }
      return new WriterConfig(
          bootstrapServers,
          groupId,
          warehouse,
          s3,
          tables,
          liveTables,
          flushRows,
          flushBytes,
          flushAge,
          incompleteRecordTimeout,
          memoryCapBytes,
          checkpointInterval,
          checkpointSpacing,
          logRetention,
          compression,
          kafkaProperties,
          instanceId,
          tableCache,
          flushThreads,
          topicPattern);
    }
  }
}

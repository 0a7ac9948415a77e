package io.lakestream.maintenance;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.TableLookup;
import io.lakestream.storage.S3Settings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What table maintenance needs: the warehouse, the table types (for each table's primary key and
 * columns), and its limits.
 *
 * @param warehouse {@code file:///path} or {@code s3://bucket/prefix}; tables live under {@code
 *     {warehouse}/projects/{project}/{table}/}
 * @param s3 how to reach S3 when the warehouse is on S3
 * @param tables where table types are looked up by name (the catalog, or a fixed map); a table
 *     whose type is unknown is left alone
 * @param targetFileBytes files below this size are compacted, into files of about this size
 * @param maxRewriteBytes the most input bytes one table's compaction rewrites in one pass, so a
 *     table with a large backlog does not hold the others up; the rest waits for the next pass
 * @param vacuumGrace how long a file removed from the log (or never committed) is kept before it is
 *     deleted: readers holding an older snapshot keep reading it meanwhile
 * @param interval how often a table is maintained by {@link MaintenanceRole}
 * @param quietInterval how often a quiet table is maintained: one whose last turn found nothing to
 *     do and that has had no commit since (one existence check of its next log entry tells). Only
 *     time makes work for it then (rows passing the retention, removed files passing the vacuum
 *     grace), so those happen up to this much later than the boundary
 * @param threads how many tables are maintained at once
 * @param compression Parquet compression of compacted files: {@code zstd} or {@code snappy}
 * @param clock the time that vacuum and retention compare against
 * @param commitFeed the Kafka bootstrap servers on which maintenance announces its commits ({@code
 *     lakestream.commits}, as the writer does); empty: commits are not announced
 * @param kafkaProperties more Kafka client properties (security, timeouts) for the feed's producer
 *     and the group's consumer
 * @param group the Kafka consumer group (over {@code lakestream.commits}, on the {@code commitFeed}
 *     brokers) through which {@link MaintenanceRole} instances split the tables; empty: this
 *     instance maintains every table
 * @param instanceId the instance's static member id in {@code group} ({@code group.instance.id}): a
 *     restart within the session timeout keeps its tables; empty: a dynamic member
 * @param sessionTimeout how long the group waits for a silent (crashed) instance before its tables
 *     move to the others
 * @param projectRetention the projects' own retention per table type, which overrides the type's
 *     for that project's table
 * @param ownBuckets the projects whose tables live in a bucket of their own, maintained beside the
 *     warehouse's tables
 */
public record MaintenanceConfig(
    URI warehouse,
    S3Settings s3,
    TableLookup tables,
    long targetFileBytes,
    long maxRewriteBytes,
    Duration vacuumGrace,
    Duration interval,
    Duration quietInterval,
    int threads,
    String compression,
    Clock clock,
    Optional<String> commitFeed,
    Map<String, String> kafkaProperties,
    Optional<String> group,
    Optional<String> instanceId,
    Duration sessionTimeout,
    ProjectRetention projectRetention,
    OwnBuckets ownBuckets) {
  /** Default {@link #targetFileBytes}: 128 MiB. */
  public static final long DEFAULT_TARGET_FILE_BYTES = 128L * 1024 * 1024;

  /** Default {@link #maxRewriteBytes}: 1 GiB. */
  public static final long DEFAULT_MAX_REWRITE_BYTES = 1024L * 1024 * 1024;

  /** Default {@link #vacuumGrace}: one day. */
  public static final Duration DEFAULT_VACUUM_GRACE = Duration.ofDays(1);

  /** The consumer group of {@code lakestream maintain} instances by default. */
  public static final String DEFAULT_GROUP = "lakestream-maintenance";

  /** Default {@link #sessionTimeout}: 45 seconds, Kafka's default. */
  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(45);

  /** Default {@link #interval}: five minutes. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

  /** Default {@link #quietInterval}: one hour. */
  public static final Duration DEFAULT_QUIET_INTERVAL = Duration.ofHours(1);

  public MaintenanceConfig {
    requireNonNull(warehouse, "warehouse is null");
    requireNonNull(s3, "s3 is null");
    requireNonNull(tables, "tables is null");
    requireNonNull(vacuumGrace, "vacuumGrace is null");
    requireNonNull(interval, "interval is null");
    requireNonNull(quietInterval, "quietInterval is null");
    requireNonNull(compression, "compression is null");
    requireNonNull(clock, "clock is null");
    requireNonNull(commitFeed, "commitFeed is null");
    kafkaProperties = Map.copyOf(requireNonNull(kafkaProperties, "kafkaProperties is null"));
    requireNonNull(group, "group is null");
    requireNonNull(instanceId, "instanceId is null");
    requireNonNull(sessionTimeout, "sessionTimeout is null");
    requireNonNull(projectRetention, "projectRetention is null");
    requireNonNull(ownBuckets, "ownBuckets is null");
    if (group.isPresent() && commitFeed.isEmpty()) {
      throw MaintenanceErrors.invalidConfig(
          "maintenance.group", "needs Kafka (kafka.bootstrap.servers) to split the tables");
    }
    if (group.isPresent() && group.get().isBlank()) {
      throw MaintenanceErrors.invalidConfig("maintenance.group", "must not be blank");
    }
    if (sessionTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw MaintenanceErrors.invalidConfig(
          "maintenance.session.timeout", "must be at least 1s, got " + sessionTimeout);
    }
    if (targetFileBytes < 1024) {
      throw MaintenanceErrors.invalidConfig(
          "maintenance.target.file.bytes", "must be at least 1KiB, got " + targetFileBytes);
    }
    if (maxRewriteBytes < targetFileBytes) {
      throw MaintenanceErrors.invalidConfig(
          "maintenance.max.rewrite.bytes",
          "must be at least maintenance.target.file.bytes (" + targetFileBytes + ")");
    }
    if (vacuumGrace.isNegative()) {
      throw MaintenanceErrors.invalidConfig("maintenance.vacuum.grace", "must not be negative");
    }
    if (interval.isNegative() || interval.isZero()) {
      throw MaintenanceErrors.invalidConfig("maintenance.interval", "must be positive");
    }
    if (quietInterval.isNegative()) {
      throw MaintenanceErrors.invalidConfig("maintenance.quiet.interval", "must not be negative");
    }
    if (threads < 1) {
      throw MaintenanceErrors.invalidConfig("maintenance.threads", "must be at least 1");
    }
    if (!compression.equals("zstd") && !compression.equals("snappy")) {
      throw MaintenanceErrors.invalidConfig("compression", "use zstd or snappy");
    }
  }

  /** A builder with the defaults; {@code warehouse} and {@code tables} must be set. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link MaintenanceConfig}. */
  public static final class Builder {
    private URI warehouse;
    private S3Settings s3 =
        new S3Settings(Optional.empty(), "us-east-1", true, Optional.empty(), Optional.empty());
    private TableLookup tables = TableLookup.of(Map.of());
    private long targetFileBytes = DEFAULT_TARGET_FILE_BYTES;
    private long maxRewriteBytes = DEFAULT_MAX_REWRITE_BYTES;
    private Duration vacuumGrace = DEFAULT_VACUUM_GRACE;
    private Duration interval = DEFAULT_INTERVAL;
    private Duration quietInterval = DEFAULT_QUIET_INTERVAL;
    private int threads = 1;
    private String compression = "zstd";
    private Clock clock = Clock.systemUTC();
    private Optional<String> commitFeed = Optional.empty();
    private Map<String, String> kafkaProperties = Map.of();
    private Optional<String> group = Optional.empty();
    private Optional<String> instanceId = Optional.empty();
    private Duration sessionTimeout = DEFAULT_SESSION_TIMEOUT;
    private ProjectRetention projectRetention = ProjectRetention.NONE;
    private OwnBuckets ownBuckets = OwnBuckets.NONE;

    private Builder() {}

    /** Where projects' own retention per table type is looked up (the catalog). */
    public Builder projectRetention(ProjectRetention projectRetention) {
      this.projectRetention = projectRetention;
      return this;
    }

    /** Where the projects with a bucket of their own are looked up (the catalog). */
    public Builder ownBuckets(OwnBuckets ownBuckets) {
      this.ownBuckets = ownBuckets;
      return this;
    }

    /**
     * Split the tables with the other instances of the consumer group {@code group} (needs {@link
     * #commitFeed}): {@link MaintenanceRole} then maintains only the tables of the commit feed
     * partitions Kafka assigns it.
     */
    public Builder group(String group) {
      this.group = Optional.of(requireNonNull(group, "group is null"));
      return this;
    }

    /** The static member id of this instance in its group; blank: a dynamic member. */
    public Builder instanceId(String instanceId) {
      requireNonNull(instanceId, "instanceId is null");
      this.instanceId = instanceId.isBlank() ? Optional.empty() : Optional.of(instanceId);
      return this;
    }

    public Builder sessionTimeout(Duration sessionTimeout) {
      this.sessionTimeout = sessionTimeout;
      return this;
    }

    /** Announce commits on {@code lakestream.commits} of the brokers {@code bootstrapServers}. */
    public Builder commitFeed(String bootstrapServers, Map<String, String> kafkaProperties) {
      this.commitFeed = Optional.of(requireNonNull(bootstrapServers, "bootstrapServers is null"));
      this.kafkaProperties = requireNonNull(kafkaProperties, "kafkaProperties is null");
      return this;
    }

    public Builder warehouse(URI warehouse) {
      this.warehouse = warehouse;
      return this;
    }

    public Builder s3(S3Settings s3) {
      this.s3 = s3;
      return this;
    }

    public Builder tables(TableLookup tables) {
      this.tables = tables;
      return this;
    }

    public Builder targetFileBytes(long targetFileBytes) {
      this.targetFileBytes = targetFileBytes;
      return this;
    }

    public Builder maxRewriteBytes(long maxRewriteBytes) {
      this.maxRewriteBytes = maxRewriteBytes;
      return this;
    }

    public Builder vacuumGrace(Duration vacuumGrace) {
      this.vacuumGrace = vacuumGrace;
      return this;
    }

    public Builder interval(Duration interval) {
      this.interval = interval;
      return this;
    }

    /** How often a quiet table is maintained; see {@link MaintenanceConfig}. */
    public Builder quietInterval(Duration quietInterval) {
      this.quietInterval = quietInterval;
      return this;
    }

    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    public Builder compression(String compression) {
      this.compression = compression;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public MaintenanceConfig build() {
      if (warehouse == null) {
        throw MaintenanceErrors.invalidConfig("warehouse", "set where tables live");
      }
      return new MaintenanceConfig(
          warehouse,
          s3,
          tables,
          targetFileBytes,
          Math.max(maxRewriteBytes, targetFileBytes),
          vacuumGrace,
          interval,
          quietInterval,
          threads,
          compression,
          clock,
          commitFeed,
          kafkaProperties,
          group,
          instanceId,
          sessionTimeout,
          projectRetention,
          ownBuckets);
    }
  }
}

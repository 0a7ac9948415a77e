package io.lakestream.maintenance;

import static java.util.Objects.requireNonNull;

import io.delta.standalone.DeltaLog;
import io.lakestream.maintenance.internal.Announcements;
import io.lakestream.maintenance.internal.Compaction;
import io.lakestream.maintenance.internal.Retention;
import io.lakestream.maintenance.internal.Vacuum;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.storage.DeltaLogConf;
import io.lakestream.storage.HadoopWarehouse;
import io.lakestream.writer.internal.CommitFeed;
import io.lakestream.writer.internal.Warehouse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintains the tables of one warehouse: per table, retention (rows older than the project's own
 * retention for the table type ({@link MaintenanceConfig#projectRetention()}), else the type's),
 * compaction (retried once after a conflicting concurrent commit, then left for the next pass),
 * then vacuum and log cleanup. Safe beside live writers and readers; two maintainers should not
 * work on the same table at once (a conflict is detected and skipped, but work is wasted): {@link
 * MaintenanceRole} instances in one group split the tables so they never do.
 *
 * <p>With {@link MaintenanceConfig#commitFeed()} set, every compaction and retention commit is
 * announced on {@code lakestream.commits} as the writer announces its appends; {@link #close()}
 * sends what is still buffered.
 */
public final class Maintainer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Maintainer.class);

  /** The note of a turn stopped because its table moved to another instance. */
  static final String ABANDONED = "stopped: the table moved to another maintenance instance";

  /**
   * A table to maintain: its project, type name and folder, and the project's own bucket when it
   * lives there rather than in the warehouse.
   */
  public record TableLocation(String project, String table, Path path, Optional<String> bucket) {
    public TableLocation {
      requireNonNull(project, "project is null");
      requireNonNull(table, "table is null");
      requireNonNull(path, "path is null");
      requireNonNull(bucket, "bucket is null");
    }

    /** A table of the warehouse. */
    public TableLocation(String project, String table, Path path) {
      this(project, table, path, Optional.empty());
    }

    /**
     * What names the table among all maintained ones: {@code project/table} for the warehouse's
     * tables, {@code project/table@bucket} for a table in the project's own bucket.
     */
    public String key() {
      return project + "/" + table + bucket.map(b -> "@" + b).orElse("");
    }
  }

  private final MaintenanceConfig config;
  private final Warehouse warehouse;
  private final Compaction compaction;
  private final Vacuum vacuum;
  private final Retention retention;
  private final Producer<byte[], byte[]> producer;
  private final AtomicLong announcementsFailed = new AtomicLong();
  private final Set<String> failingBuckets = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean bucketLookupFailing = new AtomicBoolean();

  /** A maintainer of the warehouse of {@code config}. */
  public Maintainer(MaintenanceConfig config) {
    this(config, Compaction.BeforeCommit.NONE);
  }

  Maintainer(MaintenanceConfig config, Compaction.BeforeCommit beforeCommit) {
    this.config = requireNonNull(config, "config is null");
    try {
      this.warehouse = Warehouse.of(config.warehouse(), config.s3());
    } catch (RuntimeException e) {
      throw MaintenanceErrors.invalidConfig("warehouse", e.getMessage());
    }
    this.producer = feedProducer(config);
    Announcements announcements =
        producer == null
            ? Announcements.NONE
            : new Announcements(new CommitFeed(producer, announcementsFailed::incrementAndGet));
    this.compaction =
        new Compaction(
            warehouse.hadoopConf(),
            config.targetFileBytes(),
            config.maxRewriteBytes(),
            config.compression(),
            beforeCommit,
            announcements);
    this.vacuum = new Vacuum(warehouse.hadoopConf());
    this.retention = new Retention(warehouse.hadoopConf(), config.compression(), announcements);
  }

  private static Producer<byte[], byte[]> feedProducer(MaintenanceConfig config) {
    if (config.commitFeed().isEmpty()) {
      return null;
    }
    Map<String, Object> admin = new HashMap<>();
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.commitFeed().get());
    admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    admin.putAll(config.kafkaProperties());
    CommitFeed.createTopic(admin);
    Map<String, Object> properties = new HashMap<>();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.commitFeed().get());
    properties.put(
        ProducerConfig.CLIENT_ID_CONFIG,
        "lakestream-maintenance-" + UUID.randomUUID().toString().substring(0, 8));
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // a send must never hold a maintenance turn up for long: the log is the truth
    properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    properties.putAll(config.kafkaProperties());
    return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Commit announcements that could not be sent since the start (readers use the log). */
  public long announcementsFailed() {
    return announcementsFailed.get();
  }

  /** Sends the announcements still buffered (at most 10 s) and closes the feed's producer. */
  @Override
  public void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(10));
    }
  }

  /** The configuration. */
  public MaintenanceConfig config() {
    return config;
  }

  /**
   * Every table to maintain now: the warehouse's folders {@code projects/{project}/{table}} that
   * hold a {@code _delta_log}, then the registered tables of projects' own buckets ({@link
   * MaintenanceConfig#ownBuckets()}) that exist.
   *
   * @throws MaintenanceException when the warehouse cannot be listed
   */
  public List<TableLocation> discover() {
    Path projects = new Path(warehouse.root(), Warehouse.PROJECTS_FOLDER);
    List<TableLocation> tables = new ArrayList<>();
    try {
      FileSystem fs = projects.getFileSystem(warehouse.hadoopConf());
      if (!fs.exists(projects)) {
        return tables;
      }
      for (FileStatus project : fs.listStatus(projects)) {
        if (!project.isDirectory()) {
          continue;
        }
        for (FileStatus table : fs.listStatus(project.getPath())) {
          if (table.isDirectory() && fs.exists(new Path(table.getPath(), "_delta_log"))) {
            tables.add(
                new TableLocation(
                    project.getPath().getName(), table.getPath().getName(), table.getPath()));
          }
        }
      }
    } catch (IOException e) {
      throw MaintenanceErrors.listingFailure(warehouse.root().toString(), e);
    }
    tables.addAll(ownBucketTables());
    return tables;
  }

  /**
   * The tables in projects' own buckets: each registered table type whose {@code _delta_log}
   * exists. A bucket that cannot be reached keeps its tables in the list, so that their turns
   * report why; it never stops the others.
   */
  private List<TableLocation> ownBucketTables() {
    List<TableLocation> tables = new ArrayList<>();
    List<OwnBuckets.OwnBucket> buckets;
    try {
      buckets = config.ownBuckets().all();
    } catch (RuntimeException e) {
      if (bucketLookupFailing.compareAndSet(false, true)) {
        LOG.warn("Cannot look up the projects with their own bucket: {}", e.getMessage());
      }
      return tables;
    }
    bucketLookupFailing.set(false);
    for (OwnBuckets.OwnBucket own : buckets) {
      Configuration conf = warehouse.hadoopConf();
      HadoopWarehouse.configureBucket(conf, own.bucket(), own.s3());
      boolean reached = true;
      for (String table : own.tables()) {
        Path path =
            new Path(
                "s3a://"
                    + own.bucket()
                    + "/"
                    + Warehouse.PROJECTS_FOLDER
                    + "/"
                    + own.project()
                    + "/"
                    + table);
        TableLocation location =
            new TableLocation(own.project(), table, path, Optional.of(own.bucket()));
        try {
          if (path.getFileSystem(conf).exists(new Path(path, "_delta_log"))) {
            tables.add(location);
          }
        } catch (IOException | RuntimeException e) {
          reached = false;
          tables.add(location);
          if (failingBuckets.add(own.project())) {
            LOG.warn(
                "Cannot reach bucket '{}' of project '{}': {}",
                own.bucket(),
                own.project(),
                e.toString());
          }
        }
      }
      if (reached) {
        failingBuckets.remove(own.project());
      }
    }
    return tables;
  }

  /** One pass over every table of the warehouse, one after the other. */
  public List<TableReport> runOnce() {
    List<TableReport> reports = new ArrayList<>();
    for (TableLocation table : discover()) {
      reports.add(maintain(table));
    }
    return reports;
  }

  /**
   * Compacts, vacuums and cleans the log of one table. Never throws for the table's own failures:
   * they are in the report's note (and logged).
   */
  public TableReport maintain(TableLocation location) {
    return maintain(location, () -> true);
  }

  /**
   * As {@link #maintain(TableLocation)}, but checks {@code keepGoing} before each step (retention,
   * compaction, its retry, vacuum) and stops the turn there when it turns false: the table has
   * moved to another maintenance instance. A step under way finishes (a commit that loses a race
   * with another maintainer is refused by Delta and skipped).
   */
  public TableReport maintain(TableLocation location, BooleanSupplier keepGoing) {
    requireNonNull(keepGoing, "keepGoing is null");
    long start = System.nanoTime();
    Optional<TableDefinition> definition = config.tables().table(location.table());
    if (definition.isEmpty()) {
      return report(location, null, null, null, start, "skipped: unknown table type", -1);
    }
    TableDefinition table = definition.get();
    Compaction.Result compacted = null;
    Vacuum.Result vacuumed = null;
    Retention.Result expired = null;
    long version = -1;
    String note = "";
    try {
      if (!keepGoing.getAsBoolean()) {
        return report(location, null, null, null, start, ABANDONED, -1);
      }
      Optional<Duration> keep = table.retention();
      Optional<Duration> own =
          config.projectRetention().retention(location.project(), location.table());
      if (own.isPresent() && Retention.applies(table)) {
        keep = own;
      } else if (own.isPresent()) {
        note =
            "project retention "
                + TableDefinitions.formatRetention(own.get())
                + " not applied: the primary key '"
                + table.primaryKey()
                + "' is not a timestamp or a date";
      }
      DeltaLog log =
          DeltaLog.forTable(
              DeltaLogConf.forTable(warehouse.hadoopConf(), location.path()), location.path());
      // The version this turn plans on, as loaded: a commit made during the turn (its steps may
      // read the log again) is after it, so the table's next turn is a full one.
      long planned = log.snapshot().getVersion();
      expired =
          retention.expire(
              location.project(), table, keep, location.path(), log, config.clock().millis());
      if (expired.conflict()) {
        note = join(note, "retention skipped: a concurrent commit conflicted, next pass retries");
      }
      if (!keepGoing.getAsBoolean()) {
        return report(location, null, null, expired, start, join(note, ABANDONED), -1);
      }
      compacted = compaction.compact(location.project(), table, location.path(), log);
      if (compacted.outcome() == Compaction.Outcome.CONFLICT && keepGoing.getAsBoolean()) {
        compacted = compaction.compact(location.project(), table, location.path(), log);
        if (compacted.outcome() == Compaction.Outcome.CONFLICT) {
          note =
              (note.isEmpty() ? "" : note + "; ")
                  + "compaction skipped: concurrent commits conflicted twice, next pass retries";
        }
      }
      if (!keepGoing.getAsBoolean()) {
        return report(location, compacted, null, expired, start, join(note, ABANDONED), -1);
      }
      vacuumed =
          vacuum.vacuum(
              location.path(), log, config.clock().millis(), config.vacuumGrace().toMillis());
      version = planned;
    } catch (IOException | RuntimeException e) {
      MaintenanceException failure =
          MaintenanceErrors.tableFailure(
              "maintain", location.project(), location.table(), location.path().toString(), e);
      LOG.warn(failure.getMessage(), e);
      note = "failed: " + failure.getMessage();
    }
    return report(location, compacted, vacuumed, expired, start, note, version);
  }

  /**
   * Whether {@code location}'s table has a version after {@code version}: one existence check of
   * its next log entry (on S3 a HEAD), whatever the log's length.
   */
  public boolean committedSince(TableLocation location, long version) {
    Path next =
        new Path(new Path(location.path(), "_delta_log"), String.format("%020d.json", version + 1));
    try {
      return next.getFileSystem(warehouse.hadoopConf()).exists(next);
    } catch (IOException | RuntimeException e) {
      return true; // cannot tell: maintain it
    }
  }

  /**
   * When {@code location}'s table has one commit only (its log holds version 0 and no version 1),
   * when that commit was written, in milliseconds since the epoch (the log entry's modification
   * time); empty for any other table, or when it cannot tell. Two file system calls (on S3 two
   * HEADs), whatever the log's length.
   */
  public OptionalLong onlyCommitMillis(TableLocation location) {
    Path log = new Path(location.path(), "_delta_log");
    try {
      FileSystem fs = log.getFileSystem(warehouse.hadoopConf());
      if (fs.exists(new Path(log, String.format("%020d.json", 1)))) {
        return OptionalLong.empty();
      }
      return OptionalLong.of(
          fs.getFileStatus(new Path(log, String.format("%020d.json", 0))).getModificationTime());
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty(); // no version 0 (cleaned up after a checkpoint), or cannot tell
    }
  }

  private static String join(String note, String more) {
    return note.isEmpty() ? more : note + "; " + more;
  }

  private static TableReport report(
      TableLocation location,
      Compaction.Result compacted,
      Vacuum.Result vacuumed,
      Retention.Result expired,
      long startNanos,
      String note,
      long version) {
    long millis = (System.nanoTime() - startNanos) / 1_000_000;
    return new TableReport(
        location.project(),
        location.table(),
        compacted == null ? 0 : compacted.filesBefore(),
        compacted == null ? 0 : compacted.filesAfter(),
        compacted == null ? 0 : compacted.bytesBefore(),
        compacted == null ? 0 : compacted.bytesAfter(),
        compacted == null ? 0 : compacted.filesRewritten(),
        compacted == null ? 0 : compacted.filesWritten(),
        compacted == null ? 0 : compacted.rowsRewritten(),
        compacted == null ? 0 : compacted.bytesRewritten(),
        vacuumed == null ? 0 : vacuumed.filesDeleted(),
        vacuumed == null ? 0 : vacuumed.bytesDeleted(),
        vacuumed == null ? 0 : vacuumed.logFilesDeleted(),
        expired == null ? 0 : expired.rowsExpired(),
        millis,
        note,
        version,
        location.bucket());
  }
}

package io.lakestream.writer.internal;

import static java.util.Objects.requireNonNull;

import io.delta.standalone.CommitResult;
import io.delta.standalone.DeltaLog;
import io.delta.standalone.Operation;
import io.delta.standalone.OptimisticTransaction;
import io.delta.standalone.Snapshot;
import io.delta.standalone.actions.Action;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.actions.Metadata;
import io.delta.standalone.actions.SetTransaction;
import io.delta.standalone.exceptions.DeltaConcurrentModificationException;
import io.delta.standalone.internal.DeltaLogImpl;
import io.delta.standalone.internal.SnapshotImpl;
import io.delta.storage.LogStore;
import io.lakestream.schema.SourceCoordinates;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.convert.DeltaSchemas;
import io.lakestream.writer.CrashPoint;
import io.lakestream.writer.FaultInjector;
import io.lakestream.writer.WriterErrors;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@link DeltaTables} on Delta Standalone 3.3 (protocol 1/2).
 *
 * <p>New tables get the table type's schema ({@link DeltaSchemas#structType}) and the properties
 * {@code delta.checkpointInterval} and {@code delta.logRetentionDuration}; checkpoints and the
 * clean-up of expired log entries follow them (below).
 *
 * <p>Commits are written by the writer itself when the warehouse has an atomic log store ({@code
 * delta.logStore.<scheme>.impl}: {@link LocalAtomicLogStore}, {@link S3ConditionalPutLogStore}): a
 * new table's version 0 by {@link FirstCommit}, each later append as version N + 1 by {@link
 * NextCommit}, on top of the version N the table holds ({@link HeldLog}: the last version written
 * or read, its txn versions and checkpoint interval). So a table's steady-state commit costs one
 * atomic create, independent of its log's length, and reads nothing. The log is read (Standalone's
 * snapshot) only when no state is held: the table's first commit or txn read after opening, after
 * {@link Table#refresh}, after a commit whose outcome is unknown, when the held state is older than
 * {@link #maxHeldAgeMillis}, and when N + 1 exists because another writer or maintenance committed
 * it; then the source offsets are checked against the txn versions just read before N + 1 is tried
 * again, so a zombie writer's append is still refused and a concurrent compaction stays in the
 * table. Every {@code delta.checkpointInterval}-th version, Standalone's checkpoint is written from
 * a fresh snapshot (and expired log entries are cleaned), as Standalone does after its own commits;
 * but at most once per {@code checkpointSpacing} per table: a checkpoint due sooner is written at
 * the table's first commit after the spacing. A checkpoint costs a replay of the log since the last
 * one and a rewrite of the table's whole state (tens of milliseconds even for a small table), a
 * commit one small entry; without the spacing a table committing every second would spend most of
 * its writer's time checkpointing, and readers gain little from a checkpoint every ten seconds.
 * Without an atomic log store, every commit goes through Standalone's optimistic transaction.
 *
 * <p>Works around delta-io/connectors#380: Standalone writes {@code AddFile.stats} into the log as
 * raw JSON text, so the stats are passed as a JSON string literal, which the log then holds as the
 * string Delta readers expect.
 */
public final class StandaloneDeltaTables implements DeltaTables {
  /** The engine named in every commit's {@code commitInfo}. */
  public static final String ENGINE_INFO = "Lakestream-writer/0.1.0";

  private static final Logger LOG = LoggerFactory.getLogger(StandaloneDeltaTables.class);
  private static final int MAX_APPEND_ATTEMPTS = 5;

  private final Warehouse warehouse;
  private final int checkpointInterval;
  private final long checkpointSpacingMillis;
  private final Duration logRetention;
  private final FaultInjector faults;
  private final LongSupplier clock;

  /** The Delta schema of each table type, made once and shared by all its tables. */
  private final Map<TableDefinition, io.delta.standalone.types.StructType> schemas =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The same schemas as JSON, for new tables' first commits ({@link FirstCommit}). */
  private final Map<TableDefinition, String> schemaJsons =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Map<String, LogStore> logStores = new java.util.concurrent.ConcurrentHashMap<>();

  /** Checkpoints every {@code checkpointInterval}-th version, without spacing. */
  public StandaloneDeltaTables(Warehouse warehouse, int checkpointInterval, Duration logRetention) {
    this(
        warehouse,
        checkpointInterval,
        Duration.ZERO,
        logRetention,
        FaultInjector.NONE,
        System::currentTimeMillis);
  }

  /**
   * @param checkpointSpacing the least time between two checkpoints of one table (above)
   * @param faults told {@link CrashPoint#AFTER_COMMIT_FILE_WRITTEN} (tests)
   */
  public StandaloneDeltaTables(
      Warehouse warehouse,
      int checkpointInterval,
      Duration checkpointSpacing,
      Duration logRetention,
      FaultInjector faults) {
    this(
        warehouse,
        checkpointInterval,
        checkpointSpacing,
        logRetention,
        faults,
        System::currentTimeMillis);
  }

  /** With {@code clock} (milliseconds) for the checkpoint spacing (tests). */
  StandaloneDeltaTables(
      Warehouse warehouse,
      int checkpointInterval,
      Duration checkpointSpacing,
      Duration logRetention,
      FaultInjector faults,
      LongSupplier clock) {
    this.warehouse = requireNonNull(warehouse, "warehouse is null");
    this.checkpointInterval = checkpointInterval;
    this.checkpointSpacingMillis = checkpointSpacing.toMillis();
    this.logRetention = requireNonNull(logRetention, "logRetention is null");
    this.faults = requireNonNull(faults, "faults is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads nothing: the Delta log object is started on the first read or commit that needs it,
   * and a new table's first commit needs none ({@link FirstCommit}).
   */
  @Override
  public Table open(String project, TableDefinition definition) {
    Path path = warehouse.tablePath(project, definition.name());
    return new StandaloneTable(project, definition, path);
  }

  /**
   * The log store that commits to {@code path}'s file system (the one Standalone is configured
   * with, made once per scheme), or null when none is configured: then every commit goes through
   * Standalone.
   */
  private LogStore logStore(Path path) {
    String scheme = path.toUri().getScheme();
    String className = warehouse.hadoopConf().get("delta.logStore." + scheme + ".impl");
    if (className == null) {
      return null;
    }
    return logStores.computeIfAbsent(
        scheme,
        s -> {
          try {
            return (LogStore)
                Class.forName(className)
                    .getConstructor(Configuration.class)
                    .newInstance(warehouse.hadoopConf());
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot make the log store " + className, e);
          }
        });
  }

  private io.delta.standalone.types.StructType schema(TableDefinition definition) {
    return schemas.computeIfAbsent(definition, DeltaSchemas::structType);
  }

  /** The configuration of a new table. */
  Map<String, String> tableProperties() {
    return Map.of(
        "delta.checkpointInterval",
        Integer.toString(checkpointInterval),
        "delta.logRetentionDuration",
        "interval " + logRetention.toHours() + " hours");
  }

  /**
   * What the writer holds of a table's log between its commits: the latest version it wrote or
   * read, every {@code txn} version at that version, and the table's checkpoint interval. The next
   * append is written as {@code version + 1} ({@link NextCommit}) on the strength of this alone;
   * the log store's atomic create refuses it if anyone committed after {@code version}.
   *
   * @param confirmedAtMillis when {@code version} was last known to be the latest (just before the
   *     read or the write that showed it); see {@link StandaloneDeltaTables#maxHeldAgeMillis}
   */
  record HeldLog(
      long version, Map<String, Long> txnVersions, int checkpointInterval, long confirmedAtMillis) {
    /** Up to which source offset the rows of {@code appId} (a route) are in the table. */
    long txnVersion(String appId) {
      return Watermarks.written(txnVersions, appId);
    }

    /** The txn versions this commit of {@code sources} writes on top of this log. */
    Map<String, Long> toWrite(Map<String, SourceRange> sources) {
      return Watermarks.toWrite(sources, txnVersions);
    }

    /** The state after this writer committed {@code written} txn versions as {@code newVersion}. */
    HeldLog after(long newVersion, Map<String, Long> written, long confirmedAt) {
      Map<String, Long> txns = new HashMap<>(txnVersions);
      txns.putAll(written);
      return new HeldLog(newVersion, Map.copyOf(txns), checkpointInterval, confirmedAt);
    }
  }

  /**
   * How long a held log is trusted without reading the log again: half the table's log retention,
   * at most an hour. A version committed by someone else after the held one is in the log for at
   * least the log retention (Delta's log clean-up deletes only older entries), so within this age
   * the atomic create of {@code version + 1} cannot succeed over a commit the writer does not know
   * of.
   */
  long maxHeldAgeMillis() {
    return Math.min(logRetention.toMillis() / 2, Duration.ofHours(1).toMillis());
  }

  private final class StandaloneTable implements Table {
    private final String project;
    private final TableDefinition definition;
    private final String path;
    private final Path hadoopPath;
    // Started for commits through Standalone only (no atomic log store), by the table's flush (one
    // at a time); reads and checkpoints use one of their own and drop it (logForOneUse).
    private DeltaLog log;
    // Whether the table has no log yet, as last checked; null: check again. A new table is read
    // and created without a Delta log object.
    private volatile Boolean isNew;
    // The log as last written or read; null: read it again. Set to null by refresh() from the poll
    // thread while a flush thread may use it; a commit that overlaps a refresh does not hold on.
    private volatile HeldLog held;
    private final AtomicLong refreshes = new AtomicLong();
    // Whether a checkpoint fell due and waits for the spacing, and when the last one was written
    // (by the table's flush, one at a time). Lost with the table's state: then the next due
    // checkpoint is written at once.
    private boolean checkpointDue;
    private long lastCheckpointMillis = Long.MIN_VALUE;

    StandaloneTable(String project, TableDefinition definition, Path path) {
      this.project = project;
      this.definition = definition;
      this.path = path.toString();
      this.hadoopPath = path;
    }

    /** Standalone's log object, kept: for commits through Standalone's transactions. */
    private DeltaLog log() {
      if (log == null) {
        log = DeltaLog.forTable(warehouse.hadoopConf(), hadoopPath);
      }
      return log;
    }

    /**
     * Standalone's log object for one read or checkpoint, not kept (unless one is kept already): it
     * holds the snapshot it read, which grows with the table's files, and between two uses
     * (checkpoints at least {@code checkpointSpacing} apart) the table needs only its held log.
     */
    private DeltaLog logForOneUse() {
      DeltaLog kept = log;
      return kept != null ? kept : DeltaLog.forTable(warehouse.hadoopConf(), hadoopPath);
    }

    private boolean isNew() throws IOException {
      Boolean known = isNew;
      if (known == null) {
        known = FirstCommit.isNew(hadoopPath, warehouse.hadoopConf());
        isNew = known;
      }
      return known;
    }

    /** The held log, read from the log (Standalone's snapshot) when none is held or it is old. */
    private HeldLog held() {
      HeldLog known = held;
      long now = System.currentTimeMillis();
      if (known == null || now - known.confirmedAtMillis() > maxHeldAgeMillis()) {
        known = read(now);
        held = known;
      }
      return known;
    }

    /** What the writer would hold of {@code snapshot}: its version and txn versions. */
    private HeldLog txnsOf(Snapshot snapshot) {
      Map<String, Long> txns = new HashMap<>();
      if (snapshot instanceof SnapshotImpl impl && snapshot.getVersion() >= 0) {
        for (SetTransaction txn : CollectionConverters.asJava(impl.setTransactions())) {
          txns.put(txn.getAppId(), txn.getVersion());
        }
      }
      return new HeldLog(
          snapshot.getVersion(), Map.copyOf(txns), checkpointInterval, System.currentTimeMillis());
    }

    private HeldLog read(long now) {
      Snapshot snapshot = logForOneUse().update();
      if (!(snapshot instanceof SnapshotImpl impl)) {
        throw new IllegalStateException("unexpected snapshot " + snapshot.getClass());
      }
      if (snapshot.getVersion() < 0) {
        return new HeldLog(-1, Map.of(), checkpointInterval, now);
      }
      io.delta.standalone.actions.Protocol protocol = impl.protocol();
      if (protocol.getMinReaderVersion() > 1 || protocol.getMinWriterVersion() > 2) {
        throw new IllegalStateException(
            "the table needs Delta reader version "
                + protocol.getMinReaderVersion()
                + " and writer version "
                + protocol.getMinWriterVersion()
                + "; this writer writes versions 1 and 2");
      }
      return new HeldLog(
          snapshot.getVersion(),
          txnsOf(snapshot).txnVersions(),
          checkpointInterval(snapshot.getMetadata().getConfiguration()),
          now);
    }

    /** Holds {@code next} unless the table was refreshed since the commit began. */
    private void hold(HeldLog next, long refreshesAtStart) {
      held = next;
      if (refreshes.get() != refreshesAtStart) {
        held = null;
      }
    }

    @Override
    public String project() {
      return project;
    }

    @Override
    public TableDefinition definition() {
      return definition;
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public long transactionVersion(String appId) {
      try {
        if (isNew()) {
          return -1;
        }
        return held().txnVersion(appId);
      } catch (IOException | RuntimeException e) {
        held = null;
        throw WriterErrors.deltaFailure("read", project, definition.name(), path, e);
      }
    }

    @Override
    public void refresh() {
      refreshes.incrementAndGet();
      held = null;
      isNew = null;
    }

    @Override
    public CommitOutcome commit(List<DataFile> files, Map<String, SourceRange> sources) {
      long refreshesAtStart = refreshes.get();
      try {
        LogStore logStore = logStore(hadoopPath);
        if (logStore == null) {
          return commitThroughStandalone(files, sources);
        }
        if (isNew()) {
          long started = System.currentTimeMillis();
          HeldLog none = new HeldLog(-1, Map.of(), checkpointInterval, started);
          Map<String, Long> txns = none.toWrite(sources);
          try {
            FirstCommit.write(
                logStore,
                warehouse.hadoopConf(),
                hadoopPath,
                definition,
                schemaJsons.computeIfAbsent(definition, d -> schema(d).toJson()),
                tableProperties(),
                files,
                txns,
                ENGINE_INFO);
            isNew = false;
            faults.at(CrashPoint.AFTER_COMMIT_FILE_WRITTEN, project, definition.name());
            hold(none.after(0, txns, started), refreshesAtStart);
            return new Committed(0);
          } catch (FileAlreadyExistsException e) {
            isNew = false; // another writer created it first: append on top of its commit
            held = null;
          } catch (IOException e) {
            isNew = null; // the outcome is unknown: the retry looks again
            throw WriterErrors.deltaFailure("create", project, definition.name(), path, e);
          }
        }
        return append(logStore, files, sources, refreshesAtStart);
      } catch (DeltaConcurrentModificationException e) {
        held = null;
        isNew = null;
        Map<String, Long> current = new LinkedHashMap<>();
        for (String appId : sources.keySet()) {
          current.put(appId, transactionVersion(appId));
        }
        return new Conflict(current, e.getClass().getSimpleName() + ": " + e.getMessage());
      } catch (IOException | RuntimeException e) {
        held = null;
        isNew = null;
        throw WriterErrors.deltaFailure("commit to", project, definition.name(), path, e);
      }
    }

    /**
     * Writes version N + 1 on top of the held version N. When N + 1 exists (another writer or
     * maintenance committed), the log is read again, the source offsets are checked against its txn
     * versions once more, and the commit is tried on top of the new latest version.
     */
    private CommitOutcome append(
        LogStore logStore,
        List<DataFile> files,
        Map<String, SourceRange> sources,
        long refreshesAtStart)
        throws IOException {
      for (int attempt = 1; ; attempt++) {
        HeldLog known = held();
        if (known.version() < 0) {
          return commitThroughStandalone(files, sources); // no log (removed?): create it anew
        }
        Map<String, Long> current = new LinkedHashMap<>();
        boolean overlap = false;
        for (Map.Entry<String, SourceRange> source : sources.entrySet()) {
          long version = known.txnVersion(source.getKey());
          current.put(source.getKey(), version);
          overlap |= version >= source.getValue().first();
        }
        if (overlap) {
          return new Conflict(current, "the table already holds some of these source offsets");
        }
        long version = known.version() + 1;
        long started = System.currentTimeMillis();
        Map<String, Long> txns = known.toWrite(sources);
        try {
          NextCommit.write(
              logStore,
              warehouse.hadoopConf(),
              hadoopPath,
              known.version(),
              files,
              txns,
              ENGINE_INFO);
        } catch (FileAlreadyExistsException e) {
          held = null; // someone else committed `version`: read the log again
          LOG.info(
              "Version {} of Delta table {} was committed by another writer; reading its log again",
              version,
              path);
          if (attempt == MAX_APPEND_ATTEMPTS) {
            return new Conflict(
                current,
                "version " + version + " was committed by another writer, " + attempt + " times");
          }
          continue;
        }
        faults.at(CrashPoint.AFTER_COMMIT_FILE_WRITTEN, project, definition.name());
        hold(known.after(version, txns, started), refreshesAtStart);
        checkpointIfDue(version, known.checkpointInterval());
        return new Committed(version);
      }
    }

    /**
     * Checkpoints after every {@code interval}-th version, or the first version after it once
     * {@code checkpointSpacing} has passed since the table's last checkpoint.
     */
    private void checkpointIfDue(long version, int interval) {
      checkpointDue |= version % interval == 0;
      long now = clock.getAsLong();
      if (checkpointDue
          && (lastCheckpointMillis == Long.MIN_VALUE
              || now - lastCheckpointMillis >= checkpointSpacingMillis)) {
        checkpointDue = false;
        lastCheckpointMillis = now;
        checkpoint(version);
      }
    }

    /**
     * Checkpoints the table at its latest version (Standalone's checkpoint, which also deletes
     * expired log entries), as Standalone does after its own commits. A failure does not undo the
     * commit: it is logged, and readers replay a longer log until the next checkpoint.
     */
    private void checkpoint(long version) {
      try {
        DeltaLog deltaLog = logForOneUse();
        Snapshot snapshot = deltaLog.update();
        if (deltaLog instanceof DeltaLogImpl impl
            && snapshot instanceof SnapshotImpl latest
            && latest.version() >= version) {
          impl.checkpoint(latest);
        }
      } catch (RuntimeException e) {
        LOG.warn(
            "Cannot checkpoint Delta table {} after version {}: {}", path, version, e.toString());
      }
    }

    /** The commit through Standalone's optimistic transaction (no atomic log store to write to). */
    private CommitOutcome commitThroughStandalone(
        List<DataFile> files, Map<String, SourceRange> sources) {
      held = null;
      OptimisticTransaction txn = log().startTransaction();
      // The transaction's snapshot (startTransaction updates the log first): its txn versions,
      // each read through the transaction too, so that a commit moving one meanwhile conflicts.
      HeldLog known = txnsOf(log().snapshot());
      Map<String, Long> current = new LinkedHashMap<>();
      boolean overlap = false;
      for (Map.Entry<String, SourceRange> source : sources.entrySet()) {
        txn.txnVersion(source.getKey());
        txn.txnVersion(SourceCoordinates.sourceAppIdOf(source.getKey()));
        long version = known.txnVersion(source.getKey());
        current.put(source.getKey(), version);
        overlap |= version >= source.getValue().first();
      }
      if (overlap) {
        return new Conflict(current, "the table already holds some of these source offsets");
      }
      List<Action> actions = new ArrayList<>();
      if (txn.readVersion() < 0) {
        txn.updateMetadata(newTableMetadata());
      }
      long now = System.currentTimeMillis();
      for (DataFile file : files) {
        actions.add(
            new AddFile(
                file.path(),
                Map.of(),
                file.sizeBytes(),
                file.modificationTime(),
                true,
                quotedJson(file.statsJson()),
                file.tags()));
      }
      known
          .toWrite(sources)
          .forEach(
              (appId, version) ->
                  actions.add(new SetTransaction(appId, version, Optional.of(now))));
      CommitResult result =
          txn.commit(
              actions,
              new Operation(Operation.Name.WRITE, Map.of("mode", "\"Append\"")),
              ENGINE_INFO);
      return new Committed(result.getVersion());
    }

    private Metadata newTableMetadata() {
      return Metadata.builder()
          .id(UUID.randomUUID().toString())
          .name(definition.name())
          .description(definition.description().isEmpty() ? null : definition.description())
          .schema(schema(definition))
          .partitionColumns(definition.partitionColumns())
          .configuration(tableProperties())
          .createdTime(System.currentTimeMillis())
          .build();
    }
  }

  /** A table's {@code delta.checkpointInterval}, Delta's default 10 when unset or unreadable. */
  static int checkpointInterval(Map<String, String> configuration) {
    try {
      int interval = Integer.parseInt(configuration.getOrDefault("delta.checkpointInterval", "10"));
      return interval > 0 ? interval : 10;
    } catch (NumberFormatException e) {
      return 10;
    }
  }

  /**
   * {@code {"a":1}} → {@code "{\"a\":1}"}: see the class comment. Public for maintenance, which
   * writes AddFiles of its own.
   */
  public static String quotedJson(String json) {
    StringBuilder quoted = new StringBuilder(json.length() + 16).append('"');
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (c < 0x20) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }
}

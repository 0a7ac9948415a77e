package io.lakestream.tables;

import static java.util.Objects.requireNonNull;

import io.lakestream.reader.IndexedFile;
import io.lakestream.reader.TableId;
import io.lakestream.reader.TableSnapshot;
import io.lakestream.reader.TailRows;
import io.lakestream.reader.internal.ParquetFiles;
import io.lakestream.schema.CommitAnnouncement;
import io.lakestream.schema.TableDefinition;
import io.lakestream.tables.DeltaLogReader.LogCommit;
import io.lakestream.tables.DeltaLogReader.LogFile;
import io.lakestream.tables.DeltaLogReader.LogSnapshot;
import io.lakestream.tables.DeltaLogReader.TableLog;
import io.lakestream.tables.TableSource.TableLocation;
import io.lakestream.tables.internal.FileIndexer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every table the sidecar serves, each with its current {@link TableSnapshot}: discovers tables
 * through {@link TableSource}s, loads each one's index from its Delta log (checkpoint and commits;
 * models from AddFile tags, no data file read when every file has one), then follows each table in
 * one of two ways:
 *
 * <ul>
 *   <li>{@link #start polling}: every table's log is read every poll interval and new commits'
 *       AddFiles and RemoveFiles applied incrementally;
 *   <li>{@link #followFeed following the commit feed}: a {@link CommitFeedFollower} hands each
 *       writer's {@link CommitAnnouncement} to {@link #apply}, which applies the announced files to
 *       the index without reading the log; the log is read only when the announcement is not enough
 *       (a gap in versions, a file without a key model). One slow sweep (every table's log and
 *       every source's listing, every fallback interval) finds what other tools commit.
 * </ul>
 *
 * <p>Thread-safe. Readers get immutable snapshots; a table's log reads and announced commits are
 * applied one at a time.
 */
public final class TableRegistry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TableRegistry.class);

  private final Function<String, Optional<TableDefinition>> definitions;
  private final List<TableSource> sources;
  private final DeltaLogReader logs;
  private final FileIndexer indexer;
  private final ParquetFiles files;
  private final ScheduledExecutorService executor;
  private final Duration pollInterval;
  private final Clock clock;
  private final Map<TableId, LiveTable> tables = new ConcurrentHashMap<>();
  private final Set<String> skippedTableTypes = ConcurrentHashMap.newKeySet();
  private final Set<String> purging = ConcurrentHashMap.newKeySet();
  private volatile boolean discovered;
  private volatile boolean polling;
  private volatile boolean closed;
  private volatile Consumer<TableId> onNewTable = id -> {};
  private final List<ScheduledFuture<?>> schedules = new ArrayList<>();
  private final AtomicLong announcementsApplied = new AtomicLong();
  private final AtomicLong announcementsReadFromLog = new AtomicLong();
  private final AtomicLong fallbackSweeps = new AtomicLong();

  /**
   * A registry that polls nothing until {@link #start} or {@link #pollAll()}.
   *
   * @param definitions the table type of a name, if the type exists (a lookup in the catalog)
   * @param sources where tables are discovered (the warehouse, registered buckets)
   * @param logs how Delta logs are read
   * @param files how data files are read, to index files that carry no model tag
   * @param executor runs discovery and polls
   * @param pollInterval how often each table's log is polled
   * @param clock the time of a table's last poll (its status)
   */
  public TableRegistry(
      Function<String, Optional<TableDefinition>> definitions,
      List<TableSource> sources,
      DeltaLogReader logs,
      ParquetFiles files,
      ScheduledExecutorService executor,
      Duration pollInterval,
      Clock clock) {
    this.definitions = requireNonNull(definitions, "definitions is null");
    this.sources = List.copyOf(sources);
    this.logs = requireNonNull(logs, "logs is null");
    this.files = requireNonNull(files, "files is null");
    this.indexer = new FileIndexer(files);
    this.executor = requireNonNull(executor, "executor is null");
    this.pollInterval = requireNonNull(pollInterval, "pollInterval is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** Calls {@code listener} once for each table when it is first discovered. */
  public void onNewTable(Consumer<TableId> listener) {
    this.onNewTable = requireNonNull(listener, "listener is null");
  }

  /**
   * Discovers now, then every {@code discoveryInterval}; polls each table, known or discovered
   * later, every poll interval. Before this, tables are only polled by {@link #pollAll()}.
   */
  public void start(Duration discoveryInterval) {
    synchronized (schedules) {
      polling = true;
      for (LiveTable table : tables.values()) {
        schedulePolls(table);
      }
      schedules.add(
          executor.scheduleWithFixedDelay(
              this::discoverQuietly, 0, discoveryInterval.toMillis(), TimeUnit.MILLISECONDS));
    }
  }

  /**
   * Follows the tables through {@link #apply announced commits} instead of polling: no table has a
   * timer of its own. Every {@code fallbackInterval} one sweep lists the sources and reads every
   * table's log once, for commits that no announcement names (other tools, lost announcements);
   * {@link Duration#ZERO} turns the sweep off. The first sweep comes one interval after this call:
   * start-up is {@link #loadAll()}.
   */
  public void followFeed(Duration fallbackInterval) {
    requireNonNull(fallbackInterval, "fallbackInterval is null");
    if (fallbackInterval.isNegative()) {
      throw new IllegalArgumentException("fallbackInterval is negative: " + fallbackInterval);
    }
    if (fallbackInterval.isZero()) {
      return;
    }
    synchronized (schedules) {
      schedules.add(
          executor.scheduleWithFixedDelay(
              this::sweep,
              fallbackInterval.toMillis(),
              fallbackInterval.toMillis(),
              TimeUnit.MILLISECONDS));
    }
  }

  /**
   * One fallback sweep, now, on the calling thread (tests and benchmarks; {@link #followFeed}
   * schedules them): lists the sources (without looking again into the folders of the tables
   * served), then looks for the next commit of every table, one after the other: one existence
   * check per table, and a read of its log only when that commit exists. A table whose log cannot
   * be read records why in its status; a failed listing is logged and retried at the next sweep.
   */
  public void sweep() {
    try {
      discover(tables.keySet());
    } catch (RuntimeException e) {
      log.warn("Table discovery failed; retrying at the next sweep: {}", e.toString());
    }
    for (LiveTable table : List.copyOf(tables.values())) {
      if (closed) {
        return;
      }
      table.sweepQuietly();
    }
    fallbackSweeps.incrementAndGet();
  }

  /**
   * Lists the sources and reads every table's log, now, on the registry's threads, and returns when
   * every table is loaded or has failed (its status says why): a feed follower's start-up, between
   * taking the feed's end offsets and applying what comes after them, so that a commit is either in
   * the loaded snapshot or announced after it.
   */
  public void loadAll() {
    discoverQuietly();
    List<Future<?>> loads = new ArrayList<>();
    for (LiveTable table : tables.values()) {
      if (closed) {
        return;
      }
      loads.add(executor.submit(table::pollQuietly));
    }
    for (Future<?> load : loads) {
      try {
        load.get();
      } catch (ExecutionException e) {
        // the table's status records the failure
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** What {@link #apply} did with an announcement. */
  public enum Applied {
    /** The announced files are in the table's index; no log was read. */
    APPLIED,
    /** The table already held that version (a repeated or older announcement). */
    ALREADY_HELD,
    /**
     * The announcement was not enough (a gap in versions, a file without a key model, the table not
     * loaded or busy): the table's log is read instead, on the registry's threads.
     */
    READING_LOG,
    /** The table is not one this sidecar serves (a type it does not know, or being purged). */
    NOT_SERVED,
    /** No source holds the announced location: the sources are listed instead. */
    LISTING
  }

  /**
   * Applies a writer's announced commit ({@code lakestream.commits}) to its table's index, without
   * reading the Delta log when the announcement holds all it needs: the next version of a loaded
   * table, each added file with its key model. A table not known yet is served from the source
   * whose location for it is the announced one (no listing), from the announced files when this is
   * its first version, else from its log. Never blocks on a table's log read: that runs on the
   * registry's threads.
   */
  public Applied apply(CommitAnnouncement announcement) {
    requireNonNull(announcement, "announcement is null");
    if (closed) {
      return Applied.NOT_SERVED;
    }
    TableId id = new TableId(announcement.project(), announcement.table());
    TableDefinition definition = definitions.apply(id.table()).orElse(null);
    LiveTable table = servedAs(tables.get(id), definition);
    if (table == null) {
      if (purging.contains(id.table())) {
        return Applied.NOT_SERVED;
      }
      if (definition == null) {
        if (skippedTableTypes.add(id.table())) {
          log.warn(
              "Not serving table {} announced at {}: table type '{}' is not configured",
              id,
              announcement.location(),
              id.table());
        }
        return Applied.NOT_SERVED;
      }
      Optional<TableLocation> location = locate(id, announcement.location());
      if (location.isEmpty()) {
        log.info(
            "Table {} announced at {}, which no source holds; listing the sources",
            id,
            announcement.location());
        executor.execute(this::discoverQuietly);
        return Applied.LISTING;
      }
      table = serve(location.get(), definition);
    }
    Applied applied = table.applyAnnounced(announcement);
    if (applied == Applied.APPLIED) {
      announcementsApplied.incrementAndGet();
    } else if (applied == Applied.READING_LOG) {
      announcementsReadFromLog.incrementAndGet();
    }
    return applied;
  }

  /**
   * {@code table}, or null when there is none or its type was dropped and created again with other
   * columns or another key since it was first served: the table is then no longer served, so that
   * it is served anew with {@code definition} (its rows are decoded with that one). A table whose
   * type is dropped and not created again, or changed in nothing its rows depend on (a retention, a
   * description), is served as before, its live tail kept.
   */
  private LiveTable servedAs(LiveTable table, TableDefinition definition) {
    if (table == null
        || definition == null
        || table.definition == definition
        || (table.definition.columns().equals(definition.columns())
            && table.definition.primaryKey().equals(definition.primaryKey()))) {
      return table;
    }
    log.info(
        "Table type '{}' was created again with other columns: serving {} anew",
        definition.name(),
        table.id);
    forget(table);
    return null;
  }

  /** The source location of {@code id} that is the announced one. */
  private Optional<TableLocation> locate(TableId id, String announced) {
    String wanted = normalize(announced);
    for (TableSource source : sources) {
      Optional<TableLocation> location = source.locate(id);
      if (location.isPresent() && normalize(location.get().location()).equals(wanted)) {
        return location;
      }
    }
    return Optional.empty();
  }

  private static String normalize(String location) {
    try {
      return new org.apache.hadoop.fs.Path(location).toUri().normalize().toString();
    } catch (IllegalArgumentException e) {
      return location;
    }
  }

  /**
   * Counts of the feed's effect since start: announcements applied without a log read, and those
   * that made the table read its log; fallback sweeps done.
   */
  public FeedCounts feedCounts() {
    return new FeedCounts(
        announcementsApplied.get(), announcementsReadFromLog.get(), fallbackSweeps.get());
  }

  /**
   * How the registry followed the commit feed.
   *
   * @param applied announcements applied to an index without reading the log
   * @param readFromLog announcements that made their table read its log
   * @param fallbackSweeps fallback sweeps (listing and every log) completed
   */
  public record FeedCounts(long applied, long readFromLog, long fallbackSweeps) {}

  private void discoverQuietly() {
    try {
      discover();
    } catch (RuntimeException e) {
      log.warn("Table discovery failed; retrying at the next interval: {}", e.toString());
    }
  }

  /** Lists the sources once and starts serving new tables. Returns the tables now known. */
  public Set<TableId> discover() {
    return discover(Set.of());
  }

  /**
   * As {@link #discover()}, each source looking no further into the folders of the tables in {@code
   * served} than listing them (see {@link TableSource#rediscover}).
   */
  private Set<TableId> discover(Set<TableId> served) {
    for (TableSource source : sources) {
      List<TableLocation> found = served.isEmpty() ? source.discover() : source.rediscover(served);
      for (TableLocation location : found) {
        String type = location.id().table();
        if (tables.containsKey(location.id()) || purging.contains(type)) {
          continue;
        }
        TableDefinition definition = definitions.apply(type).orElse(null);
        if (definition == null) {
          if (skippedTableTypes.add(type)) {
            log.warn(
                "Not serving table {} at {}: table type '{}' is not configured",
                location.id(),
                location.location(),
                type);
          }
          continue;
        }
        serve(location, definition);
      }
    }
    discovered = true;
    return Set.copyOf(tables.keySet());
  }

  /** The table at {@code location}, served from now on (polled when polling). */
  private LiveTable serve(TableLocation location, TableDefinition definition) {
    return tables.computeIfAbsent(
        location.id(),
        id -> {
          LiveTable table = new LiveTable(id, definition, location.location());
          log.info("Discovered table {} at {}", id, location.location());
          synchronized (schedules) {
            if (polling) {
              schedulePolls(table);
            }
          }
          onNewTable.accept(id);
          return table;
        });
  }

  private void schedulePolls(LiveTable table) {
    table.polls =
        executor.scheduleWithFixedDelay(
            table::pollQuietly, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    schedules.add(table.polls);
  }

  /**
   * Every table folder the sources list now, with its table type, whether that type is served or
   * not (a dropped type's folders stay until purged).
   */
  public List<TableLocation> locations() {
    List<TableLocation> all = new ArrayList<>();
    for (TableSource source : sources) {
      all.addAll(source.discover());
    }
    return all;
  }

  /**
   * Stops serving and discovering tables of {@code tableType} while {@code action} runs (e.g.
   * deletes their folders), then forgets those tables: a later discovery starts afresh.
   */
  public <T> T withoutType(String tableType, Supplier<T> action) {
    purging.add(tableType);
    try {
      for (LiveTable table : List.copyOf(tables.values())) {
        if (table.id.table().equals(tableType)) {
          forget(table);
        }
      }
      return action.get();
    } finally {
      skippedTableTypes.remove(tableType);
      purging.remove(tableType);
    }
  }

  private void forget(LiveTable table) {
    synchronized (schedules) {
      if (table.polls != null) {
        table.polls.cancel(false);
        schedules.remove(table.polls);
      }
    }
    table.lock.lock(); // waits for a running poll of the table
    try {
      tables.remove(table.id, table);
    } finally {
      table.lock.unlock();
    }
    log.info("Stopped serving table {} at {}", table.id, table.location);
  }

  /** The current snapshot of a table; empty when unknown or not loaded yet. */
  public Optional<TableSnapshot> snapshot(TableId id) {
    LiveTable table = tables.get(id);
    return table == null ? Optional.empty() : Optional.ofNullable(table.snapshot);
  }

  /** The loaded snapshots of every table. */
  public List<TableSnapshot> snapshots() {
    return tables.values().stream()
        .map(t -> t.snapshot)
        .filter(java.util.Objects::nonNull)
        .toList();
  }

  /** The state of a table; empty when unknown. */
  public Optional<TableStatus> status(TableId id) {
    LiveTable table = tables.get(id);
    return table == null ? Optional.empty() : Optional.of(table.status());
  }

  /** Every discovered table. */
  public Set<TableId> tables() {
    return Set.copyOf(tables.keySet());
  }

  /** The tables of a project, by name. */
  public List<String> tablesOf(String project) {
    return tables.keySet().stream()
        .filter(id -> id.project().equals(project))
        .map(TableId::table)
        .sorted()
        .toList();
  }

  /**
   * Whether discovery ran and every discovered table is loaded and was caught up with its log at
   * its last poll.
   */
  public boolean ready() {
    return discovered && tables.values().stream().allMatch(t -> t.snapshot != null && t.caughtUp);
  }

  /**
   * The tables whose last poll failed, each with the reason (in the order of their ids): they are
   * not served (see {@link TableStatus#stale()}) and are retried every poll interval.
   */
  public Map<TableId, String> failing() {
    Map<TableId, String> failing = new java.util.TreeMap<>();
    for (LiveTable table : tables.values()) {
      String error = table.lastError;
      if (error != null) {
        failing.put(table.id, error);
      }
    }
    return failing;
  }

  /** The tables that are not loaded or not caught up. */
  public List<TableId> lagging() {
    return tables.values().stream()
        .filter(t -> t.snapshot == null || !t.caughtUp)
        .map(t -> t.id)
        .sorted()
        .toList();
  }

  /**
   * Polls every table's log once, now, on the calling thread (tests and benchmarks; the scheduled
   * polls do this in the background).
   */
  public void pollAll() {
    for (LiveTable table : tables.values()) {
      table.poll();
    }
  }

  /** Stops discovery and polling; waits briefly for a running poll. */
  @Override
  public void close() {
    closed = true;
    synchronized (schedules) {
      polling = false;
      schedules.forEach(s -> s.cancel(false));
      schedules.clear();
    }
  }

  /**
   * What the registry knows of a table.
   *
   * @param id the table
   * @param location its folder
   * @param snapshot its index; empty until loaded
   * @param caughtUp whether the last poll read every commit of the log
   * @param lastPollMillis when the log was last polled successfully (0: never)
   * @param lastAnnouncementMillis when an announced commit was last applied (0: never)
   * @param lastCompactionMillis when the last compaction the sidecar saw (in the feed or the log)
   *     was committed: a commit that replaced files without changing the rows (0: none seen since
   *     the table was loaded)
   * @param lastError the last poll's failure, if it failed: why the table cannot be loaded or
   *     followed (e.g. a data file it cannot read), in the user's terms
   */
  public record TableStatus(
      TableId id,
      String location,
      Optional<TableSnapshot> snapshot,
      boolean caughtUp,
      long lastPollMillis,
      long lastAnnouncementMillis,
      long lastCompactionMillis,
      Optional<String> lastError) {

    /**
     * Whether the log moved on past what the sidecar can serve: the last poll failed, so the
     * snapshot (if any) may be older than the table. Such a table is not read from (reads answer
     * 503 naming the reason) until a poll succeeds.
     */
    public boolean stale() {
      return lastError.isPresent();
    }
  }

  private final class LiveTable {
    final TableId id;
    final TableDefinition definition;
    final String location;
    final TableLog tableLog;
    volatile TableSnapshot snapshot;
    volatile boolean caughtUp;
    volatile long lastPollMillis;
    volatile long lastAnnouncementMillis;
    volatile long lastCompactionMillis;
    volatile String lastError;
    ScheduledFuture<?> polls;
    final ReentrantLock lock = new ReentrantLock();

    LiveTable(TableId id, TableDefinition definition, String location) {
      this.id = id;
      this.definition = definition;
      this.location = location;
      this.tableLog = logs.open(location);
    }

    TableStatus status() {
      return new TableStatus(
          id,
          location,
          Optional.ofNullable(snapshot),
          caughtUp,
          lastPollMillis,
          lastAnnouncementMillis,
          lastCompactionMillis,
          Optional.ofNullable(lastError));
    }

    /**
     * A fallback sweep's look at the table: one existence check of the commit after the version
     * served; the log is read only when that commit exists (or the table is not loaded, or its last
     * read failed).
     */
    void sweepQuietly() {
      TableSnapshot current = snapshot;
      if (current != null && lastError == null) {
        try {
          if (!tableLog.hasCommit(current.version() + 1)) {
            lastPollMillis = clock.millis();
            return;
          }
        } catch (RuntimeException e) {
          // the full read below records why
        }
      }
      pollQuietly();
    }

    void pollQuietly() {
      try {
        poll();
      } catch (RuntimeException e) {
        // poll() records the failure
      }
    }

    void poll() {
      lock.lock();
      try {
        pollLocked();
      } finally {
        lock.unlock();
      }
    }

    /**
     * Applies an announced commit when it is the next version and carries every file's key model;
     * otherwise reads the log on the registry's threads. Does not wait for a running log read.
     */
    Applied applyAnnounced(CommitAnnouncement announcement) {
      if (!lock.tryLock()) {
        // a log read is running; it may have listed the log before this commit: read it again
        executor.execute(this::pollQuietly);
        return Applied.READING_LOG;
      }
      try {
        TableSnapshot current = snapshot;
        long version = announcement.version();
        if (current != null && version <= current.version()) {
          return Applied.ALREADY_HELD;
        }
        boolean complete =
            announcement.added().stream().allMatch(FileIndexer::hasModelTag)
                && (current == null ? version == 0 : version == current.version() + 1);
        if (!complete) {
          executor.execute(this::pollQuietly);
          return Applied.READING_LOG;
        }
        List<LogFile> logFiles = new ArrayList<>(announcement.added().size());
        for (CommitAnnouncement.AddedFile file : announcement.added()) {
          logFiles.add(
              new LogFile(
                  file.path(),
                  file.sizeBytes(),
                  announcement.committedAtMillis(),
                  "{\"numRecords\":" + file.rows() + "}",
                  file.tags()));
        }
        List<IndexedFile> added;
        try {
          added = indexAll(logFiles, version);
        } catch (IOException | RuntimeException e) {
          executor.execute(this::pollQuietly);
          return Applied.READING_LOG;
        }
        TableSnapshot next;
        List<String> forgotten = new ArrayList<>();
        if (current == null) {
          next = TableSnapshot.of(id, definition, version, announcement.committedAtMillis(), added);
          next = next.withWatermarks(announcement.watermarks());
        } else {
          for (String removed : announcement.removed()) {
            IndexedFile file = current.file(removed);
            if (file != null) {
              forgotten.add(file.location());
            }
          }
          noteCompaction(current, announcement.removed(), added, announcement.committedAtMillis());
          next =
              current
                  .apply(version, announcement.committedAtMillis(), announcement.removed(), added)
                  .withWatermarks(announcement.watermarks());
        }
        snapshot = withoutCommittedTail(next);
        forgotten.forEach(files::forget);
        caughtUp = true;
        lastError = null;
        lastAnnouncementMillis = clock.millis();
        if (log.isDebugEnabled()) {
          log.debug(
              "Applied announced commit {} of {}: +{} -{} files",
              version,
              id,
              added.size(),
              announcement.removed().size());
        }
        return Applied.APPLIED;
      } finally {
        lock.unlock();
      }
    }

    private void pollLocked() {
      try {
        if (snapshot == null) {
          load();
        } else {
          try {
            applyNewCommits();
          } catch (DeltaLogReader.LogGapException e) {
            log.warn("Reloading {}: {}", id, e.getMessage());
            load();
          }
        }
        caughtUp = true;
        if (lastError != null) {
          log.info("Table {} is served again at version {}", id, snapshot.version());
        }
        lastError = null;
        lastPollMillis = clock.millis();
      } catch (RuntimeException | IOException e) {
        if (closed) {
          return; // interrupted by close()
        }
        caughtUp = false;
        String message = reason(e);
        if (!message.equals(lastError)) {
          TableSnapshot served = snapshot;
          log.warn(
              "Not serving table {} at {} ({}); retrying every {} ms: {}",
              id,
              location,
              served == null ? "never loaded" : "loaded up to version " + served.version(),
              pollInterval.toMillis(),
              message,
              e);
        }
        lastError = message;
        if (e instanceof RuntimeException runtime) {
          throw runtime;
        }
      }
    }

    /** The source partitions whose watermarks the served snapshot carries. */
    private Set<String> knownSources() {
      TableSnapshot current = snapshot;
      return current == null ? Set.of() : current.watermarks().keySet();
    }

    private void load() throws IOException {
      load(knownSources());
    }

    /**
     * Loads the latest snapshot from the log, with the watermarks of {@code sources} at its
     * version, and the live tail kept without the rows it holds.
     */
    private void load(Set<String> sources) throws IOException {
      long started = System.nanoTime();
      LogSnapshot logSnapshot = tableLog.snapshot(sources);
      List<IndexedFile> indexed = indexAll(logSnapshot.files(), logSnapshot.version());
      TableSnapshot loaded =
          TableSnapshot.of(
                  id, definition, logSnapshot.version(), logSnapshot.timestampMillis(), indexed)
              .withWatermarks(logSnapshot.transactions());
      long built = indexed.stream().filter(IndexedFile::modelBuilt).count();
      log.info(
          "Loaded table {} at version {}: {} files, {} rows, {} model bytes ({} models built from"
              + " key columns) in {} ms",
          id,
          loaded.version(),
          loaded.fileCount(),
          loaded.rows(),
          loaded.indexBytes(),
          built,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      TableSnapshot previous = snapshot;
      snapshot = previous == null ? loaded : withoutCommittedTail(loaded.withTail(previous.tail()));
      if (previous != null) {
        for (IndexedFile file : previous.files()) {
          if (loaded.file(file.logPath()) == null) {
            files.forget(file.location());
          }
        }
      }
    }

    /**
     * Remembers the commit's time when it is a compaction: it replaces files (removes some, adds
     * some) and keeps the rows (Delta's {@code dataChange=false}); retention removes rows, appends
     * remove no file.
     */
    private void noteCompaction(
        TableSnapshot current, List<String> removed, List<IndexedFile> added, long committedAt) {
      if (removed.isEmpty() || added.isEmpty()) {
        return;
      }
      long rowsRemoved = 0;
      for (String path : removed) {
        IndexedFile file = current.file(path);
        if (file == null) {
          return;
        }
        rowsRemoved += file.rows();
      }
      long rowsAdded = added.stream().mapToLong(IndexedFile::rows).sum();
      if (rowsAdded == rowsRemoved) {
        lastCompactionMillis = Math.max(lastCompactionMillis, committedAt);
      }
    }

    /**
     * Applies the new commits one by one. A file added and removed again among them is not read, so
     * that a commit removing a file the sidecar cannot read (the fix of a bad commit) lets the
     * table move on.
     */
    private void applyNewCommits() throws IOException {
      TableSnapshot current = snapshot;
      List<LogCommit> commits = tableLog.commitsAfter(current.version());
      Map<String, Long> lastRemoved = new java.util.HashMap<>();
      for (LogCommit commit : commits) {
        for (String removed : commit.removed()) {
          lastRemoved.put(removed, commit.version());
        }
      }
      for (LogCommit commit : commits) {
        List<LogFile> kept = new ArrayList<>();
        for (LogFile file : commit.added()) {
          if (lastRemoved.getOrDefault(file.path(), -1L) <= commit.version()) {
            kept.add(file);
          }
        }
        List<IndexedFile> added = indexAll(kept, commit.version());
        List<String> forgotten = new ArrayList<>();
        for (String removed : commit.removed()) {
          IndexedFile file = current.file(removed);
          if (file != null) {
            forgotten.add(file.location());
          }
        }
        noteCompaction(current, commit.removed(), added, commit.timestampMillis());
        current =
            current
                .apply(commit.version(), commit.timestampMillis(), commit.removed(), added)
                .withWatermarks(commit.transactions());
        current = withoutCommittedTail(current);
        snapshot = current;
        forgotten.forEach(files::forget);
        if (log.isDebugEnabled()) {
          log.debug(
              "Applied commit {} of {}: +{} -{} files",
              commit.version(),
              id,
              added.size(),
              commit.removed().size());
        }
      }
    }

    /**
     * Adds rows read from the table's routed-rows topic to its live tail, without those its
     * watermarks say are in Delta already. A row of a source partition the snapshot has no
     * watermark of makes the table load its log with that watermark first (once per source
     * partition), so that a row is never served both from a file and from the tail.
     */
    void appendTail(List<TailRows.Row> rows) {
      lock.lock();
      try {
        Set<String> unknown = new HashSet<>();
        TableSnapshot current = snapshot;
        for (TailRows.Row row : rows) {
          if (current == null || !current.watermarks().containsKey(row.source())) {
            unknown.add(row.source());
          }
        }
        if (current == null || !unknown.isEmpty()) {
          Set<String> sources = new HashSet<>(knownSources());
          sources.addAll(unknown);
          try {
            load(sources);
            caughtUp = true;
            lastError = null;
            lastPollMillis = clock.millis();
          } catch (IOException | RuntimeException e) {
            log.warn(
                "Not adding {} rows of {} to its live tail (they are served once committed):"
                    + " cannot read its Delta log: {}",
                rows.size(),
                id,
                describe(e));
            return;
          }
          current = snapshot;
        }
        List<TailRows.Row> kept = new ArrayList<>(rows.size());
        for (TailRows.Row row : rows) {
          if (!TailRows.covered(row, current.watermarks())) {
            kept.add(row);
          }
        }
        snapshot = current.withTail(current.tail().with(kept));
      } finally {
        lock.unlock();
      }
    }

    private List<IndexedFile> indexAll(Collection<LogFile> logFiles, long version)
        throws IOException {
      List<IndexedFile> indexed = new ArrayList<>(logFiles.size());
      Set<String> seen = new HashSet<>();
      for (LogFile file : logFiles) {
        if (!seen.add(file.path())) {
          continue;
        }
        IndexedFile entry;
        try {
          entry = indexer.index(definition, location, file);
        } catch (IOException | RuntimeException e) {
          throw new UnreadableFileException(file.path(), version, e);
        }
        if (entry != null) {
          indexed.add(entry);
        }
      }
      return indexed;
    }
  }

  /** {@code next} without the tail rows its watermarks say are in its files. */
  private static TableSnapshot withoutCommittedTail(TableSnapshot next) {
    TailRows tail = next.tail();
    TailRows kept = tail.without(next.watermarks());
    return kept == tail ? next : next.withTail(kept);
  }

  /**
   * Adds rows read from {@code id}'s routed-rows topic to the table's live tail (see {@link
   * TailRows}); a table not served yet is served from the source that would hold it (its Delta
   * table may not exist yet: version -1). Rows of a table type not served are dropped.
   */
  public void appendTail(TableId id, List<TailRows.Row> rows) {
    requireNonNull(id, "id is null");
    if (closed || rows.isEmpty()) {
      return;
    }
    TableDefinition definition = definitions.apply(id.table()).orElse(null);
    LiveTable table = servedAs(tables.get(id), definition);
    if (table == null) {
      if (definition == null || purging.contains(id.table())) {
        return;
      }
      Optional<TableLocation> location = Optional.empty();
      for (TableSource source : sources) {
        location = source.locate(id);
        if (location.isPresent()) {
          break;
        }
      }
      if (location.isEmpty()) {
        return;
      }
      table = serve(location.get(), definition);
    }
    table.appendTail(rows);
  }

  /** The live tail's size over every table, in bytes as read. */
  public long tailBytes() {
    long bytes = 0;
    for (LiveTable table : tables.values()) {
      TableSnapshot current = table.snapshot;
      if (current != null) {
        bytes += current.tail().bytes();
      }
    }
    return bytes;
  }

  /** A data file of a table's log that the sidecar cannot index. */
  private static final class UnreadableFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnreadableFileException(String path, long version, Throwable cause) {
      super(
          "cannot read data file "
              + path
              + " of version "
              + version
              + " of its Delta log: "
              + describe(cause),
          cause);
    }
  }

  /** Why a poll failed, in the user's terms: no internal class names. */
  private static String reason(Throwable e) {
    if (e instanceof UnreadableFileException) {
      return e.getMessage();
    }
    return "cannot read the Delta log: " + describe(e);
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e instanceof IOException ? "storage failure" : "unexpected failure";
    }
    return message;
  }
}

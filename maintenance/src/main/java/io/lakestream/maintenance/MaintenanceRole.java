package io.lakestream.maintenance;

import static java.util.Objects.requireNonNull;

import io.lakestream.maintenance.internal.GroupOwnership;
import io.lakestream.maintenance.internal.TableOwnership;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The maintenance role: every {@code interval} it lists the warehouse and queues each table whose
 * last maintenance is at least {@code interval} old; {@code threads} workers take the queue in the
 * order of their last maintenance, oldest (and never maintained) first, so tables take turns: a
 * table waits behind at most one turn of each other due table, never behind a whole backlog, and a
 * turn is bounded ({@code maxRewriteBytes} of compaction). A table is never queued twice.
 *
 * <p>A quiet table costs one existence check a turn: when its last turn found nothing to do and no
 * commit came after the version it saw (its next log entry does not exist), the turn ends there,
 * without reading the log or listing the table's files, until {@code quietInterval} has passed
 * since that turn (then retention and the vacuum grace get their look). A thousand idle tables cost
 * a thousand existence checks per {@code interval}, not a thousand log replays and listings.
 *
 * <p>A new table waits one {@code interval} for its first turn: a table first queued by this
 * instance whose only commit (version 0) is younger than {@code interval} is left for the next
 * planning (two existence checks), when it is queued again as any due table. Its first turn would
 * find one file, nothing to compact, and still read its log and write a checkpoint; so a burst of
 * new tables (1,000 new projects) is not maintained while it is being written, and a table that
 * commits again meanwhile is maintained once for both commits.
 *
 * <p>With {@link MaintenanceConfig#group()} set, instances split the tables through a Kafka
 * consumer group over {@code lakestream.commits} ({@link GroupOwnership}): each maintains only the
 * tables whose feed partition it is assigned, and two instances never work on one table at once.
 * Without it, the instance maintains every table.
 */
public final class MaintenanceRole implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MaintenanceRole.class);

  private final Maintainer maintainer;
  private final TurnObserver observer;
  private final TableOwnership ownership;
  private final MaintenanceMetrics metrics;
  private final ScheduledExecutorService planner;
  private final ThreadPoolExecutor workers;
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> lastRun = new ConcurrentHashMap<>();
  private final AtomicReference<String> listingFailure = new AtomicReference<>();
  private final AtomicLong tablesMaintained = new AtomicLong();
  private final AtomicLong quietTurns = new AtomicLong();
  private final AtomicLong deferredTurns = new AtomicLong();
  private final Map<String, Quiet> quietTables = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private volatile boolean running = true;

  /** Sees each turn start and end, with the instance's name: for tests of the split. */
  interface TurnObserver {
    TurnObserver NONE = (instance, table, started) -> {};

    void turn(String instance, String table, boolean started);
  }

  private MaintenanceRole(Maintainer maintainer, MeterRegistry registry, TurnObserver observer) {
    this.maintainer = maintainer;
    this.observer = observer;
    this.metrics = new MaintenanceMetrics(registry);
    int threads = maintainer.config().threads();
    this.workers =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            new PriorityBlockingQueue<>(),
            daemon("lakestream-maintenance-worker"));
    this.planner = Executors.newSingleThreadScheduledExecutor(daemon("lakestream-maintenance"));
    MaintenanceConfig config = maintainer.config();
    this.ownership =
        config.group().isEmpty()
            ? TableOwnership.ALL
            : new GroupOwnership(
                config.commitFeed().orElseThrow(),
                config.group().get(),
                config.instanceId(),
                config.sessionTimeout(),
                config.kafkaProperties(),
                this::planSoon);
    Gauge.builder("lakestream.maintenance.tables.queued", queued, Set::size)
        .description("Tables waiting for their maintenance turn")
        .register(registry);
    FunctionCounter.builder(
            "lakestream.maintenance.commit.announcements.failed",
            maintainer,
            Maintainer::announcementsFailed)
        .description(
            "Maintenance commits whose announcement on lakestream.commits failed (readers use the"
                + " log)")
        .register(registry);
  }

  /** Starts maintaining the warehouse of {@code config} in background threads. */
  public static MaintenanceRole start(MaintenanceConfig config, MeterRegistry registry) {
    return start(new Maintainer(config), registry);
  }

  static MaintenanceRole start(Maintainer maintainer, MeterRegistry registry) {
    return start(maintainer, registry, TurnObserver.NONE);
  }

  static MaintenanceRole start(
      Maintainer maintainer, MeterRegistry registry, TurnObserver observer) {
    requireNonNull(maintainer, "maintainer is null");
    requireNonNull(registry, "registry is null");
    requireNonNull(observer, "observer is null");
    MaintenanceRole role = new MaintenanceRole(maintainer, registry, observer);
    if (role.ownership instanceof GroupOwnership group) {
      group.start();
    }
    Duration interval = maintainer.config().interval();
    role.planner.scheduleWithFixedDelay(role::plan, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return role;
  }

  /** Whether the role runs: started, not closed. */
  public boolean isRunning() {
    return running;
  }

  /** Why the last listing of the warehouse failed, when it did; empty once one succeeds. */
  public Optional<String> failure() {
    return Optional.ofNullable(listingFailure.get());
  }

  /** Why this instance cannot take part in its maintenance group now, when it cannot. */
  public Optional<String> groupFailure() {
    return ownership.failure();
  }

  /** This instance's name in its group; empty when it maintains every table alone. */
  public Optional<String> memberName() {
    return ownership instanceof GroupOwnership group ? Optional.of(group.name()) : Optional.empty();
  }

  /** The commit feed partitions whose tables this instance maintains now (in a group). */
  Set<Integer> ownedPartitions() {
    return ownership instanceof GroupOwnership group ? group.ownedPartitions() : Set.of();
  }

  private void planSoon() {
    if (running) {
      try {
        planner.execute(this::plan);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  /** Tables maintained since the start (each turn counts; a quiet table's skipped turn not). */
  public long tablesMaintained() {
    return tablesMaintained.get();
  }

  /**
   * Turns skipped since the start because the table was quiet: its last turn found nothing to do,
   * it has had no commit since, and that turn is less than {@code maintenance.quiet.interval} old.
   */
  public long quietTurns() {
    return quietTurns.get();
  }

  /** The tables this instance keeps state for (last turn, quiet version): for tests. */
  int tablesTracked() {
    Set<String> keys = new HashSet<>(lastRun.keySet());
    keys.addAll(quietTables.keySet());
    return keys.size();
  }

  /**
   * First turns left for the next planning since the start because the table was new: its only
   * commit (version 0) was younger than {@code maintenance.interval}.
   */
  public long deferredTurns() {
    return deferredTurns.get();
  }

  /**
   * A table whose turn at {@code sinceMillis} found nothing to do at {@code version}: until it has
   * a later version, only time can make work for it (retention, the vacuum grace).
   */
  private record Quiet(long version, long sinceMillis) {}

  private void plan() {
    try {
      long now = System.currentTimeMillis();
      long interval = maintainer.config().interval().toMillis();
      Set<String> found = new HashSet<>();
      for (Maintainer.TableLocation table : maintainer.discover()) {
        String key = table.key();
        found.add(key);
        if (!ownership.owns(key)) {
          continue;
        }
        long last = lastRun.getOrDefault(key, Long.MIN_VALUE);
        if (last != Long.MIN_VALUE && now - last < interval) {
          continue;
        }
        if (queued.add(key)) {
          workers.execute(new Turn(table, key, last, sequence.incrementAndGet()));
        }
      }
      // a table that is gone (dropped, purged) leaves no state here; one that moved to another
      // instance keeps its own, in case it comes back
      quietTables.keySet().retainAll(found);
      lastRun.keySet().removeIf(key -> !found.contains(key) && !queued.contains(key));
      listingFailure.set(null);
    } catch (RuntimeException e) {
      LOG.warn("Maintenance could not list the warehouse: {}", e.getMessage(), e);
      listingFailure.set(e.getMessage());
    }
  }

  /** One table's turn; the queue orders turns by the table's last maintenance, oldest first. */
  private final class Turn implements Runnable, Comparable<Turn> {
    private final Maintainer.TableLocation table;
    private final String key;
    private final long lastRun;
    private final long order;

    Turn(Maintainer.TableLocation table, String key, long lastRun, long order) {
      this.table = table;
      this.key = key;
      this.lastRun = lastRun;
      this.order = order;
    }

    @Override
    public void run() {
      boolean begun = false;
      try {
        if (!running || !(begun = ownership.begin(key))) {
          return;
        }
        observer.turn(memberName().orElse(""), key, true);
        Quiet quiet = quietTables.get(key);
        long now = System.currentTimeMillis();
        if (lastRun == Long.MIN_VALUE && isNew(now)) {
          deferredTurns.incrementAndGet(); // its first turn comes at the next planning
          return;
        }
        if (quiet != null
            && now - quiet.sinceMillis() < maintainer.config().quietInterval().toMillis()
            && !maintainer.committedSince(table, quiet.version())) {
          quietTurns.incrementAndGet(); // nothing changed since a turn found nothing to do
          return;
        }
        TableReport report = maintainer.maintain(table, () -> running && ownership.owns(key));
        metrics.record(report);
        tablesMaintained.incrementAndGet();
        if (report.idle()) {
          quietTables.put(key, new Quiet(report.version(), now));
        } else {
          quietTables.remove(key);
        }
        if (report.filesRewritten() > 0
            || report.filesDeleted() > 0
            || report.rowsExpired() > 0
            || !report.note().isEmpty()) {
          LOG.info("Maintained {}", report.summary());
        }
      } catch (RuntimeException e) {
        LOG.warn("Maintenance of {} failed: {}", key, e.getMessage(), e);
      } finally {
        if (begun) {
          observer.turn(memberName().orElse(""), key, false);
          ownership.end(key);
          MaintenanceRole.this.lastRun.put(key, System.currentTimeMillis());
        }
        queued.remove(key);
      }
    }

    /** Whether the table's only commit is younger than the interval. */
    private boolean isNew(long now) {
      java.util.OptionalLong committed = maintainer.onlyCommitMillis(table);
      return committed.isPresent()
          && now - committed.getAsLong() < maintainer.config().interval().toMillis();
    }

    @Override
    public int compareTo(Turn other) {
      int byLastRun = Long.compare(lastRun, other.lastRun);
      return byLastRun != 0 ? byLastRun : Long.compare(order, other.order);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicLong count = new AtomicLong();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Stops planning, lets the running turns finish (at most a minute), drops the queued ones, leaves
   * the group (its tables move to the other instances at once), then sends the commit announcements
   * still buffered.
   */
  @Override
  public void close() {
    stop();
    ownership.close();
    maintainer.close();
  }

  /**
   * Stops as a crashed instance would for its group: no more turns, no leave (the group moves its
   * tables after the session timeout). For tests of failover.
   */
  void halt() {
    stop();
    if (ownership instanceof GroupOwnership group) {
      group.closeWithoutLeaving();
    }
    maintainer.close();
  }

  private void stop() {
    running = false;
    planner.shutdownNow();
    workers.getQueue().clear();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(1, TimeUnit.MINUTES)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}

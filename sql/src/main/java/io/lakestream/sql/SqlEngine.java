package io.lakestream.sql;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.TableDefinition;
import io.lakestream.sql.internal.DuckDbDatabase;
import io.lakestream.sql.internal.DuckDbSession;
import io.lakestream.sql.internal.ScanNeeds;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Runs queries ({@code SELECT}, {@code WITH}, {@code VALUES}, {@code SHOW}, {@code DESCRIBE}) in an
 * embedded DuckDB, above Lakestream's own reads.
 *
 * <p>Each statement gets a connection of its own to one in-memory database, holding the table types
 * as temporary tables that only this connection sees, in one transaction that is rolled back when
 * the statement ends (so the connection, kept for later statements, holds nothing of it); the
 * database reaches no file, network or extension, and its configuration is locked. A statement
 * whose ranges hold most of large local tables runs instead over DuckDB's own scan of the
 * snapshots' Parquet files, in a database that may read exactly those files ({@link
 * TableScan#files}). The engine's optimized plan of the statement says, for each table it scans,
 * the columns it uses and the filters it pushes down (constants folded); the primary-key conditions
 * become a key range read through the learned index ({@link TableScan}), for the one project the
 * caller may read, and only those rows are loaded. The statement then runs as written, in
 * PostgreSQL-like SQL (DuckDB's dialect): every condition is applied again by the engine, so the
 * ranges read only need to hold the rows the statement uses.
 *
 * <p>Tenant isolation holds by construction: the database holds one project's rows, whatever the
 * statement says.
 */
public final class SqlEngine implements AutoCloseable {
  private static final Pattern FIRST_WORD =
      Pattern.compile("^(?:\\s+|--[^\\n]*(?:\\n|$)|/\\*.*?\\*/|\\()*([A-Za-z]+)", Pattern.DOTALL);
  private static final Set<String> QUERIES =
      Set.of("select", "with", "values", "from", "table", "show", "describe");

  /**
   * How much a statement may use.
   *
   * @param maxRows the most rows one statement may load from the tables (all tables together)
   * @param memoryBytes the engine's memory limit, all statements together, in bytes
   * @param threads the engine's threads
   * @param timeout the longest a statement may run, from its start until its result is closed (then
   *     it is cancelled, {@link io.lakestream.schema.ErrorKind#CANCELED}); zero for no limit
   */
  public record Limits(long maxRows, long memoryBytes, int threads, Duration timeout) {
    /** 20 million rows, 2 GiB, 2 threads, 5 minutes. */
    public static final Limits DEFAULT = new Limits(20_000_000, 2L << 30, 2, Duration.ofMinutes(5));

    /** As the canonical constructor, with {@link #DEFAULT}'s timeout. */
    public Limits(long maxRows, long memoryBytes, int threads) {
      this(maxRows, memoryBytes, threads, Duration.ofMinutes(5));
    }

    /** The smallest memory limit the engine starts with. */
    public static final long MIN_MEMORY_BYTES = 16L << 20;

    /**
     * @throws IllegalArgumentException when a value is out of range (the message names it)
     */
    public Limits {
      if (maxRows < 1) {
        throw new IllegalArgumentException("maxRows must be at least 1, not " + maxRows);
      }
      if (memoryBytes < MIN_MEMORY_BYTES) {
        throw new IllegalArgumentException(
            "memoryBytes must be at least 16 MiB (" + MIN_MEMORY_BYTES + "), not " + memoryBytes);
      }
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1, not " + threads);
      }
      requireNonNull(timeout, "timeout is null");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("timeout must be zero or more, not " + timeout);
      }
    }
  }

  /** Which project a statement reads, given the projects it names. */
  @FunctionalInterface
  public interface ProjectChoice {
    /**
     * The project to read.
     *
     * @param named the projects the statement names with {@code project_id = '…'} in the conditions
     *     on its tables (empty when it names none)
     * @throws RuntimeException when the caller may not read them, or must name one
     */
    String project(Set<String> named);

    /**
     * The project to read, knowing also every project the statement compares {@code project_id}
     * with ({@code IN} lists and {@code OR}s included), so that a caller who may read several of
     * them can be told to name one rather than be answered for one of them only.
     *
     * @param listed the projects compared with {@code project_id} by {@code =} or {@code IN},
     *     anywhere in the conditions on its tables
     */
    default String project(Set<String> named, Set<String> listed) {
      return project(named);
    }
  }

  private final Supplier<Map<String, TableDefinition>> tables;
  private final TableScan scan;
  private final Limits limits;
  private DuckDbDatabase database;
  private BufferAllocator allocator;
  private java.util.concurrent.ScheduledExecutorService timeouts;

  /**
   * An engine over the catalog's table types and a reader of their rows.
   *
   * @param tables the table types, by name, at the time a statement starts
   */
  public SqlEngine(Supplier<Map<String, TableDefinition>> tables, TableScan scan, Limits limits) {
    this.tables = requireNonNull(tables, "tables is null");
    this.scan = requireNonNull(scan, "scan is null");
    this.limits = requireNonNull(limits, "limits is null");
  }

  /** Whether a statement is a query this engine runs (rather than DDL or {@code INSERT}). */
  public static boolean isQuery(String sql) {
    Matcher m = FIRST_WORD.matcher(sql);
    return m.find() && QUERIES.contains(m.group(1).toLowerCase(Locale.ROOT));
  }

  /**
   * Runs a query; the caller reads the result and must close it.
   *
   * @throws SqlException when the statement cannot run (the message says why)
   */
  public QueryResult query(String sql, ProjectChoice choice) {
    return query(sql, List.of(), choice);
  }

  /**
   * Runs a query with parameters ({@code $1}, {@code $2}, … or {@code ?}); the caller reads the
   * result and must close it.
   *
   * @param parameters the values of the parameters, in order: Java values ({@link String}, {@link
   *     Long}, {@link Double}, {@link Boolean}, {@link java.math.BigDecimal}, {@link
   *     java.time.Instant}, {@link java.time.LocalDate}, …) or null
   * @throws SqlException when the statement cannot run, or the parameters do not match it
   */
  public QueryResult query(String sql, List<?> parameters, ProjectChoice choice) {
    return query(sql, parameters, choice, new StatementCancel());
  }

  /**
   * As {@link #query(String, List, ProjectChoice)}, stopped by {@code cancel} from another thread:
   * while its rows are read, while the engine works on it, and while its result is read.
   *
   * @throws SqlException when the statement cannot run, or is cancelled ({@link
   *     io.lakestream.schema.ErrorKind#CANCELED})
   */
  public QueryResult query(
      String statement, List<?> parameters, ProjectChoice choice, StatementCancel cancel) {
    requireNonNull(statement, "sql is null");
    requireNonNull(choice, "choice is null");
    requireNonNull(parameters, "parameters is null");
    requireNonNull(cancel, "cancel is null");
    StatementLimits.checkQuery(statement);
    String sql = database().withoutPublicSchema(statement);
    if (limits.timeout().isZero()) {
      return run(narrow -> loaded(sql, parameters, choice, narrow, cancel), sql, parameters);
    }
    java.util.concurrent.ScheduledFuture<?> timeout =
        timeouts()
            .schedule(
                () -> cancel.timeOut(limits.timeout()),
                limits.timeout().toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
    try {
      QueryResult result =
          run(narrow -> loaded(sql, parameters, choice, narrow, cancel), sql, parameters);
      return new TimedResult(result, timeout);
    } catch (RuntimeException e) {
      timeout.cancel(false);
      throw e;
    }
  }

  /** A result whose statement's timeout ends when it is closed. */
  private record TimedResult(QueryResult result, java.util.concurrent.Future<?> timeout)
      implements QueryResult {
    @Override
    public List<ResultColumn> columns() {
      return result.columns();
    }

    @Override
    public boolean next() {
      return result.next();
    }

    @Override
    public Object value(int column) {
      return result.value(column);
    }

    @Override
    public String message() {
      return result.message();
    }

    @Override
    public long count() {
      return result.count();
    }

    @Override
    public ResultBatches batches(int batchRows) {
      return result.batches(batchRows);
    }

    @Override
    public void close() {
      timeout.cancel(false);
      result.close();
    }
  }

  /** The statements' timeouts: one daemon thread, made at the first statement. */
  private synchronized java.util.concurrent.ScheduledExecutorService timeouts() {
    if (timeouts == null) {
      java.util.concurrent.ScheduledThreadPoolExecutor executor =
          new java.util.concurrent.ScheduledThreadPoolExecutor(
              1,
              task -> {
                Thread thread = new Thread(task, "lakestream-sql-timeouts");
                thread.setDaemon(true);
                return thread;
              });
      // A statement that ends in time leaves nothing queued.
      executor.setRemoveOnCancelPolicy(true);
      timeouts = executor;
    }
    return timeouts;
  }

  /**
   * The columns a query returns, without reading any row: the statement runs over the table types'
   * empty tables (nothing is loaded, so nothing is scanned), with the given parameter values.
   *
   * @param parameters the values of the parameters (nulls when they are not bound yet)
   * @throws SqlException when the statement cannot run, or the parameters do not match it
   */
  public List<ResultColumn> describe(String statement, List<?> parameters) {
    requireNonNull(statement, "sql is null");
    requireNonNull(parameters, "parameters is null");
    StatementLimits.checkQuery(statement);
    String sql = database().withoutPublicSchema(statement);
    try (QueryResult result = run(narrow -> opened(sql, new StatementCancel()), sql, parameters)) {
      return result.columns();
    }
  }

  /**
   * Runs the statement in a session that {@code prepared} makes ready for it ({@code true}: views
   * of the columns the statement names only). When the engine fails the statement before its first
   * rows and DuckDB's JDBC driver loses the engine's error ({@link SqlErrors#lostEngineError}), the
   * statement runs once more, in a session made ready again (the failed one's rows went with its
   * transaction), to its end without streaming, which reports the engine's own error: only
   * statements that fail so pay for it, about the time they took. A statement that names a column
   * in a way its parse did not show, and so does not bind to narrowed views ({@link
   * DuckDbSession#narrowed}), runs again over views of every column.
   */
  private static QueryResult run(
      java.util.function.Function<Boolean, DuckDbSession> prepared,
      String sql,
      List<?> parameters) {
    DuckDbSession session = prepared.apply(true);
    try {
      return session.run(sql, parameters);
    } catch (SqlException e) {
      if (session.narrowed() && e.kind() == ErrorKind.UNDEFINED_COLUMN) {
        return run(narrow -> prepared.apply(false), sql, parameters);
      }
      if (!SqlErrors.lostEngineError(e)) {
        throw e;
      }
      throw prepared.apply(true).failure(sql, parameters).orElse(e);
    }
  }

  /** A session for the statement, which is one query, with the tables' empty tables. */
  private DuckDbSession opened(String sql, StatementCancel cancel) {
    if (cancel.cancelled()) {
      throw SqlErrors.canceled(cancel);
    }
    DuckDbSession session =
        DuckDbSession.open(database(), tables.get(), limits.maxRows(), allocator(), cancel);
    try {
      session.requireOneQuery(sql);
      return session;
    } catch (RuntimeException e) {
      session.closeQuietly();
      throw e;
    }
  }

  /**
   * A session for the statement holding the rows it reads, of the project {@code choice} says; the
   * tables' views hold the columns the statement names only when {@code narrow}.
   */
  private DuckDbSession loaded(
      String sql,
      List<?> parameters,
      ProjectChoice choice,
      boolean narrow,
      StatementCancel cancel) {
    DuckDbSession session = opened(sql, cancel);
    if (!narrow) {
      session.wholeViews();
    }
    try {
      if (!readsNoRows(sql)) {
        ScanNeeds needs = session.plan(sql, parameters);
        if (!needs.tables().isEmpty()) {
          String project = choice.project(needs.namedProjects(), needs.listedProjects());
          Optional<DuckDbSession> overFiles =
              session.readFiles(needs.tables().values(), project, scan);
          if (overFiles.isPresent()) {
            session = overFiles.get();
          } else {
            session.load(needs.tables().values(), project, scan);
          }
        }
      }
      return session;
    } catch (RuntimeException e) {
      session.closeQuietly();
      throw e;
    }
  }

  private synchronized DuckDbDatabase database() {
    if (database == null) {
      database = new DuckDbDatabase(limits.memoryBytes() + "B", limits.threads());
    }
    return database;
  }

  /** The memory of the Arrow batches that carry rows into the engine, made at the first query. */
  private synchronized BufferAllocator allocator() {
    if (allocator == null) {
      allocator = new RootAllocator();
    }
    return allocator;
  }

  /** Bytes of Arrow batches not yet released by the engine (0 between statements). */
  synchronized long batchBytes() {
    return allocator == null ? 0 : allocator.getAllocatedMemory();
  }

  /** Closes the engine's database; statements still running fail. */
  @Override
  public synchronized void close() {
    if (timeouts != null) {
      timeouts.shutdownNow();
      timeouts = null;
    }
    if (database != null) {
      database.close();
      database = null;
    }
    if (allocator != null) {
      allocator.close();
      allocator = null;
    }
  }

  private static boolean readsNoRows(String sql) {
    Matcher m = FIRST_WORD.matcher(sql);
    return m.find() && Set.of("show", "describe").contains(m.group(1).toLowerCase(Locale.ROOT));
  }
}

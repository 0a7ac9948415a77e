package io.lakestream.query.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.query.internal.AccessPolicy.Principal;
import io.lakestream.reader.QueryErrors;
import io.lakestream.reader.QueryException;
import io.lakestream.reader.RangeReader;
import io.lakestream.reader.ReadPlan;
import io.lakestream.reader.RowFormat;
import io.lakestream.reader.RowQuery;
import io.lakestream.reader.RowSink;
import io.lakestream.reader.RowWriter;
import io.lakestream.reader.TableId;
import io.lakestream.reader.TableSnapshot;
import io.lakestream.reader.TimestampStyle;
import io.lakestream.schema.ProjectIds;
import io.lakestream.tables.LiveTail;
import io.lakestream.tables.TableRegistry;
import io.lakestream.tables.TableRegistry.TableStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;

/**
 * What the HTTP routes and the SQL service read through: access checks, table lookups, range reads,
 * status. No HTTP here; the routes parse, call one of these, and render.
 */
public final class QueryService {
  private final TableRegistry tables;
  private final RangeReader reader;
  private final AccessPolicy access;
  private final ProjectRegistry projects;
  private final java.util.function.Predicate<String> registered;
  private final BufferAllocator allocator;
  private final QueryMetrics metrics;
  private final Supplier<Optional<LiveTail>> tail;
  private final Clock clock;

  /**
   * @param registered whether a project is registered in the catalog (it is known before it has a
   *     table here)
   * @param tail the live tail, once the role has started it; empty before, and when the role serves
   *     none
   */
  public QueryService(
      TableRegistry tables,
      RangeReader reader,
      AccessPolicy access,
      ProjectRegistry projects,
      java.util.function.Predicate<String> registered,
      BufferAllocator allocator,
      QueryMetrics metrics,
      Supplier<Optional<LiveTail>> tail,
      Clock clock) {
    this.tables = requireNonNull(tables, "tables is null");
    this.reader = requireNonNull(reader, "reader is null");
    this.access = requireNonNull(access, "access is null");
    this.projects = requireNonNull(projects, "projects is null");
    this.registered = requireNonNull(registered, "registered is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.tail = requireNonNull(tail, "tail is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * How far the live tail's reading of a table type is behind, in milliseconds; empty without the
   * live tail.
   */
  public OptionalLong tailLagMillis(String tableType) {
    return tail.get()
        .map(live -> OptionalLong.of(live.lagMillis(tableType)))
        .orElse(OptionalLong.empty());
  }

  /** The current time, milliseconds since the epoch. */
  public long nowMillis() {
    return clock.millis();
  }

  /**
   * The principal of an {@code Authorization} header value.
   *
   * @throws QueryException (unauthenticated) when missing or unknown
   */
  public Principal authenticate(String authorization) {
    return access.authenticate(authorization);
  }

  /**
   * The index of a project's table.
   *
   * @throws QueryException forbidden (the principal may not read the project), not found (no such
   *     project or table; checked after access, so that a token never learns about other projects),
   *     unavailable (the table is still loading, or its last poll failed: see {@link
   *     TableStatus#stale()})
   */
  public TableSnapshot snapshot(Principal principal, String project, String table) {
    TableStatus status = status(principal, project, table);
    if (status.stale()) {
      throw QueryErrors.tableNotServed(
          status.id(),
          status.snapshot().map(TableSnapshot::version).orElse(-2L),
          status.lastError().orElseThrow());
    }
    return status
        .snapshot()
        .orElseThrow(
            () ->
                QueryErrors.notReady(
                    "table " + status.id() + " is still loading its index; retry shortly"));
  }

  /** The state of a project's table; the same checks as {@link #snapshot}, loading included. */
  public TableStatus status(Principal principal, String projectId, String table) {
    String project = ProjectIds.normalize(projectId);
    access.checkProject(principal, project);
    TableId id = new TableId(project, table);
    Optional<TableStatus> status = tables.status(id);
    if (status.isEmpty()) {
      requireKnown(project);
      throw QueryErrors.unknownTable(project, table, tables.tablesOf(project));
    }
    return status.get();
  }

  /**
   * Checks that this sidecar knows the project (normalized): it is registered (in the catalog, or
   * with its own bucket), or has a table here. A project id that is none of these is most likely
   * mistyped, and reads as an error rather than as tables without rows.
   *
   * @throws QueryException (not found) when it is none of these
   */
  public void requireKnown(String project) {
    if (tables.tablesOf(project).isEmpty()
        && !registered.test(project)
        && projects.all().stream().noneMatch(r -> r.projectId().equals(project))) {
      throw QueryErrors.unknownProject(project);
    }
  }

  /**
   * Plans one page of a read (see {@link RangeReader#plan}).
   *
   * @throws QueryException (bad request) for a cursor of another read
   */
  public ReadPlan plan(TableSnapshot snapshot, RowQuery query) {
    return reader.plan(snapshot, query.range(), query.descending(), query.cursor(), query.limit());
  }

  /**
   * Reads a plan's rows, only {@code columns}, in the plan's order, into {@code sink} (see {@link
   * RangeReader#fetch}).
   *
   * @throws IOException when a file cannot be read
   */
  public void fetch(ReadPlan plan, List<String> columns, RowSink sink) throws IOException {
    reader.fetch(plan, columns, sink);
  }

  /**
   * A range's rows, only {@code columns}, as Arrow batches, files then the live tail, in no key
   * order, for the SQL engine (see {@link RangeReader#scan}).
   */
  public io.lakestream.reader.ArrowScan scan(
      TableSnapshot snapshot,
      io.lakestream.reader.KeyRange range,
      List<String> columns,
      java.util.Map<String, Object> equalities,
      org.apache.arrow.memory.BufferAllocator allocator) {
    return reader.scan(snapshot, range, columns, equalities, allocator);
  }

  /**
   * Of a range's rows as {@link #scan} gives them, the first {@code wanted} in key order that meet
   * {@code equalities} and every row sharing a key with them, read from the range's end (see {@link
   * RangeReader#scanFirst}).
   */
  public io.lakestream.reader.FirstRowsScan scanFirst(
      TableSnapshot snapshot,
      io.lakestream.reader.KeyRange range,
      List<String> columns,
      java.util.Map<String, Object> equalities,
      long wanted,
      boolean descending,
      org.apache.arrow.memory.BufferAllocator allocator) {
    return reader.scanFirst(snapshot, range, columns, equalities, wanted, descending, allocator);
  }

  /**
   * A range's live-tail rows only, as {@link #scan} gives them (see {@link RangeReader#scanTail}).
   */
  public io.lakestream.reader.ArrowScan scanTail(
      TableSnapshot snapshot,
      io.lakestream.reader.KeyRange range,
      List<String> columns,
      java.util.Map<String, Object> equalities,
      org.apache.arrow.memory.BufferAllocator allocator) {
    return reader.scanTail(snapshot, range, columns, equalities, allocator);
  }

  /**
   * Streams a plan's rows to {@code out} in {@code format}: begin, rows, end. Counts the rows
   * served.
   *
   * @throws IOException when the client goes away
   */
  public void stream(ReadPlan plan, RowQuery query, RowFormat format, OutputStream out)
      throws IOException {
    stream(plan, query, format, TimestampStyle.MICROS, out);
  }

  /** As {@link #stream(ReadPlan, RowQuery, RowFormat, OutputStream)}, timestamps as asked. */
  public void stream(
      ReadPlan plan, RowQuery query, RowFormat format, TimestampStyle timestamps, OutputStream out)
      throws IOException {
    RowWriter writer =
        RowWriter.create(
            format, timestamps, plan.snapshot().definition(), query.columns(), out, allocator);
    try {
      writer.begin();
      reader.fetch(plan, query.columns(), writer);
      writer.end();
    } finally {
      writer.close();
    }
    metrics.rowsServed(plan.snapshot().id().table(), format, plan.rowCount());
  }

  /** How many tables are served. */
  public int tableCount() {
    return tables.tables().size();
  }

  /**
   * Whether every table is loaded and caught up with its log, and the live tail (when served) has
   * read again the rows written before the sidecar started: a sidecar restarted then serves every
   * row it served before.
   */
  public boolean ready() {
    return tables.ready() && tailCaughtUp();
  }

  /** Whether the live tail, when served, has read the rows written before the sidecar started. */
  public boolean tailCaughtUp() {
    return tail.get().map(LiveTail::caughtUp).orElse(true);
  }

  /** The tables not loaded or not caught up. */
  public List<TableId> lagging() {
    return tables.lagging();
  }

  /** The tables whose last poll failed, with the reason. */
  public java.util.Map<TableId, String> failing() {
    return tables.failing();
  }
}

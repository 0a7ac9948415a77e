package io.lakestream.query.internal;

import io.lakestream.reader.RowFormat;
import io.lakestream.reader.TableId;
import io.lakestream.reader.TableSnapshot;
import io.lakestream.tables.TableRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The query role's meters: request timers per route, rows served, and per table index size, rows,
 * files and tail lag (seconds since the last commit the index reflects), plus the table count.
 */
public final class QueryMetrics {
  private final MeterRegistry registry;
  private final TableRegistry tables;
  private final Clock clock;

  public QueryMetrics(MeterRegistry registry, TableRegistry tables, Clock clock) {
    this.registry = registry;
    this.tables = tables;
    this.clock = clock;
    Gauge.builder("lakestream.query.tables", tables, t -> t.tables().size())
        .description("Tables discovered")
        .register(registry);
    Gauge.builder("lakestream.query.ready", tables, t -> t.ready() ? 1 : 0)
        .description("1 when every table is loaded and caught up")
        .register(registry);
  }

  /** Registers the gauges of a newly discovered table. */
  public void tableDiscovered(TableId id) {
    gauge(id, "lakestream.query.table.index.bytes", "Bytes of learned models", s -> s.indexBytes());
    gauge(id, "lakestream.query.table.rows", "Rows in live files", s -> s.rows());
    gauge(id, "lakestream.query.table.files", "Live data files", s -> s.fileCount());
    gauge(id, "lakestream.query.table.version", "Delta version served", s -> s.version());
    gauge(
        id,
        "lakestream.query.table.tail.lag.seconds",
        "Seconds since the last commit the index reflects",
        s ->
            s.commitTimestampMillis() == 0
                ? Double.NaN
                : (clock.millis() - s.commitTimestampMillis()) / 1000.0);
  }

  private void gauge(
      TableId id, String name, String description, ToDoubleFunction<TableSnapshot> value) {
    Gauge.builder(
            name,
            tables,
            t -> {
              Optional<TableSnapshot> snapshot = t.snapshot(id);
              return snapshot.isPresent() ? value.applyAsDouble(snapshot.get()) : Double.NaN;
            })
        .description(description)
        .tag("project", id.project())
        .tag("table", id.table())
        .register(registry);
  }

  /** Records one HTTP request. */
  public void request(String method, String route, int status, long nanos) {
    Timer.builder("lakestream.query.requests")
        .description("HTTP requests by route")
        .tag("method", method)
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .publishPercentiles(0.5, 0.99)
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Counts rows served by a read. */
  public void rowsServed(String table, RowFormat format, long rows) {
    Counter.builder("lakestream.query.rows.served")
        .description("Rows served by range and point reads")
        .tag("table", table)
        .tag("format", format.parameter())
        .register(registry)
        .increment(rows);
  }

  /** Counts rows read from a table for the SQL engine (its scans through the learned index). */
  public void sqlRowsRead(String table, long rows) {
    Counter.builder("lakestream.query.sql.rows.read")
        .description("Rows read from tables for SQL statements")
        .tag("table", table)
        .register(registry)
        .increment(rows);
  }

  /**
   * Counts a table scan of a SQL statement answered by the engine's own read of the table's Parquet
   * files ({@code query.sql.file.scan.min.rows}) rather than through the index.
   */
  public void sqlFileScan(String table) {
    Counter.builder("lakestream.query.sql.file.scans")
        .description("Table scans of SQL statements read by the engine from the Parquet files")
        .tag("table", table)
        .register(registry)
        .increment();
  }

  /** The registry the meters are in. */
  public MeterRegistry registry() {
    return registry;
  }
}

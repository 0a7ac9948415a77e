package io.lakestream.maintenance;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Maintenance's meters, named {@code lakestream.maintenance.*} (Prometheus: {@code
 * lakestream_maintenance_*_total}), tagged by table type where it applies (not by project: projects
 * are unbounded).
 */
final class MaintenanceMetrics {
  private final MeterRegistry registry;

  MaintenanceMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void record(TableReport report) {
    String table = report.table();
    count(
        "lakestream.maintenance.bytes.rewritten",
        table,
        report.bytesRewritten(),
        "Bytes of small files merged into larger ones by compaction");
    count(
        "lakestream.maintenance.files.rewritten",
        table,
        report.filesRewritten(),
        "Small files merged into larger ones by compaction");
    count(
        "lakestream.maintenance.files.written",
        table,
        report.filesWritten(),
        "Files written by compaction");
    count(
        "lakestream.maintenance.rows.rewritten",
        table,
        report.rowsRewritten(),
        "Rows written again by compaction");
    count(
        "lakestream.maintenance.files.removed",
        table,
        report.filesDeleted(),
        "Data files deleted by vacuum");
    count(
        "lakestream.maintenance.bytes.removed",
        table,
        report.bytesDeleted(),
        "Bytes of data files deleted by vacuum");
    count(
        "lakestream.maintenance.log.files.removed",
        table,
        report.logFilesDeleted(),
        "Expired Delta log entries deleted");
    count(
        "lakestream.maintenance.rows.expired",
        table,
        report.rowsExpired(),
        "Rows removed by retention");
    if (!report.note().isEmpty()) {
      count(
          report.failed() ? "lakestream.maintenance.failures" : "lakestream.maintenance.skips",
          table,
          1,
          report.failed()
              ? "Tables whose maintenance failed (see the log)"
              : "Compactions skipped for a concurrent commit");
    }
    Timer.builder("lakestream.maintenance.table.duration")
        .description("Time to maintain one table")
        .tag("table", table)
        .register(registry)
        .record(report.millis(), TimeUnit.MILLISECONDS);
  }

  private void count(String name, String table, double amount, String description) {
    Counter counter =
        Counter.builder(name).description(description).tag("table", table).register(registry);
    if (amount > 0) {
      counter.increment(amount);
    }
  }
}

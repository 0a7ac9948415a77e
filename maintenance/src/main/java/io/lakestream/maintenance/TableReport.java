package io.lakestream.maintenance;

import java.util.Locale;
import java.util.Optional;

/**
 * What one maintenance pass did to one table.
 *
 * @param project the project
 * @param table the table type
 * @param filesBefore live data files before the pass
 * @param filesAfter live data files after it
 * @param bytesBefore bytes of the live data files before the pass
 * @param bytesAfter bytes of the live data files after it
 * @param filesRewritten small files merged into new ones
 * @param filesWritten new files written by compaction
 * @param rowsRewritten rows in the new files
 * @param bytesRewritten bytes of the small files merged
 * @param filesDeleted data files deleted by vacuum (removed or orphaned more than the grace ago)
 * @param bytesDeleted their bytes
 * @param logFilesDeleted expired log entries deleted
 * @param rowsExpired rows removed by retention
 * @param millis how long the pass took on this table
 * @param note empty when all went well; otherwise why part of the work was skipped or failed
 * @param version the table's version the pass planned on (as it first loaded the log); -1 when not
 *     known: a commit after it brings a full turn to a quiet table
 * @param bucket the project's own bucket the table lives in; empty for the warehouse's tables
 */
public record TableReport(
    String project,
    String table,
    int filesBefore,
    int filesAfter,
    long bytesBefore,
    long bytesAfter,
    int filesRewritten,
    int filesWritten,
    long rowsRewritten,
    long bytesRewritten,
    int filesDeleted,
    long bytesDeleted,
    int logFilesDeleted,
    long rowsExpired,
    long millis,
    String note,
    long version,
    Optional<String> bucket) {

  /** Whether the pass found nothing to do: no rewrite, no deletion, no expiry, no note. */
  public boolean idle() {
    return filesRewritten == 0
        && filesDeleted == 0
        && logFilesDeleted == 0
        && rowsExpired == 0
        && note.isEmpty()
        && version >= 0;
  }

  /** Whether the pass failed on this table. */
  public boolean failed() {
    return note.startsWith("failed");
  }

  /**
   * One line for people: {@code acme/events: files 763 → 1, 4.1 MiB → 1.2 MiB; compacted 763 files
   * (30000 rows) into 1; vacuum deleted 0 files (0 B); rows expired 0; 812 ms}.
   */
  public String summary() {
    String line =
        String.format(
            Locale.ROOT,
            "%s/%s%s: files %d → %d, %s → %s; compacted %d files (%d rows) into %d; vacuum deleted"
                + " %d files (%s), %d log entries; rows expired %d; %d ms",
            project,
            table,
            bucket.map(b -> " (bucket " + b + ")").orElse(""),
            filesBefore,
            filesAfter,
            bytes(bytesBefore),
            bytes(bytesAfter),
            filesRewritten,
            rowsRewritten,
            filesWritten,
            filesDeleted,
            bytes(bytesDeleted),
            logFilesDeleted,
            rowsExpired,
            millis);
    return note.isEmpty() ? line : line + "; " + note;
  }

  /** {@code 1536} → {@code 1.5 KiB}. */
  static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}

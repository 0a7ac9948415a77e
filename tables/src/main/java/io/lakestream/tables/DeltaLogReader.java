package io.lakestream.tables;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every read of a Delta log goes through this interface, so that moving from Delta Standalone
 * (deprecated upstream) to Delta Kernel touches one implementation ({@code
 * internal.StandaloneDeltaLogReader}).
 */
public interface DeltaLogReader {
  /**
   * The log of the table at {@code tablePath} (a Hadoop path such as {@code file:/w/projects/a/t}
   * or {@code s3a://bucket/prefix/projects/a/t}). Opening reads nothing.
   */
  TableLog open(String tablePath);

  /** One table's log. Used by one thread at a time. */
  interface TableLog {
    /**
     * The latest snapshot: its version, the timestamp of its last commit and its live files.
     * Version -1 (no files) when the table has no commit yet.
     *
     * @throws RuntimeException when the log cannot be read
     */
    default LogSnapshot snapshot() {
      return snapshot(java.util.Set.of());
    }

    /**
     * As {@link #snapshot()}, with the table's transaction versions (Delta {@code txn}) of {@code
     * appIds} at the same version: for Lakestream's writer, per source partition {@code
     * <topic>-<partition>}, the highest source offset committed; -1 for an appId without one.
     *
     * @throws RuntimeException when the log cannot be read
     */
    LogSnapshot snapshot(java.util.Set<String> appIds);

    /**
     * Whether the log holds commit {@code version} (its file {@code <version>.json}, the version
     * zero-padded to 20 digits): one existence check, whatever the log's length. A cheap check of
     * whether a table moved on since {@code version - 1}: Delta writes its commits one after the
     * other, and removes old ones only behind a checkpoint and after a retention period, so a table
     * at version N has moved on exactly when commit N+1 exists (then read forward with {@link
     * #commitsAfter}, which reports a cleaned-up log as a {@link LogGapException}).
     *
     * @throws RuntimeException when the log cannot be reached
     */
    boolean hasCommit(long version);

    /**
     * The commits after {@code version}, oldest first; empty when there is none.
     *
     * @throws LogGapException when some of those commits are no longer in the log (cleaned up):
     *     read a {@link #snapshot()} instead
     */
    List<LogCommit> commitsAfter(long version);

    /**
     * The table's schema as Delta writes it in its metadata (JSON); empty when the table has no
     * commit yet.
     *
     * @throws RuntimeException when the log cannot be read
     */
    Optional<String> schemaJson();
  }

  /**
   * A data file as an AddFile records it.
   *
   * @param path the AddFile path: relative to the table folder (URL-encoded) or absolute
   * @param sizeBytes the file's length
   * @param modificationTime when it was written, milliseconds since the epoch
   * @param stats the statistics JSON (numRecords, minValues, maxValues, nullCount), or null
   * @param tags the AddFile tags, e.g. the learned model of the key column
   */
  record LogFile(
      String path, long sizeBytes, long modificationTime, String stats, Map<String, String> tags) {
    public LogFile {
      requireNonNull(path, "path is null");
      tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
  }

  /**
   * A table state.
   *
   * @param version the log version, -1 for a table without commits
   * @param timestampMillis when that version was committed, 0 if unknown
   * @param files the live data files
   * @param transactions the transaction versions asked for, by appId (-1: none)
   */
  record LogSnapshot(
      long version, long timestampMillis, List<LogFile> files, Map<String, Long> transactions) {
    public LogSnapshot {
      files = List.copyOf(files);
      transactions = Map.copyOf(transactions);
    }
  }

  /**
   * One commit's file changes.
   *
   * @param version the commit's version
   * @param timestampMillis when it was committed
   * @param added files added
   * @param removed paths of files removed (as their AddFile recorded them)
   * @param transactions the transaction versions the commit sets, by appId (Delta {@code txn})
   */
  record LogCommit(
      long version,
      long timestampMillis,
      List<LogFile> added,
      List<String> removed,
      Map<String, Long> transactions) {
    public LogCommit {
      added = List.copyOf(added);
      removed = List.copyOf(removed);
      transactions = Map.copyOf(transactions);
    }
  }

  /** Some commits after a version are gone from the log; the caller must reload a snapshot. */
  final class LogGapException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LogGapException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}

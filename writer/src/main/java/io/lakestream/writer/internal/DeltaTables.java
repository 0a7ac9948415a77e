package io.lakestream.writer.internal;

import io.lakestream.schema.TableDefinition;
import java.util.List;
import java.util.Map;

/**
 * Every Delta call of the writer goes through this interface, so that moving from Delta Standalone
 * (deprecated) to Delta Kernel touches one implementation.
 */
public interface DeltaTables {
  /**
   * The table of {@code definition} for {@code project}, at {@code {warehouse}/projects/{project}/
   * {table}}. Opening may read nothing yet: failures to read the log surface from the first call
   * that needs it. The table is created by its first commit (metadata, protocol, files and txn in
   * one commit).
   *
   * @throws io.lakestream.writer.WriterException naming the table when the log cannot be read
   */
  Table open(String project, TableDefinition definition);

  /**
   * One Delta table, flushed by one thread at a time; {@link #refresh} may be called from another
   * thread meanwhile.
   */
  interface Table {
    String project();

    TableDefinition definition();

    /** The table folder, e.g. {@code s3a://bucket/prefix/projects/acme/events}. */
    String path();

    /**
     * The highest source offset recorded for {@code appId} ({@code <topic>-<partition>}) in the
     * table as last read, or -1. The log is read on the first call after {@link #refresh}.
     */
    long transactionVersion(String appId);

    /** Makes the next {@link #transactionVersion} read the latest log. */
    void refresh();

    /**
     * Commits the files together with one {@code txn} action per source partition, version = the
     * range's last offset, provided that no source range overlaps what the table already holds.
     *
     * <p>Atomic: either the files and all the transaction versions are in the log or none are. When
     * the outcome is unknown (storage error after the request was sent), this throws; calling again
     * then returns {@link Conflict} if the first call had in fact committed.
     *
     * @param sources per {@code appId}, the first and last source offset among the files' rows
     * @return {@link Committed}, or {@link Conflict} with the table's current versions when another
     *     writer has written some of these source offsets (nothing is committed then)
     * @throws io.lakestream.writer.WriterException when storage fails
     */
    CommitOutcome commit(List<DataFile> files, Map<String, SourceRange> sources);
  }

  /** The source offsets of one source partition in a commit, inclusive. */
  record SourceRange(long first, long last) {
    public SourceRange {
      if (first > last) {
        throw new IllegalArgumentException("first " + first + " > last " + last);
      }
    }

    public SourceRange include(long offset) {
      return new SourceRange(Math.min(first, offset), Math.max(last, offset));
    }
  }

  /** What a commit did. */
  sealed interface CommitOutcome permits Committed, Conflict {}

  /** The files and transaction versions are in the table at {@code version}. */
  record Committed(long version) implements CommitOutcome {}

  /**
   * Nothing was committed: another writer already wrote some of the source offsets, or changed the
   * table concurrently.
   *
   * @param versions the table's current version per {@code appId} of the attempted commit
   */
  record Conflict(Map<String, Long> versions, String reason) implements CommitOutcome {}
}

package io.lakestream.maintenance.internal;

import static java.util.Objects.requireNonNull;

import io.delta.standalone.DeltaLog;
import io.delta.standalone.Operation;
import io.delta.standalone.OptimisticTransaction;
import io.delta.standalone.Snapshot;
import io.delta.standalone.actions.Action;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.exceptions.DeltaConcurrentModificationException;
import io.lakestream.schema.TableDefinition;
import io.lakestream.writer.KeyModelEncoder;
import io.lakestream.writer.internal.DataFile;
import io.lakestream.writer.internal.DataFileWriter;
import io.lakestream.writer.internal.StandaloneDeltaTables;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts one Delta table: its small sorted files are merged by primary key into files of about
 * the target size, with fresh statistics and key models, and one commit removes the old files and
 * adds the new ones, both with {@code dataChange=false}, and no {@code txn} action (the writers'
 * watermarks are untouched).
 *
 * <p>Plan: the live files below the target that carry the writer's key range tags (so are sorted by
 * key), in the order of their smallest key, cut into groups of about the target size; each group of
 * two files or more becomes one new file. At most {@code maxRewriteBytes} of input per call.
 *
 * <p>Atomicity: the transaction is started before planning, so Delta's conflict check covers
 * everything committed while the files are written. Appends by live writers do not conflict (the
 * transaction reads no predicate); a concurrent commit that removed one of the inputs does, and
 * then nothing is committed, the new files are deleted and {@link Outcome#CONFLICT} returned. A
 * failure while committing leaves the outcome unknown: the new files stay, and are deleted by
 * vacuum if they are in no commit.
 *
 * <p>A committed compaction is announced on {@code lakestream.commits} ({@link Announcements}), so
 * that the query sidecar swaps the files in its index without reading the log.
 */
public final class Compaction {
  private static final Logger LOG = LoggerFactory.getLogger(Compaction.class);

  /** The engine named in the commits of maintenance. */
  public static final String ENGINE_INFO = "Lakestream-maintenance/0.1.0";

  /** What a compaction did. */
  public enum Outcome {
    /** Nothing needed compacting. */
    NOTHING_TO_DO,
    /** The commit is in the log. */
    COMMITTED,
    /** A concurrent commit removed an input; nothing was committed. */
    CONFLICT
  }

  /**
   * What a compaction found and did.
   *
   * @param version the table's version after the compaction (its read version when nothing was
   *     committed)
   */
  public record Result(
      Outcome outcome,
      long version,
      int filesBefore,
      long bytesBefore,
      int filesAfter,
      long bytesAfter,
      int filesRewritten,
      int filesWritten,
      long rowsRewritten,
      long bytesRewritten,
      int smallFilesLeft) {}

  /** A hook at the moment the new files are written and not yet committed; for crash tests. */
  @FunctionalInterface
  public interface BeforeCommit {
    BeforeCommit NONE = (project, table, files) -> {};

    void filesWritten(String project, String table, List<String> files);
  }

  private final Configuration conf;
  private final long targetFileBytes;
  private final long maxRewriteBytes;
  private final String compression;
  private final BeforeCommit beforeCommit;
  private final Announcements announcements;

  public Compaction(
      Configuration conf,
      long targetFileBytes,
      long maxRewriteBytes,
      String compression,
      BeforeCommit beforeCommit,
      Announcements announcements) {
    this.conf = requireNonNull(conf, "conf is null");
    this.targetFileBytes = targetFileBytes;
    this.maxRewriteBytes = maxRewriteBytes;
    this.compression = requireNonNull(compression, "compression is null");
    this.beforeCommit = requireNonNull(beforeCommit, "beforeCommit is null");
    this.announcements = requireNonNull(announcements, "announcements is null");
  }

  /**
   * Compacts the table at {@code root}.
   *
   * @throws IOException when a data file cannot be read or written (the new files are deleted)
   * @throws RuntimeException when Delta fails; the outcome of the commit may then be unknown
   */
  public Result compact(String project, TableDefinition table, Path root, DeltaLog log)
      throws IOException {
    OptimisticTransaction txn = log.startTransaction();
    long readVersion = txn.readVersion();
    Snapshot snapshot = log.snapshot();
    if (snapshot.getVersion() != readVersion) {
      snapshot = log.getSnapshotForVersionAsOf(readVersion);
    }
    List<AddFile> files = snapshot.getAllFiles();
    long bytesBefore = files.stream().mapToLong(AddFile::getSize).sum();
    List<AddFile> small = new ArrayList<>();
    for (AddFile file : files) {
      if (file.getSize() < targetFileBytes
          && isSorted(file)
          && file.getPartitionValues().isEmpty()) {
        small.add(file);
      }
    }
    small.sort(Comparator.comparingLong(Compaction::minKey).thenComparing(AddFile::getPath));
    List<List<AddFile>> groups = plan(small);
    int rewritten = groups.stream().mapToInt(List::size).sum();
    if (groups.isEmpty()) {
      return new Result(
          Outcome.NOTHING_TO_DO,
          readVersion,
          files.size(),
          bytesBefore,
          files.size(),
          bytesBefore,
          0,
          0,
          0,
          0,
          small.size());
    }
    DataFileWriter writer = new DataFileWriter(table, conf, compression, KeyModelEncoder.learned());
    List<DataFile> written = new ArrayList<>();
    long rows = 0;
    long inputBytes = 0;
    try {
      for (List<AddFile> group : groups) {
        DataFile file = merge(writer, table, root, group);
        written.add(file);
        rows += file.numRecords();
        inputBytes += group.stream().mapToLong(AddFile::getSize).sum();
      }
    } catch (IOException | RuntimeException e) {
      deleteQuietly(root, written);
      throw e;
    }
    beforeCommit.filesWritten(project, table.name(), written.stream().map(DataFile::path).toList());
    long now = System.currentTimeMillis();
    List<Action> actions = new ArrayList<>();
    List<AddFile> removed = new ArrayList<>(rewritten);
    for (List<AddFile> group : groups) {
      for (AddFile file : group) {
        actions.add(file.remove(now, false));
        removed.add(file);
      }
    }
    for (DataFile file : written) {
      actions.add(
          new AddFile(
              file.path(),
              Map.of(),
              file.sizeBytes(),
              file.modificationTime(),
              false,
              StandaloneDeltaTables.quotedJson(file.statsJson()),
              file.tags()));
    }
    long version;
    try {
      version =
          txn.commit(
                  actions,
                  new Operation(
                      Operation.Name.MANUAL_UPDATE,
                      Map.of("operation", "\"compaction\""),
                      Map.of(),
                      Optional.of("lakestream compaction")),
                  ENGINE_INFO)
              .getVersion();
    } catch (DeltaConcurrentModificationException e) {
      LOG.info(
          "Compaction of {}/{} skipped: a concurrent commit conflicts ({})",
          project,
          table.name(),
          e.getMessage());
      deleteQuietly(root, written);
      return new Result(
          Outcome.CONFLICT,
          readVersion,
          files.size(),
          bytesBefore,
          files.size(),
          bytesBefore,
          0,
          0,
          0,
          0,
          small.size());
    }
    announcements.announce(project, table.name(), root, log, snapshot, version, written, removed);
    long bytesWritten = written.stream().mapToLong(DataFile::sizeBytes).sum();
    return new Result(
        Outcome.COMMITTED,
        version,
        files.size(),
        bytesBefore,
        files.size() - rewritten + written.size(),
        bytesBefore - inputBytes + bytesWritten,
        rewritten,
        written.size(),
        rows,
        inputBytes,
        small.size() - rewritten);
  }

  /** Groups of consecutive small files of about the target size; groups of one file are left. */
  private List<List<AddFile>> plan(List<AddFile> small) {
    List<List<AddFile>> groups = new ArrayList<>();
    List<AddFile> group = new ArrayList<>();
    long groupBytes = 0;
    long planned = 0;
    for (AddFile file : small) {
      if (planned + groupBytes + file.getSize() > maxRewriteBytes) {
        break;
      }
      group.add(file);
      groupBytes += file.getSize();
      if (groupBytes >= targetFileBytes) {
        planned += close(groups, group);
        group = new ArrayList<>();
        groupBytes = 0;
      }
    }
    close(groups, group);
    return groups;
  }

  private static long close(List<List<AddFile>> groups, List<AddFile> group) {
    if (group.size() < 2) {
      return 0;
    }
    groups.add(group);
    return group.stream().mapToLong(AddFile::getSize).sum();
  }

  private DataFile merge(
      DataFileWriter writer, TableDefinition table, Path root, List<AddFile> group)
      throws IOException {
    List<SortedFileMerge.Input> inputs = new ArrayList<>();
    long expectedRows = 0;
    boolean counted = true;
    for (AddFile file : group) {
      inputs.add(new SortedFileMerge.Input(dataPath(root, file.getPath()), minKey(file)));
      long rows = Statistics.numRecords(file.getStats());
      counted &= rows >= 0;
      expectedRows += rows;
    }
    try (SortedFileMerge merge = new SortedFileMerge(inputs, table, conf)) {
      DataFile file = writer.write(root, writer.newFileName(), merge, merge::keyOf);
      if (counted && file.numRecords() != expectedRows) {
        throw new IllegalStateException(
            "merged "
                + file.numRecords()
                + " rows but the statistics of the "
                + group.size()
                + " input files say "
                + expectedRows);
      }
      return file;
    }
  }

  /** A data file's path: AddFile paths are URIs relative to the table folder, or absolute. */
  public static Path dataPath(Path root, String addFilePath) {
    Path path = new Path(java.net.URI.create(addFilePath));
    return path.isAbsolute() ? path : new Path(root, path);
  }

  private static boolean isSorted(AddFile file) {
    Map<String, String> tags = file.getTags();
    return tags != null
        && tags.containsKey(DataFileWriter.MIN_KEY_TAG)
        && tags.containsKey(DataFileWriter.MAX_KEY_TAG);
  }

  private static long minKey(AddFile file) {
    return Long.parseLong(file.getTags().get(DataFileWriter.MIN_KEY_TAG));
  }

  private void deleteQuietly(Path root, List<DataFile> files) {
    deleteQuietly(conf, root, files);
  }

  /** Deletes files that are in no commit; a failure is logged (vacuum deletes them later). */
  static void deleteQuietly(Configuration conf, Path root, List<DataFile> files) {
    for (DataFile file : files) {
      try {
        FileSystem fs = root.getFileSystem(conf);
        fs.delete(new Path(root, file.path()), false);
      } catch (IOException | RuntimeException e) {
        LOG.warn(
            "Cannot delete uncommitted file {} (vacuum will): {}", file.path(), e.getMessage());
      }
    }
  }
}

package io.lakestream.maintenance.internal;

import static java.util.Objects.requireNonNull;

import io.delta.standalone.DeltaLog;
import io.delta.standalone.Snapshot;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.actions.RemoveFile;
import io.delta.standalone.internal.DeltaLogImpl;
import io.delta.standalone.internal.SnapshotImpl;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the data files of a Delta table that no reader can need any more, and keeps its log
 * short.
 *
 * <p>A file in the table folder is deleted when all of these hold: the current snapshot does not
 * reference it; it is not a file removed from the log less than {@code grace} ago (a reader holding
 * an older snapshot may still read it); and it was last modified more than {@code grace} ago (a
 * file a writer has just uploaded and is about to commit is left alone). So files removed by a
 * compaction go {@code grace} after the compaction, and orphans (uploaded, never committed: a crash
 * between the upload and the commit) {@code grace} after their upload. Folders and files whose name
 * starts with {@code _} or {@code .} ({@code _delta_log}, checksums) are never listed as data.
 *
 * <p>Log cleanup: when commits were made since the last checkpoint, a checkpoint is written, and
 * log entries older than the table's {@code delta.logRetentionDuration} that precede a checkpoint
 * are deleted (Delta Standalone's own cleanup, as writers run it after their checkpoints).
 */
public final class Vacuum {
  private static final Logger LOG = LoggerFactory.getLogger(Vacuum.class);

  /** What a vacuum deleted. */
  public record Result(int filesDeleted, long bytesDeleted, int logFilesDeleted) {}

  private final Configuration conf;

  public Vacuum(Configuration conf) {
    this.conf = requireNonNull(conf, "conf is null");
  }

  /**
   * Vacuums the table at {@code root}.
   *
   * @param nowMillis the current time, ms since the epoch
   * @param graceMillis how long removed and uncommitted files are kept
   * @throws IOException when listing or deleting fails (files deleted so far stay deleted)
   */
  public Result vacuum(Path root, DeltaLog log, long nowMillis, long graceMillis)
      throws IOException {
    Snapshot snapshot = log.update();
    if (snapshot.getVersion() < 0) {
      return new Result(0, 0, 0);
    }
    FileSystem fs = root.getFileSystem(conf);
    long threshold = nowMillis - graceMillis;
    Set<Path> keep = new HashSet<>();
    for (AddFile file : snapshot.getAllFiles()) {
      keep.add(fs.makeQualified(Compaction.dataPath(root, file.getPath())));
    }
    if (snapshot instanceof SnapshotImpl impl) {
      for (RemoveFile removed : scala.jdk.javaapi.CollectionConverters.asJava(impl.tombstones())) {
        long removedAt = removed.getDeletionTimestamp().orElse(Long.MAX_VALUE);
        if (removedAt > threshold) {
          keep.add(fs.makeQualified(Compaction.dataPath(root, removed.getPath())));
        }
      }
    } else {
      throw new IllegalStateException("cannot read the removed files of " + root);
    }
    int deleted = 0;
    long bytes = 0;
    Deque<Path> folders = new ArrayDeque<>();
    folders.add(root);
    while (!folders.isEmpty()) {
      for (FileStatus status : fs.listStatus(folders.poll())) {
        String name = status.getPath().getName();
        if (name.startsWith("_") || name.startsWith(".")) {
          continue;
        }
        if (status.isDirectory()) {
          folders.add(status.getPath());
        } else if (status.getModificationTime() < threshold
            && !keep.contains(fs.makeQualified(status.getPath()))) {
          if (fs.delete(status.getPath(), false)) {
            deleted++;
            bytes += status.getLen();
          }
        }
      }
    }
    int logFiles = cleanUpLog(log, snapshot, fs);
    if (deleted > 0 || logFiles > 0) {
      LOG.info(
          "Vacuumed {}: {} data files ({} bytes), {} log files", root, deleted, bytes, logFiles);
    }
    return new Result(deleted, bytes, logFiles);
  }

  /** Checkpoints when commits were made since the last one, then deletes expired log entries. */
  private int cleanUpLog(DeltaLog log, Snapshot snapshot, FileSystem fs) throws IOException {
    if (!(log instanceof DeltaLogImpl impl)) {
      return 0;
    }
    Path logFolder = new Path(log.getPath(), "_delta_log");
    int before = commitFiles(fs, logFolder);
    long lastCheckpoint =
        impl.lastCheckpoint().isDefined() ? impl.lastCheckpoint().get().version() : -1;
    if (lastCheckpoint < snapshot.getVersion()) {
      try {
        impl.checkpoint();
      } catch (Exception e) {
        if (!writtenMeanwhile(e)) {
          throw e;
        }
        // A writer checkpointed the same version between the two (it writes the checkpoint, then
        // _last_checkpoint): the table has that checkpoint either way.
        LOG.debug("{}: the checkpoint of its latest version was written meanwhile", log.getPath());
      }
    }
    if (impl.enableExpiredLogCleanup()) {
      impl.cleanUpExpiredLogs();
    }
    return Math.max(0, before - commitFiles(fs, logFolder));
  }

  /** Whether a checkpoint failed because that version's checkpoint file exists. */
  private static boolean writtenMeanwhile(Throwable failure) {
    for (Throwable e = failure; e != null; e = e.getCause()) {
      if (e instanceof org.apache.hadoop.fs.FileAlreadyExistsException
          || e instanceof java.nio.file.FileAlreadyExistsException) {
        return true;
      }
    }
    return false;
  }

  private static int commitFiles(FileSystem fs, Path logFolder) throws IOException {
    int count = 0;
    for (FileStatus status : fs.listStatus(logFolder)) {
      if (status.getPath().getName().endsWith(".json")) {
        count++;
      }
    }
    return count;
  }
}

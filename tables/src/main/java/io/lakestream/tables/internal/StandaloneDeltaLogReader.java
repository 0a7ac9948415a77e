package io.lakestream.tables.internal;

import static java.util.Objects.requireNonNull;

import io.delta.standalone.DeltaLog;
import io.delta.standalone.OptimisticTransaction;
import io.delta.standalone.Snapshot;
import io.delta.standalone.VersionLog;
import io.delta.standalone.actions.Action;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.actions.CommitInfo;
import io.delta.standalone.actions.RemoveFile;
import io.delta.standalone.actions.SetTransaction;
import io.lakestream.schema.SourceCoordinates;
import io.lakestream.storage.DeltaLogConf;
import io.lakestream.tables.DeltaLogReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * {@link DeltaLogReader} on Delta Standalone 3.3, except a table's latest snapshot without
 * transaction versions (every table's load when a sidecar starts), which Delta Kernel reads in a
 * fraction of the time ({@link KernelSnapshots}). A table's Standalone log object is made only when
 * it is needed: for its new commits, its transaction versions or its schema.
 */
public final class StandaloneDeltaLogReader implements DeltaLogReader {
  private final Configuration conf;
  private final KernelSnapshots snapshots;

  public StandaloneDeltaLogReader(Configuration conf) {
    this.conf = requireNonNull(conf, "conf is null");
    this.snapshots = new KernelSnapshots(conf);
  }

  @Override
  public TableLog open(String tablePath) {
    return new StandaloneTableLog(new Path(tablePath));
  }

  private final class StandaloneTableLog implements TableLog {
    private final Path path;
    private DeltaLog log;

    StandaloneTableLog(Path path) {
      this.path = path;
    }

    private DeltaLog log() {
      if (log == null) {
        log = DeltaLog.forTable(DeltaLogConf.forTable(conf, path), path);
      }
      return log;
    }

    @Override
    public LogSnapshot snapshot(Set<String> appIds) {
      Map<String, Long> transactions = new HashMap<>();
      if (log == null && !logFolderExists()) {
        // A table seen first in the live tail, before its first commit: no Delta log object (its
        // set-up costs milliseconds, a thousand new tables seconds) until there is a log to read.
        appIds.forEach(appId -> transactions.put(appId, -1L));
        return new LogSnapshot(-1, 0, List.of(), transactions);
      }
      if (appIds.isEmpty()) {
        return snapshots.latest(path);
      }
      Snapshot snapshot = log().update();
      long version = snapshot.getVersion();
      if (version < 0) {
        appIds.forEach(appId -> transactions.put(appId, -1L));
        return new LogSnapshot(-1, 0, List.of(), transactions);
      }
      if (!appIds.isEmpty()) {
        // a transaction starts on the snapshot update() just read: the same version
        OptimisticTransaction transaction = log().startTransaction();
        for (String appId : appIds) {
          transactions.put(appId, transaction.txnVersion(appId));
        }
      }
      List<LogFile> files = new ArrayList<>();
      for (AddFile add : snapshot.getAllFiles()) {
        files.add(toLogFile(add));
      }
      return new LogSnapshot(version, commitTimestamp(version), files, transactions);
    }

    private boolean logFolderExists() {
      Path logFolder = new Path(path, "_delta_log");
      try {
        return logFolder.getFileSystem(conf).exists(logFolder);
      } catch (IOException e) {
        return true; // let the Delta log report what is wrong
      }
    }

    @Override
    public Optional<String> schemaJson() {
      Snapshot snapshot = log().update();
      if (snapshot.getVersion() < 0 || snapshot.getMetadata().getSchema() == null) {
        return Optional.empty();
      }
      return Optional.of(snapshot.getMetadata().getSchema().toJson());
    }

    private long commitTimestamp(long version) {
      try {
        CommitInfo info = log().getCommitInfoAt(version);
        return info == null || info.getTimestamp() == null ? 0 : info.getTimestamp().getTime();
      } catch (RuntimeException e) {
        return 0; // the commit file may be gone once a checkpoint covers it
      }
    }

    @Override
    @SuppressWarnings("deprecation") // isFile: on S3A one HEAD, where getFileStatus adds a LIST
    public boolean hasCommit(long version) {
      Path commit = new Path(new Path(path, "_delta_log"), String.format("%020d.json", version));
      try {
        return commit.getFileSystem(conf).isFile(commit);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot look for " + commit + ": " + e.getMessage(), e);
      }
    }

    @Override
    public List<LogCommit> commitsAfter(long version) {
      Iterator<VersionLog> changes;
      try {
        changes = log().getChanges(version + 1, true);
      } catch (IllegalStateException e) {
        throw new LogGapException("commits after " + version + " of " + path + " are gone", e);
      }
      List<LogCommit> commits = new ArrayList<>();
      long expected = version + 1;
      while (changes.hasNext()) {
        VersionLog entry;
        try {
          entry = changes.next();
        } catch (IllegalStateException e) {
          throw new LogGapException("commits after " + version + " of " + path + " are gone", e);
        }
        if (entry.getVersion() != expected) {
          throw new LogGapException(
              "expected commit " + expected + " of " + path + " but read " + entry.getVersion(),
              null);
        }
        expected++;
        List<LogFile> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        Map<String, Long> transactions = new HashMap<>();
        long timestamp = 0;
        for (Action action : entry.getActions()) {
          if (action instanceof AddFile add) {
            added.add(toLogFile(add));
          } else if (action instanceof RemoveFile remove) {
            removed.add(remove.getPath());
          } else if (action instanceof SetTransaction txn
              && !SourceCoordinates.isRouteAppId(txn.getAppId())) {
            transactions.put(txn.getAppId(), txn.getVersion()); // the source partitions' only
          } else if (action instanceof CommitInfo info && info.getTimestamp() != null) {
            timestamp = info.getTimestamp().getTime();
          }
        }
        if (timestamp == 0) {
          for (LogFile file : added) {
            timestamp = Math.max(timestamp, file.modificationTime());
          }
        }
        commits.add(new LogCommit(entry.getVersion(), timestamp, added, removed, transactions));
      }
      return commits;
    }
  }

  private static LogFile toLogFile(AddFile add) {
    return new LogFile(
        add.getPath(), add.getSize(), add.getModificationTime(), add.getStats(), add.getTags());
  }
}

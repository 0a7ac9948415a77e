package io.lakestream.maintenance.internal;

import static java.util.Objects.requireNonNull;

import io.delta.standalone.DeltaLog;
import io.delta.standalone.Snapshot;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.actions.SetTransaction;
import io.delta.standalone.internal.SnapshotImpl;
import io.lakestream.schema.SourceCoordinates;
import io.lakestream.writer.internal.CommitFeed;
import io.lakestream.writer.internal.DataFile;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces maintenance commits on {@code lakestream.commits} through the writer's {@link
 * CommitFeed}: the same record as the writer's, with the removed paths and the table's txn
 * watermarks at the committed version (unchanged by maintenance, which writes no {@code txn}). Best
 * effort: a failure to read the watermarks or to send is logged, never thrown; the log stays the
 * truth.
 */
public final class Announcements {
  private static final Logger LOG = LoggerFactory.getLogger(Announcements.class);

  /** Announces nothing. */
  public static final Announcements NONE = new Announcements(CommitFeed.NONE);

  private final CommitFeed feed;

  public Announcements(CommitFeed feed) {
    this.feed = requireNonNull(feed, "feed is null");
  }

  /**
   * Announces the commit at {@code version} of the table at {@code root} that added {@code added}
   * and removed {@code removed}; {@code readSnapshot} (the transaction's) gives the watermarks when
   * the committed version cannot be read.
   */
  void announce(
      String project,
      String table,
      Path root,
      DeltaLog log,
      Snapshot readSnapshot,
      long version,
      List<DataFile> added,
      List<AddFile> removed) {
    if (this == NONE) {
      return;
    }
    Map<String, Long> watermarks;
    try {
      Snapshot committed = log.snapshot();
      if (committed.getVersion() != version) {
        committed = log.getSnapshotForVersionAsOf(version);
      }
      watermarks = watermarks(committed);
    } catch (RuntimeException e) {
      LOG.warn(
          "Cannot read the txn watermarks of {}/{} at version {} ({}); announcing those of version"
              + " {}",
          project,
          table,
          version,
          e.toString(),
          readSnapshot.getVersion());
      watermarks = watermarks(readSnapshot);
    }
    feed.announce(
        project,
        table,
        root.toString(),
        version,
        added,
        removed.stream().map(AddFile::getPath).toList(),
        watermarks);
  }

  /**
   * The snapshot's txn versions of source partitions: {@code <topic>-<partition>} → highest source
   * offset (the writer's per-route versions are its own business and not announced).
   */
  static Map<String, Long> watermarks(Snapshot snapshot) {
    Map<String, Long> watermarks = new TreeMap<>();
    if (snapshot instanceof SnapshotImpl impl) {
      for (SetTransaction txn :
          scala.jdk.javaapi.CollectionConverters.asJava(impl.setTransactions())) {
        if (txn.getVersion() >= 0 && !SourceCoordinates.isRouteAppId(txn.getAppId())) {
          watermarks.put(txn.getAppId(), txn.getVersion());
        }
      }
    }
    return watermarks;
  }
}

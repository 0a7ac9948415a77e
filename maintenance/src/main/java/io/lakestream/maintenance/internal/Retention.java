package io.lakestream.maintenance.internal;

import static java.util.Objects.requireNonNull;

import io.delta.standalone.DeltaLog;
import io.delta.standalone.Operation;
import io.delta.standalone.OptimisticTransaction;
import io.delta.standalone.Snapshot;
import io.delta.standalone.actions.Action;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.exceptions.DeltaConcurrentModificationException;
import io.lakestream.index.KeyEncoding;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.writer.KeyModelEncoder;
import io.lakestream.writer.internal.DataFile;
import io.lakestream.writer.internal.DataFileWriter;
import io.lakestream.writer.internal.StandaloneDeltaTables;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the rows of a table whose primary key is older than its retention (its type's, or its
 * project's own): a file whose whole key range (its key range tags) is older than the boundary is
 * removed; a file that straddles the boundary is rewritten without its older rows (a streaming read
 * of the file, the writer's {@link DataFileWriter} for the rest). One commit removes and adds, with
 * {@code dataChange=true} (rows are deleted), and no {@code txn} action. Files without key range
 * tags are left alone. Conflicts and failures behave as in {@link Compaction}.
 */
public final class Retention {
  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

  /** What retention removed; {@code conflict} when a concurrent commit made it skip. */
  public record Result(long rowsExpired, int filesRemoved, int filesRewritten, boolean conflict) {
    static final Result NONE = new Result(0, 0, 0, false);
  }

  private final Configuration conf;
  private final String compression;
  private final Announcements announcements;

  public Retention(Configuration conf, String compression, Announcements announcements) {
    this.conf = requireNonNull(conf, "conf is null");
    this.compression = requireNonNull(compression, "compression is null");
    this.announcements = requireNonNull(announcements, "announcements is null");
  }

  /** The key below which rows expire, for a table with a retention. */
  static long boundaryKey(TableDefinition table, Duration retention, long nowMillis) {
    long boundaryMillis = nowMillis - retention.toMillis();
    ColumnType type = table.primaryKeyColumn().type();
    return switch (type) {
      case TIMESTAMP -> KeyEncoding.ofTimestampMicros(Math.multiplyExact(boundaryMillis, 1000L));
      case DATE -> KeyEncoding.ofDateDays((int) Math.floorDiv(boundaryMillis, 86_400_000L));
      default -> throw new IllegalArgumentException("no retention on a " + type + " key");
    };
  }

  /** Whether rows of {@code table} can expire: its primary key is a timestamp or a date. */
  public static boolean applies(TableDefinition table) {
    ColumnType type = table.primaryKeyColumn().type();
    return type == ColumnType.TIMESTAMP || type == ColumnType.DATE;
  }

  /**
   * Expires the rows of the table at {@code root} older than {@code retention} at {@code nowMillis}
   * (the table type's, or its project's own); nothing without a retention.
   *
   * @throws IOException when a data file cannot be read or written (new files are deleted)
   * @throws IllegalArgumentException when the table's primary key is not a time ({@link #applies})
   */
  public Result expire(
      String project,
      TableDefinition table,
      Optional<Duration> retention,
      Path root,
      DeltaLog log,
      long nowMillis)
      throws IOException {
    if (retention.isEmpty()) {
      return Result.NONE;
    }
    long boundary = boundaryKey(table, retention.get(), nowMillis);
    OptimisticTransaction txn = log.startTransaction();
    if (txn.readVersion() < 0) {
      return Result.NONE;
    }
    Snapshot snapshot = log.getSnapshotForVersionAsOf(txn.readVersion());
    List<AddFile> expired = new ArrayList<>();
    List<AddFile> straddling = new ArrayList<>();
    long rows = 0;
    for (AddFile file : snapshot.getAllFiles()) {
      Map<String, String> tags = file.getTags();
      if (tags == null
          || !tags.containsKey(DataFileWriter.MIN_KEY_TAG)
          || !tags.containsKey(DataFileWriter.MAX_KEY_TAG)) {
        continue;
      }
      long min = Long.parseLong(tags.get(DataFileWriter.MIN_KEY_TAG));
      long max = Long.parseLong(tags.get(DataFileWriter.MAX_KEY_TAG));
      if (max < boundary) {
        expired.add(file);
        rows += Math.max(0, Statistics.numRecords(file.getStats()));
      } else if (min < boundary) {
        straddling.add(file);
      }
    }
    if (expired.isEmpty() && straddling.isEmpty()) {
      return Result.NONE;
    }
    DataFileWriter writer = new DataFileWriter(table, conf, compression, KeyModelEncoder.learned());
    List<DataFile> written = new ArrayList<>();
    try {
      for (AddFile file : straddling) {
        SortedFileMerge.Input input =
            new SortedFileMerge.Input(
                Compaction.dataPath(root, file.getPath()),
                Long.parseLong(file.getTags().get(DataFileWriter.MIN_KEY_TAG)));
        try (SortedFileMerge rowsOfFile = new SortedFileMerge(List.of(input), table, conf)) {
          Iterator<GenericRecord> kept = new AtOrAbove(rowsOfFile, boundary);
          DataFile rewritten = writer.write(root, writer.newFileName(), kept, rowsOfFile::keyOf);
          written.add(rewritten);
          rows += rowsOfFile.rowsRead() - rewritten.numRecords();
        }
      }
    } catch (IOException | RuntimeException e) {
      Compaction.deleteQuietly(conf, root, written);
      throw e;
    }
    long now = System.currentTimeMillis();
    List<Action> actions = new ArrayList<>();
    expired.forEach(file -> actions.add(file.remove(now, true)));
    straddling.forEach(file -> actions.add(file.remove(now, true)));
    for (DataFile file : written) {
      actions.add(
          new AddFile(
              file.path(),
              Map.of(),
              file.sizeBytes(),
              file.modificationTime(),
              true,
              StandaloneDeltaTables.quotedJson(file.statsJson()),
              file.tags()));
    }
    long version;
    try {
      version =
          txn.commit(
                  actions,
                  new Operation(
                      Operation.Name.DELETE,
                      Map.of(
                          "predicate",
                          "\""
                              + table.primaryKey()
                              + " older than "
                              + TableDefinitions.formatRetention(retention.get())
                              + "\""),
                      Map.of(),
                      Optional.of("lakestream retention")),
                  Compaction.ENGINE_INFO)
              .getVersion();
    } catch (DeltaConcurrentModificationException e) {
      LOG.info(
          "Retention of {}/{} skipped: a concurrent commit conflicts ({})",
          project,
          table.name(),
          e.getMessage());
      Compaction.deleteQuietly(conf, root, written);
      return new Result(0, 0, 0, true);
    }
    List<AddFile> removed = new ArrayList<>(expired);
    removed.addAll(straddling);
    announcements.announce(project, table.name(), root, log, snapshot, version, written, removed);
    return new Result(rows, expired.size(), straddling.size(), false);
  }

  /** The rows of a key-ordered iterator from the first one whose key is at least the boundary. */
  private static final class AtOrAbove implements Iterator<GenericRecord> {
    private final SortedFileMerge rows;
    private final long boundary;
    private GenericRecord next;

    AtOrAbove(SortedFileMerge rows, long boundary) {
      this.rows = rows;
      this.boundary = boundary;
      advance();
    }

    private void advance() {
      next = null;
      while (rows.hasNext()) {
        GenericRecord row = rows.next();
        if (rows.keyOf(row) >= boundary) {
          next = row;
          return;
        }
      }
    }

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public GenericRecord next() {
      if (next == null) {
        throw new NoSuchElementException();
      }
      GenericRecord row = next;
      if (rows.hasNext()) {
        next = rows.next();
      } else {
        next = null;
      }
      return row;
    }
  }
}

package io.lakestream.writer.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.SourceCoordinates;
import io.lakestream.schema.TableDefinition;
import io.lakestream.writer.CrashPoint;
import io.lakestream.writer.FaultInjector;
import io.lakestream.writer.KeyModelEncoder;
import io.lakestream.writer.WriterErrors;
import io.lakestream.writer.WriterException;
import io.lakestream.writer.internal.DeltaTables.CommitOutcome;
import io.lakestream.writer.internal.DeltaTables.Committed;
import io.lakestream.writer.internal.DeltaTables.Conflict;
import io.lakestream.writer.internal.DeltaTables.SourceRange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a table buffer's complete rows as one Parquet file and one Delta commit, exactly once.
 *
 * <p>The protocol (DESIGN §5): rows whose source offset is at or below the table's watermark for
 * their route (source partition and routed partition, {@link Watermarks}) are dropped; the rest are
 * sorted by primary key (stable), written as one file and committed with one {@code txn} per route
 * and per source partition (version = highest source offset). If the commit finds that another
 * writer got there first, the watermarks are re-read, what is already in the table is dropped, and
 * the rest is written again, after a short wait ({@link Backoff}). Watermarks are read once per
 * table and then kept in memory, until the routed partitions that fed the table leave this writer
 * ({@link #forgetPartitions}): a route's rows come only through its routed partition, which no
 * other writer is given while this one holds it, and what a zombie writer or maintenance commits
 * meanwhile is caught by the commit itself (version N + 1 exists: the log is read again and the
 * watermarks checked once more). Another writer may commit other routes of the same table (the
 * routed topic grew); a source partition's own watermark, which those move, is read again when a
 * replayed row needs it ({@link TableState#rereadSourcesOfReplays}).
 *
 * <p>Thread-safe for flushes of different tables at once (the flush pool); flushes of one table
 * must not overlap. A table's state is shared by its flushes (one at a time) and the poll thread's
 * {@link #alreadyWritten}, which only reads watermarks already known and never waits for storage.
 * Delta log objects, Parquet writer settings and schema converters are made once per table type
 * where they can be shared ({@link DataFileWriter}), once per table where they cannot.
 */
public final class TableFlusher {
  private static final Logger log = LoggerFactory.getLogger(TableFlusher.class);
  private static final int MAX_CONFLICT_RETRIES = 10;

  /** The wait between commit attempts that conflict with another writer. */
  private static final Backoff CONFLICTS =
      new Backoff(java.time.Duration.ofMillis(10), java.time.Duration.ofSeconds(1));

  private final Warehouse warehouse;
  private final DeltaTables deltaTables;
  private final RoutedRows routedRows;
  private final String compression;
  private final KeyModelEncoder keyModels;
  private final FaultInjector faults;
  private final WriterMetrics metrics;
  private final CommitFeed feed;
  private final Map<TableKey, TableState> states;
  private final Map<String, DataFileWriter> fileWriters =
      new java.util.concurrent.ConcurrentHashMap<>();

  public TableFlusher(
      Warehouse warehouse,
      DeltaTables deltaTables,
      RoutedRows routedRows,
      String compression,
      KeyModelEncoder keyModels,
      FaultInjector faults,
      WriterMetrics metrics,
      CommitFeed feed,
      int tableCache) {
    this.warehouse = requireNonNull(warehouse, "warehouse is null");
    this.deltaTables = requireNonNull(deltaTables, "deltaTables is null");
    this.routedRows = requireNonNull(routedRows, "routedRows is null");
    this.compression = requireNonNull(compression, "compression is null");
    this.keyModels = requireNonNull(keyModels, "keyModels is null");
    this.faults = requireNonNull(faults, "faults is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.feed = requireNonNull(feed, "feed is null");
    if (tableCache < 1) {
      throw new IllegalArgumentException("tableCache must be at least 1: " + tableCache);
    }
    // Least recently used first: a table that has not been written or looked up for longest gives
    // back its Delta log object and watermarks, which are read again from the log if it returns.
    this.states =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<TableKey, TableState> eldest) {
            boolean evict = size() > tableCache;
            if (evict) {
              metrics.tableStateEvicted();
            }
            return evict;
          }
        };
  }

  /** How many tables' state (Delta log object, watermarks) is held now. */
  public int tablesHeld() {
    synchronized (states) {
      return states.size();
    }
  }

  /**
   * What a flush did.
   *
   * @param settled rows of incomplete source records that the flush found in the table already
   *     ({@link #inTable}): they leave the buffer with the batch
   */
  public record FlushResult(
      long rowsWritten, long rowsSkipped, long version, List<BufferedRow> settled) {
    public FlushResult {
      settled = List.copyOf(settled);
    }

    public FlushResult(long rowsWritten, long rowsSkipped, long version) {
      this(rowsWritten, rowsSkipped, version, List.of());
    }

    /** This result, with {@code settled} rows besides. */
    public FlushResult settling(List<BufferedRow> settled) {
      return settled.isEmpty() ? this : new FlushResult(rowsWritten, rowsSkipped, version, settled);
    }
  }

  /**
   * Whether a row is already in its table, by the watermark known in memory (read by an earlier
   * flush of the table). Never reads storage: a table not flushed since its watermarks were
   * forgotten says false, and its flush drops what is there already.
   */
  public boolean alreadyWritten(TableKey key, BufferedRow row) {
    TableState state;
    synchronized (states) {
      state = states.get(key);
    }
    if (state == null) {
      return false;
    }
    Long watermark = state.watermarks.get(row.watermarkId());
    return watermark != null && row.sourceOffset() <= watermark;
  }

  /**
   * The rows of {@code rows} that are in the table already: their source offset is at or below the
   * table's watermark for their source partition, read from the table when not known. For a flush
   * thread, as it may read storage.
   *
   * <p>This settles rows of source records that can no longer complete in a buffer: rows of the
   * same record that arrived earlier were skipped as written (by watermarks then known), and the
   * watermarks were forgotten (a rebalance, an evicted table) before the record's last rows came.
   */
  public List<BufferedRow> inTable(
      TableKey key, TableDefinition definition, List<BufferedRow> rows) {
    if (rows.isEmpty()) {
      return List.of();
    }
    TableState state = state(key, definition);
    state.fedBy(rows);
    List<BufferedRow> written = new ArrayList<>();
    for (BufferedRow row : rows) {
      if (row.sourceOffset() <= state.written(row)) {
        written.add(row);
      }
    }
    return written;
  }

  /**
   * Forgets the watermarks and held log of every table fed by one of {@code partitions}, which
   * leave this writer (revoked, lost) or come to it: another writer may commit those tables' rows
   * before they come back, so each is read again from its table at its next flush. Tables of the
   * partitions this writer keeps keep their state: a rebalance costs a log read per moved table,
   * not per table held.
   */
  public void forgetPartitions(
      java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    List<TableState> fed = new ArrayList<>();
    synchronized (states) {
      for (TableState state : states.values()) {
        if (partitions.stream().anyMatch(state.partitions::contains)) {
          fed.add(state);
        }
      }
    }
    for (TableState state : fed) {
      state.forget();
    }
  }

  /** Forgets every watermark, so each is read again from its table (after a rewind). */
  public void forgetWatermarks() {
    List<TableState> held;
    synchronized (states) {
      held = new ArrayList<>(states.values());
    }
    for (TableState state : held) {
      state.forget();
    }
  }

  /**
   * Writes and commits {@code batch}, complete rows of one table ({@link TableBuffer#completeRows}:
   * whole source records, so a source record is never split across commits), in one Parquet file
   * and one Delta commit. When this returns, every row of the batch is in the table, written now or
   * found there already; the caller then removes them from its buffer. Rows at or below the table's
   * watermarks are not written again.
   *
   * @throws WriterException when storage fails; nothing of the batch is committed, or (outcome
   *     unknown) a retry finds it committed through the watermarks, so a retry is safe
   */
  public FlushResult flush(TableKey key, TableDefinition definition, List<BufferedRow> batch) {
    if (batch.isEmpty()) {
      return new FlushResult(0, 0, -1);
    }
    TableState state = state(key, definition);
    state.fedBy(batch);
    state.rereadSourcesOfReplays(batch);
    DataFile file = null;
    int fileRows = 0;
    boolean outcomeUnknown = false;
    try {
      for (int attempt = 1; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
        List<BufferedRow> rows = new ArrayList<>(batch.size());
        for (BufferedRow row : batch) {
          if (row.sourceOffset() > state.written(row)) {
            rows.add(row);
          }
        }
        long skipped = batch.size() - rows.size();
        if (rows.isEmpty()) {
          metrics.rowsSkipped(key.table(), skipped);
          return new FlushResult(0, skipped, -1);
        }
        if (file != null && fileRows != rows.size()) {
          deleteQuietly(state, file); // some rows are in the table now: write the rest again
          file = null;
        }
        if (file == null) {
          file = writeDataFile(state, rows);
          fileRows = rows.size();
          faults.at(CrashPoint.AFTER_DATA_FILE_WRITTEN, key.project(), key.table());
        }
        Map<String, SourceRange> sources = new LinkedHashMap<>();
        for (BufferedRow row : rows) {
          sources.merge(
              row.watermarkId(),
              new SourceRange(row.sourceOffset(), row.sourceOffset()),
              (a, b) -> a.include(b.first()));
        }
        long started = System.nanoTime();
        outcomeUnknown = true;
        CommitOutcome outcome = state.table.commit(List.of(file), sources);
        outcomeUnknown = false;
        if (outcome instanceof Committed committed) {
          metrics.committed(
              key.table(), System.nanoTime() - started, rows.size(), file.sizeBytes());
          metrics.rowsSkipped(key.table(), skipped);
          sources.forEach(
              (appId, range) -> {
                state.watermarks.put(appId, range.last());
                state.watermarks.computeIfPresent(
                    SourceCoordinates.sourceAppIdOf(appId),
                    (source, known) -> Math.max(known, range.last()));
              });
          faults.at(CrashPoint.AFTER_DELTA_COMMIT, key.project(), key.table());
          feed.announce(state.table, committed.version(), List.of(file), knownWatermarks(state));
          file = null; // referenced by the table now
          return new FlushResult(rows.size(), skipped, committed.version());
        }
        Conflict conflict = (Conflict) outcome;
        metrics.conflict(key.table());
        log.info(
            "Another writer committed to {} ({}); dropping what it wrote and retrying",
            state.table.path(),
            conflict.reason());
        conflict
            .versions()
            .forEach((appId, version) -> state.watermarks.merge(appId, version, Math::max));
        if (attempt < MAX_CONFLICT_RETRIES) {
          java.util.concurrent.locks.LockSupport.parkNanos(CONFLICTS.delay(attempt).toNanos());
        }
      }
    } catch (RuntimeException e) {
      // After a commit whose outcome is unknown the file may be in the table: keep it.
      if (file != null && !outcomeUnknown) {
        deleteQuietly(state, file);
      }
      throw e;
    }
    if (file != null) {
      deleteQuietly(state, file);
    }
    throw WriterErrors.keptConflicting(state.table.path(), MAX_CONFLICT_RETRIES);
  }

  /**
   * The watermarks of the table known in memory per source partition (the highest of its routes'),
   * as the feed announces them.
   */
  private static Map<String, Long> knownWatermarks(TableState state) {
    return Watermarks.ofSources(state.watermarks);
  }

  private DataFile writeDataFile(TableState state, List<BufferedRow> rows) {
    TableDefinition definition = state.table.definition();
    Integer[] order = new Integer[rows.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(rows.get(a).key(), rows.get(b).key())); // stable
    long[] keys = new long[order.length];
    for (int i = 0; i < order.length; i++) {
      keys[i] = rows.get(order[i]).key();
    }
    DataFileWriter writer =
        fileWriters.computeIfAbsent(
            definition.name(),
            name -> new DataFileWriter(definition, warehouse.hadoopConf(), compression, keyModels));
    String fileName = writer.newFileName();
    Path tableRoot = new Path(state.table.path());
    try {
      return writer.write(tableRoot, fileName, new DecodingIterator(definition, rows, order), keys);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(state, fileName);
      throw WriterErrors.dataFileFailure(
          state.table.project(), definition.name(), new Path(tableRoot, fileName).toString(), e);
    }
  }

  private void deleteQuietly(TableState state, DataFile file) {
    deleteQuietly(state, file.path());
  }

  private void deleteQuietly(TableState state, String fileName) {
    Path path = new Path(new Path(state.table.path()), fileName);
    try {
      FileSystem fs = path.getFileSystem(warehouse.hadoopConf());
      fs.delete(path, false);
    } catch (IOException | RuntimeException e) {
      log.warn("Cannot delete unreferenced data file {}: {}", path, e.getMessage());
    }
  }

  private TableState state(TableKey key, TableDefinition definition) {
    synchronized (states) {
      TableState state = states.get(key);
      if (state != null) {
        return state;
      }
    }
    // Opening reads the log: outside the lock, so that other tables' flushes go on meanwhile. Only
    // this table's flush (one at a time) opens it.
    TableState opened = new TableState(deltaTables.open(key.project(), definition));
    synchronized (states) {
      states.put(key, opened);
    }
    return opened;
  }

  /** Forgets a table entirely (its buffer is gone and it may move to another writer). */
  public void forget(TableKey key) {
    synchronized (states) {
      states.remove(key);
    }
  }

  private static final class TableState {
    final DeltaTables.Table table;
    final Map<String, Long> watermarks = new java.util.concurrent.ConcurrentHashMap<>();
    // The routed partitions whose rows were flushed into the table since its state was last read.
    final java.util.Set<org.apache.kafka.common.TopicPartition> partitions =
        java.util.concurrent.ConcurrentHashMap.newKeySet();

    TableState(DeltaTables.Table table) {
      this.table = table;
    }

    void fedBy(List<BufferedRow> rows) {
      org.apache.kafka.common.TopicPartition last = null;
      for (BufferedRow row : rows) {
        if (!row.partition().equals(last)) {
          last = row.partition();
          partitions.add(last);
        }
      }
    }

    /** Reads the watermarks and the log again at the next flush. */
    void forget() {
      table.refresh();
      watermarks.clear();
      partitions.clear();
    }

    /**
     * Up to which source offset the table holds rows of {@code row}'s route. A replayed row whose
     * route has none is taken as written up to its source partition's watermark (the highest of all
     * its routes): the row may have taken another routed partition when first routed, before the
     * routed topic's partition count changed; the first copy of a row still on its way through
     * another route is written by that route's own watermark.
     */
    long written(BufferedRow row) {
      long route = watermark(row.watermarkId());
      return route < 0 && row.replayed() ? watermark(row.appId()) : route;
    }

    /**
     * Reads the source partitions' watermarks of the replayed rows whose route has none from the
     * log again before they are used ({@link #written}): writers of other routes move them, and
     * this writer's memory does not follow.
     */
    void rereadSourcesOfReplays(List<BufferedRow> rows) {
      java.util.Set<String> sources = new java.util.HashSet<>();
      for (BufferedRow row : rows) {
        if (row.replayed() && watermark(row.watermarkId()) < 0) {
          sources.add(row.appId());
        }
      }
      if (!sources.isEmpty()) {
        table.refresh();
        sources.forEach(watermarks::remove);
      }
    }

    long watermark(String appId) {
      Long known = watermarks.get(appId);
      if (known == null) {
        known = table.transactionVersion(appId);
        watermarks.put(appId, known);
      }
      return known;
    }
  }

  /** Decodes the buffered rows in key order. */
  private final class DecodingIterator implements Iterator<GenericRecord> {
    private final TableDefinition definition;
    private final List<BufferedRow> rows;
    private final Integer[] order;
    private int next;

    DecodingIterator(TableDefinition definition, List<BufferedRow> rows, Integer[] order) {
      this.definition = definition;
      this.rows = rows;
      this.order = order;
    }

    @Override
    public boolean hasNext() {
      return next < order.length;
    }

    @Override
    public GenericRecord next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      try {
        // A fresh record per row: Parquet may keep references to string bytes (dictionaries).
        return routedRows.decode(definition, rows.get(order[next++]).value(), null);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}

package io.lakestream.reader;

import static java.util.Objects.requireNonNull;

import io.lakestream.index.PositionRange;
import io.lakestream.reader.internal.ColumnBatch;
import io.lakestream.reader.internal.ColumnBatchSink;
import io.lakestream.reader.internal.ParquetFiles;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Key range reads over a {@link TableSnapshot}, in two steps:
 *
 * <ol>
 *   <li>{@link #plan}: the files whose key range overlaps the request; in each, the rows the
 *       learned model says can hold the range; their keys read from the key column's pages only,
 *       trimmed exactly and merged across files (k-way, by key, ties in {@link
 *       IndexedFile#TIE_ORDER} then row order) up to the limit. The result is, per file, the exact
 *       rows of the page and the next cursor — known before any row is sent.
 *   <li>{@link #fetch}: those rows with the requested columns, again only from the pages holding
 *       them, merged in the same order and streamed to a {@link RowSink}.
 * </ol>
 *
 * <p>Thread-safe; reads of one snapshot never see a later commit.
 */
public final class RangeReader {
  private static final int MIN_CHUNK = 256;
  private static final int MAX_CHUNK = 65_536;
  private static final int FETCH_CHUNK = 4_096;

  private final ParquetFiles files;
  private final SnapshotPins pins = new SnapshotPins();

  /** A reader of the files {@code files} opens (local or s3a), sharing its open readers. */
  public RangeReader(ParquetFiles files) {
    this.files = requireNonNull(files, "files is null");
  }

  /**
   * Plans one page of the rows with keys in {@code range}, after {@code cursor} if given.
   *
   * <p>The page reads {@code snapshot}, or, when the cursor pins a snapshot of the same table that
   * is still held, that one ({@link ReadPlan#snapshot()} says which): a page that ends inside a run
   * of equal keys holding live tail rows pins its snapshot, so that no row of the run is served
   * twice or missed while rows move from the tail into a file (see {@link Cursor}).
   *
   * @param limit rows in the page at most, at least 1
   * @throws QueryException (bad request) when the cursor belongs to another order or range;
   *     (internal) when a data file cannot be read
   */
  public ReadPlan plan(
      TableSnapshot current, KeyRange range, boolean descending, Cursor cursor, long limit) {
    TableSnapshot snapshot = current;
    if (cursor != null && cursor.pinned()) {
      TableSnapshot pinned = pins.pinned(cursor.pin(), current.id());
      if (pinned != null && pinned.definition().equals(current.definition())) {
        snapshot = pinned;
      }
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit " + limit + " < 1");
    }
    KeyRange effective = range;
    long toSkip = 0;
    if (cursor != null) {
      if (cursor.descending() != descending) {
        throw QueryErrors.badCursor(
            "it continues a read in "
                + (cursor.descending() ? "descending" : "ascending")
                + " order");
      }
      if (!range.contains(cursor.key())) {
        throw QueryErrors.badCursor("its position is outside the requested from/to range");
      }
      effective =
          descending
              ? new KeyRange(range.lo(), cursor.key())
              : new KeyRange(cursor.key(), range.hi());
      toSkip = cursor.servedAtKey();
    }
    TableDefinition table = snapshot.definition();
    List<String> keyOnly = List.of(table.primaryKey());
    List<FileStream> streams = new ArrayList<>();
    try {
      PriorityQueue<FileStream> queue = new PriorityQueue<>(order(descending));
      if (!effective.isEmpty()) {
        int chunk = (int) Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, limit + 1));
        for (IndexedFile file : snapshot.filesOverlapping(effective.lo(), effective.hi())) {
          PositionRange window = file.model().rowRangeInclusive(effective.lo(), effective.hi());
          if (window.isEmpty()) {
            continue;
          }
          FileStream stream =
              new FileStream(
                  snapshot, file, keyOnly, 0, window.from(), window.to(), descending, chunk);
          streams.add(stream);
          if (stream.nextIn(effective)) {
            queue.add(stream);
          }
        }
      }
      TailRows tail = snapshot.tail();
      int tailLo = 0;
      int tailHi = 0;
      if (!effective.isEmpty() && tail.size() > 0) {
        tailLo = tail.firstAtLeast(effective.lo());
        tailHi =
            effective.hi() == Long.MAX_VALUE ? tail.size() : tail.firstAtLeast(effective.hi() + 1);
      }
      // the tail's next row: ascending from tailLo up, descending from tailHi - 1 down
      int tailNext = descending ? tailHi - 1 : tailLo;
      int tailFrom = -1;
      int tailTo = -1;
      long taken = 0;
      long lastKey = 0;
      long servedAtLastKey = 0;
      long skipped = 0;
      boolean more = false;
      long nextKey = 0;
      while (true) {
        FileStream head = queue.peek();
        boolean tailLeft = descending ? tailNext >= tailLo : tailNext < tailHi;
        if (head == null && !tailLeft) {
          break;
        }
        // ascending: a key's file rows, then its tail rows; descending: the exact reverse
        boolean fromTail =
            tailLeft
                && (head == null
                    || (descending
                        ? tail.row(tailNext).key() >= head.key
                        : tail.row(tailNext).key() < head.key));
        long key = fromTail ? tail.row(tailNext).key() : head.key;
        if (cursor != null && skipped < toSkip && key == cursor.key()) {
          skipped++;
        } else if (taken == limit) {
          more = true;
          nextKey = key;
          break;
        } else {
          if (fromTail) {
            tailFrom = tailFrom < 0 ? tailNext : Math.min(tailFrom, tailNext);
            tailTo = Math.max(tailTo, tailNext + 1);
          } else {
            head.take();
          }
          taken++;
          if (taken > 1 && key == lastKey) {
            servedAtLastKey++;
          } else {
            lastKey = key;
            servedAtLastKey = 1;
          }
        }
        if (fromTail) {
          tailNext += descending ? -1 : 1;
        } else {
          queue.poll();
          if (head.nextIn(effective)) {
            queue.add(head);
          }
        }
      }
      Optional<Cursor> next = Optional.empty();
      if (more && nextKey != lastKey) {
        // the page ends with its key: the next one starts after it, whatever moves meanwhile
        next = Optional.of(new Cursor(descending, lastKey, Cursor.ALL));
      } else if (more) {
        long served =
            cursor != null && lastKey == cursor.key()
                ? servedAtLastKey + cursor.servedAtKey()
                : servedAtLastKey;
        // inside a run of equal keys: with tail rows in the run, its order can change when they
        // move into a file, so the next page reads this same snapshot
        long pin =
            tailHasKey(snapshot.tail(), lastKey)
                ? pins.pin(snapshot, snapshot == current ? 0 : cursor.pin())
                : 0;
        next = Optional.of(new Cursor(descending, lastKey, served, pin));
      }
      List<ReadPlan.Slice> slices = new ArrayList<>();
      for (FileStream stream : streams) {
        if (stream.sliceFrom >= 0) {
          slices.add(new ReadPlan.Slice(stream.file, stream.sliceFrom, stream.sliceTo));
        }
      }
      return tailFrom < 0
          ? new ReadPlan(snapshot, descending, slices, taken, next)
          : new ReadPlan(snapshot, descending, slices, taken, next, tailFrom, tailTo);
    } catch (StorageException e) {
      throw QueryErrors.storageFailure("read the key column", snapshot.id(), e.file, e.getCause());
    } finally {
      streams.forEach(FileStream::close);
    }
  }

  /**
   * Streams the rows of a plan, with {@code columns} (names of the table's columns, in output
   * order), to {@code sink}, in the plan's order.
   *
   * @throws QueryException (internal) when a data file cannot be read
   * @throws IOException when the sink fails (the client went away)
   */
  public void fetch(ReadPlan plan, List<String> columns, RowSink sink) throws IOException {
    TableSnapshot snapshot = plan.snapshot();
    String key = snapshot.definition().primaryKey();
    List<String> projection = new ArrayList<>(columns);
    if (!projection.contains(key)) {
      projection.add(key);
    }
    int keySlot = projection.indexOf(key);
    List<FileStream> streams = new ArrayList<>();
    try {
      PriorityQueue<FileStream> queue = new PriorityQueue<>(order(plan.descending()));
      int chunk = FETCH_CHUNK;
      for (ReadPlan.Slice slice : plan.slices()) {
        FileStream stream =
            new FileStream(
                snapshot,
                slice.file(),
                projection,
                keySlot,
                slice.from(),
                slice.to(),
                plan.descending(),
                (int) Math.min(chunk, slice.to() - slice.from()));
        streams.add(stream);
        if (stream.advance()) {
          queue.add(stream);
        }
      }
      ColumnBatchSink columnar = sink instanceof ColumnBatchSink c ? c : null;
      TailRows tail = snapshot.tail();
      int[] tailColumns = tailColumns(snapshot.definition(), projection);
      int tailNext = plan.descending() ? plan.tailTo() - 1 : plan.tailFrom();
      long served = 0;
      while (true) {
        FileStream head = queue.peek();
        boolean tailLeft =
            plan.descending() ? tailNext >= plan.tailFrom() : tailNext < plan.tailTo();
        if (head == null && !tailLeft) {
          break;
        }
        boolean fromTail =
            tailLeft
                && (head == null
                    || (plan.descending()
                        ? tail.row(tailNext).key() >= head.key
                        : tail.row(tailNext).key() < head.key));
        if (fromTail) {
          sink.accept(project(tail.row(tailNext).values(), tailColumns));
          tailNext += plan.descending() ? -1 : 1;
          served++;
          continue;
        }
        queue.poll();
        ColumnBatch batch = head.batch;
        int row = head.index;
        if (head.advance()) {
          queue.add(head);
        }
        if (columnar != null) {
          columnar.accept(batch, row);
        } else {
          sink.accept(batch.row(row));
        }
        served++;
      }
      if (served != plan.rowCount()) {
        throw new IllegalStateException(
            "fetched " + served + " rows of a planned " + plan.rowCount() + " in " + snapshot.id());
      }
    } catch (StorageException e) {
      throw QueryErrors.storageFailure("read rows", snapshot.id(), e.file, e.getCause());
    } finally {
      streams.forEach(FileStream::close);
    }
  }

  /**
   * The rows with keys in {@code range} of {@code snapshot}, with {@code columns}, as Arrow batches
   * in no particular order ({@link ArrowScan}): one plan for the whole range, no merge by key, no
   * boxing. Rows whose value differs from {@code equalities} (column → value: {@code String} for
   * string columns, {@code Long} for int, long, timestamp and date columns; others are ignored) are
   * left out. The caller closes the scan.
   */
  public ArrowScan scan(
      TableSnapshot snapshot,
      KeyRange range,
      List<String> columns,
      Map<String, Object> equalities,
      BufferAllocator allocator) {
    requireNonNull(snapshot, "snapshot is null");
    requireNonNull(range, "range is null");
    return new ArrowScan(files, snapshot, range, columns, equalities, true, allocator);
  }

  /**
   * Of the rows {@link #scan} gives, those a statement ordered by the key with a limit needs: the
   * first {@code wanted} in key order (greatest keys first when {@code descending}) that meet
   * {@code equalities}, every row sharing a key with them, and perhaps a few more, read from the
   * range's end in windows ({@link FirstRowsScan}). The caller closes the scan.
   */
  public FirstRowsScan scanFirst(
      TableSnapshot snapshot,
      KeyRange range,
      List<String> columns,
      Map<String, Object> equalities,
      long wanted,
      boolean descending,
      BufferAllocator allocator) {
    requireNonNull(snapshot, "snapshot is null");
    requireNonNull(range, "range is null");
    return new FirstRowsScan(
        files, snapshot, range, columns, equalities, wanted, descending, allocator);
  }

  /**
   * The live tail rows of {@code snapshot} with keys in {@code range}, as {@link #scan} gives them,
   * without the rows of its files: for a consumer that reads the snapshot's files itself.
   */
  public ArrowScan scanTail(
      TableSnapshot snapshot,
      KeyRange range,
      List<String> columns,
      Map<String, Object> equalities,
      BufferAllocator allocator) {
    requireNonNull(snapshot, "snapshot is null");
    requireNonNull(range, "range is null");
    return new ArrowScan(files, snapshot, range, columns, equalities, false, allocator);
  }

  private static boolean tailHasKey(TailRows tail, long key) {
    int at = tail.firstAtLeast(key);
    return at < tail.size() && tail.row(at).key() == key;
  }

  /** For each column of {@code projection}, its position in the table's columns. */
  private static int[] tailColumns(TableDefinition table, List<String> projection) {
    List<String> names = table.columnNames();
    int[] positions = new int[projection.size()];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = names.indexOf(projection.get(i));
    }
    return positions;
  }

  private static Object[] project(Object[] values, int[] positions) {
    Object[] row = new Object[positions.length];
    for (int i = 0; i < positions.length; i++) {
      row[i] = values[positions[i]];
    }
    return row;
  }

  private static Comparator<FileStream> order(boolean descending) {
    Comparator<FileStream> ascending =
        (a, b) -> {
          int c = Long.compare(a.key, b.key);
          return c != 0 ? c : IndexedFile.TIE_ORDER.compare(a.file, b.file);
        };
    return descending ? Collections.reverseOrder(ascending) : ascending;
  }

  /** A data file failed while rows were being streamed: tells which. */
  private static final class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String file;

    StorageException(String file, IOException cause) {
      super(cause);
      this.file = file;
    }
  }

  /**
   * One file's rows in {@code [from, to)}, in ascending or descending position order (ranks, for a
   * file not sorted by key: see {@link IndexedFile#rowOrder()}), read in chunks of rows (decoded
   * column by column) that double in size from the first chunk size up to {@value #MAX_CHUNK} rows,
   * so a read that stops early decodes little.
   */
  private final class FileStream {
    final IndexedFile file;
    final TableSnapshot snapshot;
    final List<String> projection;
    final int keySlot;
    final ColumnType keyType;
    final long from;
    final long to;
    final boolean descending;
    ParquetFiles.FileReader reader;

    /** The current chunk, and the current row's index in it. */
    ColumnBatch batch;

    int index;
    long batchStart;

    /** Ascending: where the next chunk starts; descending: where it ends. */
    long nextChunk;

    int chunkSize;
    long key;
    long position;
    long sliceFrom = -1;
    long sliceTo = -1;
    boolean done;

    FileStream(
        TableSnapshot snapshot,
        IndexedFile file,
        List<String> projection,
        int keySlot,
        long from,
        long to,
        boolean descending,
        int chunkSize) {
      this.snapshot = snapshot;
      this.file = file;
      this.projection = projection;
      this.keySlot = keySlot;
      this.keyType = snapshot.definition().primaryKeyColumn().type();
      this.from = from;
      this.to = Math.min(to, file.rows());
      this.descending = descending;
      this.nextChunk = descending ? this.to : from;
      this.chunkSize = Math.max(1, chunkSize);
    }

    /** Moves to the next row; false at the end. */
    boolean advance() {
      if (done) {
        return false;
      }
      try {
        if (batch == null || (descending ? index == 0 : index == batch.rowCount() - 1)) {
          if (!readChunk()) {
            return finish();
          }
        } else {
          index += descending ? -1 : 1;
        }
        position = batchStart + index;
        key = Keys.encode(keyType, batch.value(keySlot, index));
        return true;
      } catch (IOException e) {
        throw new StorageException(file.location(), e);
      }
    }

    /** Reads the next chunk and moves to its first row; false when there is none. */
    private boolean readChunk() throws IOException {
      long chunkFrom;
      long chunkTo;
      if (descending) {
        if (nextChunk <= from) {
          return false;
        }
        chunkTo = nextChunk;
        chunkFrom = Math.max(from, chunkTo - chunkSize);
        nextChunk = chunkFrom;
      } else {
        if (nextChunk >= to) {
          return false;
        }
        chunkFrom = nextChunk;
        chunkTo = Math.min(to, chunkFrom + chunkSize);
        nextChunk = chunkTo;
      }
      chunkSize = Math.min(MAX_CHUNK, chunkSize * 2);
      if (reader == null) {
        reader = files.open(file.location(), file.sizeBytes(), snapshot.definition(), projection);
      }
      batch =
          file.sorted()
              ? reader.read(chunkFrom, chunkTo)
              : reader.read(file.rowOrder(), chunkFrom, chunkTo);
      batchStart = chunkFrom;
      index = descending ? batch.rowCount() - 1 : 0;
      return batch.rowCount() > 0;
    }

    /** Moves to the next row whose key is in the range; false when there is none. */
    boolean nextIn(KeyRange range) {
      while (advance()) {
        if (descending ? key > range.hi() : key < range.lo()) {
          continue;
        }
        if (descending ? key < range.lo() : key > range.hi()) {
          return finish();
        }
        return true;
      }
      return false;
    }

    /** Marks the current row as part of the page. */
    void take() {
      if (sliceFrom < 0) {
        sliceFrom = position;
        sliceTo = position + 1;
      } else if (descending) {
        sliceFrom = position;
      } else {
        sliceTo = position + 1;
      }
    }

    private boolean finish() {
      done = true;
      close();
      return false;
    }

    void close() {
      if (reader != null) {
        reader.close();
        reader = null;
      }
    }
  }
}

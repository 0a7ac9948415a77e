package io.lakestream.reader;

import io.lakestream.index.PositionRange;
import io.lakestream.reader.internal.ArrowColumns;
import io.lakestream.reader.internal.ParquetFiles;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The rows of a key range that a statement ordering by the key with a limit needs ({@code ORDER BY
 * timestamp DESC LIMIT 20}): the first {@code wanted} rows in key order (greatest keys first when
 * descending) among those that meet the equalities, and every row sharing a key with them, as
 * {@link ArrowScan} gives rows (in no order, often a few more).
 *
 * <p>It reads the range from its end in windows of keys, each an {@link ArrowScan}: a window is
 * sized by the learned index's row counts (no data read) to hold at least as many rows as still
 * wanted (one window when no row is compared), divided by the share of rows that met the equalities
 * so far, and at least twice the previous window's rows; reading stops once the windows read held
 * {@code wanted} rows that met the equalities, or the range is read. A window holds every row of
 * its keys, so the rows handed over are all the rows of keys from the range's end down to the last
 * window's first key: the first {@code wanted} of them in key order, ties included, are the
 * range's.
 */
public final class FirstRowsScan extends ArrowReader {
  /**
   * The fewest rows a window is sized for when rows are compared: smaller windows cost more in
   * set-up than in rows.
   */
  static final long MIN_WINDOW_ROWS = 1_024;

  private final ParquetFiles files;
  private final TableSnapshot snapshot;
  private final List<String> columns;
  private final Map<String, Object> equalities;
  private final long wanted;
  private final boolean descending;
  private final Schema schema;

  /** The keys not read yet (empty once the range is read). */
  private KeyRange left;

  /** Rows handed over, all meeting the equalities. */
  private long handed;

  /** Rows the index counted in the windows read. */
  private long counted;

  /** Rows the last window was sized for. */
  private long lastWindowRows;

  private int windows;
  private ArrowScan current;
  private LongConsumer rowsRead = rows -> {};

  FirstRowsScan(
      ParquetFiles files,
      TableSnapshot snapshot,
      KeyRange range,
      List<String> columns,
      Map<String, Object> equalities,
      long wanted,
      boolean descending,
      BufferAllocator allocator) {
    super(allocator);
    if (wanted < 1) {
      throw new IllegalArgumentException("wanted " + wanted + " < 1");
    }
    this.files = files;
    this.snapshot = snapshot;
    this.columns = List.copyOf(columns);
    this.equalities = Map.copyOf(equalities);
    this.wanted = wanted;
    this.descending = descending;
    this.schema = ArrowColumns.schema(ArrowScan.columns(snapshot.definition(), columns));
    this.left = held(range);
  }

  /** Tells {@code counter} the rows of each batch as it is loaded (for metrics); returns this. */
  public FirstRowsScan countingRows(LongConsumer counter) {
    this.rowsRead = java.util.Objects.requireNonNull(counter, "counter is null");
    return this;
  }

  /** Windows of keys read so far. */
  public int windows() {
    return windows;
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    VectorSchemaRoot root = getVectorSchemaRoot();
    while (true) {
      if (current != null && current.loadNextBatch()) {
        VectorSchemaRoot batch = current.getVectorSchemaRoot();
        for (int i = 0; i < batch.getFieldVectors().size(); i++) {
          batch.getVector(i).makeTransferPair(root.getVector(i)).transfer();
        }
        root.setRowCount(batch.getRowCount());
        handed += batch.getRowCount();
        rowsRead.accept(batch.getRowCount());
        return true;
      }
      if (current != null) {
        current.close();
        current = null;
      }
      if (handed >= wanted || left.isEmpty()) {
        return false;
      }
      current = nextWindow();
    }
  }

  /** The next window of keys from the end of those left, sized as the class says. */
  private ArrowScan nextWindow() {
    long rows;
    if (equalities.isEmpty()) {
      rows = wanted - handed; // every row counts: one window (the counts are at most the rows)
    } else if (windows == 0) {
      rows = Math.max(Math.min(wanted, Long.MAX_VALUE / 4) * 4, MIN_WINDOW_ROWS);
    } else {
      // the share of counted rows that met the equalities so far, at least one in 1,000
      double share = Math.max(handed, 1) / (double) Math.max(counted, 1);
      rows = (long) Math.min(Long.MAX_VALUE / 4, (wanted - handed) / Math.max(share, 0.001));
      rows = Math.max(Math.max(rows + rows / 2, lastWindowRows * 2), MIN_WINDOW_ROWS);
    }
    lastWindowRows = rows;
    Window next = window(rows);
    KeyRange window = next.keys();
    left =
        descending
            ? (window.lo() == left.lo() ? empty() : new KeyRange(left.lo(), window.lo() - 1))
            : (window.hi() == left.hi() ? empty() : new KeyRange(window.hi() + 1, left.hi()));
    counted += next.rows();
    windows++;
    return new ArrowScan(files, snapshot, window, columns, equalities, true, allocator);
  }

  /**
   * The keys at the end of those left that hold at least {@code rows} rows as the index counts them
   * (all of them when they hold fewer): the width doubled from an estimate of the keys' density.
   */
  private Window window(long rows) {
    long all = count(left);
    if (all <= rows) {
      return new Window(left, all);
    }
    long span = left.hi() - left.lo();
    long width =
        span < 0 // wider than a long can count: start from the whole range's half
            ? Long.MAX_VALUE / 2
            : Math.max(1, (long) (span * (rows / (double) all)));
    long narrower = 0; // a width known to hold fewer rows
    Window wide;
    while (true) {
      wide = counted(endOf(width), all);
      if (wide.keys().equals(left) || wide.rows() >= rows) {
        break;
      }
      narrower = width;
      width = width > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : width * 2;
    }
    // keys are not spread evenly (bursts, overlapping files): twice the width can hold many
    // times the rows, so narrow it down to within a 32nd
    while (width - narrower > Math.max(1, width / 32)) {
      long middle = narrower + (width - narrower) / 2;
      Window window = counted(endOf(middle), all);
      if (!window.keys().equals(left) && window.rows() < rows) {
        narrower = middle;
      } else {
        width = middle;
        wide = window;
      }
    }
    return wide;
  }

  /** Keys and the rows {@link #count} finds there. */
  private record Window(KeyRange keys, long rows) {}

  /** {@code keys} with its count ({@code all} when they are all the keys left). */
  private Window counted(KeyRange keys, long all) {
    return new Window(keys, keys.equals(left) ? all : count(keys));
  }

  /** The last (descending) or first {@code width} keys of those left. */
  private KeyRange endOf(long width) {
    if (descending) {
      long lo = left.hi() - width + 1;
      return lo <= left.lo() || lo > left.hi() ? left : new KeyRange(lo, left.hi());
    }
    long hi = left.lo() + width - 1;
    return hi >= left.hi() || hi < left.lo() ? left : new KeyRange(left.lo(), hi);
  }

  /**
   * Rows with keys in {@code keys}, at most as many as they hold: a file's rows when all its keys
   * are in, else the rows the index places there less its error at both ends; and tail rows.
   */
  private long count(KeyRange keys) {
    long rows = 0;
    for (IndexedFile file : snapshot.filesOverlapping(keys.lo(), keys.hi())) {
      if (file.minKey() >= keys.lo() && file.maxKey() <= keys.hi()) {
        rows += file.rows();
        continue;
      }
      PositionRange range = file.model().rowRangeInclusive(keys.lo(), keys.hi());
      long placed = Math.min(range.to(), file.rows()) - range.from();
      rows += Math.max(0, placed - 4L * file.model().epsilon());
    }
    TailRows tail = snapshot.tail();
    if (tail.size() > 0) {
      int from = tail.firstAtLeast(keys.lo());
      int to = keys.hi() == Long.MAX_VALUE ? tail.size() : tail.firstAtLeast(keys.hi() + 1);
      rows += Math.max(0, to - from);
    }
    return rows;
  }

  /** {@code range} narrowed to the keys the snapshot holds (files and tail). */
  private KeyRange held(KeyRange range) {
    long lo = snapshot.minKey();
    long hi = snapshot.maxKey();
    TailRows tail = snapshot.tail();
    if (tail.size() > 0) {
      lo = Math.min(lo, tail.row(0).key());
      hi = Math.max(hi, tail.row(tail.size() - 1).key());
    }
    if (range.isEmpty() || lo > hi) {
      return empty();
    }
    KeyRange held = new KeyRange(Math.max(lo, range.lo()), Math.min(hi, range.hi()));
    return held.isEmpty() ? empty() : held;
  }

  private static KeyRange empty() {
    return new KeyRange(0, -1);
  }

  @Override
  public long bytesRead() {
    return 0;
  }

  @Override
  protected void closeReadSource() throws IOException {
    if (current != null) {
      current.close();
      current = null;
    }
  }

  @Override
  protected Schema readSchema() {
    return schema;
  }
}

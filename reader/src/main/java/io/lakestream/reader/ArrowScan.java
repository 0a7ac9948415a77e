package io.lakestream.reader;

import io.lakestream.index.PositionRange;
import io.lakestream.reader.internal.ArrowColumns;
import io.lakestream.reader.internal.BytesEquality;
import io.lakestream.reader.internal.ColumnBatch;
import io.lakestream.reader.internal.ColumnVector;
import io.lakestream.reader.internal.EqualityValue;
import io.lakestream.reader.internal.ParquetFiles;
import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The rows of a key range of one {@link TableSnapshot} as Arrow batches, in no particular order:
 * each data file's rows the learned model places in the range (trimmed exactly by key), file after
 * file, then the snapshot's live tail rows in the range. Every row of the range is in exactly one
 * batch, as in {@link RangeReader#plan} and {@link RangeReader#fetch}, but with one plan for the
 * whole range instead of one per page, no merge by key, and values copied from the decoded column
 * vectors into Arrow vectors without boxing (strings as the UTF-8 bytes read).
 *
 * <p>For consumers that order rows themselves, such as the SQL engine. Rows that do not meet the
 * equalities given are left out, and found before the rest of the row is read: the compared columns
 * alone are read first (a text one compared on its encoded pages in sorted files), then every
 * column and the key only from the pages holding rows that meet them. Batches hold at most {@value
 * #MAX_BATCH_ROWS} rows; the root is refilled by each {@link #loadNextBatch()}, with new buffers
 * each time (a consumer may hold the previous ones). Not thread-safe; read failures are {@link
 * QueryException}s (internal) naming the file.
 */
public final class ArrowScan extends ArrowReader {
  /** The most rows in one batch (and one read of a file's pages). */
  public static final int MAX_BATCH_ROWS = 65_536;

  private final ParquetFiles files;
  private final TableSnapshot snapshot;
  private final KeyRange range;
  private final List<Column> columns;
  private final ColumnType[] types;
  private final Schema schema;
  private final String key;
  private final ColumnType keyType;

  /** Per equality: the column's position in the projection and the wanted value. */
  private final int[] equalSlots;

  private final long[] equalLongs;
  private final byte[][] equalBytes;

  /** Per equality on a bytes column, its matcher (null for others). */
  private final BytesEquality[] equalMatchers;

  /**
   * Per equality, its value as row groups' Bloom filters and dictionaries are asked for it (null
   * for an integer outside its column's range: no row has it, and the rows' check finds none).
   */
  private final EqualityValue[] lookedUp;

  /**
   * With equalities, a file's rows are read in two steps: first the compared columns only, over the
   * segment's rows, to find the rows that meet the equalities; then every column of the projection
   * and the key, for those rows only, from the pages holding them. This is the first step's
   * projection.
   */
  private final List<String> compared;

  /** Per column of the projection: its place in {@link #compared}, or -1. */
  private final int[] comparedSlot;

  /** Per column of the projection: its own place (the second step reads the projection). */
  private final int[] projectionSlot;

  /**
   * The equality the first step evaluates on the column's encoded pages in sorted files (the first
   * on a bytes column, -1 when none): the others are then checked in the second step.
   */
  private final int walked;

  private final List<Segment> segments = new ArrayList<>();
  private int segment;
  private ParquetFiles.FileReader reader;
  private ParquetFiles.FileReader comparedReader;
  private long next;
  private int tailNext;
  private int tailEnd;
  private int[] tailColumns;
  private java.util.function.LongConsumer rowsRead = rows -> {};

  /** One file's rows (ranks) {@code [from, to)} to read; whether its keys need trimming. */
  private record Segment(IndexedFile file, long from, long to, boolean trim) {}

  ArrowScan(
      ParquetFiles files,
      TableSnapshot snapshot,
      KeyRange range,
      List<String> columnNames,
      Map<String, Object> equalities,
      boolean readFiles,
      BufferAllocator allocator) {
    super(allocator);
    this.files = files;
    this.snapshot = snapshot;
    this.range = range;
    TableDefinition table = snapshot.definition();
    this.columns = columns(table, columnNames);
    this.types = columns.stream().map(Column::type).toArray(ColumnType[]::new);
    this.schema = ArrowColumns.schema(columns);
    this.key = table.primaryKey();
    this.keyType = table.primaryKeyColumn().type();
    List<Integer> slots = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    for (Map.Entry<String, Object> e : equalities.entrySet()) {
      int slot = columnNames.indexOf(e.getKey());
      if (slot < 0) {
        throw new IllegalArgumentException("equality on " + e.getKey() + ", not a column read");
      }
      ColumnType type = types[slot];
      boolean integral =
          switch (type) {
            case INT, LONG, TIMESTAMP, DATE -> e.getValue() instanceof Long;
            default -> false;
          };
      boolean text = type == ColumnType.STRING && e.getValue() instanceof String;
      if (integral || text) { // others are left to the consumer
        slots.add(slot);
        values.add(e.getValue());
      }
    }
    this.equalSlots = slots.stream().mapToInt(Integer::intValue).toArray();
    this.equalLongs = new long[equalSlots.length];
    this.equalBytes = new byte[equalSlots.length][];
    this.equalMatchers = new BytesEquality[equalSlots.length];
    this.lookedUp = new EqualityValue[equalSlots.length];
    for (int i = 0; i < equalSlots.length; i++) {
      if (values.get(i) instanceof Long l) {
        equalLongs[i] = l;
        lookedUp[i] = lookedUp(types[equalSlots[i]], l);
      } else {
        equalBytes[i] = ((String) values.get(i)).getBytes(StandardCharsets.UTF_8);
        equalMatchers[i] = new BytesEquality(equalBytes[i]);
        lookedUp[i] = equalMatchers[i].lookedUp();
      }
    }
    this.compared = new ArrayList<>();
    for (int slot : equalSlots) {
      if (!compared.contains(columnNames.get(slot))) {
        compared.add(columnNames.get(slot));
      }
    }
    this.comparedSlot = columnNames.stream().mapToInt(compared::indexOf).toArray();
    this.projectionSlot = java.util.stream.IntStream.range(0, columnNames.size()).toArray();
    int firstOnBytes = -1;
    for (int i = 0; i < equalSlots.length && firstOnBytes < 0; i++) {
      if (equalMatchers[i] != null) {
        firstOnBytes = i;
      }
    }
    this.walked = firstOnBytes;
    if (!range.isEmpty() && readFiles) {
      for (IndexedFile file : snapshot.filesOverlapping(range.lo(), range.hi())) {
        PositionRange window = file.model().rowRangeInclusive(range.lo(), range.hi());
        if (!window.isEmpty()) {
          boolean inside = file.minKey() >= range.lo() && file.maxKey() <= range.hi();
          segments.add(
              inside
                  ? new Segment(file, 0, file.rows(), false)
                  : new Segment(file, window.from(), Math.min(window.to(), file.rows()), true));
        }
      }
    }
    if (!range.isEmpty()) {
      TailRows tail = snapshot.tail();
      if (tail.size() > 0) {
        tailNext = tail.firstAtLeast(range.lo());
        tailEnd = range.hi() == Long.MAX_VALUE ? tail.size() : tail.firstAtLeast(range.hi() + 1);
      }
    }
    next = segments.isEmpty() ? 0 : segments.get(0).from();
  }

  /** The table's columns of those names, in order. */
  static List<Column> columns(TableDefinition table, List<String> names) {
    return names.stream()
        .map(
            n ->
                table
                    .column(n)
                    .orElseThrow(
                        () ->
                            new IllegalArgumentException(
                                "table " + table.name() + " has no column " + n)))
        .toList();
  }

  /** Tells {@code counter} the rows of each batch as it is loaded (for metrics); returns this. */
  public ArrowScan countingRows(java.util.function.LongConsumer counter) {
    this.rowsRead = java.util.Objects.requireNonNull(counter, "counter is null");
    return this;
  }

  /** Data files the scan reads (some rows of each). */
  public int fileCount() {
    return segments.size();
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    while (segment < segments.size()) {
      Segment current = segments.get(segment);
      if (next >= current.to()) {
        closeFile();
        segment++;
        if (segment < segments.size()) {
          next = segments.get(segment).from();
        }
        continue;
      }
      if (fillFromFile(current)) {
        return true;
      }
    }
    closeFile();
    return fillFromTail();
  }

  /** Reads the next chunk of a file into the root; false when no row of it is wanted. */
  private boolean fillFromFile(Segment current) {
    if (!compared.isEmpty()) {
      return fillComparedFromFile(current);
    }
    IndexedFile file = current.file();
    long from = next;
    long to = Math.min(current.to(), from + MAX_BATCH_ROWS);
    next = to;
    ColumnBatch batch;
    try {
      ParquetFiles.FileReader reader = rowReader(current);
      batch = file.sorted() ? reader.read(from, to) : reader.read(file.rowOrder(), from, to);
    } catch (IOException e) {
      throw QueryErrors.storageFailure("read rows", snapshot.id(), file.location(), e);
    }
    Run run = inRange(current, batch, indexOfKey());
    int first = run.first();
    int count = run.end() - first;
    if (count == 0) {
      return false;
    }
    VectorSchemaRoot root = root();
    List<FieldVector> vectors = allocate(root, count);
    for (int c = 0; c < types.length; c++) {
      ArrowColumns.write(batch.column(c), null, first, count, vectors.get(c), types[c], 0);
    }
    finish(root, vectors, count);
    return true;
  }

  /** An integer equality's value as stored: in 32 bits (int, date) or 64 (long, timestamp). */
  private static EqualityValue lookedUp(ColumnType type, long value) {
    return switch (type) {
      case INT, DATE ->
          value == (int) value ? EqualityValue.ofInt((int) value) : null; // no row has it
      default -> EqualityValue.ofLong(value);
    };
  }

  /**
   * Whether what earlier reads kept of the file's Bloom filters or dictionaries says that none of
   * its rows holds the value of some equality: a lookup of one trace id (or order number) over the
   * whole table then opens only the files that may hold it.
   */
  private boolean knownToLackAnEquality(IndexedFile file) {
    for (int i = 0; i < equalSlots.length; i++) {
      if (lookedUp[i] != null
          && files.refusesEverywhere(
              file.location(), columns.get(equalSlots[i]).name(), lookedUp[i])) {
        return true;
      }
    }
    return false;
  }

  /**
   * The rows of {@code [from, to)} of the file that may meet the equalities: in a file in key
   * order, from the first to the last of their row groups whose Bloom filters or dictionaries admit
   * the value of every equality (a trace id in files with filters of trace_id: usually one row
   * group); in another, all of them unless every row group of the file refuses a value. Empty when
   * none may, so that none of their pages is read.
   */
  private PositionRange rowsMayMeetTheEqualities(IndexedFile file, long from, long to)
      throws IOException {
    PositionRange rows = new PositionRange(from, to);
    for (int i = 0; i < equalSlots.length && !rows.isEmpty(); i++) {
      if (lookedUp[i] == null) {
        continue;
      }
      int slot = comparedSlot[equalSlots[i]];
      if (file.sorted()) {
        rows = comparedReader.rowsMayHold(rows.from(), rows.to(), slot, lookedUp[i]);
      } else if (comparedReader.rowsMayHold(0, Long.MAX_VALUE, slot, lookedUp[i]).isEmpty()) {
        rows = PositionRange.empty(from);
      }
    }
    return rows;
  }

  /**
   * As {@link #fillFromFile}, with equalities: first the rows of the chunk that meet them, from the
   * compared columns only (in sorted files, the first equality on a bytes column is evaluated on
   * the column's encoded pages, no value materialized; see {@link ParquetFiles.FileReader#select});
   * then every column and the key of those rows, from the pages holding them only (for a trace's
   * few rows in an hour of them, a page or two of each column instead of all). Rows whose key is
   * out of the range (a segment's window is wider than the range) are dropped then.
   */
  private boolean fillComparedFromFile(Segment current) {
    IndexedFile file = current.file();
    long from = next;
    long to = Math.min(current.to(), from + MAX_BATCH_ROWS);
    next = to;
    int[] selected;
    int count;
    boolean walk;
    try {
      if (comparedReader == null) {
        if (knownToLackAnEquality(file)) {
          next = current.to(); // none of the file's rows meets the equalities: not opened
          return false;
        }
        comparedReader = open(file, compared);
      }
      PositionRange mayMeet = rowsMayMeetTheEqualities(file, from, to);
      if (mayMeet.isEmpty()) {
        return false;
      }
      from = mayMeet.from();
      to = mayMeet.to();
      walk =
          walked >= 0
              && file.sorted()
              && comparedReader.selectable(comparedSlot[equalSlots[walked]]);
      if (walk) {
        selected =
            comparedReader.select(
                from, to, comparedSlot[equalSlots[walked]], equalMatchers[walked]);
        count = selected.length;
      } else {
        ColumnBatch probe =
            file.sorted()
                ? comparedReader.read(from, to)
                : comparedReader.read(file.rowOrder(), from, to);
        selected = new int[probe.rowCount()];
        for (int row = 0; row < selected.length; row++) {
          selected[row] = row;
        }
        count = meet(probe, comparedSlot, selected, selected.length, -1);
      }
    } catch (IOException e) {
      throw QueryErrors.storageFailure("read rows", snapshot.id(), file.location(), e);
    }
    if (count == 0) {
      return false;
    }
    ColumnBatch batch;
    int[] rows = new int[count]; // the rows of batch to take
    try {
      ParquetFiles.FileReader reader = rowReader(current);
      if (file.sorted()) {
        batch = reader.readSelected(from, selected, count);
        for (int i = 0; i < count; i++) {
          rows[i] = selected[i] - selected[0];
        }
      } else {
        int[] positions = new int[count];
        for (int i = 0; i < count; i++) {
          positions[i] = file.rowOrder()[(int) from + selected[i]];
          rows[i] = i;
        }
        batch = reader.read(positions, 0, count);
      }
    } catch (IOException e) {
      throw QueryErrors.storageFailure("read rows", snapshot.id(), file.location(), e);
    }
    if (walk) {
      count = meet(batch, projectionSlot, rows, count, walked);
    }
    if (current.trim()) {
      count = inRange(batch, indexOfKey(), rows, count);
    }
    if (count == 0) {
      return false;
    }
    VectorSchemaRoot root = root();
    List<FieldVector> vectors = allocate(root, count);
    for (int c = 0; c < types.length; c++) {
      ArrowColumns.write(batch.column(c), rows, 0, count, vectors.get(c), types[c], 0);
    }
    finish(root, vectors, count);
    return true;
  }

  /**
   * The reader of every column of the projection, and of the key when the segment's keys need
   * trimming (after the projection's columns).
   */
  private ParquetFiles.FileReader rowReader(Segment current) throws IOException {
    if (reader == null) {
      List<String> projection = columns.stream().map(Column::name).toList();
      if (current.trim() && !projection.contains(key)) {
        projection = new ArrayList<>(projection);
        projection.add(key);
      }
      reader = open(current.file(), projection);
    }
    return reader;
  }

  private ParquetFiles.FileReader open(IndexedFile file, List<String> projection)
      throws IOException {
    return files.open(file.location(), file.sizeBytes(), snapshot.definition(), projection);
  }

  /** Rows {@code [first, end)} of a chunk. */
  private record Run(int first, int end) {}

  /**
   * The rows of a chunk within the key range: all of them unless the segment needs trimming; then,
   * rows coming in key order, the range is one run of them, found by the key in {@code keySlot}.
   * Past the range's end, the rest of the segment is skipped.
   */
  private Run inRange(Segment current, ColumnBatch batch, int keySlot) {
    int first = 0;
    int end = batch.rowCount();
    if (current.trim()) {
      first = firstAtLeast(batch, keySlot, range.lo(), 0, end);
      if (range.hi() != Long.MAX_VALUE) {
        end = firstAtLeast(batch, keySlot, range.hi() + 1, first, end);
      }
      if (end < batch.rowCount()) {
        next = current.to(); // the rest of the file is past the range
      }
    }
    return new Run(first, end);
  }

  /**
   * Keeps of {@code rows[0, count)} those whose key is in the range, in order; returns how many.
   */
  private int inRange(ColumnBatch batch, int keySlot, int[] rows, int count) {
    int kept = 0;
    for (int k = 0; k < count; k++) {
      int row = rows[k];
      if (!batch.isNull(keySlot, row)) {
        long encoded = Keys.encode(keyType, batch.value(keySlot, row));
        if (encoded >= range.lo() && encoded <= range.hi()) {
          rows[kept++] = row;
        }
      }
    }
    return kept;
  }

  private int indexOfKey() {
    for (int c = 0; c < columns.size(); c++) {
      if (columns.get(c).name().equals(key)) {
        return c;
      }
    }
    return columns.size(); // added after the projection
  }

  private int firstAtLeast(ColumnBatch batch, int keySlot, long wanted, int lo, int hi) {
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Keys.encode(keyType, batch.value(keySlot, mid)) < wanted) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Keeps of {@code rows[0, count)} those that meet every equality but the one numbered {@code
   * skip} (-1: none skipped), in order, at the front of {@code rows}; returns how many. Each
   * equality filters what the one before kept, column by column; {@code slots} gives each column of
   * the projection's place in {@code batch}.
   */
  private int meet(ColumnBatch batch, int[] slots, int[] rows, int count, int skip) {
    for (int i = 0; i < equalSlots.length && count > 0; i++) {
      if (i == skip) {
        continue;
      }
      ColumnVector column = batch.column(slots[equalSlots[i]]);
      if (column == null) {
        return 0; // the file lacks the column: every row null, none equal
      }
      if (column.kind() == ColumnVector.Kind.BYTES) {
        count = equalMatchers[i] == null ? 0 : equalMatchers[i].select(column, rows, count);
        continue;
      }
      int kept = 0;
      for (int k = 0; k < count; k++) {
        int row = rows[k];
        boolean equal =
            !column.isNull(row)
                && switch (column.kind()) {
                  case INT -> column.intAt(row) == equalLongs[i];
                  case LONG -> column.longAt(row) == equalLongs[i];
                  default -> true; // not filtered here
                };
        if (equal) {
          rows[kept++] = row;
        }
      }
      count = kept;
    }
    return count;
  }

  private static boolean sameBytes(ByteSlice slice, byte[] wanted) {
    return wanted != null
        && Arrays.equals(
            slice.array(),
            slice.offset(),
            slice.offset() + slice.length(),
            wanted,
            0,
            wanted.length);
  }

  /** The next rows of the live tail in the range that meet the equalities; false when none. */
  private boolean fillFromTail() {
    if (tailNext >= tailEnd) {
      return false;
    }
    TailRows tail = snapshot.tail();
    if (tailColumns == null) {
      List<String> names = snapshot.definition().columnNames();
      tailColumns = columns.stream().mapToInt(c -> names.indexOf(c.name())).toArray();
    }
    List<Object[]> rows = new ArrayList<>();
    while (tailNext < tailEnd && rows.size() < MAX_BATCH_ROWS) {
      Object[] values = tail.row(tailNext++).values();
      if (tailMeets(values)) {
        rows.add(values);
      }
    }
    if (rows.isEmpty()) {
      return fillFromTail();
    }
    VectorSchemaRoot root = root();
    List<FieldVector> vectors = allocate(root, rows.size());
    for (int c = 0; c < types.length; c++) {
      for (int r = 0; r < rows.size(); r++) {
        ArrowColumns.writeValue(vectors.get(c), types[c], r, rows.get(r)[tailColumns[c]]);
      }
    }
    finish(root, vectors, rows.size());
    return true;
  }

  private boolean tailMeets(Object[] values) {
    for (int i = 0; i < equalSlots.length; i++) {
      Object value = values[tailColumns[equalSlots[i]]];
      boolean equal;
      if (value == null) {
        equal = false;
      } else if (equalBytes[i] != null) {
        equal =
            value instanceof ByteSlice slice
                ? sameBytes(slice, equalBytes[i])
                : Arrays.equals(value.toString().getBytes(StandardCharsets.UTF_8), equalBytes[i]);
      } else {
        equal =
            !(value instanceof Number n)
                || value instanceof Double
                || value instanceof Float
                || n.longValue() == equalLongs[i];
      }
      if (!equal) {
        return false;
      }
    }
    return true;
  }

  private VectorSchemaRoot root() {
    try {
      return getVectorSchemaRoot();
    } catch (IOException e) {
      throw new IllegalStateException("an Arrow batch in memory did not start", e);
    }
  }

  private static List<FieldVector> allocate(VectorSchemaRoot root, int rows) {
    List<FieldVector> vectors = root.getFieldVectors();
    for (FieldVector vector : vectors) {
      vector.clear(); // the consumer may still hold the previous buffers
      vector.setInitialCapacity(rows);
      vector.allocateNew();
    }
    return vectors;
  }

  private void finish(VectorSchemaRoot root, List<FieldVector> vectors, int rows) {
    for (FieldVector vector : vectors) {
      vector.setValueCount(rows);
    }
    root.setRowCount(rows);
    rowsRead.accept(rows);
  }

  private void closeFile() {
    if (reader != null) {
      reader.close();
      reader = null;
    }
    if (comparedReader != null) {
      comparedReader.close();
      comparedReader = null;
    }
  }

  @Override
  public long bytesRead() {
    return 0;
  }

  @Override
  protected void closeReadSource() {
    closeFile();
  }

  @Override
  protected Schema readSchema() {
    return schema;
  }
}

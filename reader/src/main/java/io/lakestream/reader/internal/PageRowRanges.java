package io.lakestream.reader.internal;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.PrimitiveIterator;
import org.apache.parquet.filter2.columnindex.RowRanges;

/**
 * Rows of a row group, as parquet-mr's {@link RowRanges}, for {@link
 * org.apache.parquet.hadoop.ParquetFileReader#readFilteredRowGroup(int, RowRanges)} only: that read
 * asks {@link #isOverlapping} once per page of each column chunk read, pages in order, and
 * parquet-mr answers each by a binary search that makes a range object per call (for a trace's 6
 * rows, 26 columns of 809 pages each: a quarter of the scan). Here a cursor moves forward over the
 * ranges instead (and starts again when asked about earlier rows). Not thread-safe.
 *
 * <p>The other methods give the wrapped ranges' answers; {@link RowRanges#union} and {@link
 * RowRanges#intersection}, which read parquet-mr's private list, would see no rows: not to be
 * passed to them.
 */
final class PageRowRanges extends RowRanges {
  private final RowRanges ranges;
  private final long[] starts;
  private final long[] ends;
  private int cursor;
  private long lastFrom = Long.MIN_VALUE;

  PageRowRanges(RowRanges ranges) {
    this.ranges = requireNonNull(ranges, "ranges is null");
    List<Range> list = ranges.getRanges();
    this.starts = new long[list.size()];
    this.ends = new long[list.size()];
    for (int i = 0; i < starts.length; i++) {
      starts[i] = list.get(i).from;
      ends[i] = list.get(i).to;
    }
  }

  /** Whether a row of {@code [from, to]} (inclusive) is among the ranges. */
  @Override
  public boolean isOverlapping(long from, long to) {
    if (from < lastFrom) {
      cursor = 0;
    }
    lastFrom = from;
    while (cursor < ends.length && ends[cursor] < from) {
      cursor++;
    }
    return cursor < ends.length && starts[cursor] <= to;
  }

  @Override
  public long rowCount() {
    return ranges.rowCount();
  }

  @Override
  public PrimitiveIterator.OfLong iterator() {
    return ranges.iterator();
  }

  @Override
  public List<Range> getRanges() {
    return ranges.getRanges();
  }

  @Override
  public String toString() {
    return ranges.toString();
  }
}

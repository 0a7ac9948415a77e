package io.lakestream.reader.internal;

import java.util.Arrays;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;

/**
 * Where the pages of one column chunk are, from its offset index: each data page's first row,
 * offset and size (header included), and the bytes before the first data page (the dictionary page,
 * when the chunk has one). Made once per open reader and row group, so that a read of a few rows
 * finds their pages by a binary search instead of parquet-mr's check of every page of the chunk.
 */
final class PageLocations {
  private final long[] firstRows;
  private final long[] offsets;
  private final int[] sizes;
  private final long chunkStart;
  private final long rowCount;
  private final CompressionCodecName codec;
  private final long valueCount;

  private PageLocations(
      long[] firstRows,
      long[] offsets,
      int[] sizes,
      long chunkStart,
      long rowCount,
      CompressionCodecName codec,
      long valueCount) {
    this.firstRows = firstRows;
    this.offsets = offsets;
    this.sizes = sizes;
    this.chunkStart = chunkStart;
    this.rowCount = rowCount;
    this.codec = codec;
    this.valueCount = valueCount;
  }

  /**
   * The pages of {@code chunk} as {@code index} has them, or null when the index cannot be used (no
   * page, first rows not rising from 0, pages not in file order after the chunk's start): the chunk
   * is then read by parquet-mr.
   *
   * @param rowCount the rows of the row group
   */
  static PageLocations of(ColumnChunkMetaData chunk, OffsetIndex index, long rowCount) {
    int count = index.getPageCount();
    if (count == 0) {
      return null;
    }
    long[] firstRows = new long[count];
    long[] offsets = new long[count];
    int[] sizes = new int[count];
    long start = chunk.getStartingPos();
    long end = start;
    for (int p = 0; p < count; p++) {
      firstRows[p] = index.getFirstRowIndex(p);
      offsets[p] = index.getOffset(p);
      sizes[p] = index.getCompressedPageSize(p);
      boolean ordered = p == 0 ? firstRows[p] == 0 : firstRows[p] > firstRows[p - 1];
      if (!ordered || firstRows[p] >= rowCount || offsets[p] < end || sizes[p] <= 0) {
        return null;
      }
      end = offsets[p] + sizes[p];
    }
    return new PageLocations(
        firstRows, offsets, sizes, start, rowCount, chunk.getCodec(), chunk.getValueCount());
  }

  int pageCount() {
    return firstRows.length;
  }

  /** The page holding row {@code row} of the row group. */
  int pageOf(long row) {
    int page = Arrays.binarySearch(firstRows, row);
    return page >= 0 ? page : -page - 2;
  }

  long firstRow(int page) {
    return firstRows[page];
  }

  /**
   * The pages holding the rows {@code (selected[k] >>> 32) - blockStart} of the row group ({@code
   * begin <= k < end}, ascending), each once, ascending.
   */
  int[] pagesHolding(long[] selected, int begin, int end, long blockStart) {
    int[] pages = new int[end - begin];
    int count = 0;
    long pageEnd = -1; // rows of the last page found end before this one
    for (int k = begin; k < end; k++) {
      long row = (selected[k] >>> 32) - blockStart;
      if (row < pageEnd) {
        continue;
      }
      int page = pageOf(row);
      pages[count++] = page;
      pageEnd = firstRows[page] + rows(page);
    }
    return Arrays.copyOf(pages, count);
  }

  /** The pages holding rows of {@code [first, last)} of the row group, ascending. */
  int[] pagesOverlapping(long first, long last) {
    int from = pageOf(first);
    int to = pageOf(last - 1) + 1;
    int[] pages = new int[to - from];
    for (int p = 0; p < pages.length; p++) {
      pages[p] = from + p;
    }
    return pages;
  }

  /** Rows in page {@code page}. */
  int rows(int page) {
    long end = page + 1 < firstRows.length ? firstRows[page + 1] : rowCount;
    return Math.toIntExact(end - firstRows[page]);
  }

  long offset(int page) {
    return offsets[page];
  }

  /** The page's bytes in the file, its header included. */
  int size(int page) {
    return sizes[page];
  }

  /** Where the bytes before the first data page start (the dictionary page, if any). */
  long dictionaryOffset() {
    return chunkStart;
  }

  /** Bytes before the first data page: the dictionary page's, or none. */
  int dictionarySize() {
    return Math.toIntExact(offsets[0] - chunkStart);
  }

  CompressionCodecName codec() {
    return codec;
  }

  /** Values in the chunk. */
  long valueCount() {
    return valueCount;
  }
}

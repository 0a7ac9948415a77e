package io.lakestream.reader;

import java.util.List;
import java.util.Optional;

/**
 * The rows of one page of a range read, found from the key column alone: which rows of which files
 * to fetch, how many rows that is, and the cursor of the next page. Fetching the plan ({@link
 * RangeReader#fetch}) reads exactly these rows.
 *
 * @param snapshot the table index the plan was made on (files stay readable while it is used)
 * @param descending whether rows are served in descending key order
 * @param slices per file, the rows {@code [from, to)} of the page
 * @param rowCount rows in the page
 * @param next where the next page starts; empty when this page ends the range
 * @param tailFrom the first row of the snapshot's live tail in the page ({@link TailRows#row})
 * @param tailTo after the last row of the live tail in the page ({@code tailFrom}: none)
 */
public record ReadPlan(
    TableSnapshot snapshot,
    boolean descending,
    List<Slice> slices,
    long rowCount,
    Optional<Cursor> next,
    int tailFrom,
    int tailTo) {
  public ReadPlan {
    slices = List.copyOf(slices);
  }

  /** A plan of file rows only. */
  public ReadPlan(
      TableSnapshot snapshot,
      boolean descending,
      List<Slice> slices,
      long rowCount,
      Optional<Cursor> next) {
    this(snapshot, descending, slices, rowCount, next, 0, 0);
  }

  /** Rows {@code [from, to)} of a file. */
  public record Slice(IndexedFile file, long from, long to) {}
}

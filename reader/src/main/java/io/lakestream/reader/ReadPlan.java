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
 */
public record ReadPlan(
    TableSnapshot snapshot,
    boolean descending,
    List<Slice> slices,
    long rowCount,
    Optional<Cursor> next) {
  public ReadPlan {
    slices = List.copyOf(slices);
  }

  /** Rows {@code [from, to)} of a file. */
  public record Slice(IndexedFile file, long from, long to) {}
}

package io.lakestream.index.internal;

/**
 * A table over the top bits of {@code key - minKey} that narrows the search for a key's segment to
 * the segments whose start keys share those bits, plus the one before.
 *
 * <p>With {@code b = (key - minKey) >>> shift}, the segment of {@code key} is in {@code [table[b],
 * table[b + 1]]}. Entry {@code b} holds {@code max(0, #segments whose start has prefix < b) - 1}:
 * every segment before it starts below any key of prefix {@code b}, and every segment after {@code
 * table[b + 1]} starts above it.
 */
public final class RadixTable {
  private final int shift;
  private final int[] table;

  private RadixTable(int shift, int[] table) {
    this.shift = shift;
    this.table = table;
  }

  /**
   * Builds a table of about {@code 2^(log2(segments) + extraBits)} entries, at most {@code
   * 2^maxBits}.
   */
  public static RadixTable build(Segments segments, int extraBits, int maxBits) {
    int count = Math.max(segments.count(), 1);
    long span = segments.maxKey() - segments.minKey(); // unsigned
    int spanBits = 64 - Long.numberOfLeadingZeros(span);
    int wanted = 32 - Integer.numberOfLeadingZeros(count - 1) + extraBits;
    int bits = Math.max(0, Math.min(Math.min(wanted, maxBits), spanBits));
    if (spanBits - bits > 63) {
      bits = 1; // a shift of 64 would be a shift of 0 in Java
    }
    int shift = spanBits - bits;
    int buckets = 1 << bits;
    int[] table = new int[buckets + 1];
    long min = segments.minKey();
    int segment = 0;
    // table[b] = (#segments with prefix < b) - 1, at least 0.
    for (int b = 0; b <= buckets; b++) {
      while (segment < segments.count() && prefix(segments.startKey(segment), min, shift) < b) {
        segment++;
      }
      table[b] = Math.max(segment - 1, 0);
    }
    return new RadixTable(shift, table);
  }

  private static long prefix(long key, long min, int shift) {
    return (key - min) >>> shift;
  }

  /** Right shift applied to {@code key - minKey}, in {@code [0, 63]}. */
  public int shift() {
    return shift;
  }

  /** The table; not a copy, do not modify. */
  public int[] table() {
    return table;
  }

  /** Bytes held by the table, with the array header. */
  public long bytes() {
    return 16L + 4L * table.length;
  }
}

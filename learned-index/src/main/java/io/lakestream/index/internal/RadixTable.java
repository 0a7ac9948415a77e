package io.lakestream.index.internal;

/**
 * A table over the top bits of {@code key - minKey} that narrows the search for a key's segment to
 * the segments whose start keys share those bits, plus the one before.
 *
 * <p>With {@code b = (key - minKey) >>> shift}, the segment of {@code key} is in {@code [table[b],
 * table[b + 1]]}. Entry {@code b} holds {@code max(0, #segments whose start has prefix < b) - 1}:
 * every segment before it starts below any key of prefix {@code b}, and every segment after {@code
 * table[b + 1]} starts above it. The table ends at the bucket of {@code maxKey}, plus one entry.
 */
public final class RadixTable {
  /** Bytes of an array header, counted in {@link #bytes()}. */
  private static final long ARRAY_HEADER_BYTES = 16;

  private final int shift;
  private final int[] table;

  private RadixTable(int shift, int[] table) {
    this.shift = shift;
    this.table = table;
  }

  /**
   * Builds a table of {@code 2^(ceil(log2(segments)) + extraBits)} buckets, at most {@code
   * 2^maxBits}, of which it keeps those up to the bucket of {@code maxKey}: with {@code extraBits}
   * 1, 0 or -1, that is from 2 to 4, 1 to 2 or ½ to 1 entries a segment when the keys fill the top
   * bucket.
   */
  public static RadixTable build(Segments segments, int extraBits, int maxBits) {
    int shift = shift(segments, extraBits, maxBits);
    int[] table = new int[length(segments, shift)];
    long min = segments.minKey();
    int segment = 0;
    // table[b] = (#segments with prefix < b) - 1, at least 0.
    for (int b = 0; b < table.length; b++) {
      while (segment < segments.count() && prefix(segments.startKey(segment), min, shift) < b) {
        segment++;
      }
      table[b] = Math.max(segment - 1, 0);
    }
    return new RadixTable(shift, table);
  }

  /** The {@link #bytes()} of {@link #build} with the same arguments, without building it. */
  public static long bytes(Segments segments, int extraBits, int maxBits) {
    return bytesOf(length(segments, shift(segments, extraBits, maxBits)));
  }

  private static int shift(Segments segments, int extraBits, int maxBits) {
    int count = Math.max(segments.count(), 1);
    long span = segments.maxKey() - segments.minKey(); // unsigned
    int spanBits = 64 - Long.numberOfLeadingZeros(span);
    int wanted = 32 - Integer.numberOfLeadingZeros(count - 1) + extraBits;
    int bits = Math.max(0, Math.min(Math.min(wanted, maxBits), spanBits));
    if (spanBits - bits > 63) {
      bits = 1; // a shift of 64 would be a shift of 0 in Java
    }
    return spanBits - bits;
  }

  /** Entries up to the bucket of {@code maxKey}, plus one for its end. */
  private static int length(Segments segments, int shift) {
    return (int) (prefix(segments.maxKey(), segments.minKey(), shift) + 2);
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
    return bytesOf(table.length);
  }

  private static long bytesOf(int length) {
    return ARRAY_HEADER_BYTES + 4L * length;
  }
}

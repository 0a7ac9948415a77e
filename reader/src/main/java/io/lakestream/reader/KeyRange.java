package io.lakestream.reader;

/**
 * Keys {@code k} with {@code lo <= k <= hi} (encoded keys, both ends inclusive so that every key
 * can be reached). Requests give {@code from} inclusive and {@code to} exclusive; see {@link
 * #fromTo}.
 */
public record KeyRange(long lo, long hi) {
  /** Every key. */
  public static final KeyRange ALL = new KeyRange(Long.MIN_VALUE, Long.MAX_VALUE);

  /** Keys {@code from <= k < to}; null ends are open. Empty when {@code to} is the smallest key. */
  public static KeyRange fromTo(Long from, Long to) {
    long lo = from == null ? Long.MIN_VALUE : from;
    if (to != null && to == Long.MIN_VALUE) {
      return new KeyRange(0, -1);
    }
    long hi = to == null ? Long.MAX_VALUE : to - 1;
    return new KeyRange(lo, hi);
  }

  /** The single key {@code key}. */
  public static KeyRange of(long key) {
    return new KeyRange(key, key);
  }

  public boolean isEmpty() {
    return lo > hi;
  }

  public boolean contains(long key) {
    return key >= lo && key <= hi;
  }
}

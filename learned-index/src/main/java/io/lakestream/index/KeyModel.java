package io.lakestream.index;

import io.lakestream.index.internal.IndexErrors;
import io.lakestream.index.internal.ModelCodec;
import io.lakestream.index.internal.Segmentation;
import io.lakestream.index.internal.Segments;
import java.util.Base64;
import java.util.Objects;

/**
 * A keys-free model of a sorted key column: given a key, it tells which row positions can hold it,
 * without reading the keys. The writer builds one per data file while the sorted file is written
 * and stores {@link #toTag()} in the file's Delta AddFile tags under {@link #TAG_NAME}; the query
 * sidecar loads it with {@link #fromTag(String)} and asks {@link #rowRange(long, long)} which rows
 * to read.
 *
 * <p>Keys are {@code long}s: encode other key types with {@link KeyEncoding}. Duplicates are
 * allowed. The model is a piecewise-linear approximation of key to position with error bound {@link
 * #epsilon()}, so every window it returns is at most {@code 2 * epsilon + 1} rows long. The
 * contracts hold for every {@code long} key, present in the column or not.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class KeyModel {
  /** The Delta AddFile tag under which a file's model is stored. */
  public static final String TAG_NAME = "lakestream.keyModel";

  /**
   * Default bound on {@link #serializedSize()}: 3072 bytes, so that {@link #toTag()} is at most
   * 4096 characters.
   */
  public static final int DEFAULT_MAX_BYTES = 3072;

  /** Smallest epsilon, and the first one {@link #build(long[])} tries. */
  public static final int MIN_EPSILON = 1;

  /** Largest epsilon. */
  public static final int MAX_EPSILON = ModelCodec.MAX_EPSILON;

  private static final int FIRST_EPSILON = 8;

  private final Segments segments;

  private KeyModel(Segments segments) {
    this.segments = segments;
  }

  static KeyModel of(Segments segments) {
    return new KeyModel(segments);
  }

  /**
   * Builds the model of {@code sortedKeys} that serializes within {@link #DEFAULT_MAX_BYTES}, with
   * the smallest epsilon among 8, 16, 32, … that fits. Easy data (regular timestamps, dense ids)
   * gets epsilon 8; hard data gets a larger epsilon, so wider row ranges, never a larger tag.
   *
   * @param sortedKeys keys in ascending (signed) order, duplicates allowed; not modified nor kept
   * @throws IllegalArgumentException if the keys are not sorted
   */
  public static KeyModel build(long[] sortedKeys) {
    return buildWithin(sortedKeys, DEFAULT_MAX_BYTES);
  }

  /**
   * Builds the model of {@code sortedKeys} that serializes within {@code maxBytes}, with the
   * smallest epsilon among 8, 16, 32, … that fits. Each try stops as soon as its segments so far
   * are over the byte budget, so a try that cannot fit reads only part of the keys.
   *
   * @param maxBytes at least 64
   * @throws IllegalArgumentException if the keys are not sorted or {@code maxBytes < 64}
   */
  public static KeyModel buildWithin(long[] sortedKeys, int maxBytes) {
    Objects.requireNonNull(sortedKeys, "sortedKeys is null");
    if (maxBytes < 64) {
      throw new IllegalArgumentException("maxBytes " + maxBytes + " is below 64");
    }
    int maxSegments = maxBytes / ModelCodec.MIN_SEGMENT_BYTES;
    for (int epsilon = FIRST_EPSILON; ; epsilon = Math.min(epsilon * 2, MAX_EPSILON)) {
      Segments fitted = Segmentation.fit(sortedKeys, epsilon, maxSegments, maxBytes);
      if (fitted != null && ModelCodec.length(fitted) <= maxBytes) {
        return new KeyModel(fitted);
      }
      if (epsilon == MAX_EPSILON) {
        // Unreachable for arrays (one segment fits once epsilon exceeds the row count).
        throw new IllegalStateException("No model of " + sortedKeys.length + " keys fits");
      }
    }
  }

  /**
   * Builds the model of {@code sortedKeys} with a fixed {@code epsilon}, whatever its size.
   *
   * @throws IllegalArgumentException if the keys are not sorted or epsilon is out of {@code [1,
   *     MAX_EPSILON]}
   */
  public static KeyModel buildWithEpsilon(long[] sortedKeys, int epsilon) {
    Objects.requireNonNull(sortedKeys, "sortedKeys is null");
    checkEpsilon(epsilon);
    return new KeyModel(Segmentation.fit(sortedKeys, epsilon, Integer.MAX_VALUE));
  }

  static void checkEpsilon(int epsilon) {
    if (epsilon < MIN_EPSILON || epsilon > MAX_EPSILON) {
      throw new IllegalArgumentException(
          "epsilon " + epsilon + " is out of range [" + MIN_EPSILON + ", " + MAX_EPSILON + "]");
    }
  }

  /**
   * Reads a model written by {@link #toBytes()}.
   *
   * @throws IndexFormatException if the bytes are truncated, corrupt (checksum), not a model (bad
   *     magic), of an unknown version, or inconsistent; the message says which
   */
  public static KeyModel fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes is null");
    return new KeyModel(ModelCodec.decode(bytes));
  }

  /**
   * Reads a model written by {@link #toTag()}.
   *
   * @throws IndexFormatException if the tag is not base64 or its bytes are not a valid model
   */
  public static KeyModel fromTag(String tag) {
    Objects.requireNonNull(tag, "tag is null");
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(tag.strip());
    } catch (IllegalArgumentException e) {
      throw IndexErrors.notBase64(e);
    }
    return fromBytes(bytes);
  }

  /** The versioned, checksummed binary form; {@link #fromBytes(byte[])} reads it back. */
  public byte[] toBytes() {
    return ModelCodec.encode(segments);
  }

  /** {@link #toBytes()} in base64 (RFC 4648, with padding), for a Delta AddFile tag. */
  public String toTag() {
    return Base64.getEncoder().encodeToString(toBytes());
  }

  /** Length of {@link #toBytes()}. */
  public int serializedSize() {
    return ModelCodec.length(segments);
  }

  /** Number of rows (keys) modelled. */
  public long size() {
    return segments.size();
  }

  /** Whether the model has no row. */
  public boolean isEmpty() {
    return segments.size() == 0;
  }

  /**
   * The smallest key.
   *
   * @throws IllegalStateException if the model is empty
   */
  public long minKey() {
    checkNotEmpty();
    return segments.minKey();
  }

  /**
   * The largest key.
   *
   * @throws IllegalStateException if the model is empty
   */
  public long maxKey() {
    checkNotEmpty();
    return segments.maxKey();
  }

  private void checkNotEmpty() {
    if (isEmpty()) {
      throw new IllegalStateException("The key model is empty: it has no minimum or maximum key");
    }
  }

  /** The error bound: windows are at most {@code 2 * epsilon + 1} positions long. */
  public int epsilon() {
    return segments.epsilon();
  }

  /** Number of linear segments. */
  public int segmentCount() {
    return segments.count();
  }

  /**
   * The window holding the lower bound of {@code key} (the number of keys {@code < key}, that is
   * the position of the first key {@code >= key}): a range {@code [from, to)} such that every key
   * before {@code from} is {@code < key} and every key at or after {@code to} is {@code >= key}. So
   * the lower bound is the position of the first key {@code >= key} in {@code [from, to)}, or
   * {@code to} if there is none. Within {@code [0, size]}, at most {@code 2 * epsilon + 1} long.
   */
  public PositionRange lowerBoundWindow(long key) {
    long size = segments.size();
    if (size == 0 || key <= segments.minKey()) {
      return PositionRange.empty(0);
    }
    if (key > segments.maxKey()) {
      return PositionRange.empty(size);
    }
    long predicted = segments.predict(key);
    long from = Math.min(Math.max(predicted - segments.epsilon(), 0), size);
    long to = Math.min(predicted + segments.epsilon() + 1, size);
    return new PositionRange(from, Math.max(from, to));
  }

  /**
   * The window holding the upper bound of {@code key} (the number of keys {@code <= key}, that is
   * the position of the first key {@code > key}): a range {@code [from, to)} such that every key
   * before {@code from} is {@code <= key} and every key at or after {@code to} is {@code > key}.
   * Within {@code [0, size]}, at most {@code 2 * epsilon + 1} long.
   */
  public PositionRange upperBoundWindow(long key) {
    long size = segments.size();
    if (size == 0 || key < segments.minKey()) {
      return PositionRange.empty(0);
    }
    if (key >= segments.maxKey()) {
      return PositionRange.empty(size);
    }
    return lowerBoundWindow(key + 1);
  }

  /**
   * A range of rows that contains every row whose key {@code k} has {@code lo <= k < hiExclusive}
   * (and possibly a few rows on each side, at most {@code 2 * epsilon + 1} per side), within {@code
   * [0, size]}. Empty when {@code lo >= hiExclusive} or the range misses the keys; the caller trims
   * the rows it reads exactly.
   */
  public PositionRange rowRange(long lo, long hiExclusive) {
    if (lo >= hiExclusive) {
      return PositionRange.empty(0);
    }
    return span(lowerBoundWindow(lo), lowerBoundWindow(hiExclusive));
  }

  /**
   * A range of rows that contains every row whose key {@code k} has {@code lo <= k <= hi}; like
   * {@link #rowRange(long, long)} with an inclusive upper end, so that {@link Long#MAX_VALUE} can
   * be reached.
   */
  public PositionRange rowRangeInclusive(long lo, long hi) {
    if (lo > hi) {
      return PositionRange.empty(0);
    }
    return span(lowerBoundWindow(lo), upperBoundWindow(hi));
  }

  private static PositionRange span(PositionRange first, PositionRange last) {
    if (last.to() <= first.from()) {
      return PositionRange.empty(first.from());
    }
    return new PositionRange(first.from(), last.to());
  }

  Segments segments() {
    return segments;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyModel && ((KeyModel) o).segments.equals(segments);
  }

  @Override
  public int hashCode() {
    return segments.hashCode();
  }

  @Override
  public String toString() {
    return "KeyModel{size="
        + size()
        + ", epsilon="
        + epsilon()
        + ", segments="
        + segmentCount()
        + ", bytes="
        + serializedSize()
        + "}";
  }
}

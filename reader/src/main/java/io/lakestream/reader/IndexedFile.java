package io.lakestream.reader;

import static java.util.Objects.requireNonNull;

import io.lakestream.index.KeyModel;
import java.util.Comparator;

/**
 * A live data file of a table, as the index knows it: where it is, how many rows it holds, its key
 * range and the learned model of its key column (key → row position).
 *
 * @param logPath the path as the AddFile recorded it (identifies the file in RemoveFiles)
 * @param location the file's full Hadoop path, e.g. {@code
 *     s3a://bucket/w/projects/a/t/part-0.parquet}
 * @param sizeBytes the file's length
 * @param modificationTime when the file was written (milliseconds); orders rows of equal keys
 * @param model the learned model of the key column: {@code size()} rows, keys in {@code [minKey(),
 *     maxKey()]}
 * @param modelBuilt whether the sidecar built the model from the key column (no tag in the log)
 * @param rowOrder null when the file's rows are sorted by key (as Lakestream writes them); else,
 *     for a file another tool wrote in another order, the row positions in key order ({@code
 *     rowOrder[rank]} is the row holding the rank-th smallest key, ties in row order). The model
 *     and every position the {@link RangeReader} handles are then ranks, not rows.
 */
public record IndexedFile(
    String logPath,
    String location,
    long sizeBytes,
    long modificationTime,
    KeyModel model,
    boolean modelBuilt,
    int[] rowOrder) {

  /**
   * The order of files among rows of equal keys: older files first, then by path. Rows of one key
   * are served in this file order, and in row order within a file.
   */
  public static final Comparator<IndexedFile> TIE_ORDER =
      Comparator.comparingLong(IndexedFile::modificationTime).thenComparing(IndexedFile::logPath);

  public IndexedFile {
    requireNonNull(logPath, "logPath is null");
    requireNonNull(location, "location is null");
    requireNonNull(model, "model is null");
    if (model.isEmpty()) {
      throw new IllegalArgumentException("file " + location + " has no rows");
    }
    if (rowOrder != null && rowOrder.length != model.size()) {
      throw new IllegalArgumentException(
          "file " + location + ": row order of " + rowOrder.length + " rows, not " + model.size());
    }
  }

  /** A file whose rows are sorted by key. */
  public IndexedFile(
      String logPath,
      String location,
      long sizeBytes,
      long modificationTime,
      KeyModel model,
      boolean modelBuilt) {
    this(logPath, location, sizeBytes, modificationTime, model, modelBuilt, null);
  }

  /** Whether the file's rows are in key order, so that ranks are row positions. */
  public boolean sorted() {
    return rowOrder == null;
  }

  /** Rows in the file. */
  public long rows() {
    return model.size();
  }

  /** The smallest key (encoded, see {@link io.lakestream.index.KeyEncoding}). */
  public long minKey() {
    return model.minKey();
  }

  /** The largest key (encoded). */
  public long maxKey() {
    return model.maxKey();
  }

  /**
   * Bytes the index of the file takes in memory (estimate): the serialized model, plus 4 bytes a
   * row for the row order of an unsorted file.
   */
  public long indexBytes() {
    return model.serializedSize() + (rowOrder == null ? 0 : 4L * rowOrder.length);
  }
}

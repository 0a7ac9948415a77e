package io.lakestream.reader;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.TableDefinition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The index of one table at one Delta version: its live files ordered by smallest key, each with
 * its learned model. Immutable: the tailer {@link #apply applies} a commit by building the next
 * snapshot from this one (no log replay, no model rebuild), and readers keep using the snapshot
 * they started with.
 */
public final class TableSnapshot {
  private static final Comparator<IndexedFile> BY_MIN_KEY =
      Comparator.comparingLong(IndexedFile::minKey).thenComparing(IndexedFile.TIE_ORDER);

  private final TableId id;
  private final TableDefinition definition;
  private final long version;
  private final long commitTimestampMillis;
  private final IndexedFile[] files;
  private final long[] maxKeyUpTo;
  private final Map<String, IndexedFile> byLogPath;
  private final long rows;
  private final long indexBytes;
  private final TailRows tail;
  private final Map<String, Long> watermarks;

  private TableSnapshot(
      TableId id,
      TableDefinition definition,
      long version,
      long commitTimestampMillis,
      IndexedFile[] sortedFiles) {
    this(id, definition, version, commitTimestampMillis, sortedFiles, TailRows.empty(), Map.of());
  }

  private TableSnapshot(
      TableId id,
      TableDefinition definition,
      long version,
      long commitTimestampMillis,
      IndexedFile[] sortedFiles,
      TailRows tail,
      Map<String, Long> watermarks) {
    this.tail = requireNonNull(tail, "tail is null");
    this.watermarks = Map.copyOf(watermarks);
    this.id = requireNonNull(id, "id is null");
    this.definition = requireNonNull(definition, "definition is null");
    this.version = version;
    this.commitTimestampMillis = commitTimestampMillis;
    this.files = sortedFiles;
    this.maxKeyUpTo = new long[sortedFiles.length];
    this.byLogPath = new HashMap<>(sortedFiles.length * 2);
    long max = Long.MIN_VALUE;
    long rowCount = 0;
    long bytes = 0;
    for (int i = 0; i < sortedFiles.length; i++) {
      IndexedFile file = sortedFiles[i];
      max = Math.max(max, file.maxKey());
      maxKeyUpTo[i] = max;
      rowCount += file.rows();
      bytes += file.indexBytes();
      byLogPath.put(file.logPath(), file);
    }
    this.rows = rowCount;
    this.indexBytes = bytes;
  }

  /** A snapshot of these files. */
  public static TableSnapshot of(
      TableId id,
      TableDefinition definition,
      long version,
      long commitTimestampMillis,
      Collection<IndexedFile> files) {
    IndexedFile[] sorted = files.toArray(new IndexedFile[0]);
    Arrays.sort(sorted, BY_MIN_KEY);
    return new TableSnapshot(id, definition, version, commitTimestampMillis, sorted);
  }

  /**
   * The next snapshot: this one without the removed files, with the added ones, at {@code version}.
   * Costs one pass over the files plus sorting the added ones.
   */
  public TableSnapshot apply(
      long newVersion,
      long newCommitTimestampMillis,
      Collection<String> removedLogPaths,
      Collection<IndexedFile> added) {
    Set<String> removed = new HashSet<>(removedLogPaths);
    for (IndexedFile file : added) {
      removed.add(file.logPath()); // a re-added path replaces the old entry
    }
    IndexedFile[] extra = added.toArray(new IndexedFile[0]);
    Arrays.sort(extra, BY_MIN_KEY);
    IndexedFile[] merged = new IndexedFile[files.length + extra.length];
    int n = 0;
    int j = 0;
    for (IndexedFile file : files) {
      if (removed.contains(file.logPath())) {
        continue;
      }
      while (j < extra.length && BY_MIN_KEY.compare(extra[j], file) < 0) {
        merged[n++] = extra[j++];
      }
      merged[n++] = file;
    }
    while (j < extra.length) {
      merged[n++] = extra[j++];
    }
    return new TableSnapshot(
        id,
        definition,
        newVersion,
        newCommitTimestampMillis,
        Arrays.copyOf(merged, n),
        tail,
        watermarks);
  }

  /**
   * The same files with {@code newTail} as the live tail: rows read from the table's routed-rows
   * topic that these files do not hold. A read of this snapshot serves both, each row once.
   */
  public TableSnapshot withTail(TailRows newTail) {
    return new TableSnapshot(
        id, definition, version, commitTimestampMillis, files, newTail, watermarks);
  }

  /**
   * The same files and tail with the table's txn watermarks (source partition → highest source
   * offset in these files) raised to {@code newWatermarks} where higher.
   */
  public TableSnapshot withWatermarks(Map<String, Long> newWatermarks) {
    Map<String, Long> merged = new HashMap<>(watermarks);
    newWatermarks.forEach((source, offset) -> merged.merge(source, offset, Math::max));
    return new TableSnapshot(id, definition, version, commitTimestampMillis, files, tail, merged);
  }

  /** The live tail served with these files; empty without the tail. */
  public TailRows tail() {
    return tail;
  }

  /**
   * The table's txn watermarks as far as the sidecar knows them: source partition ({@code
   * <topic>-<partition>}) → highest source offset these files hold.
   */
  public Map<String, Long> watermarks() {
    return watermarks;
  }

  /**
   * The files that may hold keys in {@code [lo, hi]} (inclusive, encoded keys), by smallest key.
   */
  public List<IndexedFile> filesOverlapping(long lo, long hi) {
    List<IndexedFile> result = new ArrayList<>();
    if (lo > hi || files.length == 0) {
      return result;
    }
    // First file whose running maximum reaches lo: no earlier file can hold a key >= lo.
    int first = 0;
    int high = files.length;
    while (first < high) {
      int mid = (first + high) >>> 1;
      if (maxKeyUpTo[mid] < lo) {
        first = mid + 1;
      } else {
        high = mid;
      }
    }
    for (int i = first; i < files.length && files[i].minKey() <= hi; i++) {
      if (files[i].maxKey() >= lo) {
        result.add(files[i]);
      }
    }
    return result;
  }

  /** The file an AddFile path names, or null. */
  public IndexedFile file(String logPath) {
    return byLogPath.get(logPath);
  }

  public TableId id() {
    return id;
  }

  public TableDefinition definition() {
    return definition;
  }

  /** The Delta version this snapshot reflects; -1 before the first commit. */
  public long version() {
    return version;
  }

  /** When {@link #version()} was committed, milliseconds since the epoch; 0 if unknown. */
  public long commitTimestampMillis() {
    return commitTimestampMillis;
  }

  /** The live files, by smallest key. */
  public List<IndexedFile> files() {
    return List.of(files);
  }

  public int fileCount() {
    return files.length;
  }

  /** Rows in all live files. */
  public long rows() {
    return rows;
  }

  /** Bytes of the learned models (serialized size). */
  public long indexBytes() {
    return indexBytes;
  }

  /** The largest key of the table (encoded), or {@link Long#MIN_VALUE} when it is empty. */
  public long maxKey() {
    return files.length == 0 ? Long.MIN_VALUE : maxKeyUpTo[files.length - 1];
  }

  /** The smallest key of the table (encoded), or {@link Long#MAX_VALUE} when it is empty. */
  public long minKey() {
    return files.length == 0 ? Long.MAX_VALUE : files[0].minKey();
  }
}

package io.lakestream.tables.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.index.IndexFormatException;
import io.lakestream.index.KeyModel;
import io.lakestream.reader.IndexedFile;
import io.lakestream.reader.internal.ParquetFiles;
import io.lakestream.schema.CommitAnnouncement;
import io.lakestream.schema.TableDefinition;
import io.lakestream.tables.DeltaLogReader.LogFile;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.OptionalLong;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an AddFile into an {@link IndexedFile}: the learned model from the AddFile tags when it is
 * there and agrees with the statistics, else a model built from the file's key column. A file
 * without the tag (written by another Delta tool, e.g. Spark's {@code OPTIMIZE}) is also checked
 * against the table type (every column readable as its type: its footer only), and when its rows
 * are not sorted by key its keys are sorted with their row positions: the model maps keys to ranks
 * and {@link IndexedFile#rowOrder()} ranks to rows.
 */
public final class FileIndexer {
  /** The tag the writer stores the key column's model under. */
  public static final String MODEL_TAG = "lakestream.index";

  /** Tags that may hold the model, in the order they are tried. */
  static final List<String> MODEL_TAGS = List.of(MODEL_TAG, KeyModel.TAG_NAME);

  private static final Logger log = LoggerFactory.getLogger(FileIndexer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ParquetFiles files;

  public FileIndexer(ParquetFiles files) {
    this.files = requireNonNull(files, "files is null");
  }

  /**
   * The index entry of a data file, or null when the file has no rows.
   *
   * @param tableLocation the table folder, to resolve relative AddFile paths
   * @throws IOException when the key column must be read and cannot be
   */
  public IndexedFile index(TableDefinition table, String tableLocation, LogFile file)
      throws IOException {
    String location = resolve(tableLocation, file.path());
    OptionalLong numRecords = numRecords(file.stats());
    if (numRecords.isPresent() && numRecords.getAsLong() == 0) {
      return null;
    }
    KeyModel model = modelFromTags(file, location);
    if (model != null && numRecords.isPresent() && numRecords.getAsLong() != model.size()) {
      log.warn(
          "The key model of {} covers {} rows but the file has {}; rebuilding it from the key column",
          location,
          model.size(),
          numRecords.getAsLong());
      model = null;
    }
    if (model != null) {
      return model.isEmpty()
          ? null
          : new IndexedFile(
              file.path(), location, file.sizeBytes(), file.modificationTime(), model, false);
    }
    files.checkColumns(location, file.sizeBytes(), table);
    long[] keys = files.readAllKeys(location, file.sizeBytes(), table);
    if (keys.length == 0) {
      return null;
    }
    int[] rowOrder = sortWithPositions(keys);
    return new IndexedFile(
        file.path(),
        location,
        file.sizeBytes(),
        file.modificationTime(),
        KeyModel.build(keys),
        true,
        rowOrder);
  }

  /**
   * Sorts {@code keys} in place, stably; returns null when they were sorted already, else the row
   * position of each rank. A natural merge sort: a file made of a few sorted runs (a compaction by
   * another engine concatenates sorted files) costs one merge pass per doubling of runs.
   */
  static int[] sortWithPositions(long[] keys) {
    int n = keys.length;
    int runs = 1;
    for (int i = 1; i < n; i++) {
      if (keys[i] < keys[i - 1]) {
        runs++;
      }
    }
    if (runs == 1) {
      return null;
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    int[] bounds = new int[runs + 1];
    int r = 0;
    for (int i = 1; i < n; i++) {
      if (keys[i] < keys[i - 1]) {
        bounds[++r] = i;
      }
    }
    bounds[runs] = n;
    long[] keyBuffer = new long[n];
    int[] orderBuffer = new int[n];
    long[] fromKeys = keys;
    int[] fromOrder = order;
    while (runs > 1) {
      int merged = 0;
      for (int k = 0; k < runs; k += 2) {
        int lo = bounds[k];
        int mid = bounds[Math.min(k + 1, runs)];
        int hi = bounds[Math.min(k + 2, runs)];
        int i = lo;
        int j = mid;
        int out = lo;
        while (i < mid && j < hi) {
          if (fromKeys[j] < fromKeys[i]) {
            keyBuffer[out] = fromKeys[j];
            orderBuffer[out++] = fromOrder[j++];
          } else {
            keyBuffer[out] = fromKeys[i];
            orderBuffer[out++] = fromOrder[i++];
          }
        }
        System.arraycopy(fromKeys, i, keyBuffer, out, mid - i);
        System.arraycopy(fromOrder, i, orderBuffer, out, mid - i);
        out += mid - i;
        System.arraycopy(fromKeys, j, keyBuffer, out, hi - j);
        System.arraycopy(fromOrder, j, orderBuffer, out, hi - j);
        bounds[merged++] = lo;
      }
      bounds[merged] = n;
      runs = merged;
      long[] swapKeys = fromKeys;
      fromKeys = keyBuffer;
      keyBuffer = swapKeys;
      int[] swapOrder = fromOrder;
      fromOrder = orderBuffer;
      orderBuffer = swapOrder;
    }
    if (fromKeys != keys) {
      System.arraycopy(fromKeys, 0, keys, 0, n);
    }
    return fromOrder;
  }

  /**
   * Whether an announced file carries a key model in its tags (whether it can be indexed without
   * reading it, as long as the model is readable and covers the file's rows).
   */
  public static boolean hasModelTag(CommitAnnouncement.AddedFile file) {
    return MODEL_TAGS.stream().anyMatch(file.tags()::containsKey);
  }

  private static KeyModel modelFromTags(LogFile file, String location) {
    for (String tag : MODEL_TAGS) {
      String value = file.tags().get(tag);
      if (value != null) {
        try {
          return KeyModel.fromTag(value);
        } catch (IndexFormatException | IllegalArgumentException e) {
          log.warn("Ignoring the unreadable key model of {}: {}", location, e.getMessage());
          return null;
        }
      }
    }
    return null;
  }

  static OptionalLong numRecords(String stats) {
    if (stats == null || stats.isBlank()) {
      return OptionalLong.empty();
    }
    try {
      JsonNode root = JSON.readTree(stats);
      if (root != null && root.isTextual()) {
        root = JSON.readTree(root.asText()); // stats written as a JSON string literal
      }
      JsonNode count = root == null ? null : root.get("numRecords");
      return count != null && count.canConvertToLong()
          ? OptionalLong.of(count.asLong())
          : OptionalLong.empty();
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  /** The full path of an AddFile path: absolute URIs as they are, others under the table. */
  static String resolve(String tableLocation, String addFilePath) {
    try {
      URI uri = new URI(addFilePath);
      if (uri.isAbsolute()) {
        return new Path(uri).toString();
      }
      return new Path(new Path(tableLocation), new Path(uri)).toString();
    } catch (URISyntaxException e) {
      return new Path(new Path(tableLocation), addFilePath).toString();
    }
  }
}

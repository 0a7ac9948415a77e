package io.lakestream.query.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.index.IndexFormatException;
import io.lakestream.index.KeyModel;
import io.lakestream.query.DeltaLogReader.LogFile;
import io.lakestream.query.IndexedFile;
import io.lakestream.schema.TableDefinition;
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
 * there and agrees with the statistics, else a model built from the file's key column (the only
 * column read).
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
    boolean built = false;
    if (model == null) {
      long[] keys = files.readAllKeys(location, file.sizeBytes(), table);
      if (keys.length == 0) {
        return null;
      }
      model = KeyModel.build(keys);
      built = true;
    } else if (model.isEmpty()) {
      return null;
    }
    return new IndexedFile(
        file.path(), location, file.sizeBytes(), file.modificationTime(), model, built);
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

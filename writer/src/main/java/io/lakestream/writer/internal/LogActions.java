package io.lakestream.writer.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;

/**
 * The Delta log actions the writer writes itself ({@link FirstCommit}, {@link NextCommit}), one
 * JSON object a line, as Delta Standalone writes them: {@code commitInfo}, an {@code add} per file
 * (stats as a JSON string, the key-model and key-range tags) and a {@code txn} per source
 * partition.
 */
final class LogActions {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LogActions() {}

  /** {@code {table}/_delta_log/{version, 20 digits}.json}. */
  static Path commitFile(Path tablePath, long version) {
    return new Path(new Path(tablePath, "_delta_log"), String.format("%020d.json", version));
  }

  /**
   * The {@code commitInfo} of a blind append (a {@code WRITE} in mode {@code Append}).
   *
   * @param readVersion the version the commit was made on top of, or -1 for a table's first commit
   */
  static String commitInfo(long now, long readVersion, String engineInfo) {
    ObjectNode commitInfo = JSON.createObjectNode();
    commitInfo.put("timestamp", now);
    commitInfo.put("operation", "WRITE");
    commitInfo.putObject("operationParameters").put("mode", "Append");
    if (readVersion >= 0) {
      commitInfo.put("readVersion", readVersion);
      commitInfo.put("isolationLevel", "Serializable");
    }
    commitInfo.put("isBlindAppend", true);
    commitInfo.put("engineInfo", engineInfo);
    return action("commitInfo", commitInfo);
  }

  /**
   * Adds an {@code add} per file and a {@code txn} per entry of {@code txns} (appId → version: a
   * route's and its source partition's, {@link Watermarks#toWrite}) to {@code actions}.
   */
  static void addAppend(
      List<String> actions, List<DataFile> files, Map<String, Long> txns, long now) {
    for (DataFile file : files) {
      ObjectNode add = JSON.createObjectNode();
      add.put("path", file.path());
      add.putObject("partitionValues");
      add.put("size", file.sizeBytes());
      add.put("modificationTime", file.modificationTime());
      add.put("dataChange", true);
      add.put("stats", file.statsJson()); // a JSON string, as the protocol says
      ObjectNode tags = add.putObject("tags");
      file.tags().forEach(tags::put);
      actions.add(action("add", add));
    }
    for (Map.Entry<String, Long> source : txns.entrySet()) {
      ObjectNode txn = JSON.createObjectNode();
      txn.put("appId", source.getKey());
      txn.put("version", source.getValue());
      txn.put("lastUpdated", now);
      actions.add(action("txn", txn));
    }
  }

  static String action(String name, ObjectNode body) {
    ObjectNode wrapper = JSON.createObjectNode();
    wrapper.set(name, body);
    return wrapper.toString();
  }
}

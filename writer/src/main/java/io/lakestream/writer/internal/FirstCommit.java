package io.lakestream.writer.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delta.standalone.types.StructType;
import io.delta.storage.LogStore;
import io.lakestream.schema.TableDefinition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A new table's first commit written straight to its log, without a Delta log object: version 0
 * holds the protocol (1, 2), the metadata, the files and one {@code txn} per route and source
 * partition, in one entry written with the log store's atomic create ({@link LogStore#write(Path,
 * java.util.Iterator, Boolean, Configuration)} without overwrite: a hard link on local disk, a
 * conditional put on S3). So creating a table costs two existence checks and one write, instead of
 * starting Standalone's log (a listing of {@code _delta_log} and a snapshot) and reading it back
 * after the commit.
 *
 * <p>Another writer that creates the same table first makes the write fail with {@link
 * java.nio.file.FileAlreadyExistsException}; nothing of this commit is in the table then, and the
 * caller commits through the Delta log as for any existing table, whose {@code txn} check drops
 * what the other writer wrote.
 */
final class FirstCommit {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FIRST_VERSION = "00000000000000000000.json";
  private static final String LAST_CHECKPOINT = "_last_checkpoint";

  private FirstCommit() {}

  /**
   * Whether the table at {@code tablePath} has no log yet: neither a version 0 nor a checkpoint (a
   * table whose early versions were cleaned up after a checkpoint has {@code _last_checkpoint}).
   */
  static boolean isNew(Path tablePath, Configuration conf) throws IOException {
    Path log = new Path(tablePath, "_delta_log");
    FileSystem fs = log.getFileSystem(conf);
    return !fs.exists(new Path(log, FIRST_VERSION)) && !fs.exists(new Path(log, LAST_CHECKPOINT));
  }

  /**
   * Writes version 0.
   *
   * @param schemaJson the table's Delta schema as JSON ({@link StructType#toJson()}), made once per
   *     table type by the caller: Standalone's serialisation of a 28-column schema is a few percent
   *     of a new table's whole first flush
   * @throws java.nio.file.FileAlreadyExistsException when the table was created meanwhile
   * @throws IOException when storage fails; the outcome may be unknown
   */
  static void write(
      LogStore logStore,
      Configuration conf,
      Path tablePath,
      TableDefinition definition,
      String schemaJson,
      Map<String, String> properties,
      List<DataFile> files,
      Map<String, Long> txns,
      String engineInfo)
      throws IOException {
    long now = System.currentTimeMillis();
    List<String> actions = new ArrayList<>();
    actions.add(LogActions.commitInfo(now, -1, engineInfo));

    ObjectNode protocol = JSON.createObjectNode();
    protocol.put("minReaderVersion", 1);
    protocol.put("minWriterVersion", 2);
    actions.add(LogActions.action("protocol", protocol));

    ObjectNode metadata = JSON.createObjectNode();
    metadata.put("id", UUID.randomUUID().toString());
    metadata.put("name", definition.name());
    if (!definition.description().isEmpty()) {
      metadata.put("description", definition.description());
    }
    ObjectNode format = metadata.putObject("format");
    format.put("provider", "parquet");
    format.putObject("options");
    metadata.put("schemaString", schemaJson);
    definition.partitionColumns().forEach(metadata.putArray("partitionColumns")::add);
    if (!metadata.has("partitionColumns")) {
      metadata.putArray("partitionColumns");
    }
    ObjectNode configuration = metadata.putObject("configuration");
    properties.forEach(configuration::put);
    metadata.put("createdTime", now);
    actions.add(LogActions.action("metaData", metadata));

    LogActions.addAppend(actions, files, txns, now);
    logStore.write(LogActions.commitFile(tablePath, 0), actions.iterator(), false, conf);
  }
}

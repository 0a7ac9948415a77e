package io.lakestream.tables;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.index.KeyModel;
import io.lakestream.schema.CommitAnnouncement;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.convert.DeltaSchemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes Delta commit files directly into a table's {@code _delta_log}, as another Delta tool would
 * (or as copying a commit file does), and the announcement a Lakestream writer would publish for
 * the same commit. Data files are not written: every added file carries its key model, so the
 * sidecar indexes it without reading it.
 */
final class DeltaCommitFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DeltaCommitFiles() {}

  /** A data file of {@code keys} (sorted), named after the version. */
  record Added(String path, long[] keys) {
    Map<String, String> tags() {
      return Map.of(KeyModel.TAG_NAME, KeyModel.build(keys).toTag());
    }
  }

  /** A file of {@code rows} consecutive keys from {@code firstKey}. */
  static Added file(long version, long firstKey, int rows) {
    long[] keys = new long[rows];
    for (int i = 0; i < rows; i++) {
      keys[i] = firstKey + i;
    }
    return new Added("part-" + version + "-" + UUID.randomUUID() + ".parquet", keys);
  }

  /** Writes commit {@code version} of the table at {@code folder}; version 0 creates the table. */
  static void write(
      Path folder, TableDefinition table, long version, List<Added> added, boolean withTags) {
    List<String> lines = new ArrayList<>();
    if (version == 0) {
      lines.add("{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}");
      ObjectNode metadata = JSON.createObjectNode();
      ObjectNode body = metadata.putObject("metaData");
      body.put("id", UUID.randomUUID().toString());
      body.putObject("format").put("provider", "parquet").putObject("options");
      body.put("schemaString", DeltaSchemas.structType(table).toJson());
      body.putArray("partitionColumns");
      body.putObject("configuration");
      body.put("createdTime", System.currentTimeMillis());
      lines.add(metadata.toString());
    }
    ObjectNode info = JSON.createObjectNode();
    info.putObject("commitInfo")
        .put("timestamp", System.currentTimeMillis())
        .put("operation", "WRITE");
    lines.add(info.toString());
    for (Added file : added) {
      ObjectNode line = JSON.createObjectNode();
      ObjectNode add = line.putObject("add");
      add.put("path", file.path());
      add.putObject("partitionValues");
      add.put("size", 1000L + file.keys().length);
      add.put("modificationTime", System.currentTimeMillis());
      add.put("dataChange", true);
      add.put("stats", "{\"numRecords\":" + file.keys().length + "}");
      if (withTags) {
        ObjectNode tags = add.putObject("tags");
        file.tags().forEach(tags::put);
      }
      lines.add(line.toString());
    }
    Path log = folder.resolve("_delta_log");
    try {
      Files.createDirectories(log);
      Path temporary = log.resolve("." + UUID.randomUUID() + ".tmp");
      Files.write(temporary, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
      Files.move(temporary, log.resolve(String.format("%020d.json", version)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The announcement a writer publishes for that commit. */
  static CommitAnnouncement announcement(
      String project, String table, String location, long version, List<Added> added) {
    List<CommitAnnouncement.AddedFile> files = new ArrayList<>();
    for (Added file : added) {
      files.add(
          new CommitAnnouncement.AddedFile(
              file.path(), 1000L + file.keys().length, file.keys().length, file.tags()));
    }
    return new CommitAnnouncement(
        CommitAnnouncement.FORMAT,
        project,
        table,
        location,
        version,
        System.currentTimeMillis(),
        files,
        List.of(),
        Map.of("otlp_logs-0", version));
  }
}

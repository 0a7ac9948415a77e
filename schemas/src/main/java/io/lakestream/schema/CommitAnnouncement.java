package io.lakestream.schema;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One record of the commit feed, {@code lakestream.commits}: the writer announces each Delta commit
 * it makes, so that readers (the query sidecar) apply it without polling the table's log. Key:
 * {@code <project>/<table>} (UTF-8); value: this record as JSON, for example
 *
 * <pre>{@code
 * {"format":1,"project":"acme","table":"events","location":"s3a://lake/w/projects/acme/events",
 *  "version":7,"committed_at_ms":1764998400000,
 *  "added":[{"path":"part-00007-….parquet","size_bytes":48213,"rows":100,
 *            "tags":{"lakestream.keyModel":"…","lakestream.key.min":"…","lakestream.key.max":"…"}}],
 *  "removed":[],
 *  "watermarks":{"otlp_logs-4":1234}}
 * }</pre>
 *
 * <p>Publishing is at least once and per table in version order: a reader keeps the highest version
 * it applied per table and skips older or repeated announcements. An announcement can be missing
 * (the writer crashed between the commit and the send, or the send failed): the commit is in the
 * Delta log, so a reader that sees a gap in versions reads the log. A reader ignores fields it does
 * not know; {@link #FORMAT} changes only when a field changes meaning.
 *
 * @param format {@link #FORMAT}
 * @param project the project id
 * @param table the table type
 * @param location the table folder, as the writer reaches it
 * @param version the Delta version of the commit
 * @param committedAtMillis when the commit was made, milliseconds since the epoch
 * @param added the data files the commit adds
 * @param removed the paths (relative to the table folder) the commit removes
 * @param watermarks the table's transaction versions after the commit, per source partition ({@code
 *     <topic>-<partition>} → highest source offset), as far as the writer knows them
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommitAnnouncement(
    int format,
    String project,
    String table,
    String location,
    long version,
    @JsonProperty("committed_at_ms") long committedAtMillis,
    List<AddedFile> added,
    List<String> removed,
    Map<String, Long> watermarks) {
  /** The format of the records this version writes. */
  public static final int FORMAT = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** Checks the values; null lists and maps are empty. */
  public CommitAnnouncement {
    requireNonNull(project, "project is null");
    requireNonNull(table, "table is null");
    requireNonNull(location, "location is null");
    added = added == null ? List.of() : List.copyOf(added);
    removed = removed == null ? List.of() : List.copyOf(removed);
    watermarks = watermarks == null ? Map.of() : Map.copyOf(watermarks);
  }

  /**
   * A data file a commit adds.
   *
   * @param path relative to the table folder, as the Delta AddFile records it
   * @param sizeBytes the file's length
   * @param rows the rows in the file
   * @param tags the AddFile's tags: Lakestream's key model and exact key range
   */
  public record AddedFile(
      String path,
      @JsonProperty("size_bytes") long sizeBytes,
      long rows,
      Map<String, String> tags) {
    public AddedFile {
      requireNonNull(path, "path is null");
      tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
  }

  /** The record key: {@code <project>/<table>}. */
  public String key() {
    return project + "/" + table;
  }

  /** The record value: this announcement as UTF-8 JSON. */
  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write a commit announcement as JSON", e);
    }
  }

  /**
   * Reads a record value.
   *
   * @throws IllegalArgumentException when the bytes are not an announcement of a known format
   */
  public static CommitAnnouncement fromJson(byte[] json) {
    requireNonNull(json, "json is null");
    CommitAnnouncement announcement;
    try {
      announcement = JSON.readValue(json, CommitAnnouncement.class);
    } catch (java.io.IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "Not a commit announcement: "
              + new String(json, 0, Math.min(json.length, 200), StandardCharsets.UTF_8),
          e);
    }
    if (announcement.format() != FORMAT) {
      throw new IllegalArgumentException(
          "Commit announcement format " + announcement.format() + " is not " + FORMAT);
    }
    return announcement;
  }
}

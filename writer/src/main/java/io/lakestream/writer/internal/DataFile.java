package io.lakestream.writer.internal;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A Parquet file written into a table's folder, not yet (or already) added to its Delta log.
 *
 * @param path the path relative to the table root, as the AddFile records it
 * @param sizeBytes the file's length
 * @param modificationTime when it was written, milliseconds since the epoch
 * @param numRecords rows in the file
 * @param statsJson Delta statistics JSON ({@code numRecords}, {@code minValues}, ...)
 * @param tags AddFile tags: the learned model and the exact key range
 */
public record DataFile(
    String path,
    long sizeBytes,
    long modificationTime,
    long numRecords,
    String statsJson,
    Map<String, String> tags) {
  public DataFile {
    requireNonNull(path, "path is null");
    requireNonNull(statsJson, "statsJson is null");
    tags = Map.copyOf(tags);
  }
}

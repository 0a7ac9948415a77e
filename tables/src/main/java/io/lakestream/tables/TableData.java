package io.lakestream.tables;

import static java.util.Objects.requireNonNull;

import io.lakestream.reader.TableId;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.convert.DeltaSchemas;
import io.lakestream.tables.TableSource.TableLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Delta tables of a table type in the warehouse and the registered buckets: whether data kept
 * from a dropped type has other columns than a new definition of the same name, and purging it.
 */
public final class TableData {
  private static final Logger log = LoggerFactory.getLogger(TableData.class);

  private final TableRegistry registry;
  private final DeltaLogReader logs;
  private final Configuration conf;

  /**
   * Over the tables {@code registry} serves, reading their logs and folders through {@code conf}.
   */
  public TableData(TableRegistry registry, DeltaLogReader logs, Configuration conf) {
    this.registry = requireNonNull(registry, "registry is null");
    this.logs = requireNonNull(logs, "logs is null");
    this.conf = requireNonNull(conf, "conf is null");
  }

  /** The tables of {@code tableType} that exist now, served or not. */
  private List<TableLocation> locations(String tableType) {
    return registry.locations().stream().filter(l -> l.id().table().equals(tableType)).toList();
  }

  /**
   * The tables of {@code table}'s type whose Delta schema is not the one {@code table} defines:
   * data kept from a dropped table type of the same name with other columns. Writing rows of the
   * new definition there would fail, so such a definition must not be created before a purge.
   */
  public List<TableId> withOtherSchema(TableDefinition table) {
    String expected = DeltaSchemas.structType(table).toJson();
    List<TableId> other = new ArrayList<>();
    for (TableLocation location : locations(table.name())) {
      Optional<String> schema = logs.open(location.location()).schemaJson();
      if (schema.isPresent() && !schema.get().equals(expected)) {
        other.add(location.id());
      }
    }
    return other;
  }

  /**
   * Stops serving the tables of {@code tableType} and deletes their folders (data files and log).
   * Returns the tables deleted.
   *
   * @throws UncheckedIOException when a folder cannot be deleted; the tables already deleted stay
   *     deleted and a second purge finishes the job
   */
  public List<TableId> purge(String tableType) {
    return registry.withoutType(
        tableType,
        () -> {
          List<TableId> purged = new ArrayList<>();
          for (TableLocation location : locations(tableType)) {
            Path path = new Path(location.location());
            try {
              FileSystem fs = path.getFileSystem(conf);
              if (fs.exists(path) && !fs.delete(path, true)) {
                throw new IOException("the file system did not delete it");
              }
            } catch (IOException e) {
              throw new UncheckedIOException(
                  "Cannot delete table " + location.id() + " at " + path + ": " + e.getMessage(),
                  e);
            }
            log.info("Purged table {} at {}", location.id(), path);
            purged.add(location.id());
          }
          return purged;
        });
  }
}

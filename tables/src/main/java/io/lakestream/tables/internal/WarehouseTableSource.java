package io.lakestream.tables.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.reader.TableId;
import io.lakestream.tables.TableSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Lists {@code {warehouse}/projects/*}{@code /*}{@code /_delta_log}: one table per match. */
public final class WarehouseTableSource implements TableSource {
  /** The folder under the warehouse root holding one folder per project. */
  public static final String PROJECTS_FOLDER = "projects";

  private final Path root;
  private final Configuration conf;

  public WarehouseTableSource(Path root, Configuration conf) {
    this.root = requireNonNull(root, "root is null");
    this.conf = requireNonNull(conf, "conf is null");
  }

  @Override
  public Optional<TableLocation> locate(TableId id) {
    Path table = new Path(new Path(new Path(root, PROJECTS_FOLDER), id.project()), id.table());
    return Optional.of(new TableLocation(id, table.toString()));
  }

  @Override
  public List<TableLocation> discover() {
    Path pattern = new Path(new Path(root, PROJECTS_FOLDER), "*/*/_delta_log");
    try {
      FileSystem fs = pattern.getFileSystem(conf);
      FileStatus[] logs = fs.globStatus(pattern);
      List<TableLocation> tables = new ArrayList<>();
      if (logs == null) {
        return tables;
      }
      for (FileStatus log : logs) {
        if (!log.isDirectory()) {
          continue;
        }
        Path table = log.getPath().getParent();
        String project = table.getParent().getName();
        tables.add(new TableLocation(new TableId(project, table.getName()), table.toString()));
      }
      return tables;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the tables under " + root, e);
    }
  }
}

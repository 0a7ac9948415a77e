package io.lakestream.tables.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.reader.TableId;
import io.lakestream.tables.TableSource;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Lists {@code {warehouse}/projects/*}{@code /*}: one table per folder holding a {@code _delta_log}
 * folder. A listing costs one request for the projects folder, one per project, and one per table
 * folder whose {@code _delta_log} it looks for: every folder for {@link #discover()}, only those
 * not served yet for {@link #rediscover}.
 */
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
    return rediscover(Set.of());
  }

  @Override
  @SuppressWarnings("deprecation") // isDirectory: on S3A one LIST, where getFileStatus adds a HEAD
  public List<TableLocation> rediscover(Set<TableId> served) {
    requireNonNull(served, "served is null");
    Path projects = new Path(root, PROJECTS_FOLDER);
    try {
      FileSystem fs = projects.getFileSystem(conf);
      List<TableLocation> tables = new ArrayList<>();
      for (FileStatus project : list(fs, projects)) {
        if (!project.isDirectory()) {
          continue;
        }
        String projectName = project.getPath().getName();
        for (FileStatus folder : list(fs, project.getPath())) {
          if (!folder.isDirectory()) {
            continue;
          }
          Path table = folder.getPath();
          TableId id = new TableId(projectName, table.getName());
          if (served.contains(id) || fs.isDirectory(new Path(table, "_delta_log"))) {
            tables.add(new TableLocation(id, table.toString()));
          }
        }
      }
      return tables;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the tables under " + root, e);
    }
  }

  /** The folder's entries; none when it is gone (e.g. a project purged during the listing). */
  private static FileStatus[] list(FileSystem fs, Path folder) throws IOException {
    try {
      return fs.listStatus(folder);
    } catch (FileNotFoundException e) {
      return new FileStatus[0];
    }
  }
}

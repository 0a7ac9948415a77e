package io.lakestream.writer.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.storage.HadoopWarehouse;
import io.lakestream.storage.S3Settings;
import io.lakestream.writer.WriterConfig;
import io.lakestream.writer.WriterErrors;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Where tables live: {@code {warehouse}/projects/{project_id}/{table_name}/}, and the Hadoop
 * configuration that reaches them (local disk, or S3 through s3a for data files and checkpoints and
 * {@link S3ConditionalPutLogStore} for commits).
 */
public final class Warehouse {
  /** The folder under the warehouse root that holds one folder per project. */
  public static final String PROJECTS_FOLDER = "projects";

  private final Path root;
  private final Configuration conf;

  private Warehouse(Path root, Configuration conf) {
    this.root = root;
    this.conf = conf;
  }

  /** The warehouse of a writer configuration. */
  public static Warehouse of(WriterConfig config) {
    return of(config.warehouse(), config.s3());
  }

  /**
   * The warehouse at {@code uri}: {@code file:///path}, {@code s3://bucket/prefix} or {@code
   * s3a://bucket/prefix}; {@code s3} settings are used only for S3.
   */
  public static Warehouse of(URI uri, S3Settings s3) {
    requireNonNull(uri, "uri is null");
    Configuration conf = new Configuration();
    conf.set("delta.logStore.file.impl", LocalAtomicLogStore.class.getName());
    // whatever the warehouse: maintenance also commits to projects' own buckets through it
    conf.set("delta.logStore.s3a.impl", S3ConditionalPutLogStore.class.getName());
    conf.set("delta.logStore.s3.impl", S3ConditionalPutLogStore.class.getName());
    if (!"file".equals(uri.getScheme()) && !HadoopWarehouse.isS3(uri)) {
      throw WriterErrors.unsupportedWarehouse(uri);
    }
    Path root;
    try {
      root = HadoopWarehouse.root(uri);
    } catch (IllegalArgumentException e) {
      throw WriterErrors.invalidConfig("warehouse", e.getMessage());
    }
    if (HadoopWarehouse.isS3(uri)) {
      HadoopWarehouse.configureS3(conf, s3);
    } else {
      // Still the checksummed LocalFileSystem (.crc side files), without a forked chmod per file
      // and folder. Not cached: Hadoop caches one file system per scheme JVM-wide whatever the
      // configuration, so the cached one would be whichever role asked first.
      conf.set("fs.file.impl", LocalWarehouseFileSystem.class.getName());
      conf.setBoolean("fs.file.impl.disable.cache", true);
    }
    return new Warehouse(root, conf);
  }

  /** The warehouse root as a Hadoop path ({@code file:/…} or {@code s3a://bucket/prefix}). */
  public Path root() {
    return root;
  }

  /** The Hadoop configuration for reading and writing this warehouse; do not modify. */
  public Configuration hadoopConf() {
    return conf;
  }

  /** {@code {warehouse}/projects/{project}/{table}}. */
  public Path tablePath(String project, String table) {
    return new Path(new Path(new Path(root, PROJECTS_FOLDER), project), table);
  }
}

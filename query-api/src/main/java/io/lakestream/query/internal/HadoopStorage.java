package io.lakestream.query.internal;

import io.lakestream.query.QueryConfig;
import io.lakestream.storage.HadoopWarehouse;
import io.lakestream.storage.S3Settings;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The Hadoop view of the warehouse: its root path ({@code file:/…} or {@code s3a://bucket/prefix})
 * and the configuration that reaches it, with the s3a settings of {@link S3Settings} for S3 and
 * random-access reads (range reads fetch a few pages, never whole files).
 */
public final class HadoopStorage {
  private final Path root;
  private final Configuration conf;

  private HadoopStorage(Path root, Configuration conf) {
    this.root = root;
    this.conf = conf;
  }

  /** The storage of a configuration's warehouse. */
  public static HadoopStorage of(QueryConfig config) {
    Configuration conf = new Configuration();
    // fs.file.impl stays the default LocalFileSystem: Hadoop caches file systems per scheme for the
    // whole JVM, and s3a casts FileSystem.getLocal() to LocalFileSystem for its buffer folder.
    Path root = HadoopWarehouse.root(config.warehouse());
    if (config.warehouseOnS3()) {
      configureS3(conf, config.s3());
    }
    return new HadoopStorage(root, conf);
  }

  /** Sets the s3a keys (shared with the writer), tuned for range reads. */
  public static void configureS3(Configuration conf, S3Settings s3) {
    HadoopWarehouse.configureS3(conf, s3);
    // Range reads touch a few pages: random access, no read-ahead of whole objects.
    conf.set("fs.s3a.experimental.input.fadvise", "random");
    conf.set("fs.s3a.input.fadvise", "random");
    conf.set("fs.s3a.readahead.range", "65536");
    conf.setInt("fs.s3a.connection.maximum", 64);
  }

  /** The warehouse root. */
  public Path root() {
    return root;
  }

  /** The configuration reaching the warehouse; do not modify. */
  public Configuration conf() {
    return conf;
  }
}

package io.lakestream.writer.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.writer.S3Settings;
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
    String scheme = uri.getScheme();
    Configuration conf = new Configuration();
    conf.set("delta.logStore.file.impl", LocalAtomicLogStore.class.getName());
    if ("file".equals(scheme)) {
      // fs.file.impl stays the checksummed LocalFileSystem (.crc side files): the instance is
      // cached JVM-wide and s3a needs that class for its upload buffers.
      return new Warehouse(new Path(stripTrailingSlash(uri.toString())), conf);
    }
    if ("s3".equals(scheme) || "s3a".equals(scheme)) {
      if (uri.getHost() == null || uri.getHost().isBlank()) {
        throw WriterErrors.invalidConfig(
            "warehouse", "name a bucket, as in s3://bucket/prefix (got " + uri + ")");
      }
      configureS3(conf, s3);
      String path = uri.getPath() == null ? "" : stripTrailingSlash(uri.getPath());
      return new Warehouse(new Path("s3a://" + uri.getHost() + path), conf);
    }
    throw WriterErrors.unsupportedWarehouse(uri);
  }

  /** Sets the s3a and log store keys of {@code conf} for these S3 settings. */
  public static void configureS3(Configuration conf, S3Settings s3) {
    s3.endpoint()
        .ifPresent(
            endpoint -> {
              conf.set("fs.s3a.endpoint", endpoint);
              conf.setBoolean("fs.s3a.connection.ssl.enabled", endpoint.startsWith("https://"));
            });
    conf.set("fs.s3a.endpoint.region", s3.region());
    conf.setBoolean("fs.s3a.path.style.access", s3.pathStyle());
    if (s3.accessKey().isPresent()) {
      conf.set("fs.s3a.access.key", s3.accessKey().get());
      conf.set("fs.s3a.secret.key", s3.secretKey().orElseThrow());
      conf.set(
          "fs.s3a.aws.credentials.provider",
          "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    }
    // Fail a request within seconds and let the writer's own backoff retry the flush.
    conf.setInt("fs.s3a.attempts.maximum", 2);
    conf.setInt("fs.s3a.retry.limit", 2);
    conf.set("fs.s3a.retry.interval", "200ms");
    conf.set("fs.s3a.connection.establish.timeout", "15s");
    conf.set("fs.s3a.connection.timeout", "30s");
    conf.set("delta.logStore.s3a.impl", S3ConditionalPutLogStore.class.getName());
    conf.set("delta.logStore.s3.impl", S3ConditionalPutLogStore.class.getName());
  }

  private static String stripTrailingSlash(String path) {
    String p = path;
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
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

package io.lakestream.query.internal;

import io.lakestream.query.QueryConfig;
import io.lakestream.query.S3Settings;
import java.net.URI;
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
    URI uri = config.warehouse();
    Configuration conf = new Configuration();
    // fs.file.impl stays the default LocalFileSystem: Hadoop caches file systems per scheme for the
    // whole JVM, and s3a casts FileSystem.getLocal() to LocalFileSystem for its buffer folder.
    if (!config.warehouseOnS3()) {
      return new HadoopStorage(new Path(stripTrailingSlash(uri.toString())), conf);
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw new IllegalArgumentException(
          "name a bucket, as in s3://bucket/prefix (got " + uri + ")");
    }
    configureS3(conf, config.s3());
    String path = uri.getPath() == null ? "" : stripTrailingSlash(uri.getPath());
    return new HadoopStorage(new Path("s3a://" + uri.getHost() + path), conf);
  }

  /** Sets the s3a keys of {@code conf} for these settings. */
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
    // Range reads touch a few pages: random access, no read-ahead of whole objects.
    conf.set("fs.s3a.experimental.input.fadvise", "random");
    conf.set("fs.s3a.input.fadvise", "random");
    conf.set("fs.s3a.readahead.range", "65536");
    conf.setInt("fs.s3a.attempts.maximum", 2);
    conf.setInt("fs.s3a.retry.limit", 2);
    conf.set("fs.s3a.retry.interval", "200ms");
    conf.set("fs.s3a.connection.establish.timeout", "15s");
    conf.set("fs.s3a.connection.timeout", "30s");
    conf.setInt("fs.s3a.connection.maximum", 64);
  }

  private static String stripTrailingSlash(String path) {
    String p = path;
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
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

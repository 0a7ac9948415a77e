package io.lakestream.storage;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The Hadoop view of a warehouse URI, shared by the writer and the query sidecar: the root path
 * ({@code file:/…} or {@code s3a://bucket/prefix}) and the s3a settings that reach it.
 */
public final class HadoopWarehouse {
  private HadoopWarehouse() {}

  /** Whether the warehouse is on S3 ({@code s3://} or {@code s3a://}). */
  public static boolean isS3(URI warehouse) {
    return "s3".equals(warehouse.getScheme()) || "s3a".equals(warehouse.getScheme());
  }

  /**
   * The root of a warehouse as a Hadoop path: {@code file:/path} for local warehouses, {@code
   * s3a://bucket/prefix} for {@code s3://} and {@code s3a://} ones; no trailing slash.
   *
   * @throws IllegalArgumentException when an S3 warehouse names no bucket
   */
  public static Path root(URI warehouse) {
    requireNonNull(warehouse, "warehouse is null");
    if (!isS3(warehouse)) {
      return new Path(stripTrailingSlash(warehouse.toString()));
    }
    if (warehouse.getHost() == null || warehouse.getHost().isBlank()) {
      throw new IllegalArgumentException(
          "name a bucket, as in s3://bucket/prefix (got " + warehouse + ")");
    }
    String path = warehouse.getPath() == null ? "" : stripTrailingSlash(warehouse.getPath());
    return new Path("s3a://" + warehouse.getHost() + path);
  }

  /**
   * Sets the s3a keys of {@code conf} for these settings: endpoint, region, path style, static
   * credentials, and short retries and timeouts so that a role's own backoff decides how long to
   * keep trying.
   */
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
    conf.setInt("fs.s3a.attempts.maximum", 2);
    conf.setInt("fs.s3a.retry.limit", 2);
    conf.set("fs.s3a.retry.interval", "200ms");
    conf.set("fs.s3a.connection.establish.timeout", "15s");
    conf.set("fs.s3a.connection.timeout", "30s");
  }

  /**
   * Sets the per-bucket s3a keys ({@code fs.s3a.bucket.<bucket>.*}) of {@code conf}, so that one
   * configuration reaches a bucket with its own endpoint and credentials (a project's own bucket)
   * beside the warehouse's. Hadoop's s3a reads them in place of the global keys for that bucket;
   * the writer's S3 log store does the same.
   */
  public static void configureBucket(Configuration conf, String bucket, S3Settings s3) {
    requireNonNull(bucket, "bucket is null");
    String prefix = bucketPrefix(bucket);
    s3.endpoint()
        .ifPresent(
            endpoint -> {
              conf.set(prefix + "endpoint", endpoint);
              conf.setBoolean(prefix + "connection.ssl.enabled", endpoint.startsWith("https://"));
            });
    conf.set(prefix + "endpoint.region", s3.region());
    conf.setBoolean(prefix + "path.style.access", s3.pathStyle());
    if (s3.accessKey().isPresent()) {
      conf.set(prefix + "access.key", s3.accessKey().get());
      conf.set(prefix + "secret.key", s3.secretKey().orElseThrow());
      conf.set(
          prefix + "aws.credentials.provider",
          "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    }
    // as configureS3: short retries, so that an unreachable bucket fails its table's turn quickly
    conf.setInt(prefix + "attempts.maximum", 2);
    conf.setInt(prefix + "retry.limit", 2);
    conf.set(prefix + "retry.interval", "200ms");
    conf.set(prefix + "connection.establish.timeout", "15s");
    conf.set(prefix + "connection.timeout", "30s");
  }

  /**
   * The s3a setting {@code key} (without {@code fs.s3a.}) for {@code bucket}: its per-bucket value
   * when set, else the global one, else {@code fallback}; as s3a itself resolves it.
   */
  public static String s3aSetting(Configuration conf, String bucket, String key, String fallback) {
    String own = conf.getTrimmed(bucketPrefix(bucket) + key);
    if (own != null && !own.isEmpty()) {
      return own;
    }
    return conf.getTrimmed("fs.s3a." + key, fallback);
  }

  private static String bucketPrefix(String bucket) {
    return "fs.s3a.bucket." + bucket + ".";
  }

  private static String stripTrailingSlash(String path) {
    String p = path;
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }
}

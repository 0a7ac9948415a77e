package io.lakestream.cli;

import io.lakestream.cli.config.Configuration;
import io.lakestream.cli.config.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/** The warehouse and S3 settings of the configuration, for the writer and the query sidecar. */
final class Warehouses {
  private Warehouses() {}

  /** {@code warehouse} as a URI; a plain path becomes a file URI. */
  static URI warehouse(Configuration config) {
    String warehouse =
        config.required(
            Settings.WAREHOUSE, "name where tables live: file:///path or s3://bucket/prefix");
    if (!warehouse.contains("://")) {
      return Path.of(warehouse).toAbsolutePath().normalize().toUri();
    }
    URI uri = URI.create(warehouse);
    if (!"file".equals(uri.getScheme())
        && !"s3".equals(uri.getScheme())
        && !"s3a".equals(uri.getScheme())) {
      throw new CliException(
          "Configuration key 'warehouse' has scheme '"
              + uri.getScheme()
              + "'; use file:///path or s3://bucket/prefix.");
    }
    return uri;
  }

  static io.lakestream.storage.S3Settings writerS3(Configuration config) {
    Optional<String> access = config.optional(Settings.S3_ACCESS_KEY);
    Optional<String> secret = config.optional(Settings.S3_SECRET_KEY);
    return new io.lakestream.storage.S3Settings(
        config.optional(Settings.S3_ENDPOINT),
        config.string(Settings.S3_REGION),
        config.bool(Settings.S3_PATH_STYLE),
        access,
        secret);
  }

  static io.lakestream.storage.S3Settings queryS3(Configuration config) {
    return new io.lakestream.storage.S3Settings(
        config.optional(Settings.S3_ENDPOINT),
        config.string(Settings.S3_REGION),
        config.bool(Settings.S3_PATH_STYLE),
        config.optional(Settings.S3_ACCESS_KEY),
        config.optional(Settings.S3_SECRET_KEY));
  }
}

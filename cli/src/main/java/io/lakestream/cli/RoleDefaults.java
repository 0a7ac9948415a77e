package io.lakestream.cli;

import io.lakestream.cli.config.Setting;
import io.lakestream.cli.config.Settings;
import java.util.Map;

/** Defaults that differ per role: `dev` is tuned for freshness and runs open. */
final class RoleDefaults {
  private RoleDefaults() {}

  static Map<Setting, String> of(String role) {
    return switch (role) {
      case "dev" ->
          Map.of(
              Settings.WRITER_FLUSH_AGE, "1s",
              Settings.WRITER_FLUSH_BYTES, "16MiB",
              Settings.WRITER_MEMORY_CAP, "256MiB",
              Settings.QUERY_OPEN, "true",
              Settings.QUERY_POLL_INTERVAL, "250ms",
              Settings.QUERY_DISCOVERY_INTERVAL, "1s",
              Settings.INGEST_PARTITIONS, "4",
              Settings.INGEST_DEFAULT_PROJECT, "default",
              Settings.PROJECTS_REGISTRATION, "auto");
      case "ingest", "write", "query" -> Map.of();
      default ->
          throw new CliException("Unknown role '" + role + "'. Use dev, ingest, write or query.");
    };
  }
}

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
          Map.ofEntries(
              Map.entry(Settings.WRITER_FLUSH_AGE, "1s"),
              Map.entry(Settings.WRITER_FLUSH_BYTES, "16MiB"),
              Map.entry(Settings.WRITER_MEMORY_CAP, "256MiB"),
              Map.entry(Settings.QUERY_OPEN, "true"),
              Map.entry(Settings.QUERY_REGISTER_ALLOW_PRIVATE_ENDPOINTS, "true"),
              Map.entry(Settings.QUERY_POLL_INTERVAL, "250ms"),
              Map.entry(Settings.QUERY_DISCOVERY_INTERVAL, "1s"),
              Map.entry(Settings.INGEST_PARTITIONS, "4"),
              Map.entry(Settings.INGEST_DEFAULT_PROJECT, "default"),
              Map.entry(Settings.PROJECTS_REGISTRATION, "auto"),
              Map.entry(Settings.MAINTENANCE_INTERVAL, "30s"));
      case "ingest", "write", "query", "maintain" -> Map.of();
      default ->
          throw new CliException(
              "Unknown role '" + role + "'. Use dev, ingest, write, query or maintain.");
    };
  }
}

package io.lakestream.cli;

import io.lakestream.cli.config.Configuration;
import io.lakestream.cli.config.Setting;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options every role shares: a configuration file and {@code --set key=value}. */
final class ConfigOptions {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "Configuration file (YAML or .properties). Env: LAKESTREAM_CONFIG.")
  Path file;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Set a configuration key; repeatable. Wins over the file and the environment.")
  Map<String, String> sets = new LinkedHashMap<>();

  /**
   * The effective configuration of a role.
   *
   * @param flags values of the role's own flags (already keyed by setting); null values are unset
   * @param roleDefaults the role's defaults that replace the global ones
   */
  Configuration resolve(Map<Setting, String> flags, Map<Setting, String> roleDefaults) {
    Map<String, String> all = new LinkedHashMap<>();
    flags.forEach(
        (setting, value) -> {
          if (value != null) {
            all.put(setting.key(), value);
          }
        });
    all.putAll(sets);
    Optional<Path> configFile =
        Optional.ofNullable(file)
            .or(() -> Optional.ofNullable(System.getenv("LAKESTREAM_CONFIG")).map(Path::of));
    return Configuration.resolve(configFile, System.getenv(), all, roleDefaults);
  }
}

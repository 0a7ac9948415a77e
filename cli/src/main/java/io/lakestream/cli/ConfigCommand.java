package io.lakestream.cli;

import io.lakestream.cli.config.Configuration;
import io.lakestream.cli.config.Settings;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lakestream config}: the effective configuration, with secrets masked. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description =
        "Print the effective configuration (defaults < file < LAKESTREAM_* environment < flags),"
            + " secrets masked, with where each value came from.")
final class ConfigCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--role",
      defaultValue = "dev",
      description =
          "Show the defaults of this role: dev, ingest, write, query or maintain (default:"
              + " ${DEFAULT-VALUE}).")
  String role;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Configuration configuration = config.resolve(Map.of(), RoleDefaults.of(role));
    var out = spec.commandLine().getOut();
    int width = Settings.ALL.stream().mapToInt(s -> s.key().length()).max().orElse(10);
    configuration
        .describe()
        .forEach(
            (key, value) ->
                out.printf("%-" + width + "s = %-30s  (%s)%n", key, value.value(), value.source()));
    out.flush();
    return 0;
  }
}

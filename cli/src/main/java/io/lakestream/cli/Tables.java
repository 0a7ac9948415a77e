package io.lakestream.cli;

import io.lakestream.cli.config.Configuration;
import io.lakestream.cli.config.Settings;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The table types a role serves: the built-ins plus those of {@code tables.dir}. */
final class Tables {
  private Tables() {}

  static Map<String, TableDefinition> load(Configuration config) {
    Map<String, TableDefinition> tables = new LinkedHashMap<>(TableDefinitions.builtIns());
    config
        .optional(Settings.TABLES_DIR)
        .ifPresent(dir -> tables.putAll(TableDefinitions.loadDirectory(Path.of(dir))));
    return tables;
  }
}

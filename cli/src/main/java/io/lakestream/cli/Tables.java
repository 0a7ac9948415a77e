package io.lakestream.cli;

import io.lakestream.catalog.Catalog;
import io.lakestream.catalog.CatalogException;
import io.lakestream.cli.config.Configuration;
import io.lakestream.cli.config.Settings;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The table types a role serves: the built-ins plus those of {@code tables.dir}. */
final class Tables {
  private static final Logger log = LoggerFactory.getLogger(Tables.class);

  private Tables() {}

  /**
   * The table types of {@link #load} plus those created at run time, read from the catalog topic on
   * the configured Kafka cluster. The router and the writers call this at start: a table type
   * created later reaches them at their next start (the query API follows the catalog live).
   */
  static Map<String, TableDefinition> loadWithCatalog(Configuration config) {
    Map<String, TableDefinition> tables = load(config);
    try (Catalog catalog = Catalog.start(config.string(Settings.KAFKA_BOOTSTRAP_SERVERS), tables)) {
      catalog.tables().forEach(tables::putIfAbsent);
    } catch (CatalogException e) {
      log.warn("Serving the YAML table types only: {}", e.getMessage());
    }
    return tables;
  }

  static Map<String, TableDefinition> load(Configuration config) {
    Map<String, TableDefinition> tables = new LinkedHashMap<>(TableDefinitions.builtIns());
    config
        .optional(Settings.TABLES_DIR)
        .ifPresent(dir -> tables.putAll(TableDefinitions.loadDirectory(Path.of(dir))));
    return tables;
  }
}

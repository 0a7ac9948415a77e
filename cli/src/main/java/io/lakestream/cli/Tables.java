package io.lakestream.cli;

import io.lakestream.catalog.Catalog;
import io.lakestream.catalog.CatalogException;
import io.lakestream.cli.config.Configuration;
import io.lakestream.cli.config.Settings;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.TableLookup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The table types a role serves: the built-ins plus those of {@code tables.dir}. */
final class Tables {
  private Tables() {}

  /**
   * Starts following the catalog on the configured Kafka cluster, with the table types of {@link
   * #load} as built-ins.
   *
   * @param role the role that needs it, for the message when the cluster cannot be reached
   * @throws CliException when the catalog topic cannot be read
   */
  static Catalog startCatalog(Configuration config, String role) {
    return startCatalog(config, role, Duration.ofSeconds(30));
  }

  /** Like {@link #startCatalog(Configuration, String)}, giving up after {@code timeout}. */
  static Catalog startCatalog(Configuration config, String role, Duration timeout) {
    try {
      return Catalog.start(
          config.string(Settings.KAFKA_BOOTSTRAP_SERVERS),
          config.kafkaClientProperties(),
          load(config),
          timeout);
    } catch (CatalogException e) {
      throw new CliException(
          e.getMessage()
              + ". The "
              + role
              + " follows the catalog on Kafka: check kafka.bootstrap.servers (or"
              + " --bootstrap-servers) and that the brokers are up.",
          e);
    }
  }

  /**
   * The catalog's table types as the router and the writers look them up while they run: a table
   * type created through the API is used from its first row, a dropped one no longer is.
   */
  static TableLookup live(Catalog catalog) {
    return new TableLookup() {
      @Override
      public Optional<TableDefinition> table(String name) {
        return catalog.table(name);
      }

      @Override
      public Map<String, TableDefinition> tables() {
        return catalog.tables();
      }
    };
  }

  static Map<String, TableDefinition> load(Configuration config) {
    Map<String, TableDefinition> tables = new LinkedHashMap<>(TableDefinitions.builtIns());
    config
        .optional(Settings.TABLES_DIR)
        .ifPresent(dir -> tables.putAll(TableDefinitions.loadDirectory(Path.of(dir))));
    return tables;
  }
}

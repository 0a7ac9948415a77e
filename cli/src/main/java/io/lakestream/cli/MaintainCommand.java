package io.lakestream.cli;

import io.lakestream.catalog.Catalog;
import io.lakestream.catalog.SecretBox;
import io.lakestream.cli.config.Configuration;
import io.lakestream.cli.config.Setting;
import io.lakestream.cli.config.Settings;
import io.lakestream.maintenance.Maintainer;
import io.lakestream.maintenance.MaintenanceConfig;
import io.lakestream.maintenance.MaintenanceException;
import io.lakestream.maintenance.MaintenanceRole;
import io.lakestream.maintenance.TableReport;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lakestream maintain}: compaction, vacuum and log cleanup of every table of the warehouse,
 * on a schedule or once.
 */
@Command(
    name = "maintain",
    mixinStandardHelpOptions = true,
    description =
        "Maintain every table of the warehouse: merge small files into large sorted ones, delete"
            + " files no reader needs, keep Delta logs short. Runs every maintenance.interval;"
            + " --once does one pass and exits.")
final class MaintainCommand implements Callable<Integer> {
  /** The command's logger, made at first use ({@link Main#COMMANDS} says why). */
  private static Logger log() {
    return LoggerFactory.getLogger(MaintainCommand.class);
  }

  @Mixin ConfigOptions config;

  @Spec CommandSpec spec;

  @Option(names = "--bootstrap-servers", description = "Kafka brokers (kafka.bootstrap.servers).")
  String bootstrapServers;

  @Option(names = "--warehouse", description = "file:///path or s3://bucket/prefix (warehouse).")
  String warehouse;

  @Option(
      names = "--once",
      description =
          "One pass over every table, then exit with one line per table (files before → after,"
              + " bytes, rows expired). Exit status 1 when a table failed.")
  boolean once;

  @Override
  public Integer call() throws InterruptedException {
    Map<Setting, String> flags = new HashMap<>();
    flags.put(Settings.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
    flags.put(Settings.WAREHOUSE, warehouse);
    Configuration configuration = config.resolve(flags, RoleDefaults.of("maintain"));
    Warehouses.warehouse(configuration); // a missing warehouse is said before Kafka is reached
    if (once) {
      try (Catalog catalog = Tables.startCatalog(configuration, "maintenance")) {
        return runOnce(configuration, catalog, spec.commandLine().getOut());
      }
    }
    try (RoleRunner runner = new RoleRunner()) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Catalog catalog = runner.add(Tables.startCatalog(configuration, "maintenance"));
      MaintenanceRole role = runner.add(startInGroup(configuration, registry, catalog));
      runner.add(
          RoleHttpServer.start(
              configuration.integer(Settings.ROLE_HTTP_PORT),
              registry,
              () ->
                  role.failure().isPresent()
                      ? RoleHttpServer.Health.unavailable(
                          "warehouse_unreachable", role.failure().get())
                      : role.groupFailure().isPresent()
                          ? RoleHttpServer.Health.unavailable(
                              "maintenance_group_unavailable", role.groupFailure().get())
                          : RoleHttpServer.Health.healthy()));
      log()
          .info(
              "Lakestream maintenance is running on "
                  + Warehouses.warehouse(configuration)
                  + " (group "
                  + configuration.string(Settings.MAINTENANCE_GROUP)
                  + ", as "
                  + role.memberName().orElse("")
                  + ") every "
                  + configuration.string(Settings.MAINTENANCE_INTERVAL)
                  + "; /health and /metrics on port "
                  + configuration.integer(Settings.ROLE_HTTP_PORT));
      runner.awaitShutdown("maintenance");
    }
    return 0;
  }

  /** One pass; prints a line per table; 1 when a table failed. */
  static int runOnce(Configuration configuration, Catalog catalog, PrintWriter out) {
    List<TableReport> reports;
    try (Maintainer maintainer = new Maintainer(maintenanceConfig(configuration, catalog))) {
      reports = maintainer.runOnce();
    } catch (MaintenanceException e) {
      throw new CliException(e.getMessage(), e);
    }
    for (TableReport report : reports) {
      out.println(report.summary());
    }
    out.println(
        reports.size()
            + " tables maintained"
            + (reports.stream().anyMatch(TableReport::failed) ? ", some failed (see above)" : "")
            + ".");
    out.flush();
    return reports.stream().anyMatch(TableReport::failed) ? 1 : 0;
  }

  /** Starts scheduled maintenance of every table of the configuration's warehouse (dev). */
  static MaintenanceRole start(
      Configuration configuration, PrometheusMeterRegistry registry, Catalog catalog) {
    return MaintenanceRole.start(maintenanceConfig(configuration, catalog), registry);
  }

  /**
   * Starts scheduled maintenance of the tables that the group {@code maintenance.group} assigns
   * this instance.
   */
  static MaintenanceRole startInGroup(
      Configuration configuration, PrometheusMeterRegistry registry, Catalog catalog) {
    try {
      return MaintenanceRole.start(
          builder(configuration, catalog)
              .group(configuration.string(Settings.MAINTENANCE_GROUP))
              .instanceId(configuration.string(Settings.ROLE_INSTANCE_ID))
              .sessionTimeout(configuration.duration(Settings.MAINTENANCE_SESSION_TIMEOUT))
              .build(),
          registry);
    } catch (MaintenanceException e) {
      throw new CliException(e.getMessage(), e);
    }
  }

  static MaintenanceConfig maintenanceConfig(Configuration configuration, Catalog catalog) {
    try {
      return builder(configuration, catalog).build();
    } catch (MaintenanceException e) {
      throw new CliException(e.getMessage(), e);
    }
  }

  private static MaintenanceConfig.Builder builder(Configuration configuration, Catalog catalog) {
    try {
      return MaintenanceConfig.builder()
          .warehouse(Warehouses.warehouse(configuration))
          .s3(Warehouses.writerS3(configuration))
          .tables(Tables.live(catalog))
          .projectRetention(
              (project, table) -> catalog.project(project).flatMap(p -> p.retention(table)))
          .ownBuckets(new CatalogOwnBuckets(catalog, secrets(configuration)))
          .interval(configuration.duration(Settings.MAINTENANCE_INTERVAL))
          .quietInterval(configuration.duration(Settings.MAINTENANCE_QUIET_INTERVAL))
          .targetFileBytes(configuration.size(Settings.MAINTENANCE_TARGET_FILE_BYTES))
          .maxRewriteBytes(configuration.size(Settings.MAINTENANCE_MAX_REWRITE_BYTES))
          .vacuumGrace(configuration.duration(Settings.MAINTENANCE_VACUUM_GRACE))
          .threads(configuration.integer(Settings.MAINTENANCE_THREADS))
          .commitFeed(
              configuration.string(Settings.KAFKA_BOOTSTRAP_SERVERS),
              configuration.kafkaClientProperties());
    } catch (MaintenanceException e) {
      throw new CliException(e.getMessage(), e);
    }
  }

  /** The key project secrets are encrypted with, the query sidecar's. */
  private static Optional<SecretBox> secrets(Configuration configuration) {
    try {
      return configuration.optional(Settings.QUERY_ENCRYPTION_KEY).map(SecretBox::fromBase64Key);
    } catch (IllegalArgumentException e) {
      throw new CliException(
          "Invalid " + Settings.QUERY_ENCRYPTION_KEY.key() + ": " + e.getMessage(), e);
    }
  }
}

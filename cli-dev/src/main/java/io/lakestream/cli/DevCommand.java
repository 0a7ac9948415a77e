package io.lakestream.cli;

import io.lakestream.cli.config.Configuration;
import io.lakestream.cli.config.Setting;
import io.lakestream.cli.config.Settings;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lakestream dev}: every role in one process, on an embedded Kafka broker and S3 server,
 * with data kept under {@code --data-dir} so a restart keeps it.
 */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description = "Run Lakestream in one process: a Kafka broker, an S3 API server, and the roles.")
final class DevCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--data-dir",
      description = "Where Kafka data, S3 objects and the local warehouse live (default: ./data).")
  String dataDir;

  @Option(
      names = "--kafka-port",
      defaultValue = "9092",
      description = "Kafka client port, advertised as localhost (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(
      names = "--s3-port",
      defaultValue = "9000",
      description = "S3 API port (default: ${DEFAULT-VALUE}).")
  int s3Port;

  @Option(names = "--http-port", description = "Query API port (default: 8080).")
  String httpPort;

  @Option(
      names = "--pg-port",
      description = "PostgreSQL protocol port for psql, Grafana, JDBC (default: 5432; -1: off).")
  String pgPort;

  @Option(
      names = "--tables-dir",
      description = "A folder of extra table definitions (*.yaml) to load beside the built-ins.")
  String tablesDir;

  @Option(
      names = "--demo",
      description = "Produce a continuing stream of demo data for three projects.")
  boolean demo;

  @Option(
      names = "--services-only",
      description =
          "Start the Kafka broker and the S3 server only, and print a configuration that runs the"
              + " roles (ingest, write, query, maintain) against them as processes of their own.")
  boolean servicesOnly;

  @Override
  public Integer call() throws InterruptedException {
    Map<Setting, String> flags = new HashMap<>();
    flags.put(Settings.DATA_DIR, dataDir);
    flags.put(Settings.QUERY_HTTP_PORT, httpPort);
    flags.put(Settings.QUERY_PG_PORT, pgPort);
    flags.put(Settings.TABLES_DIR, tablesDir);
    Configuration configuration = config.resolve(flags, RoleDefaults.of("dev"));
    try (RoleRunner runner = new RoleRunner()) {
      DevRuntime runtime =
          runner.add(
              DevRuntime.start(
                  new DevRuntime.Options(configuration, kafkaPort, s3Port, demo, servicesOnly)));
      runtime.printSummary(System.out);
      runner.awaitShutdown("Lakestream dev");
    }
    return 0;
  }
}

package io.lakestream.cli;

import io.lakestream.catalog.Catalog;
import io.lakestream.cli.config.Configuration;
import io.lakestream.cli.config.Setting;
import io.lakestream.cli.config.Settings;
import io.lakestream.writer.WriterConfig;
import io.lakestream.writer.WriterRole;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lakestream write}: the exactly-once Delta writer alone, for a deployment. */
@Command(
    name = "write",
    mixinStandardHelpOptions = true,
    description =
        "Run the writer: lakestream.rows.<table> in, one Delta table per (project, table) out,"
            + " exactly once.")
final class WriteCommand implements Callable<Integer> {
  /** The command's logger, made at first use ({@link Main#COMMANDS} says why). */
  private static Logger log() {
    return LoggerFactory.getLogger(WriteCommand.class);
  }

  /** How long every flush may fail before /ready says the writer is not writing. */
  static final java.time.Duration FAILING_FLUSHES = java.time.Duration.ofSeconds(30);

  @Mixin ConfigOptions config;

  @Option(names = "--bootstrap-servers", description = "Kafka brokers (kafka.bootstrap.servers).")
  String bootstrapServers;

  @Option(names = "--warehouse", description = "file:///path or s3://bucket/prefix (warehouse).")
  String warehouse;

  @Override
  public Integer call() throws InterruptedException {
    Map<Setting, String> flags = new HashMap<>();
    flags.put(Settings.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
    flags.put(Settings.WAREHOUSE, warehouse);
    Configuration configuration = config.resolve(flags, RoleDefaults.of("write"));
    Warehouses.warehouse(configuration); // a missing warehouse is said before Kafka is reached
    try (RoleRunner runner = new RoleRunner()) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Catalog catalog = runner.add(Tables.startCatalog(configuration, "writer"));
      WriterRole role = runner.add(start(configuration, registry, catalog));
      java.util.function.Supplier<RoleHttpServer.Health> live =
          () ->
              role.isRunning() && role.failure().isEmpty()
                  ? RoleHttpServer.Health.healthy()
                  : RoleHttpServer.Health.unavailable(
                      "writer_stopped", role.failure().map(Throwable::toString).orElse("stopped"));
      // Not writing is no reason to restart (a wrong key stays wrong): /ready only.
      java.util.function.Supplier<RoleHttpServer.Health> ready =
          () ->
              role.failingFlushes(FAILING_FLUSHES)
                  .map(
                      why ->
                          RoleHttpServer.Health.unavailable(
                              "warehouse_unreachable",
                              "No flush has worked for "
                                  + FAILING_FLUSHES.toSeconds()
                                  + " s (the rows stay buffered, nothing is lost); the last: "
                                  + why))
                  .orElseGet(live);
      runner.add(
          RoleHttpServer.start(
              configuration.integer(Settings.ROLE_HTTP_PORT), registry, live, ready));
      log()
          .info(
              "Lakestream writer is running: "
                  + configuration.string(Settings.KAFKA_BOOTSTRAP_SERVERS)
                  + " → "
                  + Warehouses.warehouse(configuration)
                  + "; /health and /metrics on port "
                  + configuration.integer(Settings.ROLE_HTTP_PORT));
      runner.awaitShutdown("the writer");
    }
    return 0;
  }

  /**
   * Starts the writer with the configuration's writer settings, writing the table types of {@code
   * catalog} as they are when each row is read.
   */
  static WriterRole start(Configuration config, PrometheusMeterRegistry registry, Catalog catalog) {
    WriterConfig writer;
    try {
      writer =
          WriterConfig.builder()
              .bootstrapServers(config.string(Settings.KAFKA_BOOTSTRAP_SERVERS))
              .groupId(config.string(Settings.WRITER_GROUP_ID))
              .warehouse(Warehouses.warehouse(config))
              .s3(Warehouses.writerS3(config))
              .tables(catalog.tables())
              .liveTables(Tables.live(catalog))
              .flushRows(config.integer(Settings.WRITER_FLUSH_ROWS))
              .flushBytes(config.size(Settings.WRITER_FLUSH_BYTES))
              .flushAge(config.duration(Settings.WRITER_FLUSH_AGE))
              .incompleteRecordTimeout(config.duration(Settings.WRITER_INCOMPLETE_RECORD_TIMEOUT))
              .memoryCapBytes(config.size(Settings.WRITER_MEMORY_CAP))
              .checkpointInterval(config.integer(Settings.WRITER_CHECKPOINT_INTERVAL))
              .checkpointSpacing(config.duration(Settings.WRITER_CHECKPOINT_SPACING))
              .kafkaProperties(config.kafkaClientProperties())
              .instanceId(config.string(Settings.ROLE_INSTANCE_ID))
              .tableCache(config.integer(Settings.WRITER_TABLE_CACHE))
              .flushThreads(flushThreads(config.integer(Settings.WRITER_FLUSH_THREADS)))
              .build();
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage(), e);
    }
    return WriterRole.start(writer, registry);
  }

  /** {@code writer.flush.threads}: 0 means the writer's default (the cores, at least 2). */
  private static int flushThreads(int configured) {
    if (configured < 0) {
      throw new CliException(
          "writer.flush.threads must be 0 (the number of cores) or more, not " + configured);
    }
    return configured == 0 ? WriterConfig.defaultFlushThreads() : configured;
  }
}

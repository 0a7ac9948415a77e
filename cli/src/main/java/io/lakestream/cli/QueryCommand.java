package io.lakestream.cli;

import io.lakestream.catalog.Catalog;
import io.lakestream.cli.config.Configuration;
import io.lakestream.cli.config.Setting;
import io.lakestream.cli.config.Settings;
import io.lakestream.query.QueryConfig;
import io.lakestream.query.QueryRole;
import io.lakestream.sql.KafkaRowSink;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lakestream query}: the query sidecar alone, for a deployment. */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description =
        "Run the query sidecar: follows the writers' commit feed and the rows not yet committed,"
            + " and serves key-range reads and SQL over HTTP and the PostgreSQL protocol.")
final class QueryCommand implements Callable<Integer> {
  /** The command's logger, made at first use ({@link Main#COMMANDS} says why). */
  private static Logger log() {
    return LoggerFactory.getLogger(QueryCommand.class);
  }

  @Mixin ConfigOptions config;

  @Option(names = "--warehouse", description = "file:///path or s3://bucket/prefix (warehouse).")
  String warehouse;

  @Option(names = "--http-port", description = "HTTP port (query.http.port, default 8080).")
  String httpPort;

  @Option(
      names = "--pg-port",
      description = "PostgreSQL protocol port (query.pg.port, default 5432; -1 turns it off).")
  String pgPort;

  @Option(
      names = "--bootstrap-servers",
      description =
          "Kafka brokers (kafka.bootstrap.servers): the sidecar follows the lakestream.catalog"
              + " topic and sends SQL INSERTs to the ingest topics.")
  String bootstrapServers;

  @Override
  public Integer call() throws InterruptedException {
    Map<Setting, String> flags = new HashMap<>();
    flags.put(Settings.WAREHOUSE, warehouse);
    flags.put(Settings.QUERY_HTTP_PORT, httpPort);
    flags.put(Settings.QUERY_PG_PORT, pgPort);
    flags.put(Settings.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
    Configuration configuration = config.resolve(flags, RoleDefaults.of("query"));
    Warehouses.warehouse(configuration); // a missing warehouse is said before Kafka is reached
    try (RoleRunner runner = new RoleRunner()) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      QueryRuntime runtime = runner.add(start(configuration, registry));
      QueryRole role = runtime.role();
      log()
          .info(
              "Lakestream query sidecar is serving http://localhost:"
                  + role.port()
                  + (role.pgPort() >= 0 ? " and PostgreSQL on port " + role.pgPort() : "")
                  + " over "
                  + Warehouses.warehouse(configuration));
      runner.awaitShutdown("the query sidecar");
    }
    return 0;
  }

  /**
   * The sidecar with the catalog it follows and the producer its SQL INSERTs use; closing it closes
   * the catalog too when the sidecar started it.
   */
  record QueryRuntime(QueryRole role, Catalog catalog, KafkaRowSink sink, boolean ownsCatalog)
      implements AutoCloseable {
    @Override
    public void close() {
      role.close();
      sink.close();
      if (ownsCatalog) {
        catalog.close();
      }
    }
  }

  /**
   * Starts the sidecar with the configuration's query settings, following its own catalog on the
   * Kafka cluster (table types created at run time are served at once; SQL INSERTs go to the ingest
   * topics).
   */
  static QueryRuntime start(Configuration config, PrometheusMeterRegistry registry) {
    Catalog catalog = Tables.startCatalog(config, "query API");
    try {
      QueryRuntime shared = start(config, registry, catalog);
      return new QueryRuntime(shared.role(), catalog, shared.sink(), true);
    } catch (RuntimeException e) {
      catalog.close();
      throw e;
    }
  }

  /** Starts the sidecar on a catalog the caller shares with other roles and closes itself. */
  static QueryRuntime start(
      Configuration config, PrometheusMeterRegistry registry, Catalog catalog) {
    KafkaRowSink sink =
        new KafkaRowSink(
            config.string(Settings.KAFKA_BOOTSTRAP_SERVERS), config.kafkaClientProperties());
    QueryRole role;
    try {
      role = queryRole(config, registry, catalog, sink);
    } catch (RuntimeException e) {
      sink.close();
      throw e;
    }
    return new QueryRuntime(role, catalog, sink, false);
  }

  /** {@code query.sql.file.scan.min.rows}: -1 (any negative) turns file scans off. */
  private static long fileScanMinRows(int setting) {
    return setting < 0 ? Long.MAX_VALUE : setting;
  }

  private static QueryRole queryRole(
      Configuration config, PrometheusMeterRegistry registry, Catalog catalog, KafkaRowSink sink) {
    QueryConfig.Builder builder =
        QueryConfig.builder()
            .warehouse(Warehouses.warehouse(config))
            .s3(Warehouses.queryS3(config))
            .httpPort(config.integer(Settings.QUERY_HTTP_PORT))
            .pgPort(config.integer(Settings.QUERY_PG_PORT))
            .sqlMaxRows(config.integer(Settings.QUERY_SQL_MAX_ROWS))
            .sqlMemoryBytes(config.size(Settings.QUERY_SQL_MEMORY))
            .sqlThreads(config.integer(Settings.QUERY_SQL_THREADS))
            .sqlTimeout(config.duration(Settings.QUERY_SQL_TIMEOUT))
            .sqlFileScanMinRows(
                fileScanMinRows(config.integer(Settings.QUERY_SQL_FILE_SCAN_MIN_ROWS)))
            .pollInterval(config.duration(Settings.QUERY_POLL_INTERVAL))
            .discoveryInterval(config.duration(Settings.QUERY_DISCOVERY_INTERVAL))
            .kafka(config.string(Settings.KAFKA_BOOTSTRAP_SERVERS), config.kafkaClientProperties())
            .commitFeed(config.bool(Settings.QUERY_COMMIT_FEED))
            .fallbackInterval(config.duration(Settings.QUERY_FALLBACK_INTERVAL))
            .tailEnabled(config.bool(Settings.QUERY_TAIL_ENABLED))
            .tailMaxBytes(config.size(Settings.QUERY_TAIL_MAX_BYTES))
            .writerGroup(config.string(Settings.WRITER_GROUP_ID))
            .smallFileBytes(config.size(Settings.MAINTENANCE_TARGET_FILE_BYTES))
            .maxLimit(config.integer(Settings.QUERY_MAX_LIMIT))
            .open(config.bool(Settings.QUERY_OPEN))
            .allowPrivateEndpoints(config.bool(Settings.QUERY_REGISTER_ALLOW_PRIVATE_ENDPOINTS))
            .dataDir(Path.of(config.string(Settings.DATA_DIR)).toAbsolutePath())
            .tables(Tables.load(config));
    config
        .pairs(Settings.QUERY_TOKENS)
        .forEach(
            (project, tokens) -> {
              for (String token : tokens.split(",")) {
                builder.projectToken(project, token);
              }
            });
    config.optional(Settings.QUERY_ADMIN_TOKEN).ifPresent(builder::adminToken);
    config.optional(Settings.QUERY_METRICS_TOKEN).ifPresent(builder::metricsToken);
    config.optional(Settings.QUERY_ENCRYPTION_KEY).ifPresent(builder::encryptionKey);
    builder
        .pgTls(
            config.optional(Settings.QUERY_PG_TLS_CERT).map(Path::of).orElse(null),
            config.optional(Settings.QUERY_PG_TLS_KEY).map(Path::of).orElse(null))
        .pgTlsRequired(config.bool(Settings.QUERY_PG_TLS_REQUIRED));
    try {
      return QueryRole.start(builder.build(), registry, catalog, sink);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage(), e);
    }
  }
}

package io.lakestream.cli;

import io.lakestream.catalog.Catalog;
import io.lakestream.catalog.ProjectAdmissions;
import io.lakestream.cli.config.Configuration;
import io.lakestream.cli.config.Setting;
import io.lakestream.cli.config.Settings;
import io.lakestream.ingest.IngestConfig;
import io.lakestream.ingest.IngestHealth;
import io.lakestream.ingest.IngestRole;
import io.lakestream.ingest.OtlpEncoding;
import io.lakestream.schema.ProjectAdmission;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lakestream ingest}: the Kafka Streams router alone, for a deployment. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description =
        "Run the ingest router: OTLP and Avro topics in, lakestream.rows.<table> by project out,"
            + " bad input to lakestream.dlq.")
final class IngestCommand implements Callable<Integer> {
  /** The command's logger, made at first use ({@link Main#COMMANDS} says why). */
  private static Logger log() {
    return LoggerFactory.getLogger(IngestCommand.class);
  }

  @Mixin ConfigOptions config;

  @Option(names = "--bootstrap-servers", description = "Kafka brokers (kafka.bootstrap.servers).")
  String bootstrapServers;

  @Option(names = "--default-project", description = "Project of records naming none.")
  String defaultProject;

  @Override
  public Integer call() throws InterruptedException {
    Map<Setting, String> flags = new HashMap<>();
    flags.put(Settings.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
    flags.put(Settings.INGEST_DEFAULT_PROJECT, defaultProject);
    Configuration configuration = config.resolve(flags, RoleDefaults.of("ingest"));
    try (RoleRunner runner = new RoleRunner()) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Catalog catalog = runner.add(Tables.startCatalog(configuration, "ingest router"));
      ProjectAdmissions.Policy admission = runner.add(projectAdmission(configuration, catalog));
      IngestRole role = runner.add(start(configuration, registry, catalog, admission));
      runner.add(TableTopics.follow(catalog, role));
      runner.add(
          RoleHttpServer.start(
              configuration.integer(Settings.ROLE_HTTP_PORT),
              registry,
              () -> health(role.liveness()),
              () -> health(role.health())));
      log()
          .info(
              "Lakestream ingest is running on "
                  + configuration.string(Settings.KAFKA_BOOTSTRAP_SERVERS)
                  + "; /health and /metrics on port "
                  + configuration.integer(Settings.ROLE_HTTP_PORT));
      runner.awaitShutdown("the ingest router");
    }
    return 0;
  }

  /**
   * The router's health as the role's {@code /health} ({@link IngestRole#liveness()}) and {@code
   * /ready} ({@link IngestRole#health()}) answer it.
   */
  static RoleHttpServer.Health health(IngestHealth health) {
    return health.healthy()
        ? RoleHttpServer.Health.healthy()
        : RoleHttpServer.Health.unavailable(health.error(), health.detail());
  }

  /**
   * Starts the router with the configuration's ingest settings, routing to the table types of
   * {@code catalog} as they are when each record is routed, for the projects {@code admission}
   * admits. The caller creates the topics of table types created later ({@link
   * TableTopics#follow}).
   */
  static IngestRole start(
      Configuration config,
      PrometheusMeterRegistry registry,
      Catalog catalog,
      ProjectAdmission admission) {
    IngestConfig ingest =
        ingestConfig(config, catalog, admission).toBuilder()
            .stateDir(Path.of(config.string(Settings.DATA_DIR)).resolve("ingest-state"))
            .numStreamThreads(config.integer(Settings.INGEST_THREADS))
            .build();
    return IngestRole.start(ingest, registry);
  }

  /**
   * The project rule of {@code projects.registration} over {@code catalog}; the caller closes it
   * after the router.
   */
  static ProjectAdmissions.Policy projectAdmission(Configuration config, Catalog catalog) {
    ProjectAdmissions.Mode mode;
    try {
      mode = ProjectAdmissions.Mode.parse(config.string(Settings.PROJECTS_REGISTRATION));
    } catch (IllegalArgumentException e) {
      throw new CliException(
          "Configuration key '" + Settings.PROJECTS_REGISTRATION.key() + "': " + e.getMessage());
    }
    log().info("Projects: {}", describe(mode));
    return ProjectAdmissions.of(mode, catalog, Clock.systemUTC());
  }

  private static String describe(ProjectAdmissions.Mode mode) {
    return switch (mode) {
      case REQUIRED ->
          "registered projects only (projects.registration=required); rows of others go to"
              + " lakestream.dlq as unregistered_project";
      case AUTO -> "every valid project, registered on its first row (projects.registration=auto)";
    };
  }

  /**
   * The router's settings from the configuration and the catalog: topics and their encodings, the
   * catalog's table types (looked up live), project rules, limits. The live router and {@code
   * lakestream replay} route with the same settings.
   */
  static IngestConfig ingestConfig(
      Configuration config, Catalog catalog, ProjectAdmission admission) {
    return ingestConfig(config).toBuilder()
        .tables(catalog.tables())
        .liveTables(Tables.live(catalog))
        .projectAdmission(admission)
        .build();
  }

  /**
   * The {@code kafka.*} client properties, and with a {@code role.instance.id} the main consumer's
   * {@code group.instance.id} (Kafka Streams adds each stream thread's index to it).
   */
  private static Map<String, String> streamsOverrides(Configuration config) {
    Map<String, String> overrides = new HashMap<>(config.kafkaClientProperties());
    config
        .optional(Settings.ROLE_INSTANCE_ID)
        .ifPresent(
            id ->
                overrides.put(
                    StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), id));
    return overrides;
  }

  private static IngestConfig ingestConfig(Configuration config) {
    IngestConfig.Builder builder =
        IngestConfig.builder(config.string(Settings.KAFKA_BOOTSTRAP_SERVERS))
            .applicationId(config.string(Settings.INGEST_APPLICATION_ID))
            .logs(
                config.string(Settings.INGEST_LOGS_TOPIC),
                encoding(config, Settings.INGEST_LOGS_ENCODING))
            .spans(
                config.string(Settings.INGEST_SPANS_TOPIC),
                encoding(config, Settings.INGEST_SPANS_ENCODING))
            .metrics(
                config.string(Settings.INGEST_METRICS_TOPIC),
                encoding(config, Settings.INGEST_METRICS_ENCODING))
            .tables(Tables.load(config))
            .projectAttribute(config.string(Settings.INGEST_PROJECT_ATTRIBUTE))
            .routedPartitions(config.integer(Settings.INGEST_PARTITIONS))
            .maxRecordBytes(
                (int) Math.min(Integer.MAX_VALUE, config.size(Settings.INGEST_MAX_RECORD_BYTES)))
            .maxBatchBytes(
                (int) Math.min(Integer.MAX_VALUE, config.size(Settings.INGEST_MAX_BATCH_BYTES)))
            .maxFutureSkew(config.duration(Settings.INGEST_MAX_FUTURE_SKEW))
            .streamsOverrides(streamsOverrides(config));
    config.optional(Settings.INGEST_DEFAULT_PROJECT).ifPresent(builder::defaultProject);
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage(), e);
    }
  }

  /** An OTLP topic's encoding setting, refused naming its key when it is none of the encodings. */
  static OtlpEncoding encoding(Configuration config, Setting setting) {
    try {
      return OtlpEncoding.parse(config.string(setting));
    } catch (IllegalArgumentException e) {
      throw new CliException("Configuration key '" + setting.key() + "': " + e.getMessage());
    }
  }
}

package io.lakestream.cli;

import io.lakestream.catalog.Catalog;
import io.lakestream.catalog.ProjectAdmissions;
import io.lakestream.cli.config.Configuration;
import io.lakestream.cli.config.Settings;
import io.lakestream.cli.demo.DemoProducer;
import io.lakestream.ingest.IngestRole;
import io.lakestream.maintenance.MaintenanceRole;
import io.lakestream.query.QueryRole;
import io.lakestream.testkit.EmbeddedKafka;
import io.lakestream.testkit.EmbeddedS3;
import io.lakestream.writer.WriterRole;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Everything {@code lakestream dev} runs, started in order and stopped in reverse order.
 *
 * <p>Data lives under one folder: {@code kafka/} (broker logs), {@code s3/} (the S3 server's
 * buckets) and {@code warehouse/} (the local Delta warehouse), so a restart with the same folder
 * keeps topics, records and tables.
 */
final class DevRuntime implements AutoCloseable {
  /** The bucket the embedded S3 server starts with. */
  static final String BUCKET = "lakestream";

  /**
   * What to start.
   *
   * @param config the effective configuration (data.dir, tables, role settings)
   * @param kafkaPort the broker's port; 0 picks a free one
   * @param s3Port the S3 server's port; 0 picks a free one
   * @param demo whether to produce demo data continuously
   * @param servicesOnly whether to start the broker and the S3 server only, for roles run as
   *     processes of their own ({@code lakestream ingest|write|query|maintain})
   */
  record Options(
      Configuration config, int kafkaPort, int s3Port, boolean demo, boolean servicesOnly) {
    Options(Configuration config, int kafkaPort, int s3Port, boolean demo) {
      this(config, kafkaPort, s3Port, demo, false);
    }

    Path dataDir() {
      return Path.of(config.string(Settings.DATA_DIR));
    }
  }

  private final Options options;
  private final List<AutoCloseable> running = new ArrayList<>();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private EmbeddedKafka kafka;
  private Catalog catalog;
  private IngestRole ingest;
  private WriterRole writer;
  private QueryCommand.QueryRuntime query;
  private MaintenanceRole maintenance;
  private DemoProducer demo;
  private EmbeddedS3 s3;
  private Path warehouse;
  private String warehouseUri;

  private DevRuntime(Options options) {
    this.options = options;
  }

  /**
   * Starts the broker, the S3 server and the roles.
   *
   * @throws CliException when a port is taken or the data folder cannot be used; nothing is left
   *     running then
   */
  static DevRuntime start(Options options) {
    DevRuntime runtime = new DevRuntime(options);
    try {
      runtime.startAll();
      return runtime;
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
  }

  private void startAll() {
    Path root = options.dataDir().toAbsolutePath().normalize();
    requirePortFree(options.kafkaPort(), "--kafka-port", "Kafka");
    requirePortFree(options.s3Port(), "--s3-port", "S3");
    if (!options.servicesOnly()) {
      requirePortFree(
          options.config().integer(Settings.QUERY_HTTP_PORT), "--http-port", "Query API");
      requirePortFree(
          options.config().integer(Settings.QUERY_PG_PORT), "--pg-port", "PostgreSQL protocol");
    }
    try {
      Files.createDirectories(root);
      warehouse = Files.createDirectories(root.resolve("warehouse"));
    } catch (IOException e) {
      throw new CliException(
          "Cannot use data folder " + root + ": " + e.getMessage() + ". Pass another --data-dir.",
          e);
    }
    kafka =
        EmbeddedKafka.builder().port(options.kafkaPort()).dataDir(root.resolve("kafka")).start();
    running.add(kafka);
    s3 = EmbeddedS3.builder().port(options.s3Port()).dataDir(root.resolve("s3")).start();
    running.add(s3);
    s3.createBucket(BUCKET);
    if (options.servicesOnly()) {
      return;
    }
    Configuration roles = rolesConfiguration(root);
    warehouseUri = roles.string(Settings.WAREHOUSE);
    // One catalog for every role: a table type created through the API reaches all of them live.
    catalog = Tables.startCatalog(roles, "dev runtime");
    running.add(catalog);
    ProjectAdmissions.Policy admission = IngestCommand.projectAdmission(roles, catalog);
    running.add(admission);
    ingest = IngestCommand.start(roles, registry, catalog, admission);
    running.add(ingest);
    running.add(TableTopics.follow(catalog, ingest));
    writer = WriteCommand.start(roles, registry, catalog);
    running.add(writer);
    query = QueryCommand.start(roles, registry, catalog);
    running.add(query);
    maintenance = MaintainCommand.start(roles, registry, catalog);
    running.add(maintenance);
    if (options.demo()) {
      demo = DemoProducer.start(kafka.bootstrapServers(), Duration.ofSeconds(1));
      running.add(demo);
    }
  }

  /**
   * The roles' configuration: the embedded broker, the data folder, and the local warehouse unless
   * one is configured. An {@code s3://} warehouse with no S3 endpoint set uses the embedded S3
   * server and its credentials.
   */
  private Configuration rolesConfiguration(Path root) {
    Configuration roles =
        options
            .config()
            .with(Settings.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers(), "dev")
            .with(Settings.DATA_DIR, root.toString(), "dev");
    if (roles.optional(Settings.QUERY_ENCRYPTION_KEY).isEmpty()) {
      roles = roles.with(Settings.QUERY_ENCRYPTION_KEY, encryptionKey(root), "dev");
    }
    if (roles.optional(Settings.WAREHOUSE).isEmpty()) {
      roles = roles.with(Settings.WAREHOUSE, warehouse.toUri().toString(), "dev");
    } else if (roles.string(Settings.WAREHOUSE).startsWith("s3")
        && roles.optional(Settings.S3_ENDPOINT).isEmpty()) {
      roles =
          roles
              .with(Settings.S3_ENDPOINT, s3.endpoint(), "dev")
              .with(Settings.S3_ACCESS_KEY, s3.accessKey(), "dev")
              .with(Settings.S3_SECRET_KEY, s3.secretKey(), "dev")
              .with(Settings.S3_PATH_STYLE, "true", "dev");
    }
    return roles;
  }

  /**
   * The data folder's own key for project secrets ({@code encryption.key}, made on first start,
   * readable by its owner only), so that the query sidecar and maintenance share it and projects
   * registered with their own bucket stay readable after a restart.
   */
  private static String encryptionKey(Path root) {
    Path file = root.resolve("encryption.key");
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.US_ASCII).trim();
      }
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      String encoded = Base64.getEncoder().encodeToString(key);
      Files.writeString(file, encoded + "\n", StandardCharsets.US_ASCII);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the data folder's own permissions apply
      }
      return encoded;
    } catch (IOException e) {
      throw new CliException(
          "Cannot keep the encryption key in " + file + ": " + e.getMessage() + ".", e);
    }
  }

  IngestRole ingest() {
    return ingest;
  }

  WriterRole writer() {
    return writer;
  }

  MaintenanceRole maintenance() {
    return maintenance;
  }

  QueryRole query() {
    return query.role();
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  EmbeddedKafka kafka() {
    return kafka;
  }

  EmbeddedS3 s3() {
    return s3;
  }

  Path warehouse() {
    return warehouse;
  }

  /** Prints what runs where, for the person who started it. */
  void printSummary(PrintStream out) {
    if (options.servicesOnly()) {
      printServices(out);
      return;
    }
    out.println();
    out.println(
        "Lakestream dev is running. Ctrl-C stops it; data stays in "
            + options.dataDir().toAbsolutePath().normalize());
    printBrokerAndS3(out);
    out.println("  Warehouse              " + warehouseUri);
    out.println("  Table types            " + String.join(", ", catalog.tables().keySet()));
    out.println(
        "  Ingest router          OTLP from otlp_logs, otlp_spans, otlp_metrics; Avro from"
            + " lakestream.ingest.<table>; rows to lakestream.rows.<table>; bad input to"
            + " lakestream.dlq");
    out.println(
        "  Writer                 lakestream.rows.<table> → "
            + writer.config().warehouse()
            + "projects/<project>/<table>/ (Delta)");
    String url = "http://localhost:" + query.role().port();
    out.println("  Query API              " + url + "  (open: no tokens in dev)");
    int pgPort = query.role().pgPort();
    if (pgPort >= 0) {
      boolean tls = options.config().optional(Settings.QUERY_PG_TLS_CERT).isPresent();
      out.println(
          "  PostgreSQL protocol    localhost:"
              + pgPort
              + "  (user: a project id, any password"
              + (tls
                  ? options.config().bool(Settings.QUERY_PG_TLS_REQUIRED)
                      ? "; TLS required)"
                      : "; TLS offered)"
                  : ")"));
    }
    out.println(
        "  Maintenance            compaction and vacuum every "
            + options.config().string(Settings.MAINTENANCE_INTERVAL));
    if (demo != null) {
      out.println(
          "  Demo data              acme, globex, initech: spans, logs, metrics, events every second");
    }
    String hourAgo =
        java.time.Instant.now()
            .minus(Duration.ofHours(1))
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            .toString();
    String project = demo != null ? "acme" : "default";
    String rows = url + "/v1/projects/" + project + "/tables/";
    out.println();
    out.println("Try (rows appear a second or two after they are produced):");
    out.println(
        "  ./lakestream produce --bootstrap-servers "
            + kafka.bootstrapServers()
            + " --generate 10   # demo rows (--format ndjson --table events FILE: your own)");
    out.println("  curl '" + url + "/list_tables'");
    out.println("  curl '" + rows + "otel_logs_and_spans/rows?from=" + hourAgo + "&limit=5'");
    out.println(
        "  curl -H 'Accept: application/x-ndjson' '" + rows + "events/rows?order=desc&limit=5'");
    out.println("  curl '" + rows + "metrics'");
    out.println(
        "  ./lakestream sql --url "
            + url
            + " \"SELECT COUNT(*), MAX(timestamp) FROM events WHERE project_id = '"
            + project
            + "'\"");
    if (pgPort >= 0) {
      out.println(
          "  psql -h localhost -p "
              + pgPort
              + " -U "
              + project
              + " lakestream -c \"SELECT COUNT(*) FROM events WHERE project_id = '"
              + project
              + "'\"");
    }
    out.println();
    out.flush();
  }

  /**
   * With {@code --services-only}: where the broker and the S3 server are, and a configuration file
   * that runs the roles against them as processes of their own.
   */
  private void printServices(PrintStream out) {
    Path root = options.dataDir().toAbsolutePath().normalize();
    out.println();
    out.println(
        "Lakestream dev is running the services only (no role). Ctrl-C stops them; data stays in "
            + root);
    printBrokerAndS3(out);
    out.println();
    out.println("Run each role as a process of its own with this file (lakestream.yaml):");
    servicesConfiguration().lines().forEach(line -> out.println("  " + line));
    out.println();
    out.println(
        "  ./lakestream ingest   -c lakestream.yaml --set data.dir=" + root.resolve("ingest"));
    out.println(
        "  ./lakestream write    -c lakestream.yaml --set data.dir="
            + root.resolve("write")
            + " --set role.http.port=8082");
    out.println(
        "  ./lakestream query    -c lakestream.yaml --set data.dir=" + root.resolve("query"));
    out.println(
        "  ./lakestream maintain -c lakestream.yaml --set data.dir="
            + root.resolve("maintain")
            + " --set role.http.port=8083");
    out.println();
    out.println(
        "The roles route registered projects only (projects.registration=required): register each,");
    out.println(
        "  curl -X POST http://localhost:8080/v1/projects -H 'Content-Type: application/json'"
            + " -d '{\"project_id\": \"acme\"}'");
    out.println(
        "and replay what reached lakestream.dlq before it was registered: ./lakestream replay -c"
            + " lakestream.yaml --topic lakestream.dlq --from-beginning");
    out.println();
    out.flush();
  }

  private void printBrokerAndS3(PrintStream out) {
    out.println("  Kafka broker (KRaft)   " + kafka.bootstrapServers());
    out.println(
        "  S3 API server          "
            + s3.endpoint()
            + "  bucket "
            + BUCKET
            + ", access key "
            + s3.accessKey()
            + ", secret key "
            + s3.secretKey()
            + ", path-style");
  }

  /** A configuration file (YAML) for roles run against this broker and S3 server. */
  String servicesConfiguration() {
    return "kafka: {bootstrap.servers: \""
        + kafka.bootstrapServers()
        + "\"}\n"
        + "warehouse: s3://"
        + BUCKET
        + "/warehouse\n"
        + "s3: {endpoint: \""
        + s3.endpoint()
        + "\", access.key: "
        + s3.accessKey()
        + ", secret.key: "
        + s3.secretKey()
        + ", path.style: true}\n"
        + "query: {open: true}   # development only: no tokens\n";
  }

  /** Stops everything that started, newest first; safe to call twice. */
  @Override
  public synchronized void close() {
    RuntimeException failure = null;
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("Could not stop everything cleanly", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    running.clear();
    if (failure != null) {
      throw failure;
    }
  }

  private static void requirePortFree(int port, String option, String what) {
    if (port <= 0) {
      return; // any free port, or off
    }
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
    } catch (IOException e) {
      throw new CliException(
          what
              + " port "
              + port
              + " is already in use (is another 'lakestream dev' running?). Stop that process or"
              + " pass "
              + option
              + " <port>.",
          new UncheckedIOException(e));
    }
  }
}

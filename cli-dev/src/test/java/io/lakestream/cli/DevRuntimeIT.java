package io.lakestream.cli;

import static io.lakestream.cli.DevFixture.get;
import static io.lakestream.cli.DevFixture.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lakestream.testkit.TestCertificates;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevRuntimeIT {

  @Test
  void aRestartWithTheSameDataFolderKeepsTopicsAndRecords(@TempDir Path dataDir) {
    try (DevRuntime dev = DevRuntime.start(options(dataDir, 0))) {
      assertThat(Files.isDirectory(dev.warehouse())).isTrue();
      produce(dev.kafka().bootstrapServers(), "otlp_logs", "first");
    }
    try (DevRuntime dev = DevRuntime.start(options(dataDir, 0))) {
      produce(dev.kafka().bootstrapServers(), "otlp_logs", "second");
      assertThat(consume(dev.kafka().bootstrapServers(), "otlp_logs", 2))
          .containsExactlyInAnyOrder("first", "second");
    }
  }

  /**
   * {@code dev --services-only}: the broker and the S3 server, no role; the configuration it prints
   * is one the roles take, and names the two.
   */
  @Test
  void servicesOnlyStartsTheBrokerAndS3ForRolesOfTheirOwn(@TempDir Path dataDir) throws Exception {
    DevRuntime.Options dev = options(dataDir, 0);
    DevRuntime.Options servicesOnly = new DevRuntime.Options(dev.config(), 0, 0, false, true);
    try (DevRuntime services = DevRuntime.start(servicesOnly)) {
      assertThat(services.writer()).isNull();
      assertThat(services.ingest()).isNull();
      Path file = dataDir.resolve("lakestream.yaml");
      Files.writeString(file, services.servicesConfiguration());
      io.lakestream.cli.config.Configuration roles =
          io.lakestream.cli.config.Configuration.resolve(
              java.util.Optional.of(file), Map.of(), Map.of(), Map.of());
      assertThat(roles.string(io.lakestream.cli.config.Settings.KAFKA_BOOTSTRAP_SERVERS))
          .isEqualTo(services.kafka().bootstrapServers());
      assertThat(roles.string(io.lakestream.cli.config.Settings.S3_ENDPOINT))
          .isEqualTo(services.s3().endpoint());
      assertThat(roles.bool(io.lakestream.cli.config.Settings.QUERY_OPEN)).isTrue();
      try (org.apache.kafka.clients.admin.Admin admin =
          org.apache.kafka.clients.admin.Admin.create(
              Map.of("bootstrap.servers", services.kafka().bootstrapServers()))) {
        assertThat(admin.listTopics().names().get()).isNotNull(); // the broker answers
      }
      java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
      services.printSummary(new java.io.PrintStream(printed, true, "UTF-8"));
      assertThat(printed.toString("UTF-8"))
          .contains("./lakestream write    -c lakestream.yaml")
          .contains("POST http://localhost:8080/v1/projects");
    }
  }

  @Test
  void aTakenPortIsReportedWithTheOptionToChange(@TempDir Path dataDir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> DevRuntime.start(options(dataDir, taken.getLocalPort())))
          .isInstanceOf(CliException.class)
          .hasMessage(
              "Kafka port "
                  + taken.getLocalPort()
                  + " is already in use (is another 'lakestream dev' running?). Stop that"
                  + " process or pass --kafka-port <port>.");
    }
  }

  @Test
  void aTakenPostgresPortIsReportedWithTheFlagToChange(@TempDir Path dataDir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      DevRuntime.Options options =
          DevFixture.options(
              dataDir, Map.of("query.pg.port", String.valueOf(taken.getLocalPort())));
      assertThatThrownBy(() -> DevRuntime.start(options))
          .isInstanceOf(CliException.class)
          .hasMessage(
              "PostgreSQL protocol port "
                  + taken.getLocalPort()
                  + " is already in use (is another 'lakestream dev' running?). Stop that"
                  + " process or pass --pg-port <port>.");
    }
  }

  @Test
  void devServesThePostgresProtocolWithAnyPassword(@TempDir Path dataDir) throws Exception {
    try (DevRuntime dev = DevRuntime.start(options(dataDir, 0));
        java.sql.Connection c =
            java.sql.DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + dev.query().pgPort() + "/lakestream",
                "acme",
                "anything");
        java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SELECT version()")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).startsWith("PostgreSQL 15.0 (Lakestream)");
    }
  }

  /**
   * {@code lakestream dev --set query.pg.tls.cert=…}: served over TLS (pgJDBC checks the
   * certificate against the test authority), and a certificate file that is not there stops the
   * start with one line that names the setting and the file, no stack trace.
   */
  @Test
  void devServesThePostgresProtocolOverTlsAndABadFileStopsItsStart(@TempDir Path dataDir)
      throws Exception {
    TestCertificates certificates = TestCertificates.create(dataDir.resolve("tls"));
    DevRuntime.Options options =
        DevFixture.options(
            dataDir.resolve("dev"),
            Map.of(
                "query.pg.tls.cert", certificates.certificate().toString(),
                "query.pg.tls.key", certificates.key().toString(),
                "query.pg.tls.required", "true"));
    java.util.Properties properties = new java.util.Properties();
    properties.setProperty("user", "acme");
    properties.setProperty("password", "anything");
    properties.setProperty("sslmode", "verify-full");
    properties.setProperty("sslrootcert", certificates.authority().toString());
    try (DevRuntime dev = DevRuntime.start(options);
        java.sql.Connection c =
            java.sql.DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + dev.query().pgPort() + "/lakestream", properties);
        java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SELECT 1")) {
      assertThat(rs.next()).isTrue();
    }

    Path missing = dataDir.resolve("no-such.pem");
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cli = Main.commandLine();
    cli.setErr(new java.io.PrintWriter(err));
    int exit =
        cli.execute(
            "dev",
            "--data-dir",
            dataDir.resolve("dev").toString(),
            "--kafka-port",
            "0",
            "--s3-port",
            "0",
            "--http-port",
            "0",
            "--pg-port",
            "0",
            "--set",
            "query.pg.tls.cert=" + missing,
            "--set",
            "query.pg.tls.key=" + certificates.key());
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "lakestream: Invalid query configuration 'query.pg.tls.cert': cannot read the"
                + " certificate file "
                + missing
                + ": no such file."
                + System.lineSeparator());
  }

  private static DevRuntime.Options options(Path dataDir, int kafkaPort) {
    return DevFixture.options(dataDir, kafkaPort, false, Map.of());
  }

  /**
   * With the commit feed, tables are found and followed from the writer's announcements: the
   * fallback poll and listing are ten minutes apart here, so anything served within the test came
   * through the feed. (With the feed off and the same ten minutes, the table is never served.)
   */
  @Test
  void withTheCommitFeedNewTablesAndTheirCommitsAreServedWithoutPolling(@TempDir Path dataDir)
      throws Exception {
    DevRuntime.Options options =
        DevFixture.options(
            dataDir,
            0,
            true,
            Map.of("query.commit.feed", "true", "query.fallback.interval", "10m"));
    try (DevRuntime dev = DevRuntime.start(options)) {
      String status = "/v1/projects/acme/tables/events";
      java.util.concurrent.atomic.AtomicLong first = new java.util.concurrent.atomic.AtomicLong();
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                var response = get(dev, status);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                long version = version(response.body());
                assertThat(version).as("loaded: " + response.body()).isNotNegative();
                first.set(version);
              });
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () ->
                  assertThat(version(get(dev, status).body()))
                      .as("later commits served")
                      .isGreaterThan(first.get()));
    }
  }

  /** The table's Delta version in a status body; -1 while the table is not loaded yet. */
  private static long version(String status) throws java.io.IOException {
    var version = DevFixture.JSON.readTree(status).get("delta_version");
    return version == null ? -1 : version.asLong();
  }

  @Test
  void theDemoIsQueryableOverHttpWithinSeconds(@TempDir Path dataDir) throws Exception {
    try (DevRuntime dev = DevRuntime.start(DevFixture.options(dataDir, 0, true, Map.of()))) {
      java.io.ByteArrayOutputStream summary = new java.io.ByteArrayOutputStream();
      dev.printSummary(
          new java.io.PrintStream(summary, true, java.nio.charset.StandardCharsets.UTF_8));
      assertThat(summary.toString(java.nio.charset.StandardCharsets.UTF_8))
          .contains("curl 'http://localhost:" + dev.query().port() + "/list_tables'");
      for (String table : List.of("events", "otel_logs_and_spans", "metrics")) {
        String rows = "/v1/projects/acme/tables/" + table + "/rows?limit=3";
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(500))
            .untilAsserted(
                () -> {
                  var response = get(dev, rows);
                  assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                  assertThat(response.body()).contains("\"project_id\":\"acme\"");
                });
      }
      // lakestream sql prints timestamps as ISO-8601, not as microseconds
      java.io.StringWriter printed = new java.io.StringWriter();
      picocli.CommandLine sql = Main.commandLine();
      sql.setOut(new java.io.PrintWriter(printed));
      int exit =
          sql.execute(
              "sql",
              "--url",
              DevFixture.base(dev),
              "SELECT timestamp, event_id FROM events WHERE project_id = 'acme' LIMIT 1");
      assertThat(exit).as(printed.toString()).isZero();
      assertThat(printed.toString())
          .containsPattern("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}[.\\d]*Z")
          .contains("(1 row)");
      // dev registers projects on their first row (projects.registration=auto)
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () ->
                  assertThat(get(dev, "/v1/projects").body())
                      .contains(
                          "\"project_id\":\"acme\"",
                          "\"project_id\":\"globex\"",
                          "\"project_id\":\"initech\""));
      // dev maintains its tables in-process, every 30 s.
      assertThat(summary.toString(java.nio.charset.StandardCharsets.UTF_8))
          .contains("Maintenance            compaction and vacuum every 30s");
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> dev.maintenance().tablesMaintained() > 0);
    }
  }

  private static List<String> consume(String bootstrap, String topic, int expected) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "dev-test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return values.size() >= expected;
              });
    }
    return values;
  }
}

package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.catalog.Catalog;
import io.lakestream.catalog.ProjectRegistration;
import io.lakestream.catalog.SecretBox;
import io.lakestream.cli.config.Configuration;
import io.lakestream.maintenance.MaintenanceRole;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.convert.AvroSchemas;
import io.lakestream.storage.S3Settings;
import io.lakestream.testkit.EmbeddedKafkaExtension;
import io.lakestream.testkit.EmbeddedS3Extension;
import io.lakestream.writer.KeyModelEncoder;
import io.lakestream.writer.internal.DataFile;
import io.lakestream.writer.internal.DataFileWriter;
import io.lakestream.writer.internal.DeltaTables;
import io.lakestream.writer.internal.StandaloneDeltaTables;
import io.lakestream.writer.internal.Warehouse;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code lakestream maintain --once} on a warehouse of small files, with the catalog on Kafka. */
class MaintainCommandIT {
  @RegisterExtension static EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();
  @RegisterExtension static EmbeddedS3Extension s3 = new EmbeddedS3Extension();

  @TempDir Path warehouse;

  @Test
  void onceCompactsEveryTableAndPrintsOneLinePerTable() throws Exception {
    TableDefinition events = TableDefinitions.builtIn("events");
    writeSmallFiles(events, "acme", 30);
    writeSmallFiles(events, "globex", 3);

    List<String> lines = maintainOnce();
    assertThat(lines).hasSize(3);
    assertThat(lines)
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("acme/events: files 30 → 1, ")
                    .contains("compacted 30 files (600 rows) into 1")
                    .contains("rows expired 0"));
    assertThat(lines)
        .anySatisfy(line -> assertThat(line).startsWith("globex/events: files 3 → 1, "));
    assertThat(lines.get(2)).isEqualTo("2 tables maintained.");
  }

  @Test
  void theRoleJoinsTheMaintenanceGroupUnderItsInstanceIdAndMaintainsTheTables() throws Exception {
    TableDefinition events = TableDefinitions.builtIn("events");
    writeSmallFiles(events, "initech", 5);
    Configuration configuration =
        Configuration.resolve(
            Optional.empty(),
            Map.of(),
            Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "warehouse", warehouse.toUri().toString(),
                "maintenance.interval", "1s",
                "maintenance.target.file.bytes", "1MiB",
                "role.instance.id", "maintain-0"),
            Map.of());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Catalog catalog = Tables.startCatalog(configuration, "maintenance");
        MaintenanceRole role = MaintainCommand.startInGroup(configuration, registry, catalog)) {
      assertThat(role.memberName()).contains("maintain-0");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  registry.find("lakestream.maintenance.files.rewritten").counters().stream()
                          .mapToDouble(c -> c.count())
                          .sum()
                      >= 5);
      assertThat(role.failure()).isEmpty();
      assertThat(role.groupFailure()).isEmpty();
    }
  }

  @Test
  void onceAlsoCompactsTheTablesInAProjectsOwnBucket() throws Exception {
    TableDefinition events = TableDefinitions.builtIn("events");
    s3.createBucket("hooli-own");
    S3Settings bucket =
        S3Settings.compatible(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey());
    writeSmallFiles(URI.create("s3://hooli-own"), bucket, events, "hooli", 12);
    writeSmallFiles(events, "pied-piper", 2);
    String key = Base64.getEncoder().encodeToString(new byte[32]);
    SecretBox secrets = SecretBox.fromBase64Key(key);
    Configuration configuration =
        Configuration.resolve(
            Optional.empty(),
            Map.of(),
            Map.of("kafka.bootstrap.servers", kafka.bootstrapServers()),
            Map.of());
    try (Catalog catalog = Tables.startCatalog(configuration, "registration")) {
      catalog.registerProject(
          new ProjectRegistration(
              "hooli",
              Optional.of("hooli-own"),
              Optional.of(s3.endpoint()),
              Optional.of(s3.region()),
              Optional.of(s3.accessKey()),
              Optional.of(secrets.encrypt(s3.secretKey())),
              Set.of("events"),
              Instant.now(),
              Map.of()));
    }

    List<String> lines = maintainOnce("--set", "query.encryption.key=" + key);
    assertThat(lines)
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("hooli/events (bucket hooli-own): files 12 → 1, ")
                    .contains("compacted 12 files (240 rows) into 1"));
    assertThat(lines)
        .anySatisfy(line -> assertThat(line).startsWith("pied-piper/events: files 2 → 1, "));
  }

  /**
   * {@code lakestream maintain --once} on the broker and the warehouse with 1 MiB target files, and
   * {@code more} arguments; asserts it exits with 0 and returns the lines it printed.
   */
  private List<String> maintainOnce(String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "maintain",
                "--once",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--warehouse",
                warehouse.toUri().toString(),
                "--set",
                "maintenance.target.file.bytes=1MiB"));
    args.addAll(List.of(more));
    StringWriter out = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    int status = cli.execute(args.toArray(String[]::new));
    assertThat(status).as(out.toString()).isZero();
    return out.toString().lines().toList();
  }

  /** {@code files} commits of one file of 20 rows each, as the writer's flushes make them. */
  private void writeSmallFiles(TableDefinition table, String project, int files) throws Exception {
    writeSmallFiles(
        warehouse.toUri(),
        new S3Settings(Optional.empty(), "us-east-1", true, Optional.empty(), Optional.empty()),
        table,
        project,
        files);
  }

  /** As above, in the warehouse (or bucket) {@code root}. */
  private static void writeSmallFiles(
      URI root, S3Settings s3, TableDefinition table, String project, int files) throws Exception {
    Warehouse lake = Warehouse.of(root, s3);
    DeltaTables.Table delta =
        new StandaloneDeltaTables(lake, 10, Duration.ofDays(30)).open(project, table);
    DataFileWriter writer =
        new DataFileWriter(table, lake.hadoopConf(), "zstd", KeyModelEncoder.learned());
    for (int flush = 0; flush < files; flush++) {
      long[] keys = new long[20];
      List<GenericRecord> rows = new ArrayList<>();
      for (int i = 0; i < keys.length; i++) {
        keys[i] = 1_700_000_000_000_000L + flush * 1_000L + i;
        GenericData.Record row = new GenericData.Record(AvroSchemas.rowSchema(table));
        row.put("timestamp", keys[i]);
        row.put("event_id", project + "-" + flush + "-" + i);
        row.put("event_type", "test");
        row.put("project_id", project);
        rows.add(row);
      }
      DataFile file =
          writer.write(
              new org.apache.hadoop.fs.Path(delta.path()),
              writer.newFileName(),
              rows.iterator(),
              keys);
      delta.commit(List.of(file), Map.of("test-0", new DeltaTables.SourceRange(flush, flush)));
    }
  }
}

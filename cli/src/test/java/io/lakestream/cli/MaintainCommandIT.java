package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.catalog.Catalog;
import io.lakestream.cli.config.Configuration;
import io.lakestream.maintenance.MaintenanceRole;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.convert.AvroSchemas;
import io.lakestream.storage.S3Settings;
import io.lakestream.testkit.EmbeddedKafkaExtension;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code lakestream maintain --once} on a warehouse of small files, with the catalog on Kafka. */
class MaintainCommandIT {
  @RegisterExtension static EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  @TempDir Path warehouse;

  @Test
  void onceCompactsEveryTableAndPrintsOneLinePerTable() throws Exception {
    TableDefinition events = TableDefinitions.builtIn("events");
    writeSmallFiles(events, "acme", 30);
    writeSmallFiles(events, "globex", 3);

    StringWriter out = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    int status =
        cli.execute(
            "maintain",
            "--once",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--warehouse",
            warehouse.toUri().toString(),
            "--set",
            "maintenance.target.file.bytes=1MiB");

    assertThat(status).as(out.toString()).isZero();
    List<String> lines = out.toString().lines().toList();
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

  /** {@code files} commits of one file of 20 rows each, as the writer's flushes make them. */
  private void writeSmallFiles(TableDefinition table, String project, int files) throws Exception {
    Warehouse lake =
        Warehouse.of(
            warehouse.toUri(),
            new S3Settings(
                Optional.empty(), "us-east-1", true, Optional.empty(), Optional.empty()));
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

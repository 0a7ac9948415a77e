package io.lakestream.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.storage.S3Settings;
import io.lakestream.testkit.KernelTables;
import io.lakestream.writer.TestRows;
import io.lakestream.writer.internal.DeltaTables.CommitOutcome;
import io.lakestream.writer.internal.DeltaTables.Committed;
import io.lakestream.writer.internal.DeltaTables.Conflict;
import io.lakestream.writer.internal.DeltaTables.SourceRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandaloneDeltaTablesIT {
  private static final TableDefinition EVENTS = TableDefinitions.builtIn("events");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Warehouse warehouse() {
    return Warehouse.of(dir.toUri(), S3Settings.aws());
  }

  private DataFile writeFile(Warehouse warehouse, DeltaTables.Table table, long from, int count)
      throws Exception {
    DataFileWriter writer =
        new DataFileWriter(
            EVENTS, warehouse.hadoopConf(), "zstd", keys -> Map.of("lakestream.test", "m"));
    List<GenericRecord> rows = new ArrayList<>();
    long[] keys = new long[count];
    for (int i = 0; i < count; i++) {
      keys[i] = 1_700_000_000_000_000L + from + i;
      rows.add(TestRows.row(EVENTS, "acme", keys[i], "e" + (from + i)));
    }
    return writer.write(
        new org.apache.hadoop.fs.Path(table.path()), writer.newFileName(), rows.iterator(), keys);
  }

  @Test
  void commitsFilesWithTransactionVersionsThatKernelReads() throws Exception {
    Warehouse warehouse = warehouse();
    DeltaTables tables = new StandaloneDeltaTables(warehouse, 10, Duration.ofDays(7));
    DeltaTables.Table table = tables.open("acme", EVENTS);
    assertThat(table.transactionVersion("src-0")).isEqualTo(-1);

    CommitOutcome outcome =
        table.commit(
            List.of(writeFile(warehouse, table, 0, 10)), Map.of("src-0", new SourceRange(0, 9)));

    assertThat(outcome).isEqualTo(new Committed(0));
    assertThat(table.path())
        .isEqualTo(
            dir.toUri().toString().replaceAll("/$", "").replace("file:///", "file:/")
                + "/projects/acme/events");
    KernelTables kernel = new KernelTables(warehouse.hadoopConf());
    assertThat(kernel.rows(table.path())).hasSize(10);
    assertThat(kernel.transactionVersion(table.path(), "src-0")).contains(9L);
    table.refresh();
    assertThat(table.transactionVersion("src-0")).isEqualTo(9);
  }

  @Test
  void writesStatsAsAJsonStringAndTagsInTheLog() throws Exception {
    Warehouse warehouse = warehouse();
    DeltaTables.Table table =
        new StandaloneDeltaTables(warehouse, 10, Duration.ofDays(7)).open("acme", EVENTS);
    table.commit(
        List.of(writeFile(warehouse, table, 0, 5)), Map.of("src-0", new SourceRange(0, 4)));

    Path commit = dir.resolve("projects/acme/events/_delta_log/00000000000000000000.json");
    JsonNode add = null;
    JsonNode metadata = null;
    JsonNode txn = null;
    for (String line : Files.readAllLines(commit)) {
      JsonNode action = JSON.readTree(line);
      add = action.has("add") ? action.get("add") : add;
      metadata = action.has("metaData") ? action.get("metaData") : metadata;
      txn = action.has("txn") ? action.get("txn") : txn;
    }
    assertThat(add.get("stats").isTextual()).isTrue();
    JsonNode stats = JSON.readTree(add.get("stats").asText());
    assertThat(stats.get("numRecords").asLong()).isEqualTo(5);
    assertThat(stats.at("/minValues/timestamp").asText()).isEqualTo("2023-11-14T22:13:20.000Z");
    assertThat(stats.at("/maxValues/timestamp").asText()).isEqualTo("2023-11-14T22:13:20.001Z");
    assertThat(stats.at("/minValues/event_id").asText()).isEqualTo("e0");
    assertThat(stats.at("/maxValues/event_id").asText()).isEqualTo("e4");
    assertThat(stats.at("/nullCount/payload").isNumber()).isTrue();
    assertThat(add.at("/tags/lakestream.test").asText()).isEqualTo("m");
    assertThat(add.at("/tags/lakestream.key.min").asText()).isEqualTo("1700000000000000");
    assertThat(add.at("/tags/lakestream.key.max").asText()).isEqualTo("1700000000000004");
    assertThat(metadata.at("/configuration/delta.checkpointInterval").asText()).isEqualTo("10");
    assertThat(txn.get("appId").asText()).isEqualTo("src-0");
    assertThat(txn.get("version").asLong()).isEqualTo(4);
  }

  @Test
  void refusesSourceOffsetsThatAnotherWriterCommitted() throws Exception {
    Warehouse warehouse = warehouse();
    DeltaTables.Table mine =
        new StandaloneDeltaTables(warehouse, 10, Duration.ofDays(7)).open("acme", EVENTS);
    DeltaTables.Table theirs =
        new StandaloneDeltaTables(warehouse, 10, Duration.ofDays(7)).open("acme", EVENTS);
    assertThat(mine.transactionVersion("src-0")).isEqualTo(-1);

    assertThat(
            theirs.commit(
                List.of(writeFile(warehouse, theirs, 0, 10)),
                Map.of("src-0", new SourceRange(0, 9))))
        .isInstanceOf(Committed.class);
    CommitOutcome outcome =
        mine.commit(
            List.of(writeFile(warehouse, mine, 5, 10)), Map.of("src-0", new SourceRange(5, 14)));

    assertThat(outcome).isInstanceOf(Conflict.class);
    assertThat(((Conflict) outcome).versions()).containsEntry("src-0", 9L);
    assertThat(new KernelTables(warehouse.hadoopConf()).rows(mine.path())).hasSize(10);
  }

  /**
   * A new table is created by one log entry written without a Delta log object; Standalone then
   * commits on top of it, and Kernel and a fresh Standalone log read both.
   */
  @Test
  void createsATableInOneLogEntryThatStandaloneAndKernelContinueFrom() throws Exception {
    Warehouse warehouse = warehouse();
    StandaloneDeltaTables tables = new StandaloneDeltaTables(warehouse, 10, Duration.ofDays(7));
    DeltaTables.Table table = tables.open("acme", EVENTS);

    assertThat(
            table.commit(
                List.of(writeFile(warehouse, table, 0, 10)),
                Map.of("src-0", new SourceRange(0, 9), "src-1", new SourceRange(3, 4))))
        .isEqualTo(new Committed(0));
    try (var entries = Files.list(dir.resolve("projects/acme/events/_delta_log"))) {
      assertThat(entries.map(p -> p.getFileName().toString()))
          .containsExactly("00000000000000000000.json");
    }
    assertThat(
            table.commit(
                List.of(writeFile(warehouse, table, 10, 5)),
                Map.of("src-0", new SourceRange(10, 14))))
        .isEqualTo(new Committed(1));

    KernelTables kernel = new KernelTables(warehouse.hadoopConf());
    assertThat(kernel.rows(table.path())).hasSize(15);
    assertThat(kernel.transactionVersion(table.path(), "src-0")).contains(14L);
    assertThat(kernel.transactionVersion(table.path(), "src-1")).contains(4L);
    io.delta.standalone.DeltaLog log =
        io.delta.standalone.DeltaLog.forTable(
            warehouse.hadoopConf(), new org.apache.hadoop.fs.Path(table.path()));
    assertThat(log.snapshot().getMetadata().getConfiguration()).isEqualTo(tables.tableProperties());
    assertThat(log.snapshot().getMetadata().getSchema())
        .isEqualTo(io.lakestream.schema.convert.DeltaSchemas.structType(EVENTS));
    assertThat(log.snapshot().getAllFiles()).hasSize(2);
    assertThat(tables.open("acme", EVENTS).transactionVersion("src-1")).isEqualTo(4);
  }

  @Test
  void checkpointsEveryIntervalAndKernelReadsThrough() throws Exception {
    Warehouse warehouse = warehouse();
    DeltaTables.Table table =
        new StandaloneDeltaTables(warehouse, 3, Duration.ofDays(7)).open("acme", EVENTS);
    for (int i = 0; i < 7; i++) {
      assertThat(
              table.commit(
                  List.of(writeFile(warehouse, table, i * 2L, 2)),
                  Map.of("src-0", new SourceRange(i * 2L, i * 2L + 1))))
          .isEqualTo(new Committed(i));
    }
    assertThat(
            dir.resolve("projects/acme/events/_delta_log/00000000000000000003.checkpoint.parquet"))
        .exists();
    assertThat(
            dir.resolve("projects/acme/events/_delta_log/00000000000000000006.checkpoint.parquet"))
        .exists();
    KernelTables kernel = new KernelTables(warehouse.hadoopConf());
    assertThat(kernel.rows(table.path())).hasSize(14);
    assertThat(kernel.transactionVersion(table.path(), "src-0")).contains(13L);
  }

  @Test
  void checkpointsNoMoreOftenThanTheSpacingAndWritesADueOneAtTheFirstCommitAfterIt()
      throws Exception {
    Warehouse warehouse = warehouse();
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
    DeltaTables.Table table =
        new StandaloneDeltaTables(
                warehouse,
                3,
                Duration.ofMinutes(1),
                Duration.ofDays(7),
                io.lakestream.writer.FaultInjector.NONE,
                clock::get)
            .open("acme", EVENTS);
    java.nio.file.Path log = dir.resolve("projects/acme/events/_delta_log");
    for (int i = 0; i < 11; i++) {
      if (i == 8) {
        clock.addAndGet(Duration.ofMinutes(1).toMillis()); // the spacing has passed
      }
      assertThat(
              table.commit(
                  List.of(writeFile(warehouse, table, i * 2L, 2)),
                  Map.of("src-0", new SourceRange(i * 2L, i * 2L + 1))))
          .isEqualTo(new Committed(i));
    }
    // Version 3 checkpoints (the table's first); 6 is due within the minute and waits; 8, the first
    // commit after the minute, writes it; 9 is due again, within the minute of 8's.
    try (var names = java.nio.file.Files.list(log)) {
      assertThat(
              names
                  .map(p -> p.getFileName().toString())
                  .filter(n -> n.endsWith(".checkpoint.parquet"))
                  .sorted())
          .containsExactly(
              "00000000000000000003.checkpoint.parquet", "00000000000000000008.checkpoint.parquet");
    }
    KernelTables kernel = new KernelTables(warehouse.hadoopConf());
    assertThat(kernel.rows(table.path())).hasSize(22);
    assertThat(kernel.transactionVersion(table.path(), "src-0")).contains(21L);
  }
}

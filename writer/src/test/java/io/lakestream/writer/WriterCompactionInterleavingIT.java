package io.lakestream.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.delta.standalone.DeltaLog;
import io.delta.standalone.Operation;
import io.delta.standalone.OptimisticTransaction;
import io.delta.standalone.actions.Action;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.exceptions.DeltaConcurrentModificationException;
import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.convert.AvroSchemas;
import io.lakestream.testkit.EmbeddedKafkaExtension;
import io.lakestream.testkit.KernelTables;
import io.lakestream.writer.internal.DataFile;
import io.lakestream.writer.internal.DataFileWriter;
import io.lakestream.writer.internal.PrimaryKeys;
import io.lakestream.writer.internal.StandaloneDeltaTables;
import io.lakestream.writer.internal.Warehouse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer appends each table's commits on top of the version it holds, while another process
 * compacts the same tables as maintenance does (two files merged into one, {@code
 * dataChange=false}, no txn, through Delta Standalone): whichever commits a version first, the
 * other goes on top. Every row lands exactly once, every compaction stays in the log, and Delta
 * Kernel reads every version of every table with each row at most once.
 */
class WriterCompactionInterleavingIT {
  @RegisterExtension static EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  private static final List<String> PROJECTS = List.of("acme", "globex");
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @TempDir Path dir;

  @Test
  void compactionsByAnotherProcessInterleaveWithTheWritersAppends() throws Exception {
    WriterConfig config =
        TestWriters.onPrefixedTables(kafka, dir, "inter", 2)
            .flushAge(Duration.ofMillis(50))
            .build();
    Warehouse warehouse = Warehouse.of(config);
    Lake lake = new Lake(config);
    List<Workload> rounds = new ArrayList<>();
    for (int round = 0; round < 6; round++) {
      rounds.add(
          Workload.generate(
              config.tables().values(), PROJECTS, "otlp_logs", 2, round * 15L, 15, 40 + round));
    }
    Map<Workload.TableId, Set<String>> expected = new HashMap<>();
    Map<Workload.TableId, List<Long>> compactions = new ConcurrentHashMap<>();
    AtomicBoolean compacting = new AtomicBoolean(true);
    java.util.concurrent.atomic.AtomicReference<Throwable> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread maintenance =
        new Thread(
            () -> {
              while (compacting.get() && failure.get() == null) {
                for (TableDefinition table : config.tables().values()) {
                  for (String project : PROJECTS) {
                    long version;
                    try {
                      version =
                          compactTwoFiles(
                              warehouse, table, warehouse.tablePath(project, table.name()));
                    } catch (RuntimeException e) {
                      failure.set(e);
                      return;
                    }
                    if (version >= 0) {
                      compactions
                          .computeIfAbsent(
                              new Workload.TableId(project, table.name()),
                              t -> java.util.Collections.synchronizedList(new ArrayList<>()))
                          .add(version);
                    }
                  }
                }
              }
            },
            "test-maintenance");
    maintenance.setDaemon(true);
    try (RoutedProducer producer = new RoutedProducer(kafka.bootstrapServers());
        WriterRole writer = WriterRole.start(config, new SimpleMeterRegistry())) {
      maintenance.start();
      for (Workload round : rounds) {
        round.produce(producer, 20);
        round
            .expected()
            .forEach(
                (table, ids) -> expected.computeIfAbsent(table, t -> new TreeSet<>()).addAll(ids));
        lake.awaitExactly(expected, TIMEOUT);
      }
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  failure.get() != null
                      || compactions.values().stream().mapToInt(List::size).sum() >= 6);
    } finally {
      compacting.set(false);
      maintenance.join(TIMEOUT.toMillis());
    }

    assertThat(failure.get()).as("the compacting process failed").isNull();
    lake.assertExactly(expected);
    KernelTables kernel = new KernelTables(warehouse.hadoopConf());
    for (Map.Entry<Workload.TableId, Set<String>> table : expected.entrySet()) {
      if (table.getValue().isEmpty()) {
        continue;
      }
      String path = lake.tablePath(table.getKey().project(), table.getKey().table());
      String idColumn = TestRows.idColumn(config.tables().get(table.getKey().table()));
      long latest = lake.version(table.getKey().project(), table.getKey().table());
      int previous = 0;
      for (long version = 0; version <= latest; version++) {
        Set<String> ids = new HashSet<>();
        for (Map<String, Object> row : kernel.rows(path, version)) {
          assertThat(ids.add((String) row.get(idColumn)))
              .as("%s at version %d holds %s once", table.getKey(), version, row.get(idColumn))
              .isTrue();
        }
        assertThat(ids.size())
            .as("%s at version %d", table.getKey(), version)
            .isGreaterThanOrEqualTo(previous);
        assertThat(table.getValue()).containsAll(ids);
        previous = ids.size();
      }
      DeltaLog log = DeltaLog.forTable(warehouse.hadoopConf(), path);
      for (long version : compactions.getOrDefault(table.getKey(), List.of())) {
        assertThat(log.getCommitInfoAt(version).getOperation())
            .as("%s's compaction at version %d", table.getKey(), version)
            .isEqualTo(Operation.Name.MANUAL_UPDATE.toString());
      }
    }
    assertThat(compactions.values().stream().mapToInt(List::size).sum()).isGreaterThanOrEqualTo(6);
  }

  /**
   * Merges the table's two first live files (by path) into one, as maintenance's compaction does,
   * and commits that; returns the version, or -1 when the table has fewer than two files or a
   * concurrent commit conflicts.
   */
  private static long compactTwoFiles(
      Warehouse warehouse, TableDefinition table, org.apache.hadoop.fs.Path tablePath) {
    Configuration conf = warehouse.hadoopConf();
    try {
      if (!tablePath
          .getFileSystem(conf)
          .exists(new org.apache.hadoop.fs.Path(tablePath, "_delta_log"))) {
        return -1;
      }
      DeltaLog log = DeltaLog.forTable(conf, tablePath);
      OptimisticTransaction txn = log.startTransaction();
      List<AddFile> inputs =
          log.snapshot().getAllFiles().stream()
              .sorted(Comparator.comparing(AddFile::getPath))
              .limit(2)
              .toList();
      if (inputs.size() < 2) {
        return -1;
      }
      ColumnType keyType =
          table.columns().stream()
              .filter(c -> c.name().equals(table.primaryKey()))
              .map(Column::type)
              .findFirst()
              .orElseThrow();
      Configuration readConf = new Configuration(conf);
      AvroReadSupport.setAvroReadSchema(readConf, AvroSchemas.rowSchema(table));
      List<GenericRecord> rows = new ArrayList<>();
      for (AddFile input : inputs) {
        try (ParquetReader<GenericRecord> reader =
            AvroParquetReader.<GenericRecord>builder(
                    HadoopInputFile.fromPath(
                        new org.apache.hadoop.fs.Path(tablePath, input.getPath()), readConf))
                .withDataModel(GenericData.get())
                .build()) {
          for (GenericRecord row = reader.read(); row != null; row = reader.read()) {
            rows.add(row);
          }
        }
      }
      rows.sort(
          Comparator.comparingLong(
              row -> PrimaryKeys.encode(keyType, row.get(table.primaryKey()))));
      DataFileWriter writer = new DataFileWriter(table, conf, "zstd", KeyModelEncoder.learned());
      DataFile merged =
          writer.write(
              tablePath,
              writer.newFileName(),
              rows.iterator(),
              row -> PrimaryKeys.encode(keyType, row.get(table.primaryKey())));
      long now = System.currentTimeMillis();
      List<Action> actions = new ArrayList<>();
      for (AddFile input : inputs) {
        actions.add(input.remove(now, false));
      }
      actions.add(
          new AddFile(
              merged.path(),
              Map.of(),
              merged.sizeBytes(),
              merged.modificationTime(),
              false,
              StandaloneDeltaTables.quotedJson(merged.statsJson()),
              merged.tags()));
      try {
        return txn.commit(
                actions,
                new Operation(
                    Operation.Name.MANUAL_UPDATE,
                    Map.of("operation", "\"compaction\""),
                    Map.of(),
                    Optional.of("test compaction")),
                "test-maintenance")
            .getVersion();
      } catch (DeltaConcurrentModificationException e) {
        tablePath
            .getFileSystem(conf)
            .delete(new org.apache.hadoop.fs.Path(tablePath, merged.path()), false);
        return -1;
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

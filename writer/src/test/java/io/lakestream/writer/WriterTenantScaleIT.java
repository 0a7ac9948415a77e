package io.lakestream.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.Topics;
import io.lakestream.testkit.EmbeddedKafkaExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many tenants at once: projects × 3 table types through a real broker and the real writer with
 * parallel flushes; every table read back with Delta Kernel holds exactly its rows, each once.
 *
 * <p>100 projects (300 tables) by default, which takes about a minute on a loaded 2-core machine;
 * {@code -Dlakestream.it.tenants=300} runs the 300 × 3 (900 tables, about 160 s there:
 * writing takes 57 s, reading 900 tables back with Kernel most of the rest).
 */
class WriterTenantScaleIT {
  @RegisterExtension static EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  private static final int PROJECTS = Integer.getInteger("lakestream.it.tenants", 100);
  private static final int SOURCE_PARTITIONS = 4;
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path dir;

  @Test
  void manyProjectsOfThreeTablesEachLandExactly() {
    WriterConfig config =
        TestWriters.onPrefixedTables(kafka, dir, "tenants", 4)
            .flushAge(Duration.ofMillis(200))
            .build();
    List<TableDefinition> tables = List.copyOf(config.tables().values());
    List<RoutedProducer.Routed> rows = new ArrayList<>();
    Map<Workload.TableId, Set<String>> expected = new LinkedHashMap<>();
    // One source record per (project, table), of one to three rows; every fifth record also has
    // a row for the next table type of the same project, so records span tables too.
    long[] offsets = new long[SOURCE_PARTITIONS];
    int record = 0;
    for (int p = 0; p < PROJECTS; p++) {
      String project = "tenant" + p;
      for (int t = 0; t < tables.size(); t++, record++) {
        int partition = record % SOURCE_PARTITIONS;
        long offset = offsets[partition]++;
        int count = 1 + record % 3;
        add(rows, expected, tables.get(t), project, partition, offset, 0, count);
        if (record % 5 == 0) {
          TableDefinition next = tables.get((t + 1) % tables.size());
          add(rows, expected, next, project, partition, offset, count, 1);
        }
      }
    }
    Lake lake = new Lake(config);
    Set<String> topics =
        config.tables().keySet().stream().map(Topics::rows).collect(Collectors.toSet());

    try (RoutedProducer producer = new RoutedProducer(kafka.bootstrapServers());
        KafkaChecks checks = new KafkaChecks(kafka.bootstrapServers());
        WriterRole writer = WriterRole.start(config, new SimpleMeterRegistry())) {
      for (int from = 0; from < rows.size(); from += 200) {
        producer.sendInTransaction(rows.subList(from, Math.min(rows.size(), from + 200)));
      }
      checks.awaitCommittedToEnd(config.groupId(), topics, TIMEOUT);
      assertThat(writer.rowsWritten()).isEqualTo(rows.size());
    }
    assertThat(expected).hasSize(PROJECTS * tables.size());
    lake.assertExactly(expected);
  }

  /**
   * {@code count} rows of source record {@code partition}@{@code offset} for one table, the
   * record's rows {@code firstIndex}… (the router numbers a record's rows across its tables).
   */
  private static void add(
      List<RoutedProducer.Routed> rows,
      Map<Workload.TableId, Set<String>> expected,
      TableDefinition table,
      String project,
      int partition,
      long offset,
      int firstIndex,
      int count) {
    for (int i = firstIndex; i < firstIndex + count; i++) {
      String id = table.name() + "-" + partition + "-" + offset + "-" + i;
      rows.add(
          new RoutedProducer.Routed(
              table,
              project,
              TestRows.row(table, project, 1_700_000_000_000_000L + offset * 10 + i, id),
              "otlp_logs",
              partition,
              offset,
              i,
              count));
      expected
          .computeIfAbsent(new Workload.TableId(project, table.name()), k -> new TreeSet<>())
          .add(id);
    }
  }
}

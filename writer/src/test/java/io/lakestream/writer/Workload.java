package io.lakestream.writer;

import io.lakestream.schema.SourceCoordinates;
import io.lakestream.schema.TableDefinition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Routed rows as the router would emit them for a few source partitions: each source record makes
 * one to three rows for one or two (project, table)s. Every row has a unique id (its source
 * coordinates and index), so a test can check each landed exactly once.
 */
public final class Workload {
  /** One Delta table. */
  public record TableId(String project, String table) {}

  private final List<RoutedProducer.Routed> rows;
  private final Map<TableId, Set<String>> expected;

  private Workload(List<RoutedProducer.Routed> rows, Map<TableId, Set<String>> expected) {
    this.rows = rows;
    this.expected = expected;
  }

  public static Workload generate(
      Collection<TableDefinition> tables,
      List<String> projects,
      String sourceTopic,
      int sourcePartitions,
      long firstOffset,
      int recordsPerPartition,
      long seed) {
    Random random = new Random(seed);
    List<TableDefinition> tableList = List.copyOf(tables);
    List<RoutedProducer.Routed> rows = new ArrayList<>();
    Map<TableId, Set<String>> expected = new LinkedHashMap<>();
    for (String project : projects) {
      for (TableDefinition table : tableList) {
        expected.put(new TableId(project, table.name()), new TreeSet<>());
      }
    }
    for (long offset = firstOffset; offset < firstOffset + recordsPerPartition; offset++) {
      for (int partition = 0; partition < sourcePartitions; partition++) {
        int index = 0;
        Set<String> targets = new HashSet<>();
        int targetCount = Math.min(1 + random.nextInt(2), tableList.size() * projects.size());
        while (targets.size() < targetCount) {
          TableDefinition table = tableList.get(random.nextInt(tableList.size()));
          String project = projects.get(random.nextInt(projects.size()));
          if (!targets.add(project + "/" + table.name())) {
            continue;
          }
          int count = 1 + random.nextInt(3);
          for (int i = 0; i < count; i++) {
            String id = sourceTopic + "-" + partition + "-" + offset + "-" + index;
            long key = 1_700_000_000_000_000L + offset * 1_000 + random.nextInt(5_000);
            rows.add(
                new RoutedProducer.Routed(
                    table,
                    project,
                    TestRows.row(table, project, key, id),
                    sourceTopic,
                    partition,
                    offset,
                    index++,
                    count));
            expected.get(new TableId(project, table.name())).add(id);
          }
        }
      }
    }
    return new Workload(rows, expected);
  }

  /** The same rows without {@code lakestream.source.count}, as routers wrote them before it. */
  public Workload withoutRowCounts() {
    List<RoutedProducer.Routed> legacy = new ArrayList<>(rows.size());
    for (RoutedProducer.Routed r : rows) {
      legacy.add(
          new RoutedProducer.Routed(
              r.table(),
              r.project(),
              r.row(),
              r.sourceTopic(),
              r.sourcePartition(),
              r.sourceOffset(),
              r.sourceIndex(),
              SourceCoordinates.UNKNOWN));
    }
    return new Workload(legacy, expected);
  }

  /** Sends every row, {@code rowsPerTransaction} at a time (never splitting a source record). */
  public void produce(RoutedProducer producer, int rowsPerTransaction) {
    List<RoutedProducer.Routed> batch = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      batch.add(rows.get(i));
      boolean recordEnds = i + 1 == rows.size() || rows.get(i + 1).sourceIndex() == 0;
      if (batch.size() >= rowsPerTransaction && recordEnds) {
        producer.sendInTransaction(batch);
        batch = new ArrayList<>();
      }
    }
    if (!batch.isEmpty()) {
      producer.sendInTransaction(batch);
    }
  }

  /** The ids each table must hold. */
  public Map<TableId, Set<String>> expected() {
    return expected;
  }

  public int rowCount() {
    return rows.size();
  }

  public List<RoutedProducer.Routed> rows() {
    return rows;
  }
}

package io.lakestream.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.schema.TableDefinition;
import io.lakestream.testkit.KernelTables;
import io.lakestream.writer.internal.Warehouse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads a warehouse back with Delta Kernel and checks what tables hold. */
public final class Lake {
  private final Warehouse warehouse;
  private final KernelTables kernel;
  private final Map<String, TableDefinition> tables;

  public Lake(WriterConfig config) {
    this.warehouse = Warehouse.of(config);
    this.kernel = new KernelTables(warehouse.hadoopConf());
    this.tables = config.tables();
  }

  public String tablePath(String project, String table) {
    return warehouse.tablePath(project, table).toString();
  }

  /** The ids of a table's rows, duplicates kept; empty when the table does not exist yet. */
  public List<String> ids(String project, String table) {
    String path = tablePath(project, table);
    List<String> ids = new ArrayList<>();
    try {
      String idColumn = TestRows.idColumn(tables.get(table));
      for (Map<String, Object> row : kernel.rows(path)) {
        ids.add((String) row.get(idColumn));
      }
    } catch (io.delta.kernel.exceptions.TableNotFoundException e) {
      return List.of();
    }
    return ids;
  }

  /** The table's row count by its AddFile statistics, or 0 when it does not exist yet. */
  public long rowCountFromStats(String project, String table) {
    try {
      return kernel.rowCountFromStats(tablePath(project, table));
    } catch (io.delta.kernel.exceptions.TableNotFoundException e) {
      return 0;
    }
  }

  /** The table's latest version, or -1. */
  public long version(String project, String table) {
    try {
      return kernel.snapshot(tablePath(project, table)).getVersion();
    } catch (io.delta.kernel.exceptions.TableNotFoundException e) {
      return -1;
    }
  }

  /** Versions of every expected table. */
  public Map<Workload.TableId, Long> versions(Map<Workload.TableId, Set<String>> expected) {
    Map<Workload.TableId, Long> versions = new HashMap<>();
    expected.keySet().forEach(id -> versions.put(id, version(id.project(), id.table())));
    return versions;
  }

  /**
   * Waits until every table holds as many rows as expected, then checks each holds exactly the
   * expected ids, each once.
   */
  public void awaitExactly(Map<Workload.TableId, Set<String>> expected, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                expected.entrySet().stream()
                    .allMatch(
                        e ->
                            rowCountFromStats(e.getKey().project(), e.getKey().table())
                                >= e.getValue().size()));
    assertExactly(expected);
  }

  /** Checks every table holds exactly the expected ids, each once. */
  public void assertExactly(Map<Workload.TableId, Set<String>> expected) {
    for (Map.Entry<Workload.TableId, Set<String>> e : expected.entrySet()) {
      List<String> ids = ids(e.getKey().project(), e.getKey().table());
      assertThat(ids)
          .as("rows of %s", e.getKey())
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(e.getValue());
    }
  }
}

package io.lakestream.cli;

import io.lakestream.catalog.Catalog;
import io.lakestream.ingest.IngestRole;
import io.lakestream.schema.TableDefinition;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics of every table type the catalog announces ({@code lakestream.rows.<table>},
 * {@code lakestream.ingest.<table>}), so the router and the writers, which read by pattern, pick
 * the new table up without a restart. Topics are created off the catalog's follower thread; a
 * failure is logged and the table's topics are created at the router's next start.
 */
final class TableTopics implements Catalog.Listener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TableTopics.class);

  private final IngestRole ingest;
  private final ExecutorService creator =
      new ThreadPoolExecutor(
          0,
          1,
          30,
          TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(),
          task -> {
            Thread thread = new Thread(task, "lakestream-table-topics");
            thread.setDaemon(true);
            return thread;
          });

  private TableTopics(IngestRole ingest) {
    this.ingest = ingest;
  }

  /**
   * Follows {@code catalog} for {@code ingest}: creates the topics of table types created from now
   * on, and of those created since the router took its list of tables at start.
   */
  static TableTopics follow(Catalog catalog, IngestRole ingest) {
    TableTopics topics = new TableTopics(ingest);
    catalog.addListener(topics);
    for (TableDefinition table : catalog.tables().values()) {
      if (!ingest.config().tables().containsKey(table.name())) {
        topics.tableCreated(table);
      }
    }
    return topics;
  }

  @Override
  public void tableCreated(TableDefinition table) {
    if (creator.isShutdown()) {
      return;
    }
    creator.execute(
        () -> {
          try {
            ingest.createTableTopics(table.name());
          } catch (RuntimeException e) {
            log.warn(
                "Cannot create the topics of table type {}: {}. Its rows are routed once they"
                    + " exist (they are created at the router's next start).",
                table.name(),
                e.getMessage());
          }
        });
  }

  @Override
  public void tableDropped(String tableName) {
    log.info(
        "Table type {} was dropped: its rows now go to lakestream.dlq as unknown_table; its topics"
            + " and data are kept",
        tableName);
  }

  @Override
  public void close() {
    creator.shutdownNow();
  }
}

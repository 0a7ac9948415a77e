package io.lakestream.writer;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.Topics;
import io.lakestream.testkit.EmbeddedKafkaExtension;
import java.nio.file.Path;
import java.util.Map;

/** Writer configurations of the ITs: the built-in tables under a prefix, with their topics. */
public final class TestWriters {
  private TestWriters() {}

  /**
   * A dev writer over the built-in tables renamed {@code <prefix>_<table>} (so that the ITs of one
   * broker do not share topics), in group {@code <prefix>-writer}, writing to {@code warehouse};
   * creates each table's routed topic with {@code partitions} partitions and the DLQ.
   */
  public static WriterConfig.Builder onPrefixedTables(
      EmbeddedKafkaExtension kafka, Path warehouse, String prefix, int partitions) {
    Map<String, TableDefinition> tables = TestTables.builtInsPrefixed(prefix);
    tables.keySet().forEach(table -> kafka.createTopic(Topics.rows(table), partitions));
    kafka.createTopic(Topics.DEAD_LETTER, 1);
    return WriterConfig.devBuilder()
        .bootstrapServers(kafka.bootstrapServers())
        .groupId(prefix + "-writer")
        .warehouse(warehouse.toUri())
        .tables(tables)
        .topicPattern("lakestream\\.rows\\." + prefix + "_.*");
  }
}

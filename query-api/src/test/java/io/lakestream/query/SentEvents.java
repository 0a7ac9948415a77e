package io.lakestream.query;

import io.lakestream.reader.TableId;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Rows of the {@code events} table sent to its rows topic for several projects at random keys (with
 * duplicates), as the commit feed and live tail ITs send them, remembered by table so that a test
 * can check what is served.
 */
final class SentEvents {
  static final TableDefinition EVENTS = TableDefinitions.builtIn("events");
  private static final long BASE = 1_795_000_000_000_000L;

  private final List<String> projects;
  private final Random random;
  private final Map<TableId, List<GenericRecord>> sent = new TreeMap<>();

  SentEvents(List<String> projects, Random random) {
    this.projects = List.copyOf(projects);
    this.random = random;
  }

  /** Sends {@code rowsPerProject} rows of each project, their keys among 5,000 values. */
  void produce(KafkaProducer<byte[], byte[]> producer, int rowsPerProject) {
    for (String project : projects) {
      TestRows rows = new TestRows(EVENTS, random.nextLong());
      long[] keys = new long[rowsPerProject];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = BASE + random.nextInt(5_000) * 1_000L;
      }
      for (GenericRecord row : rows.rows(project, keys)) {
        producer.send(KafkaToQueryIT.record(EVENTS, project, row));
        sent.computeIfAbsent(new TableId(project, EVENTS.name()), id -> new ArrayList<>()).add(row);
      }
    }
    producer.flush();
  }

  /** The rows sent so far, by table. */
  Map<TableId, List<GenericRecord>> byTable() {
    return Collections.unmodifiableMap(sent);
  }
}

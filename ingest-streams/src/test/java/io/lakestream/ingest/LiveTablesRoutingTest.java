package io.lakestream.ingest;

import static io.lakestream.ingest.AvroRowsRoutingTest.NOW_MICROS;
import static io.lakestream.ingest.AvroRowsRoutingTest.encode;
import static io.lakestream.ingest.AvroRowsRoutingTest.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.schema.RecordHeaders;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableLookup;
import io.lakestream.schema.Topics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Table types created or dropped while the router runs take effect at the next record. */
class LiveTablesRoutingTest {
  private static final String EVENTS = Topics.ingest("events");

  private final Map<String, TableDefinition> catalog = new ConcurrentHashMap<>(startTables());
  private final RouterDriver router =
      new RouterDriver(
          RouterDriver.config()
              .tables(startTables())
              .liveTables(
                  new TableLookup() {
                    @Override
                    public Optional<TableDefinition> table(String name) {
                      return Optional.ofNullable(catalog.get(name));
                    }

                    @Override
                    public Map<String, TableDefinition> tables() {
                      return Map.copyOf(catalog);
                    }
                  })
              .build());

  @AfterEach
  void close() {
    router.close();
  }

  private static Map<String, TableDefinition> startTables() {
    Map<String, TableDefinition> tables = new LinkedHashMap<>();
    tables.put(IngestConfig.LOGS_AND_SPANS_TABLE, RouterDriver.table("otel_logs_and_spans"));
    tables.put(IngestConfig.METRICS_TABLE, RouterDriver.table("metrics"));
    return tables;
  }

  @Test
  void aTableTypeCreatedAfterStartIsRoutedAndADroppedOneIsDeadLettered() {
    byte[] row = encode(event("acme", NOW_MICROS));

    router.pipe(EVENTS, row);
    assertThat(reason(router.onlyDeadLetter())).isEqualTo("unknown_table");

    catalog.put("events", RouterDriver.table("events"));
    router.pipe(EVENTS, row);
    assertThat(router.rawRows("events"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.key()).isEqualTo("acme");
              assertThat(r.value()).isEqualTo(row);
            });
    assertThat(router.deadLetters()).isEmpty();

    catalog.remove("events");
    router.pipe(EVENTS, row);
    assertThat(router.rawRows("events")).isEmpty();
    assertThat(reason(router.onlyDeadLetter())).isEqualTo("unknown_table");
  }

  private static String reason(TestRecord<byte[], byte[]> letter) {
    return RouterDriver.headers(letter.headers()).get(RecordHeaders.DLQ_REASON);
  }
}

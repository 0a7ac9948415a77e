package io.lakestream.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.schema.RecordHeaders;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.TableLookup;
import io.lakestream.schema.convert.AvroSchemas;
import io.lakestream.writer.TestRows;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class RoutedRowsTest {
  private static final TableDefinition EVENTS = TableDefinitions.builtIn("events");
  private final RoutedRows routedRows = new RoutedRows(Map.of("events", EVENTS));

  private static byte[] encode(GenericRecord row) throws Exception {
    ByteBuffer buffer =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), AvroSchemas.rowSchema(EVENTS))
            .encode(row);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private static ConsumerRecord<byte[], byte[]> record(
      String topic, String key, byte[] value, String... headers) {
    ConsumerRecord<byte[], byte[]> record =
        new ConsumerRecord<>(
            topic, 2, 40, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    for (int i = 0; i < headers.length; i += 2) {
      record.headers().add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return record;
  }

  private RoutedRows.Parsed parse(ConsumerRecord<byte[], byte[]> record) {
    return routedRows.parse(record, routedRows.source(record), 7);
  }

  @Test
  void readsARoutedRowWithItsSourceCoordinates() throws Exception {
    byte[] value = encode(TestRows.row(EVENTS, "acme", 1_234, "e1"));
    ConsumerRecord<byte[], byte[]> record =
        record(
            "lakestream.rows.events",
            "acme",
            value,
            RecordHeaders.SOURCE_TOPIC,
            "lakestream.ingest.events",
            RecordHeaders.SOURCE_PARTITION,
            "3",
            RecordHeaders.SOURCE_OFFSET,
            "99",
            RecordHeaders.SOURCE_INDEX,
            "0");

    RoutedRows.Row row = (RoutedRows.Row) parse(record);

    assertThat(row.table()).isEqualTo(new TableKey("acme", "events"));
    assertThat(row.row().appId()).isEqualTo("lakestream.ingest.events-3");
    assertThat(row.row().sourceOffset()).isEqualTo(99);
    assertThat(row.row().key()).isEqualTo(1_234);
    assertThat(row.row().offset()).isEqualTo(40);
  }

  @Test
  void aRowWithoutSourceHeadersIsItsOwnSource() throws Exception {
    byte[] value = encode(TestRows.row(EVENTS, "acme", 1, "e1"));

    RoutedRows.Row row = (RoutedRows.Row) parse(record("lakestream.rows.events", "acme", value));

    assertThat(row.row().appId()).isEqualTo("lakestream.rows.events-2");
    assertThat(row.row().sourceOffset()).isEqualTo(40);
  }

  @Test
  void rejectsWhatCannotBeWrittenWithAReason() throws Exception {
    byte[] good = encode(TestRows.row(EVENTS, "acme", 1, "e1"));
    assertThat(parse(record("lakestream.rows.nope", "acme", good)))
        .isInstanceOfSatisfying(
            RoutedRows.Rejected.class,
            r ->
                assertThat(r.message())
                    .isEqualTo(
                        "Topic lakestream.rows.nope names table 'nope', which this writer does not"
                            + " know (never created, or dropped). Create the table type, then"
                            + " replay the DLQ."));
    assertThat(parse(record("lakestream.rows.events", "acme", new byte[] {1, 2, 3})))
        .extracting(r -> ((RoutedRows.Rejected) r).reason())
        .isEqualTo(RoutedRows.UNDECODABLE);
    assertThat(parse(record("lakestream.rows.events", "other", good)))
        .extracting(r -> ((RoutedRows.Rejected) r).reason())
        .isEqualTo(RoutedRows.INVALID_PROJECT);
    assertThat(
            parse(
                record(
                    "lakestream.rows.events",
                    "acme",
                    good,
                    RecordHeaders.SOURCE_TOPIC,
                    "t",
                    RecordHeaders.SOURCE_PARTITION,
                    "x",
                    RecordHeaders.SOURCE_OFFSET,
                    "1")))
        .extracting(r -> ((RoutedRows.Rejected) r).reason())
        .isEqualTo(RoutedRows.INVALID_HEADERS);
    byte[] badProject = encode(TestRows.row(EVENTS, "../etc", 1, "e1"));
    assertThat(parse(record("lakestream.rows.events", null, badProject)))
        .extracting(r -> ((RoutedRows.Rejected) r).reason())
        .isEqualTo(RoutedRows.INVALID_PROJECT);
  }

  @Test
  void tableTypesCreatedOrDroppedAfterStartAreAcceptedOrRejectedAtTheNextRow() throws Exception {
    Map<String, TableDefinition> catalog = new java.util.concurrent.ConcurrentHashMap<>();
    RoutedRows live =
        new RoutedRows(
            new TableLookup() {
              @Override
              public Optional<TableDefinition> table(String name) {
                return Optional.ofNullable(catalog.get(name));
              }

              @Override
              public Map<String, TableDefinition> tables() {
                return Map.copyOf(catalog);
              }
            });
    ConsumerRecord<byte[], byte[]> record =
        record("lakestream.rows.events", "acme", encode(TestRows.row(EVENTS, "acme", 1, "e1")));

    assertThat(live.parse(record, live.source(record), 7))
        .extracting(r -> ((RoutedRows.Rejected) r).reason())
        .isEqualTo(RoutedRows.UNKNOWN_TABLE);
    catalog.put("events", EVENTS);
    assertThat(live.parse(record, live.source(record), 7))
        .isInstanceOfSatisfying(
            RoutedRows.Row.class, r -> assertThat(r.definition()).isSameAs(EVENTS));
    catalog.remove("events");
    assertThat(live.parse(record, live.source(record), 7))
        .extracting(r -> ((RoutedRows.Rejected) r).reason())
        .isEqualTo(RoutedRows.UNKNOWN_TABLE);
  }
}

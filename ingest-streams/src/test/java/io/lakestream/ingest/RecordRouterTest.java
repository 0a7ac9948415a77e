package io.lakestream.ingest;

import static io.lakestream.ingest.AvroRowsRoutingTest.NOW_MICROS;
import static io.lakestream.ingest.AvroRowsRoutingTest.encode;
import static io.lakestream.ingest.AvroRowsRoutingTest.event;
import static io.lakestream.ingest.Otlp.resource;
import static io.lakestream.ingest.OtlpLogsRoutingTest.log;
import static io.lakestream.ingest.OtlpLogsRoutingTest.logs;
import static io.lakestream.ingest.RouterDriver.NOW_NANOS;
import static io.lakestream.ingest.RouterDriver.header;
import static io.lakestream.ingest.RouterDriver.headers;
import static io.lakestream.ingest.RouterDriver.noHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.schema.RecordHeaders;
import io.lakestream.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The public router against the Streams topology: for the same records with the same coordinates,
 * {@link RecordRouter} makes byte for byte what the topology writes, rows and rejections alike.
 */
class RecordRouterTest {
  private static final String LOGS = Topics.OTLP_LOGS;
  private static final String EVENTS = Topics.ingest("events");
  private static final String TABLE = IngestConfig.LOGS_AND_SPANS_TABLE;

  /** One input record, with the timestamp it is piped with. */
  private record Input(String topic, byte[] key, byte[] value, Headers headers, long timestamp) {}

  @Test
  void routesEveryRecordAsTheTopologyWritesIt() {
    List<Input> inputs =
        List.of(
            new Input(
                LOGS,
                null,
                logs(resource("acme", "api"), log(NOW_NANOS, "a"), log(NOW_NANOS + 1, "b"))
                    .toByteArray(),
                header("trace-origin", "edge"),
                1_000L),
            new Input(EVENTS, utf8("globex"), encode(event("", NOW_MICROS)), noHeaders(), 2_000L),
            new Input(
                LOGS,
                null,
                logs(resource("../etc", "api"), log(NOW_NANOS, "c")).toByteArray(),
                noHeaders(),
                3_000L),
            new Input(LOGS, utf8("k"), new byte[] {1, 2, 3}, noHeaders(), 4_000L),
            new Input(
                Topics.ingest("nope"), null, encode(event("acme", NOW_MICROS)), noHeaders(), 5L),
            new Input(
                LOGS,
                null,
                logs(resource("acme", "api"), log(NOW_NANOS, "d")).toByteArray(),
                noHeaders(),
                6_000L));

    List<Routing> routings = new ArrayList<>();
    RecordRouter router = new RecordRouter(RouterDriver.config().build());
    Map<String, Long> offsets = new HashMap<>();
    for (Input input : inputs) {
      long offset = offsets.merge(input.topic(), 1L, Long::sum) - 1;
      routings.add(
          router.route(
              new SourceRecord(
                  input.topic(),
                  0,
                  offset,
                  input.timestamp(),
                  input.key(),
                  input.value(),
                  input.headers())));
    }

    try (RouterDriver driver = new RouterDriver()) {
      for (Input input : inputs) {
        driver.pipe(input.topic(), input.key(), input.value(), input.headers(), input.timestamp());
      }
      List<TestRecord<String, byte[]>> topologyRows = new ArrayList<>(driver.rawRows(TABLE));
      topologyRows.addAll(driver.rawRows("events"));
      List<TestRecord<byte[], byte[]>> topologyLetters = driver.deadLetters();

      List<Routing.Row> rows = new ArrayList<>();
      List<Routing.Rejected> rejections = new ArrayList<>();
      for (Routing routing : routings) {
        if (routing instanceof Routing.Routed routed) {
          rows.addAll(routed.rows());
        } else {
          rejections.add((Routing.Rejected) routing);
        }
      }
      rows.sort(Comparator.comparing(Routing.Row::table).reversed());

      assertThat(rows).hasSameSizeAs(topologyRows).hasSize(4);
      for (int i = 0; i < rows.size(); i++) {
        Routing.Row row = rows.get(i);
        TestRecord<String, byte[]> written = topologyRows.get(i);
        assertThat(row.project()).isEqualTo(written.key());
        assertThat(row.key()).isEqualTo(utf8(written.key()));
        assertThat(row.value()).isEqualTo(written.value());
        assertThat(row.timestamp()).isEqualTo(written.timestamp());
        assertThat(headers(row.headers())).isEqualTo(headers(written.headers()));
        assertThat(row.topic()).isEqualTo(Topics.rows(row.table()));
      }
      assertThat(rejections).hasSameSizeAs(topologyLetters).hasSize(3);
      for (int i = 0; i < rejections.size(); i++) {
        Map<String, String> letter = headers(topologyLetters.get(i).headers());
        Routing.Rejected rejected = rejections.get(i);
        assertThat(rejected.reason().code()).isEqualTo(letter.get(RecordHeaders.DLQ_REASON));
        assertThat(rejected.message()).isEqualTo(letter.get(RecordHeaders.DLQ_MESSAGE));
        assertThat(rejected.errorClass()).isEqualTo(letter.get(RecordHeaders.DLQ_ERROR_CLASS));
      }
      assertThat(rejections)
          .extracting(Routing.Rejected::reason)
          .containsExactly(
              DeadLetterReason.INVALID_PROJECT,
              DeadLetterReason.UNDECODABLE,
              DeadLetterReason.UNKNOWN_TABLE);
    }
  }

  @Test
  void aTopicTheRouterDoesNotReadIsAnUnknownTable() {
    RecordRouter router = new RecordRouter(RouterDriver.config().build());

    Routing routing =
        router.route(new SourceRecord("other", 0, 7L, 1L, null, new byte[] {1}, null));

    assertThat(router.reads("other")).isFalse();
    assertThat(router.reads(LOGS)).isTrue();
    assertThat(router.reads(Topics.ingest("nope"))).isTrue();
    assertThat(router.tableOf(LOGS)).isEqualTo(TABLE);
    assertThat(router.tableOf(Topics.ingest("nope"))).isNull();
    assertThat(routing).isInstanceOf(Routing.Rejected.class);
    Routing.Rejected rejected = (Routing.Rejected) routing;
    assertThat(rejected.reason()).isEqualTo(DeadLetterReason.UNKNOWN_TABLE);
    assertThat(rejected.message())
        .startsWith(
            "Topic 'other' is not an input of the router (inputs: otlp_logs, otlp_spans,"
                + " otlp_metrics, lakestream.ingest.<table>)");
  }

  @Test
  void aDeadLetterRoutesAgainWithItsOriginalCoordinatesAndHeaders() {
    byte[] value = logs(resource(), log(NOW_NANOS, "no project")).toByteArray();
    TestRecord<byte[], byte[]> letter;
    try (RouterDriver driver = new RouterDriver()) {
      driver.pipe(
          LOGS,
          null,
          logs(resource("acme", "api"), log(NOW_NANOS, "ok")).toByteArray(),
          noHeaders(),
          1L);
      driver.pipe(LOGS, utf8("key"), value, header("trace-origin", "edge"), 42_000L);
      List<TestRecord<byte[], byte[]>> letters = driver.deadLetters();
      assertThat(letters).hasSize(1);
      letter = letters.get(0);
    }

    SourceRecord source =
        SourceRecord.ofDeadLetter(
            letter.key(), letter.value(), letter.timestamp(), letter.headers());
    assertThat(source.topic()).isEqualTo(LOGS);
    assertThat(source.partition()).isZero();
    assertThat(source.offset()).isEqualTo(1L);
    assertThat(source.timestamp()).isEqualTo(42_000L);
    assertThat(source.key()).isEqualTo(utf8("key"));
    assertThat(source.value()).isEqualTo(value);
    assertThat(headers(source.headers())).isEqualTo(Map.of("trace-origin", "edge"));

    RecordRouter withDefault =
        new RecordRouter(RouterDriver.config().defaultProject("dev").build());
    Routing.Routed routed = (Routing.Routed) withDefault.route(source);
    assertThat(routed.rows()).hasSize(1);
    assertThat(routed.rows().get(0).project()).isEqualTo("dev");
    assertThat(routed.rows().get(0).timestamp()).isEqualTo(42_000L);
    assertThat(headers(routed.rows().get(0).headers()))
        .isEqualTo(RouterDriver.sourceHeaders(LOGS, 1, 0, 1));
  }

  @Test
  void aDeadLetterWithoutItsSourceHeadersIsRefused() {
    Headers headers = header(RecordHeaders.SOURCE_TOPIC, LOGS);
    headers.add(RecordHeaders.SOURCE_PARTITION, utf8("0"));

    assertThatThrownBy(() -> SourceRecord.ofDeadLetter(null, new byte[] {1}, 1L, headers))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "The dead letter's source headers are not valid: The header"
                + " lakestream.source.offset is missing");
    headers.add(RecordHeaders.SOURCE_OFFSET, utf8("x"));
    assertThatThrownBy(() -> SourceRecord.ofDeadLetter(null, new byte[] {1}, 1L, headers))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "The dead letter's source headers are not valid: The header lakestream.source.offset"
                + " is 'x', not a decimal number from 0 to "
                + Long.MAX_VALUE);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

package io.lakestream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.schema.RecordHeaders;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.lakestream.schema.convert.AvroSchemas;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The router on a {@link TopologyTestDriver}, with a pinned clock: pipe raw records in, read
 * decoded rows and dead letters out.
 */
final class RouterDriver implements AutoCloseable {
  /** The pinned "now" of every test. */
  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  /** {@link #NOW} in OTLP nanoseconds. */
  static final long NOW_NANOS = NOW.getEpochSecond() * 1_000_000_000L;

  final IngestConfig config;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final TopologyTestDriver driver;

  RouterDriver() {
    this(config().build());
  }

  RouterDriver(IngestConfig config) {
    this.config = config;
    this.driver =
        new TopologyTestDriver(
            IngestTopology.build(config, registry), IngestTopology.streamsProperties(config));
  }

  /** The test configuration: a fake broker address and the pinned clock. */
  static IngestConfig.Builder config() {
    return IngestConfig.builder("test-driver:9092").clock(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  void pipe(String topic, byte[] value) {
    pipe(topic, null, value, noHeaders());
  }

  static Headers noHeaders() {
    return new org.apache.kafka.common.header.internals.RecordHeaders();
  }

  /** Headers holding one text header. */
  static Headers header(String key, String value) {
    Headers headers = noHeaders();
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  void pipe(String topic, byte[] key, byte[] value, Headers headers) {
    driver
        .createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer())
        .pipeInput(new TestRecord<>(key, value, headers));
  }

  /** Pipes a record with a given timestamp (ms). */
  void pipe(String topic, byte[] key, byte[] value, Headers headers, long timestamp) {
    driver
        .createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer())
        .pipeInput(new TestRecord<>(key, value, headers, timestamp));
  }

  /** The rows routed to a table since the last call, as written: key, Avro bytes, headers. */
  List<TestRecord<String, byte[]>> rawRows(String table) {
    return driver
        .createOutputTopic(
            Topics.rows(table), new StringDeserializer(), new ByteArrayDeserializer())
        .readRecordsToList();
  }

  /** The rows routed to a table since the last call, decoded. */
  List<Row> rows(String table) {
    TableDefinition definition = config.tables().get(table);
    BinaryMessageDecoder<GenericRecord> decoder =
        new BinaryMessageDecoder<>(GenericData.get(), AvroSchemas.rowSchema(definition));
    return driver
        .createOutputTopic(
            Topics.rows(table), new StringDeserializer(), new ByteArrayDeserializer())
        .readRecordsToList()
        .stream()
        .map(
            r -> {
              try {
                return new Row(r.key(), decoder.decode(r.value()), headers(r.headers()));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .toList();
  }

  /** The dead letters since the last call. */
  List<TestRecord<byte[], byte[]>> deadLetters() {
    return driver
        .createOutputTopic(
            Topics.DEAD_LETTER, new ByteArrayDeserializer(), new ByteArrayDeserializer())
        .readRecordsToList();
  }

  /** The one dead letter since the last call, after checking no table got a row. */
  TestRecord<byte[], byte[]> onlyDeadLetter() {
    for (String table : config.tables().keySet()) {
      assertThat(rows(table)).as("rows of %s", table).isEmpty();
    }
    List<TestRecord<byte[], byte[]>> letters = deadLetters();
    assertThat(letters).hasSize(1);
    return letters.get(0);
  }

  double counter(String name, String tag, String value) {
    Counter counter = registry.find(name).tag(tag, value).counter();
    return counter == null ? 0 : counter.count();
  }

  /** Header values as text, in order, last one winning. */
  static Map<String, String> headers(Headers headers) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Header header : headers) {
      values.put(
          header.key(),
          header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
    }
    return values;
  }

  /**
   * The headers of row {@code index} of source record {@code topic}-0@{@code offset}, which has
   * {@code count} rows for the row's (table, project).
   */
  static Map<String, String> sourceHeaders(String topic, long offset, int index, int count) {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put(RecordHeaders.SOURCE_TOPIC, topic);
    expected.put(RecordHeaders.SOURCE_PARTITION, "0");
    expected.put(RecordHeaders.SOURCE_OFFSET, Long.toString(offset));
    expected.put(RecordHeaders.SOURCE_INDEX, Integer.toString(index));
    expected.put(RecordHeaders.SOURCE_COUNT, Integer.toString(count));
    return expected;
  }

  static TableDefinition table(String name) {
    return TableDefinitions.builtIn(name);
  }

  @Override
  public void close() {
    driver.close();
  }

  /** A routed row: its key, the decoded Avro row, its headers as text. */
  record Row(String key, GenericRecord value, Map<String, String> headers) {
    /** A column's value, with Avro's Utf8 turned into String. */
    Object get(String column) {
      Object v = value.get(column);
      if (v instanceof CharSequence text) {
        return text.toString();
      }
      if (v instanceof List<?> list) {
        return List.copyOf(list);
      }
      return v;
    }
  }
}

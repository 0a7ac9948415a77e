package io.lakestream.writer.bench;

import io.lakestream.schema.SourceCoordinates;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.convert.AvroSchemas;
import io.lakestream.testkit.EmbeddedKafka;
import io.lakestream.writer.TestRows;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routed topics' two possible formats side by side, on one in-process broker in one run: one
 * message per row (today: Avro single-object row, {@code lakestream.source.*} headers), and one
 * message per (source record, project, table) holding all of that record's rows (an Avro block of
 * rows, one set of headers). Each round produces the same rows transactionally, as the router does
 * (lz4, one transaction per 50 source records), and reads them back {@code read_committed},
 * decoding every row, as the writer does. Prints rows/s for both, rounds alternating.
 *
 * <p>{@code java -cp … io.lakestream.writer.bench.RoutedFormatFigures [rows] [rowsPerRecord]
 * [rounds]}
 */
public final class RoutedFormatFigures {
  private static final Logger LOG = LoggerFactory.getLogger(RoutedFormatFigures.class);
  private static final TableDefinition LOGS = TableDefinitions.builtIn("otel_logs_and_spans");

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int perRecord = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    List<GenericRecord> records = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      records.add(TestRows.row(LOGS, "acme", 1_700_000_000_000_000L + i, "id-" + i));
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      for (int round = 1; round <= rounds; round++) {
        for (boolean batched : new boolean[] {false, true}) {
          String topic = "routed-" + (batched ? "batched" : "rows") + "-" + round;
          kafka.createTopic(topic, 1);
          long started = System.nanoTime();
          long bytes = produce(kafka.bootstrapServers(), topic, records, perRecord, batched);
          long produced = System.nanoTime();
          long read = consume(kafka.bootstrapServers(), topic, rows, batched);
          long done = System.nanoTime();
          LOG.info(
              "round {} {}: {} rows, {} messages, {} MB sent; produce {} rows/s, consume+decode {}"
                  + " rows/s, both {} rows/s",
              round,
              batched ? "one message per record" : "one message per row",
              read,
              batched ? (rows + perRecord - 1) / perRecord : rows,
              bytes >> 20,
              rows * 1_000_000_000L / (produced - started),
              rows * 1_000_000_000L / (done - produced),
              rows * 1_000_000_000L / (done - started));
        }
      }
    }
  }

  private static long produce(
      String servers, String topic, List<GenericRecord> rows, int perRecord, boolean batched) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "figures-" + UUID.randomUUID());
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
    // With 5 requests in flight, the first sends after a commit can be refused with
    // CONCURRENT_TRANSACTIONS and retried out of order on this broker (4.3, transactions v2).
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    BinaryMessageEncoder<GenericRecord> single =
        new BinaryMessageEncoder<>(GenericData.get(), AvroSchemas.rowSchema(LOGS));
    var writer =
        new org.apache.avro.generic.GenericDatumWriter<GenericRecord>(AvroSchemas.rowSchema(LOGS));
    byte[] key = "acme".getBytes(StandardCharsets.UTF_8);
    long bytes = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      int records = 0;
      for (int first = 0; first < rows.size(); first += perRecord) {
        int last = Math.min(rows.size(), first + perRecord);
        SourceCoordinates source = SourceCoordinates.of("otlp_logs", 0, first / perRecord);
        if (batched) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
          try {
            encoder.writeArrayStart();
            encoder.setItemCount(last - first);
            for (int i = first; i < last; i++) {
              encoder.startItem();
              writer.write(rows.get(i), encoder);
            }
            encoder.writeArrayEnd();
            encoder.flush();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          byte[] value = out.toByteArray();
          bytes += value.length;
          ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, value);
          source.row(0, last - first).writeTo(record.headers());
          producer.send(record);
        } else {
          for (int i = first; i < last; i++) {
            byte[] value = encode(single, rows.get(i));
            bytes += value.length;
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, value);
            source.row(i - first, last - first).writeTo(record.headers());
            producer.send(record);
          }
        }
        if (++records % 50 == 0) {
          producer.commitTransaction();
          producer.beginTransaction();
        }
      }
      producer.commitTransaction();
    }
    return bytes;
  }

  private static byte[] encode(BinaryMessageEncoder<GenericRecord> encoder, GenericRecord row) {
    try {
      ByteBuffer buffer = encoder.encode(row);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long consume(String servers, String topic, int rows, boolean batched)
      throws IOException {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "figures-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
    BinaryMessageDecoder<GenericRecord> single =
        new BinaryMessageDecoder<>(GenericData.get(), AvroSchemas.rowSchema(LOGS));
    var reader =
        new org.apache.avro.generic.GenericDatumReader<GenericRecord>(AvroSchemas.rowSchema(LOGS));
    long read = 0;
    BinaryDecoder decoder = null;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      while (read < rows) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          SourceCoordinates.read(record.headers());
          if (batched) {
            decoder = DecoderFactory.get().binaryDecoder(record.value(), decoder);
            for (long n = decoder.readArrayStart(); n > 0; n = decoder.arrayNext()) {
              for (long i = 0; i < n; i++) {
                reader.read(null, decoder);
                read++;
              }
            }
          } else {
            single.decode(record.value());
            read++;
          }
        }
      }
    }
    return read;
  }
}

package io.lakestream.writer;

import io.lakestream.schema.RecordHeaders;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.Topics;
import io.lakestream.schema.convert.AvroSchemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces routed rows as the ingest router does: key = project, value = Avro single-object
 * encoding, source headers, in producer transactions.
 */
public final class RoutedProducer implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final Map<String, BinaryMessageEncoder<GenericRecord>> encoders = new HashMap<>();

  public RoutedProducer(String bootstrapServers) {
    Map<String, Object> properties = new HashMap<>();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-router-" + UUID.randomUUID());
    properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    producer = new KafkaProducer<>(properties);
    producer.initTransactions();
  }

  /** A row as the router emits it, with its source coordinates. */
  public record Routed(
      TableDefinition table,
      String project,
      GenericRecord row,
      String sourceTopic,
      int sourcePartition,
      long sourceOffset,
      int sourceIndex) {}

  /** Sends the rows in one transaction, in order. */
  public void sendInTransaction(List<Routed> rows) {
    producer.beginTransaction();
    for (Routed routed : rows) {
      producer.send(record(routed));
    }
    producer.commitTransaction();
  }

  /** The routed record of a row. */
  public ProducerRecord<byte[], byte[]> record(Routed routed) {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            Topics.rows(routed.table().name()),
            routed.project().getBytes(StandardCharsets.UTF_8),
            encode(routed.table(), routed.row()));
    record.headers().add(RecordHeaders.SOURCE_TOPIC, utf8(routed.sourceTopic()));
    record.headers().add(RecordHeaders.SOURCE_PARTITION, utf8("" + routed.sourcePartition()));
    record.headers().add(RecordHeaders.SOURCE_OFFSET, utf8("" + routed.sourceOffset()));
    record.headers().add(RecordHeaders.SOURCE_INDEX, utf8("" + routed.sourceIndex()));
    return record;
  }

  /** Sends raw records in one transaction (for bad input). */
  public void sendRawInTransaction(List<ProducerRecord<byte[], byte[]>> records) {
    producer.beginTransaction();
    records.forEach(producer::send);
    producer.commitTransaction();
  }

  /** Avro single-object encoding of a row. */
  public byte[] encode(TableDefinition table, GenericRecord row) {
    try {
      ByteBuffer buffer =
          encoders
              .computeIfAbsent(
                  table.name(),
                  name ->
                      new BinaryMessageEncoder<>(GenericData.get(), AvroSchemas.rowSchema(table)))
              .encode(row);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    producer.close();
  }
}

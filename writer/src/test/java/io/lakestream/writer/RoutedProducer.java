package io.lakestream.writer;

import io.lakestream.schema.SourceCoordinates;
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

  /**
   * A row as the router emits it, with its source coordinates.
   *
   * @param sourceCount the source record's rows for this (table, project); -1 writes no count, as
   *     routers did before {@code lakestream.source.count}
   */
  public record Routed(
      TableDefinition table,
      String project,
      GenericRecord row,
      String sourceTopic,
      int sourcePartition,
      long sourceOffset,
      int sourceIndex,
      int sourceCount) {}

  /** Sends the rows in one transaction, in order. */
  public void sendInTransaction(List<Routed> rows) {
    producer.beginTransaction();
    for (Routed routed : rows) {
      producer.send(record(routed));
    }
    producer.commitTransaction();
  }

  /** Begins a transaction that {@link #send} adds to and {@link #commit} ends. */
  public void begin() {
    producer.beginTransaction();
  }

  /** Sends rows in the open transaction and waits until the broker has them (still uncommitted). */
  public void send(List<Routed> rows) {
    rows.forEach(row -> producer.send(record(row)));
    producer.flush();
  }

  public void commit() {
    producer.commitTransaction();
  }

  public void abort() {
    producer.abortTransaction();
  }

  /** The routed record of a row. */
  public ProducerRecord<byte[], byte[]> record(Routed routed) {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            Topics.rows(routed.table().name()),
            routed.project().getBytes(StandardCharsets.UTF_8),
            encode(routed.table(), routed.row()));
    SourceCoordinates.of(routed.sourceTopic(), routed.sourcePartition(), routed.sourceOffset())
        .row(routed.sourceIndex(), routed.sourceCount())
        .writeTo(record.headers());
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

  @Override
  public void close() {
    producer.close();
  }
}

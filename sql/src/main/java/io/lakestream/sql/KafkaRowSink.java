package io.lakestream.sql;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.Topics;
import io.lakestream.schema.convert.AvroSchemas;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends rows to {@code lakestream.ingest.<table>} as Avro single-object encoded records keyed by
 * project, exactly as an application would.
 */
public final class KafkaRowSink implements RowSink, AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;

  /** A sink producing to the given brokers. */
  public KafkaRowSink(String bootstrapServers) {
    this(bootstrapServers, Map.of());
  }

  /**
   * A sink producing to the given brokers, with more producer properties (security, timeouts) over
   * its own.
   */
  public KafkaRowSink(String bootstrapServers, Map<String, String> clientProperties) {
    Map<String, Object> properties = new java.util.HashMap<>();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
    properties.putAll(clientProperties);
    this.producer =
        new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
  }

  @Override
  public int send(TableDefinition table, List<GenericRecord> rows) {
    BinaryMessageEncoder<GenericRecord> encoder =
        new BinaryMessageEncoder<>(GenericData.get(), AvroSchemas.rowSchema(table));
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try {
      for (GenericRecord row : rows) {
        ByteBuffer buffer = encoder.encode(row);
        byte[] value = new byte[buffer.remaining()];
        buffer.get(value);
        byte[] key =
            row.get(TableDefinition.PROJECT_COLUMN).toString().getBytes(StandardCharsets.UTF_8);
        sent.add(producer.send(new ProducerRecord<>(Topics.ingest(table.name()), key, value)));
      }
      producer.flush();
      for (Future<RecordMetadata> future : sent) {
        future.get();
      }
    } catch (IOException e) {
      throw SqlErrors.badStatement(
          "Cannot encode a row of table " + table.name() + ": " + e.getMessage(), e);
    } catch (ExecutionException e) {
      throw SqlErrors.sinkUnavailable(
          "Cannot send rows to " + Topics.ingest(table.name()) + ": " + e.getCause().getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SqlErrors.sinkUnavailable("Interrupted while sending rows", e);
    }
    return rows.size();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}

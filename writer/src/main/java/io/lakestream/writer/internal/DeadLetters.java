package io.lakestream.writer.internal;

import io.lakestream.schema.RecordHeaders;
import io.lakestream.schema.SourceCoordinates;
import io.lakestream.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Sends routed records that cannot be written to {@code lakestream.dlq}: original key and value,
 * original headers (so the source coordinates stay), plus the reason headers. A record without
 * source headers gets the routed record's coordinates as its source.
 *
 * <p>Sends are asynchronous; {@link #flush()} says whether all sends since the last flush were
 * acknowledged, and the writer commits the routed offsets only then.
 */
public final class DeadLetters {
  private final Producer<byte[], byte[]> producer;
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  public DeadLetters(Producer<byte[], byte[]> producer) {
    this.producer = producer;
  }

  /**
   * Sends {@code record} to the DLQ with the reason headers; the error class header names {@code
   * error}'s class, or {@link RoutedRows} when the record was refused without one.
   */
  public void send(
      ConsumerRecord<byte[], byte[]> record, String reason, String message, Throwable error) {
    Headers headers =
        new org.apache.kafka.common.header.internals.RecordHeaders(record.headers().toArray());
    if (headers.lastHeader(RecordHeaders.SOURCE_TOPIC) == null) {
      SourceCoordinates.of(record.topic(), record.partition(), record.offset()).writeTo(headers);
    }
    headers.add(RecordHeaders.DLQ_REASON, utf8(reason));
    headers.add(RecordHeaders.DLQ_MESSAGE, utf8(message));
    headers.add(
        RecordHeaders.DLQ_ERROR_CLASS,
        utf8(error == null ? RoutedRows.class.getName() : error.getClass().getName()));
    send(new ProducerRecord<>(Topics.DEAD_LETTER, null, record.key(), record.value(), headers));
  }

  /**
   * Sends a buffered row to the DLQ as the routed record it was read from: the project as key, the
   * row's Avro bytes, its source headers ({@code lakestream.source.*}) and the reason headers,
   * naming {@link WriterLoop}, which sets such rows aside, as the error class.
   */
  public void sendRow(String project, BufferedRow row, String reason, String message) {
    Headers headers = row.source().coordinates().toHeaders();
    headers.add(RecordHeaders.DLQ_REASON, utf8(reason));
    headers.add(RecordHeaders.DLQ_MESSAGE, utf8(message));
    headers.add(RecordHeaders.DLQ_ERROR_CLASS, utf8(WriterLoop.class.getName()));
    send(new ProducerRecord<>(Topics.DEAD_LETTER, null, utf8(project), row.value(), headers));
  }

  private void send(ProducerRecord<byte[], byte[]> letter) {
    try {
      producer.send(
          letter,
          (metadata, exception) -> {
            if (exception != null) {
              failure.compareAndSet(null, exception);
            }
          });
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e); // e.g. no metadata for the DLQ topic within max.block.ms
    }
  }

  /**
   * Waits for every send so far.
   *
   * @return null when all were acknowledged, else the first failure (cleared)
   */
  public Exception flush() {
    producer.flush();
    return failure.getAndSet(null);
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}

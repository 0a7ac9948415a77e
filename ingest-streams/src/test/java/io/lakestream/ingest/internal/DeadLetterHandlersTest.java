package io.lakestream.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.ingest.IngestTopology;
import io.lakestream.schema.RecordHeaders;
import io.lakestream.schema.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class DeadLetterHandlersTest {
  private static final byte[] KEY = bytes("k");
  private static final byte[] VALUE = bytes("original");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The context of source record otlp_logs-2@41, with a user header. */
  private static ErrorHandlerContext context(byte[] rawValue) {
    Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.add("user", bytes("u"));
    return new ErrorHandlerContext() {
      @Override
      public String topic() {
        return "otlp_logs";
      }

      @Override
      public int partition() {
        return 2;
      }

      @Override
      public long offset() {
        return 41;
      }

      @Override
      public Headers headers() {
        return headers;
      }

      @Override
      public String processorNodeId() {
        return "otlp-logs-route";
      }

      @Override
      public TaskId taskId() {
        return new TaskId(0, 2);
      }

      @Override
      public long timestamp() {
        return 1234L;
      }

      @Override
      public byte[] sourceRawKey() {
        return KEY;
      }

      @Override
      public byte[] sourceRawValue() {
        return rawValue;
      }
    };
  }

  private <T extends org.apache.kafka.common.Configurable> T configured(T handler) {
    handler.configure(Map.of(IngestTopology.METER_REGISTRY_CONFIG, registry));
    return handler;
  }

  private static Map<String, String> headers(Headers headers) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Header header : headers) {
      values.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
    }
    return values;
  }

  private static ProducerRecord<byte[], byte[]> row() {
    return new ProducerRecord<>(Topics.rows("otel_logs_and_spans"), bytes("acme"), bytes("row"));
  }

  private double deadLetters(String reason) {
    return registry.get("lakestream.ingest.dlq").tag("reason", reason).counter().count();
  }

  @Test
  void aRowTheBrokerFindsTooLargeSetsTheSourceRecordAside() {
    ProductionExceptionHandler.Response response =
        configured(new DeadLetterProductionHandler())
            .handleError(context(VALUE), row(), new RecordTooLargeException("too big"));

    assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
    List<ProducerRecord<byte[], byte[]>> letters = response.deadLetterQueueRecords();
    assertThat(letters).hasSize(1);
    ProducerRecord<byte[], byte[]> letter = letters.get(0);
    assertThat(letter.topic()).isEqualTo(Topics.DEAD_LETTER);
    assertThat(letter.key()).isEqualTo(KEY);
    assertThat(letter.value()).isEqualTo(VALUE);
    assertThat(letter.timestamp()).isEqualTo(1234L);
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("user", "u");
    expected.put(RecordHeaders.DLQ_REASON, "record_too_large");
    expected.put(RecordHeaders.DLQ_MESSAGE, "too big");
    expected.put(
        RecordHeaders.DLQ_ERROR_CLASS, "org.apache.kafka.common.errors.RecordTooLargeException");
    expected.put(RecordHeaders.SOURCE_TOPIC, "otlp_logs");
    expected.put(RecordHeaders.SOURCE_PARTITION, "2");
    expected.put(RecordHeaders.SOURCE_OFFSET, "41");
    assertThat(headers(letter.headers())).containsExactlyEntriesOf(expected);
    assertThat(deadLetters("record_too_large")).isEqualTo(1);
  }

  @Test
  void retriableErrorsAreRetriedAndOthersFailTheTransaction() {
    DeadLetterProductionHandler handler = configured(new DeadLetterProductionHandler());

    assertThat(
            handler
                .handleError(context(VALUE), row(), new NotEnoughReplicasException("later"))
                .result())
        .isEqualTo(ProductionExceptionHandler.Result.RETRY);
    assertThat(
            handler
                .handleError(context(VALUE), row(), new TopicAuthorizationException("denied"))
                .result())
        .isEqualTo(ProductionExceptionHandler.Result.FAIL);
  }

  @Test
  void aSerializationErrorIsASchemaMismatch() {
    ProductionExceptionHandler.Response response =
        configured(new DeadLetterProductionHandler())
            .handleSerializationError(
                context(VALUE),
                row(),
                new SerializationException("bad"),
                ProductionExceptionHandler.SerializationExceptionOrigin.VALUE);

    assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
    assertThat(headers(response.deadLetterQueueRecords().get(0).headers()))
        .containsEntry(RecordHeaders.DLQ_REASON, "schema_mismatch");
  }

  @Test
  void aDeadLetterThatCannotBeWrittenIsSkippedNotLooped() {
    ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(Topics.DEAD_LETTER, KEY, VALUE);

    ProductionExceptionHandler.Response response =
        configured(new DeadLetterProductionHandler())
            .handleError(context(VALUE), letter, new RecordTooLargeException("too big"));

    assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
    assertThat(response.deadLetterQueueRecords()).isEmpty();
  }

  @Test
  void undeserializableAndFailedRecordsGoToTheDeadLetters() {
    ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("otlp_logs", 2, 41L, KEY, VALUE);

    DeserializationExceptionHandler.Response deserialization =
        configured(new DeadLetterDeserializationHandler())
            .handleError(context(VALUE), record, new SerializationException("no"));
    ProcessingExceptionHandler.Response processing =
        configured(new DeadLetterProcessingHandler())
            .handleError(
                context(VALUE), new Record<>(KEY, VALUE, 1234L), new IllegalStateException("bug"));

    assertThat(deserialization.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
    assertThat(headers(deserialization.deadLetterQueueRecords().get(0).headers()))
        .containsEntry(RecordHeaders.DLQ_REASON, "undecodable");
    assertThat(processing.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
    assertThat(headers(processing.deadLetterQueueRecords().get(0).headers()))
        .containsEntry(RecordHeaders.DLQ_REASON, "internal_error")
        .containsEntry(RecordHeaders.DLQ_ERROR_CLASS, "java.lang.IllegalStateException");
    assertThat(processing.deadLetterQueueRecords().get(0).value()).isEqualTo(VALUE);
    assertThat(deadLetters("undecodable")).isEqualTo(1);
    assertThat(deadLetters("internal_error")).isEqualTo(1);
  }
}

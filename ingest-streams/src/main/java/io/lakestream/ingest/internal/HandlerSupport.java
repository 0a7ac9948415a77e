package io.lakestream.ingest.internal;

import io.lakestream.ingest.DeadLetterReason;
import io.lakestream.ingest.IngestConfig;
import io.lakestream.ingest.IngestTopology;
import io.lakestream.schema.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/** What the Streams exception handlers share: metrics from the config and dead-letter records. */
final class HandlerSupport {
  private IngestMetrics metrics;
  private int deadLetterBytes = IngestConfig.DEFAULT_MAX_RECORD_BYTES;
  private SendFailureListener sendFailures = (topic, source, error) -> {};

  void configure(Map<String, ?> configs) {
    Object registry = configs.get(IngestTopology.METER_REGISTRY_CONFIG);
    metrics = registry instanceof MeterRegistry r ? new IngestMetrics(r, List.of()) : null;
    Object budget = configs.get(IngestTopology.DEAD_LETTER_BYTES_CONFIG);
    if (budget != null) {
      deadLetterBytes = Integer.parseInt(budget.toString());
    }
    if (configs.get(IngestTopology.SEND_FAILURE_LISTENER_CONFIG)
        instanceof SendFailureListener listener) {
      sendFailures = listener;
    }
  }

  /** Reports a record the producer could not write (the transaction will abort). */
  void sendFailed(ErrorHandlerContext context, String topic, Exception error) {
    sendFailures.sendFailed(
        topic, context.topic() + "-" + context.partition() + "@" + context.offset(), error);
  }

  /**
   * A dead-letter record for the source record of {@code context}, counted; cut to fit the
   * dead-letter topic ({@link DeadLetterRecord#fit}).
   */
  ProducerRecord<byte[], byte[]> deadLetter(
      ErrorHandlerContext context,
      byte[] key,
      byte[] value,
      DeadLetterReason reason,
      Exception error) {
    if (metrics != null) {
      metrics.deadLetter(reason);
    }
    DeadLetterRecord letter =
        DeadLetterRecord.fit(
            key,
            value,
            DeadLetters.deadLetterHeaders(
                context.headers(),
                reason,
                String.valueOf(error.getMessage()),
                error.getClass().getName(),
                context.topic() == null ? "" : context.topic(),
                context.partition(),
                context.offset()),
            deadLetterBytes);
    return new ProducerRecord<>(
        Topics.DEAD_LETTER,
        null,
        context.timestamp() >= 0 ? context.timestamp() : null,
        letter.key(),
        letter.value(),
        letter.headers());
  }
}

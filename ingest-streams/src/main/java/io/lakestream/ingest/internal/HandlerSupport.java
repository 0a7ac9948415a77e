package io.lakestream.ingest.internal;

import io.lakestream.ingest.DeadLetterReason;
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

  void configure(Map<String, ?> configs) {
    Object registry = configs.get(IngestTopology.METER_REGISTRY_CONFIG);
    metrics = registry instanceof MeterRegistry r ? new IngestMetrics(r, List.of()) : null;
  }

  /** A dead-letter record for the source record of {@code context}, counted. */
  ProducerRecord<byte[], byte[]> deadLetter(
      ErrorHandlerContext context,
      byte[] key,
      byte[] value,
      DeadLetterReason reason,
      Exception error) {
    if (metrics != null) {
      metrics.deadLetter(reason);
    }
    return new ProducerRecord<>(
        Topics.DEAD_LETTER,
        null,
        context.timestamp() >= 0 ? context.timestamp() : null,
        key,
        value,
        DeadLetters.deadLetterHeaders(
            context.headers(),
            reason,
            String.valueOf(error.getMessage()),
            error.getClass().getName(),
            context.topic() == null ? "" : context.topic(),
            context.partition(),
            context.offset()));
  }
}

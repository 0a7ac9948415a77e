package io.lakestream.ingest.internal;

import io.lakestream.ingest.DeadLetterReason;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a record the source could not deserialize and sets it aside as {@code undecodable}. The
 * router reads raw bytes, so this only guards against a misconfiguration.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);
  private final HandlerSupport support = new HandlerSupport();

  @Override
  public void configure(Map<String, ?> configs) {
    support.configure(configs);
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    LOG.warn(
        "Cannot deserialize {}-{}@{}; it goes to the dead-letter topic",
        record.topic(),
        record.partition(),
        record.offset(),
        exception);
    return Response.resume(
        List.of(
            support.deadLetter(
                context, record.key(), record.value(), DeadLetterReason.UNDECODABLE, exception)));
  }
}

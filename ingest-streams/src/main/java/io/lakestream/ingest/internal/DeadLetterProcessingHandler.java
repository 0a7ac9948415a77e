package io.lakestream.ingest.internal;

import io.lakestream.ingest.DeadLetterReason;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs an exception that escaped a processor and sets the source record aside as {@code
 * internal_error}. The router catches per record, so this only guards against bugs.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);
  private final HandlerSupport support = new HandlerSupport();

  @Override
  public void configure(Map<String, ?> configs) {
    support.configure(configs);
  }

  @Override
  public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception e) {
    LOG.error(
        "Processor {} failed on {}-{}@{}; the record goes to the dead-letter topic",
        context.processorNodeId(),
        context.topic(),
        context.partition(),
        context.offset(),
        e);
    byte[] key = context.sourceRawKey();
    byte[] value = context.sourceRawValue();
    if (value == null && record.value() instanceof byte[] bytes) {
      value = bytes;
      key = record.key() instanceof byte[] k ? k : null;
    }
    return Response.resume(
        List.of(support.deadLetter(context, key, value, DeadLetterReason.INTERNAL_ERROR, e)));
  }
}

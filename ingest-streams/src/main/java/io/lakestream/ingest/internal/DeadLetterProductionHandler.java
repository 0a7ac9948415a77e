package io.lakestream.ingest.internal;

import io.lakestream.ingest.DeadLetterReason;
import io.lakestream.schema.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what a failed send does.
 *
 * <ul>
 *   <li>Retriable errors: retry.
 *   <li>A routed row the broker finds too large, or that cannot be serialized: the source record
 *       goes to the dead-letter topic ({@code record_too_large}, {@code schema_mismatch}), cut to
 *       fit it ({@link DeadLetterRecord#fit}), and processing continues. Rows of that record sent
 *       before it stay routed; the router checks row sizes against {@code maxRecordBytes} first, so
 *       this is a last resort, logged as an error.
 *   <li>A dead-letter record that cannot be written: logged as an error with its coordinates and
 *       skipped (there is nowhere else to put it).
 *   <li>Anything else (authorization, fencing): fail, so the transaction aborts and nothing is
 *       half-written.
 * </ul>
 *
 * <p>Under exactly-once a send the producer itself refuses puts its transaction in an abortable
 * state whatever this handler answers, and the source records are read again. So the router never
 * relies on this handler for sizes: rows are checked against {@code ingest.max.record.bytes} and
 * dead letters are cut to fit before they are sent, and {@code IngestRole} checks at start that the
 * topics accept what the producer sends.
 */
public final class DeadLetterProductionHandler implements ProductionExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProductionHandler.class);
  private final HandlerSupport support = new HandlerSupport();

  @Override
  public void configure(Map<String, ?> configs) {
    support.configure(configs);
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof RetriableException) {
      return Response.retry();
    }
    support.sendFailed(context, record.topic(), exception);
    if (exception instanceof RecordTooLargeException) {
      return setAside(context, record, DeadLetterReason.RECORD_TOO_LARGE, exception);
    }
    LOG.error(
        "Cannot write to {} for source {}-{}@{}; failing the transaction",
        record.topic(),
        context.topic(),
        context.partition(),
        context.offset(),
        exception);
    return Response.fail();
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Response handleSerializationError(
      ErrorHandlerContext context,
      ProducerRecord record,
      Exception exception,
      SerializationExceptionOrigin origin) {
    return setAside(context, record, DeadLetterReason.SCHEMA_MISMATCH, exception);
  }

  private Response setAside(
      ErrorHandlerContext context,
      ProducerRecord<?, ?> record,
      DeadLetterReason reason,
      Exception exception) {
    if (Topics.DEAD_LETTER.equals(record.topic()) || context.sourceRawValue() == null) {
      LOG.error(
          "Cannot write a record to {} for source {}-{}@{}; it is skipped. Replay that offset"
              + " after fixing the cause.",
          record.topic(),
          context.topic(),
          context.partition(),
          context.offset(),
          exception);
      return Response.resume();
    }
    LOG.error(
        "Cannot write a row to {} for source {}-{}@{} ({}); the source record goes to the"
            + " dead-letter topic",
        record.topic(),
        context.topic(),
        context.partition(),
        context.offset(),
        reason.code(),
        exception);
    return Response.resume(
        List.of(
            support.deadLetter(
                context, context.sourceRawKey(), context.sourceRawValue(), reason, exception)));
  }
}

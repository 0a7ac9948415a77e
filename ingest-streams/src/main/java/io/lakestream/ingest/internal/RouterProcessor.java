package io.lakestream.ingest.internal;

import io.lakestream.ingest.DeadLetterReason;
import io.lakestream.ingest.RecordRouter;
import io.lakestream.ingest.Routing;
import io.lakestream.ingest.SourceRecord;
import io.lakestream.schema.Topics;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each source record with a {@link RecordRouter}: all of its rows to their tables' sinks
 * (keyed by project), or the record itself to the dead-letter sink. The router catches every
 * failure per record, so no input stops a stream thread.
 *
 * <p>A source record produces either all of its rows or one dead-letter record, never part of each:
 * the writer's watermark (highest source offset per source partition) would otherwise drop the
 * missing rows when the dead letter is replayed.
 */
public final class RouterProcessor implements Processor<byte[], byte[], Object, byte[]> {
  private static final Logger LOG = LoggerFactory.getLogger(RouterProcessor.class);

  private final RecordRouter router;
  private final IngestMetrics metrics;
  private final Function<String, String> rowSinks;
  private final String deadLetterSink;
  private final int deadLetterBytes;
  private ProcessorContext<Object, byte[]> context;

  /**
   * @param router this processor's own router (routers are not thread-safe)
   * @param rowSinks the sink node of a table's routed topic
   * @param deadLetterSink the sink node of the dead-letter topic
   * @param deadLetterBytes the largest dead letter the producer and the dead-letter topic accept;
   *     larger ones are cut ({@link DeadLetterRecord#fit})
   */
  public RouterProcessor(
      RecordRouter router,
      IngestMetrics metrics,
      Function<String, String> rowSinks,
      String deadLetterSink,
      int deadLetterBytes) {
    this.router = router;
    this.metrics = metrics;
    this.rowSinks = rowSinks;
    this.deadLetterSink = deadLetterSink;
    this.deadLetterBytes = deadLetterBytes;
  }

  @Override
  public void init(ProcessorContext<Object, byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    RecordMetadata metadata = context.recordMetadata().orElse(null);
    SourceRecord source =
        new SourceRecord(
            metadata == null ? "" : metadata.topic(),
            metadata == null ? -1 : metadata.partition(),
            metadata == null ? -1L : metadata.offset(),
            record.timestamp(),
            record.key(),
            record.value(),
            record.headers());
    metrics.recordIn(router.tableOf(source.topic()));
    Routing routing = router.route(source);
    if (routing instanceof Routing.Rejected rejected) {
      deadLetter(record, source, rejected);
      return;
    }
    for (Routing.Row row : ((Routing.Routed) routing).rows()) {
      context.forward(
          new Record<Object, byte[]>(row.project(), row.value(), row.timestamp(), row.headers()),
          rowSinks.apply(row.table()));
      metrics.rowsOut(row.table(), 1);
    }
  }

  private void deadLetter(
      Record<byte[], byte[]> record, SourceRecord source, Routing.Rejected rejected) {
    DeadLetterReason reason = rejected.reason();
    LOG.debug(
        "Dead-lettering {}-{}@{}: {} {}",
        source.topic(),
        source.partition(),
        source.offset(),
        reason.code(),
        rejected.message());
    DeadLetterRecord letter =
        DeadLetterRecord.fit(
            record.key(),
            record.value(),
            DeadLetters.deadLetterHeaders(
                record.headers(),
                reason,
                rejected.message(),
                rejected.errorClass(),
                source.topic(),
                source.partition(),
                source.offset()),
            deadLetterBytes);
    if (letter.truncated()) {
      LOG.warn(
          "Dead letter of {}-{}@{} ({}) is cut to {} of its {} bytes to fit {}; replay it from"
              + " its source topic and offset",
          source.topic(),
          source.partition(),
          source.offset(),
          reason.code(),
          letter.value() == null ? 0 : letter.value().length,
          record.value() == null ? 0 : record.value().length,
          Topics.DEAD_LETTER);
    }
    context.forward(
        new Record<Object, byte[]>(
            letter.key(), letter.value(), record.timestamp(), letter.headers()),
        deadLetterSink);
    metrics.deadLetter(reason);
  }
}

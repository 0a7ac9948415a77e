package io.lakestream.ingest.internal;

import io.lakestream.ingest.DeadLetterReason;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each source record: all of its rows to their tables' sinks (keyed by project), or the
 * record itself to the dead-letter sink. Every failure is caught per record, so no input stops a
 * stream thread.
 *
 * <p>A source record produces either all of its rows or one dead-letter record, never part of each:
 * the writer's watermark (highest source offset per source partition) would otherwise drop the
 * missing rows when the dead letter is replayed.
 */
public final class RouterProcessor implements Processor<byte[], byte[], Object, byte[]> {
  private static final Logger LOG = LoggerFactory.getLogger(RouterProcessor.class);

  private final RecordMapper mapper;
  private final RowEncoder encoder;
  private final IngestMetrics metrics;
  private final int maxRecordBytes;
  private final Function<String, String> rowSinks;
  private final String deadLetterSink;
  private ProcessorContext<Object, byte[]> context;

  /**
   * @param rowSinks the sink node of a table's routed topic
   * @param deadLetterSink the sink node of the dead-letter topic
   */
  public RouterProcessor(
      RecordMapper mapper,
      RowEncoder encoder,
      IngestMetrics metrics,
      int maxRecordBytes,
      Function<String, String> rowSinks,
      String deadLetterSink) {
    this.mapper = mapper;
    this.encoder = encoder;
    this.metrics = metrics;
    this.maxRecordBytes = maxRecordBytes;
    this.rowSinks = rowSinks;
    this.deadLetterSink = deadLetterSink;
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
            record.key(),
            record.value(),
            record.headers());
    List<byte[]> encoded;
    List<RoutedRow> rows;
    try {
      metrics.recordIn(mapper.table(source));
      byte[] value = record.value();
      if (value == null || value.length == 0) {
        throw IngestErrors.noValue();
      }
      if (value.length > maxRecordBytes) {
        throw IngestErrors.tooLarge("The record", value.length, maxRecordBytes);
      }
      rows = mapper.map(source);
      encoded = new ArrayList<>(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        byte[] bytes = encoder.encode(rows.get(i));
        if (bytes.length > maxRecordBytes) {
          throw IngestErrors.tooLarge(
              "Row " + i + " made from the record", bytes.length, maxRecordBytes);
        }
        encoded.add(bytes);
      }
    } catch (RecordRejectedException e) {
      deadLetter(record, source, e);
      return;
    } catch (RuntimeException e) {
      LOG.warn(
          "Unexpected failure routing {}-{}@{}; the record goes to the dead-letter topic",
          source.topic(),
          source.partition(),
          source.offset(),
          e);
      deadLetter(record, source, IngestErrors.internal(e));
      return;
    }
    for (int i = 0; i < rows.size(); i++) {
      RoutedRow row = rows.get(i);
      context.forward(
          new Record<Object, byte[]>(
              row.project(),
              encoded.get(i),
              record.timestamp(),
              DeadLetters.rowHeaders(source.topic(), source.partition(), source.offset(), i)),
          rowSinks.apply(row.table()));
      metrics.rowsOut(row.table(), 1);
    }
  }

  private void deadLetter(
      Record<byte[], byte[]> record, SourceRecord source, RecordRejectedException e) {
    DeadLetterReason reason = e.reason();
    LOG.debug(
        "Dead-lettering {}-{}@{}: {} {}",
        source.topic(),
        source.partition(),
        source.offset(),
        reason.code(),
        e.getMessage());
    context.forward(
        new Record<Object, byte[]>(
            record.key(),
            record.value(),
            record.timestamp(),
            DeadLetters.deadLetterHeaders(
                record.headers(),
                reason,
                e.getMessage(),
                e.errorClass(),
                source.topic(),
                source.partition(),
                source.offset())),
        deadLetterSink);
    metrics.deadLetter(reason);
  }
}

package io.lakestream.ingest.internal;

import io.lakestream.ingest.SourceRecord;
import java.util.List;

/** Turns one source record into all of its rows, or rejects it whole. */
public interface RecordMapper {
  /**
   * The rows of a source record, in order.
   *
   * @throws RecordRejectedException when any row cannot be made; no row of the record is routed
   */
  List<RoutedRow> map(SourceRecord source);

  /** The table the records of {@code topic} count towards in metrics, or null when unknown. */
  String table(String topic);
}

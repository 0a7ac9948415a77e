package io.lakestream.reader.internal;

import java.io.IOException;

/**
 * A {@link io.lakestream.reader.RowSink} that takes rows where they were decoded, without boxing
 * them into arrays: {@link io.lakestream.reader.RangeReader#fetch} hands such sinks row {@code row}
 * of a {@link ColumnBatch} instead of a new {@code Object[]}.
 */
public interface ColumnBatchSink {
  /**
   * One row: slots as in {@link io.lakestream.reader.RowSink#accept}, values as the batch holds
   * them. The batch stays valid after the call.
   */
  void accept(ColumnBatch batch, int row) throws IOException;
}

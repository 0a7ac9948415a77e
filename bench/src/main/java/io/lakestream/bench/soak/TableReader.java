package io.lakestream.bench.soak;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads the soak's tables with Delta Kernel, an implementation of Delta independent of the
 * writer's: the {@code body} of every row of a table's latest snapshot, with the file it is in.
 */
final class TableReader {
  private final Engine engine = DefaultEngine.create(new Configuration());

  /** The latest version of the table. */
  long version(String tablePath) {
    return snapshot(tablePath).getVersion();
  }

  /** The table's recorded watermark for a source partition ({@code otlp_logs-3}), or empty. */
  Optional<Long> transactionVersion(String tablePath, String appId) {
    return snapshot(tablePath).getLatestTransactionVersion(engine, appId);
  }

  /** Calls {@code row} with (body, data file path) for every row of the latest snapshot. */
  void forEachBody(String tablePath, BiConsumer<String, String> row) {
    Snapshot snapshot = snapshot(tablePath);
    StructType bodyOnly = new StructType().add("body", StringType.STRING, true);
    Scan scan = snapshot.getScanBuilder().withReadSchema(bodyOnly).build();
    Row scanState = scan.getScanState(engine);
    StructType physicalSchema = ScanStateRow.getPhysicalDataReadSchema(scanState);
    try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
      while (files.hasNext()) {
        try (CloseableIterator<Row> fileRows = files.next().getRows()) {
          while (fileRows.hasNext()) {
            Row scanFile = fileRows.next();
            FileStatus status = InternalScanFileUtils.getAddFileStatus(scanFile);
            CloseableIterator<ColumnarBatch> physical =
                engine
                    .getParquetHandler()
                    .readParquetFiles(singleton(status), physicalSchema, Optional.empty())
                    .map(FileReadResult::getData);
            try (CloseableIterator<FilteredColumnarBatch> data =
                Scan.transformPhysicalData(engine, scanState, scanFile, physical)) {
              while (data.hasNext()) {
                FilteredColumnarBatch batch = data.next();
                ColumnarBatch columns = batch.getData();
                ColumnVector body = columns.getColumnVector(0);
                Optional<ColumnVector> selection = batch.getSelectionVector();
                for (int i = 0; i < columns.getSize(); i++) {
                  if (selection.isPresent()
                      && (selection.get().isNullAt(i) || !selection.get().getBoolean(i))) {
                    continue;
                  }
                  row.accept(body.isNullAt(i) ? null : body.getString(i), status.getPath());
                }
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + tablePath, e);
    }
  }

  private Snapshot snapshot(String tablePath) {
    return TableManager.loadSnapshot(tablePath).build(engine);
  }

  private static <T> CloseableIterator<T> singleton(T value) {
    return new CloseableIterator<>() {
      private boolean done;

      @Override
      public boolean hasNext() {
        return !done;
      }

      @Override
      public T next() {
        done = true;
        return value;
      }

      @Override
      public void close() {}
    };
  }
}

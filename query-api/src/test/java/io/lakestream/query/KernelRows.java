package io.lakestream.query;

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
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads a table's latest snapshot with Delta Kernel, an independent Delta implementation, to check
 * that tables the tests write as other tools do are valid Delta tables whose values Kernel reads as
 * we do. Rows as text: the scalar columns asked for, {@code name=value} joined by commas
 * (timestamps as Kernel's microseconds).
 */
final class KernelRows {
  private final Engine engine;

  KernelRows(Configuration conf) {
    this.engine = DefaultEngine.create(conf);
  }

  /** The table's version as Kernel sees it. */
  long version(String tablePath) {
    return TableManager.loadSnapshot(tablePath).build(engine).getVersion();
  }

  /** The latest txn version of {@code appId} ({@code <topic>-<partition>}); empty when none. */
  Optional<Long> transactionVersion(String tablePath, String appId) {
    return TableManager.loadSnapshot(tablePath)
        .build(engine)
        .getLatestTransactionVersion(engine, appId);
  }

  /** The names of the latest snapshot's data files, sorted. */
  List<String> fileNames(String tablePath) {
    Snapshot snapshot = TableManager.loadSnapshot(tablePath).build(engine);
    List<String> names = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> files =
        snapshot.getScanBuilder().build().getScanFiles(engine)) {
      while (files.hasNext()) {
        try (CloseableIterator<Row> fileRows = files.next().getRows()) {
          while (fileRows.hasNext()) {
            String path = InternalScanFileUtils.getAddFileStatus(fileRows.next()).getPath();
            names.add(path.substring(path.lastIndexOf('/') + 1));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    names.sort(null);
    return names;
  }

  /** Every row of the latest snapshot, in file order, as text of {@code columns}. */
  List<String> rows(String tablePath, List<String> columns) {
    Snapshot snapshot = TableManager.loadSnapshot(tablePath).build(engine);
    Scan scan = snapshot.getScanBuilder().build();
    Row scanState = scan.getScanState(engine);
    StructType physicalSchema = ScanStateRow.getPhysicalDataReadSchema(scanState);
    List<String> rows = new ArrayList<>();
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
                addRows(data.next(), columns, rows);
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  private static void addRows(
      FilteredColumnarBatch batch, List<String> columns, List<String> rows) {
    ColumnarBatch data = batch.getData();
    Optional<ColumnVector> selection = batch.getSelectionVector();
    for (int row = 0; row < data.getSize(); row++) {
      if (selection.isPresent()
          && (selection.get().isNullAt(row) || !selection.get().getBoolean(row))) {
        continue;
      }
      List<String> values = new ArrayList<>();
      for (String column : columns) {
        ColumnVector vector = data.getColumnVector(data.getSchema().indexOf(column));
        values.add(column + "=" + value(vector, row));
      }
      rows.add(String.join(",", values));
    }
  }

  private static Object value(ColumnVector vector, int row) {
    if (vector.isNullAt(row)) {
      return null;
    }
    var type = vector.getDataType();
    if (type instanceof StringType) {
      return vector.getString(row);
    } else if (type instanceof LongType || type instanceof TimestampType) {
      return vector.getLong(row);
    } else if (type instanceof DoubleType) {
      return vector.getDouble(row);
    } else if (type instanceof BooleanType) {
      return vector.getBoolean(row);
    }
    throw new IllegalArgumentException("not a scalar column: " + type);
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

package io.lakestream.writer;

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
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads what the writer wrote with Delta Kernel, an independent Delta implementation: the rows of
 * the latest snapshot (scalar columns), and transaction versions.
 */
public final class KernelReader {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private final Engine engine;

  public KernelReader(Configuration conf) {
    this.engine = DefaultEngine.create(conf);
  }

  public Snapshot snapshot(String tablePath) {
    return TableManager.loadSnapshot(tablePath).build(engine);
  }

  /** Every row of the table's latest snapshot; arrays and binaries are left out. */
  public List<Map<String, Object>> rows(String tablePath) {
    return rows(snapshot(tablePath));
  }

  /** Every row of the table at {@code version}; arrays and binaries are left out. */
  public List<Map<String, Object>> rows(String tablePath, long version) {
    return rows(TableManager.loadSnapshot(tablePath).atVersion(version).build(engine));
  }

  /** Every row of {@code snapshot}; arrays and binaries are left out. */
  public List<Map<String, Object>> rows(Snapshot snapshot) {
    Scan scan = snapshot.getScanBuilder().build();
    Row scanState = scan.getScanState(engine);
    StructType physicalSchema = ScanStateRow.getPhysicalDataReadSchema(scanState);
    List<Map<String, Object>> rows = new ArrayList<>();
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
                addRows(data.next(), rows);
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

  /**
   * The table's row count from the AddFile statistics alone (no data file is read), and checks on
   * the way that every file has a stats string with numRecords.
   */
  public long rowCountFromStats(String tablePath) {
    long[] rows = {0};
    forEachAddFile(
        tablePath,
        add -> {
          String stats = add.getString(InternalScanFileUtils.ADD_FILE_STATS_ORDINAL);
          try {
            rows[0] += JSON.readTree(stats).get("numRecords").asLong();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    return rows[0];
  }

  /** The paths of the table's data files, as its AddFiles record them. */
  public java.util.Set<String> filePaths(String tablePath) {
    java.util.Set<String> paths = new java.util.TreeSet<>();
    forEachAddFile(tablePath, add -> paths.add(add.getString(add.getSchema().indexOf("path"))));
    return paths;
  }

  /** Calls {@code action} with the AddFile of every live data file of the table's snapshot. */
  private void forEachAddFile(String tablePath, java.util.function.Consumer<Row> action) {
    Scan scan = snapshot(tablePath).getScanBuilder().build();
    try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine, true)) {
      while (files.hasNext()) {
        try (CloseableIterator<Row> fileRows = files.next().getRows()) {
          while (fileRows.hasNext()) {
            action.accept(fileRows.next().getStruct(InternalScanFileUtils.ADD_FILE_ORDINAL));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The table's recorded version for a source partition, or empty. */
  public Optional<Long> transactionVersion(String tablePath, String appId) {
    return snapshot(tablePath).getLatestTransactionVersion(engine, appId);
  }

  private static void addRows(FilteredColumnarBatch batch, List<Map<String, Object>> rows) {
    ColumnarBatch data = batch.getData();
    Optional<ColumnVector> selection = batch.getSelectionVector();
    StructType schema = data.getSchema();
    for (int row = 0; row < data.getSize(); row++) {
      if (selection.isPresent()
          && (selection.get().isNullAt(row) || !selection.get().getBoolean(row))) {
        continue;
      }
      Map<String, Object> values = new LinkedHashMap<>();
      for (int column = 0; column < schema.length(); column++) {
        StructField field = schema.at(column);
        ColumnVector vector = data.getColumnVector(column);
        values.put(field.getName(), value(vector, row));
      }
      rows.add(values);
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
    } else if (type instanceof IntegerType || type instanceof DateType) {
      return vector.getInt(row);
    } else if (type instanceof DoubleType) {
      return vector.getDouble(row);
    } else if (type instanceof BooleanType) {
      return vector.getBoolean(row);
    }
    return "<" + type + ">";
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

package io.lakestream.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.kernel.Scan;
import io.delta.kernel.ScanBuilder;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads Delta tables with Delta Kernel, an implementation of Delta independent of the writer's
 * (Delta Standalone), so that tests and the soak check what was written as another engine sees it:
 * versions, transaction watermarks, data files, and rows of scalar columns (strings, longs and
 * timestamps as Kernel's microseconds, ints and dates, doubles, booleans; other types as {@code
 * <type>}).
 */
public final class KernelTables {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Engine engine;

  /**
   * @param conf the Hadoop configuration of the warehouse (S3 credentials, endpoint)
   */
  public KernelTables(Configuration conf) {
    this.engine = DefaultEngine.create(conf);
  }

  /** The table's latest snapshot. */
  public Snapshot snapshot(String tablePath) {
    return TableManager.loadSnapshot(tablePath).build(engine);
  }

  /** The table's latest version. */
  public long version(String tablePath) {
    return snapshot(tablePath).getVersion();
  }

  /** The table's recorded txn version for {@code appId} (a source partition), or empty. */
  public Optional<Long> transactionVersion(String tablePath, String appId) {
    return snapshot(tablePath).getLatestTransactionVersion(engine, appId);
  }

  /** Every row of the table's latest snapshot. */
  public List<Map<String, Object>> rows(String tablePath) {
    return rows(snapshot(tablePath));
  }

  /** Every row of the table at {@code version}. */
  public List<Map<String, Object>> rows(String tablePath, long version) {
    return rows(TableManager.loadSnapshot(tablePath).atVersion(version).build(engine));
  }

  /** Every row of {@code snapshot}. */
  public List<Map<String, Object>> rows(Snapshot snapshot) {
    List<Map<String, Object>> rows = new ArrayList<>();
    forEachRow(snapshot, null, (row, file) -> rows.add(row));
    return rows;
  }

  /**
   * Every row of the table's latest snapshot, file by file, as text: {@code column=value} of each
   * of {@code columns}, joined by commas.
   */
  public List<String> rowsAsText(String tablePath, List<String> columns) {
    List<String> rows = new ArrayList<>();
    forEachRow(
        snapshot(tablePath),
        columns,
        (row, file) -> {
          List<String> values = new ArrayList<>();
          row.forEach((column, value) -> values.add(column + "=" + value));
          rows.add(String.join(",", values));
        });
    return rows;
  }

  /**
   * Calls {@code action} with each row of {@code snapshot} (only {@code columns}, in that order,
   * when not null) and the path of the data file it is in, file by file.
   */
  public void forEachRow(
      Snapshot snapshot, List<String> columns, BiConsumer<Map<String, Object>, String> action) {
    ScanBuilder builder = snapshot.getScanBuilder();
    if (columns != null) {
      StructType schema = snapshot.getSchema();
      StructType read = new StructType();
      for (String column : columns) {
        read = read.add(schema.get(column));
      }
      builder = builder.withReadSchema(read);
    }
    Scan scan = builder.build();
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
                visit(data.next(), status.getPath(), action);
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + snapshot, e);
    }
  }

  /**
   * The table's row count from the AddFile statistics alone (no data file is read); fails when a
   * file has no {@code numRecords} statistic.
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

  /** The paths of the table's live data files, as their AddFiles record them, sorted. */
  public Set<String> filePaths(String tablePath) {
    Set<String> paths = new TreeSet<>();
    forEachAddFile(tablePath, add -> paths.add(add.getString(add.getSchema().indexOf("path"))));
    return paths;
  }

  /** The names (last path segment) of the table's live data files, sorted. */
  public List<String> fileNames(String tablePath) {
    List<String> names = new ArrayList<>();
    for (String path : filePaths(tablePath)) {
      names.add(path.substring(path.lastIndexOf('/') + 1));
    }
    names.sort(null);
    return names;
  }

  private void forEachAddFile(String tablePath, Consumer<Row> action) {
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
      throw new UncheckedIOException("Cannot list the files of " + tablePath, e);
    }
  }

  private static void visit(
      FilteredColumnarBatch batch, String file, BiConsumer<Map<String, Object>, String> action) {
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
        values.put(field.getName(), value(data.getColumnVector(column), row));
      }
      action.accept(values, file);
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
    } else if (type instanceof io.delta.kernel.types.FloatType) {
      return vector.getFloat(row);
    } else if (type instanceof io.delta.kernel.types.BinaryType) {
      return java.util.HexFormat.of().formatHex(vector.getBinary(row));
    } else if (type instanceof io.delta.kernel.types.ArrayType) {
      var array = vector.getArray(row);
      List<Object> elements = new ArrayList<>();
      for (int i = 0; i < array.getSize(); i++) {
        elements.add(value(array.getElements(), i));
      }
      return elements;
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

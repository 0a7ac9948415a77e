package io.lakestream.maintenance;

import io.lakestream.schema.TableDefinition;
import io.lakestream.storage.S3Settings;
import io.lakestream.testkit.KernelTables;
import io.lakestream.writer.KeyModelEncoder;
import io.lakestream.writer.TestRows;
import io.lakestream.writer.internal.DataFile;
import io.lakestream.writer.internal.DataFileWriter;
import io.lakestream.writer.internal.DeltaTables;
import io.lakestream.writer.internal.StandaloneDeltaTables;
import io.lakestream.writer.internal.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.fs.Path;

/**
 * A Delta table filled the way the writer fills it, one small file per flush: a Parquet file by the
 * writer's {@link DataFileWriter} and one commit through the writer's {@link DeltaTables} with a
 * txn watermark. Remembers which ids each version added, so that a read can be checked against
 * exactly the rows committed up to some version. One thread appends at a time.
 */
final class SmallFileTable {
  static final String APP_ID = "lakestream.ingest.test-0";

  private final Warehouse warehouse;
  private final TableDefinition table;
  private final String project;
  private final DeltaTables.Table delta;
  private final DataFileWriter files;
  private final KernelTables kernel;
  private final ConcurrentSkipListMap<Long, List<String>> idsByVersion =
      new ConcurrentSkipListMap<>();
  private long offset;

  SmallFileTable(URI warehouseUri, S3Settings s3, TableDefinition table, String project) {
    this.warehouse = Warehouse.of(warehouseUri, s3);
    this.table = table;
    this.project = project;
    this.delta = new StandaloneDeltaTables(warehouse, 10, Duration.ofDays(30)).open(project, table);
    this.files =
        new DataFileWriter(table, warehouse.hadoopConf(), "zstd", KeyModelEncoder.learned());
    this.kernel = new KernelTables(warehouse.hadoopConf());
  }

  String project() {
    return project;
  }

  TableDefinition table() {
    return table;
  }

  Warehouse warehouse() {
    return warehouse;
  }

  KernelTables kernel() {
    return kernel;
  }

  String path() {
    return delta.path();
  }

  Path root() {
    return new Path(delta.path());
  }

  /** Appends one file holding {@code rows} rows with keys from {@code firstKey}, every 3rd key. */
  long append(int flush, long firstKey, int rows) {
    long[] keys = new long[rows];
    List<GenericRecord> records = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      keys[i] = firstKey + 3L * i;
      String id = "f" + flush + "-r" + i;
      ids.add(id);
      records.add(TestRows.row(table, project, keys[i], id));
    }
    try {
      DataFile file = files.write(root(), files.newFileName(), records.iterator(), keys);
      long sourceOffset = offset++;
      DeltaTables.CommitOutcome outcome =
          delta.commit(
              List.of(file),
              Map.of(APP_ID, new DeltaTables.SourceRange(sourceOffset, sourceOffset)));
      if (!(outcome instanceof DeltaTables.Committed committed)) {
        throw new IllegalStateException("append not committed: " + outcome);
      }
      idsByVersion.put(committed.version(), ids);
      return committed.version();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Appends {@code files} files of {@code rows} rows in one commit (file {@code f} from key {@code
   * 100 f}, as {@link #append} would write them one by one): a quick way to many small files.
   */
  long appendInOneCommit(int files, int rows) {
    List<DataFile> written = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    try {
      for (int flush = 0; flush < files; flush++) {
        long[] keys = new long[rows];
        List<GenericRecord> records = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
          keys[i] = 100L * flush + 3L * i;
          String id = "f" + flush + "-r" + i;
          ids.add(id);
          records.add(TestRows.row(table, project, keys[i], id));
        }
        written.add(this.files.write(root(), this.files.newFileName(), records.iterator(), keys));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long sourceOffset = offset++;
    DeltaTables.CommitOutcome outcome =
        delta.commit(
            written, Map.of(APP_ID, new DeltaTables.SourceRange(sourceOffset, sourceOffset)));
    if (!(outcome instanceof DeltaTables.Committed committed)) {
      throw new IllegalStateException("append not committed: " + outcome);
    }
    idsByVersion.put(committed.version(), ids);
    return committed.version();
  }

  /**
   * Appends the rows {@link #appendInOneCommit} would write, all in one file sorted by key: the
   * same table as one file.
   */
  long appendAsOneFile(int fileCount, int rows) {
    List<long[]> keyed = new ArrayList<>();
    for (int flush = 0; flush < fileCount; flush++) {
      for (int i = 0; i < rows; i++) {
        keyed.add(new long[] {100L * flush + 3L * i, flush, i});
      }
    }
    keyed.sort(java.util.Comparator.comparingLong((long[] k) -> k[0]));
    long[] keys = new long[keyed.size()];
    List<GenericRecord> records = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int n = 0; n < keys.length; n++) {
      long[] k = keyed.get(n);
      keys[n] = k[0];
      String id = "f" + k[1] + "-r" + k[2];
      ids.add(id);
      records.add(TestRows.row(table, project, k[0], id));
    }
    try {
      DataFile file = files.write(root(), files.newFileName(), records.iterator(), keys);
      long sourceOffset = offset++;
      DeltaTables.CommitOutcome outcome =
          delta.commit(
              List.of(file),
              Map.of(APP_ID, new DeltaTables.SourceRange(sourceOffset, sourceOffset)));
      if (!(outcome instanceof DeltaTables.Committed committed)) {
        throw new IllegalStateException("append not committed: " + outcome);
      }
      idsByVersion.put(committed.version(), ids);
      return committed.version();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The ids committed at or before {@code version}. */
  Set<String> idsUpTo(long version) {
    Set<String> ids = new TreeSet<>();
    idsByVersion.headMap(version, true).values().forEach(ids::addAll);
    return ids;
  }

  /** Every id committed so far. */
  Set<String> allIds() {
    return idsUpTo(Long.MAX_VALUE);
  }

  /** The ids of the table's rows at its latest version, as Delta Kernel reads them. */
  List<String> readIds() {
    return ids(kernel.rows(path()));
  }

  /** The ids of the table's rows at {@code version}, as Delta Kernel reads them. */
  List<String> readIds(long version) {
    return ids(kernel.rows(path(), version));
  }

  private List<String> ids(List<Map<String, Object>> rows) {
    String column = TestRows.idColumn(table);
    return rows.stream().map(row -> (String) row.get(column)).toList();
  }

  /** The table's latest version as Delta Kernel reads it. */
  long version() {
    return kernel.snapshot(path()).getVersion();
  }

  /** The source watermark as Delta Kernel reads it. */
  long watermark() {
    return kernel.transactionVersion(path(), APP_ID).orElse(-1L);
  }

  /** The live data files as Delta Kernel lists them. */
  Set<String> livePaths() {
    return kernel.filePaths(path());
  }
}

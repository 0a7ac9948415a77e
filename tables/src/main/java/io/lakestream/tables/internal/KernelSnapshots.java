package io.lakestream.tables.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.defaults.engine.hadoopio.HadoopFileIO;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.MetricsReporter;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.ScanImpl;
import io.delta.kernel.internal.util.VectorUtils;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.lakestream.tables.DeltaLogReader.LogFile;
import io.lakestream.tables.DeltaLogReader.LogSnapshot;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

/**
 * The latest snapshot of a table's log (version, live files, commit time) read with Delta Kernel.
 * Loading a table with Delta Standalone costs about 10 ms of set-up and parsing, most of it
 * Hadoop's {@code core-default.xml} read again for every checkpoint (its Parquet reader makes a
 * {@code new Configuration()} each time, whatever configuration it is given): a sidecar starting
 * with 1,000 tables spent seconds there (benchmarks.md). Kernel reads checkpoints with the
 * configuration it is given, and keeps no per-table object.
 */
final class KernelSnapshots {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final StructType ADD =
      (StructType) InternalScanFileUtils.SCAN_FILE_SCHEMA_WITH_STATS.get("add").getDataType();
  private static final int PATH = ADD.indexOf("path");
  private static final int SIZE = ADD.indexOf("size");
  private static final int MODIFICATION_TIME = ADD.indexOf("modificationTime");
  private static final int STATS = ADD.indexOf("stats");
  private static final int TAGS = ADD.indexOf("tags");

  private final Configuration conf;
  private final Engine engine;

  KernelSnapshots(Configuration conf) {
    this.conf = requireNonNull(conf, "conf is null");
    this.engine = new UnreportedEngine(conf);
  }

  /**
   * Kernel's default engine without its metrics reporter, which serializes a JSON report of every
   * snapshot and scan (about 6 % of a table's load) to log it at INFO, a level Lakestream's logs
   * leave out for {@code io.delta}.
   */
  private static final class UnreportedEngine extends DefaultEngine {
    UnreportedEngine(Configuration conf) {
      super(new HadoopFileIO(conf));
    }

    @Override
    public List<MetricsReporter> getMetricsReporters() {
      return List.of();
    }
  }

  /**
   * The latest snapshot of the table at {@code tablePath}, without transaction versions; version -1
   * when the table has no commit yet.
   *
   * @throws RuntimeException when the log cannot be read
   */
  LogSnapshot latest(Path tablePath) {
    Snapshot snapshot;
    try {
      snapshot = TableManager.loadSnapshot(tablePath.toString()).build(engine);
    } catch (TableNotFoundException e) {
      return new LogSnapshot(-1, 0, List.of(), Map.of());
    }
    long version = snapshot.getVersion();
    return new LogSnapshot(
        version, commitTimestamp(tablePath, version), liveFiles(snapshot), Map.of());
  }

  private List<LogFile> liveFiles(Snapshot snapshot) {
    Scan scan = snapshot.getScanBuilder().build();
    List<LogFile> files = new ArrayList<>();
    // with the AddFiles' statistics, which a scan without a filter leaves out
    try (CloseableIterator<FilteredColumnarBatch> batches =
        ((ScanImpl) scan).getScanFiles(engine, true)) {
      while (batches.hasNext()) {
        try (CloseableIterator<Row> rows = batches.next().getRows()) {
          while (rows.hasNext()) {
            files.add(toLogFile(rows.next().getStruct(InternalScanFileUtils.ADD_FILE_ORDINAL)));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read the live files of " + snapshot.getPath() + ": " + e.getMessage(), e);
    }
    return files;
  }

  private static LogFile toLogFile(Row add) {
    Map<String, String> tags = add.isNullAt(TAGS) ? null : VectorUtils.toJavaMap(add.getMap(TAGS));
    return new LogFile(
        add.getString(PATH),
        add.getLong(SIZE),
        add.getLong(MODIFICATION_TIME),
        add.isNullAt(STATS) ? null : add.getString(STATS),
        tags);
  }

  /**
   * The timestamp of the commitInfo of commit {@code version}, as Standalone's {@code
   * getCommitInfoAt} gives it; 0 when the commit has none or its file is gone (once a checkpoint
   * covers it).
   */
  private long commitTimestamp(Path tablePath, long version) {
    Path commit = new Path(new Path(tablePath, "_delta_log"), String.format("%020d.json", version));
    try (FSDataInputStream in = commit.getFileSystem(conf).open(commit);
        BufferedReader lines =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        JsonNode info = JSON.readTree(line).get("commitInfo");
        if (info != null) {
          JsonNode timestamp = info.get("timestamp");
          return timestamp == null || !timestamp.canConvertToLong() ? 0 : timestamp.asLong();
        }
      }
      return 0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}

package io.lakestream.query;

import io.delta.standalone.DeltaLog;
import io.delta.standalone.Operation;
import io.delta.standalone.OptimisticTransaction;
import io.delta.standalone.actions.Action;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.actions.Metadata;
import io.lakestream.index.KeyModel;
import io.lakestream.query.internal.HadoopStorage;
import io.lakestream.reader.TableId;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.convert.AvroSchemas;
import io.lakestream.schema.convert.DeltaSchemas;
import io.lakestream.tables.internal.FileIndexer;
import io.lakestream.writer.internal.DataFileWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;

/**
 * Writes Lakestream tables the way the writer does, for tests and benchmarks: Parquet files sorted
 * by the primary key (parquet-avro, three-level lists, small pages, page index), AddFiles with
 * statistics (quoted, delta-io/connectors#380) and the key model tag, commits with Delta
 * Standalone; and compaction commits that remove files and add their merge.
 *
 * <p>Keeps a model of every live file's rows so tests can compute the rows a read must return.
 */
public final class DeltaFixture {
  private final Configuration conf;
  private final Path root;
  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  private final Map<TableId, Table> tables = new HashMap<>();
  private int pageRows = 100;
  private boolean keepRows = true;
  private boolean dictionary = true;
  private long rowGroupBytes = 8L << 20;

  private DeltaFixture(Configuration conf, Path root) {
    this.conf = new Configuration(conf);
    this.conf.setBoolean(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, false);
    this.root = root;
  }

  /** A fixture writing the warehouse of {@code config} (file:// or s3://). */
  public static DeltaFixture of(QueryConfig config) {
    HadoopStorage storage = HadoopStorage.of(config);
    Configuration conf = new Configuration(storage.conf());
    if (!config.warehouseOnS3()) {
      // As the writer writes: no .crc side files. Not cached, so that the JVM-wide cached
      // LocalFileSystem (which s3a needs) stays the default one.
      conf.set("fs.file.impl", org.apache.hadoop.fs.RawLocalFileSystem.class.getName());
      conf.setBoolean("fs.file.impl.disable.cache", true);
    }
    return new DeltaFixture(conf, storage.root());
  }

  /** How the fixture reaches the warehouse (as the writer does: no checksum side files). */
  public Configuration conf() {
    return conf;
  }

  /** Rows per Parquet page (default 100). */
  public DeltaFixture pageRows(int pageRows) {
    this.pageRows = pageRows;
    return this;
  }

  /** Whether Parquet dictionary encoding is on (default true, as the writer has it). */
  public DeltaFixture dictionary(boolean dictionary) {
    this.dictionary = dictionary;
    return this;
  }

  /** Whether files remember their rows (default true); benchmarks writing millions do not. */
  public DeltaFixture keepRows(boolean keepRows) {
    this.keepRows = keepRows;
    return this;
  }

  /** Row group size in bytes (default 8 MiB); small values give several row groups per file. */
  public DeltaFixture rowGroupBytes(long rowGroupBytes) {
    this.rowGroupBytes = rowGroupBytes;
    return this;
  }

  /** The table of a project, created by its first commit. */
  public Table table(String project, TableDefinition definition) {
    return tables.computeIfAbsent(
        new TableId(project, definition.name()), id -> new Table(id, definition));
  }

  /**
   * A data file written by the fixture, with its keys and (unless not kept) rows in file order.
   *
   * @param withModel whether its AddFile carries the key model tag
   * @param withStats whether its AddFile carries statistics (other Delta tools may write none)
   */
  public record WrittenFile(
      String path,
      long size,
      long modificationTime,
      long[] keys,
      List<GenericRecord> rows,
      boolean withModel,
      boolean withStats) {}

  /** One table: write files, commit, compact; and the rows it holds. */
  public final class Table {
    private final TableId id;
    private final TableDefinition definition;
    private final Path path;
    private final TestRows keys;
    private final Map<String, WrittenFile> live = new LinkedHashMap<>();

    Table(TableId id, TableDefinition definition) {
      this.id = id;
      this.definition = definition;
      this.path = new Path(new Path(new Path(root, "projects"), id.project()), id.table());
      this.keys = new TestRows(definition, 0);
    }

    public TableId id() {
      return id;
    }

    public TableDefinition definition() {
      return definition;
    }

    /** The table folder. */
    public Path path() {
      return path;
    }

    /** Writes {@code rows} (sorted here, stably, by key) as one file, commits it. */
    public long append(List<GenericRecord> rows, boolean withModel) {
      return commit(List.of(write(rows, withModel)), List.of());
    }

    /** Writes one data file without committing it. */
    public WrittenFile write(List<GenericRecord> rows, boolean withModel) {
      List<GenericRecord> sorted = new ArrayList<>(rows);
      sorted.sort(Comparator.comparingLong(keys::key));
      String name = "part-" + UUID.randomUUID() + ".zstd.parquet";
      Path file = new Path(path, name);
      try (ParquetWriter<GenericRecord> writer =
          DataFileWriter.withBloomFilters(
                  AvroParquetWriter.<GenericRecord>builder(HadoopOutputFile.fromPath(file, conf)),
                  definition,
                  sorted.size())
              .withSchema(AvroSchemas.rowSchema(definition))
              .withDataModel(GenericData.get())
              .withConf(conf)
              .withWriteMode(ParquetFileWriter.Mode.CREATE)
              .withCompressionCodec(CompressionCodecName.ZSTD)
              .withRowGroupSize(rowGroupBytes)
              .withPageSize(64 * 1024)
              .withPageRowCountLimit(pageRows)
              .withDictionaryEncoding(dictionary)
              .build()) {
        for (GenericRecord row : sorted) {
          writer.write(row);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
      try {
        FileSystem fs = file.getFileSystem(conf);
        long size = fs.getFileStatus(file).getLen();
        long[] sortedKeys = sorted.stream().mapToLong(keys::key).toArray();
        return new WrittenFile(
            name,
            size,
            clock.incrementAndGet(),
            sortedKeys,
            keepRows ? List.copyOf(sorted) : List.of(),
            withModel,
            true);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Commits added and removed files in one Delta commit; returns its version. */
    public long commit(List<WrittenFile> added, List<WrittenFile> removed) {
      DeltaLog log = DeltaLog.forTable(conf, path);
      OptimisticTransaction txn = log.startTransaction();
      if (txn.readVersion() < 0) {
        txn.updateMetadata(
            Metadata.builder()
                .id(UUID.randomUUID().toString())
                .name(definition.name())
                .schema(DeltaSchemas.structType(definition))
                .build());
      }
      List<Action> actions = new ArrayList<>();
      long now = System.currentTimeMillis();
      for (WrittenFile file : removed) {
        actions.add(addFile(file).remove(now, false));
      }
      for (WrittenFile file : added) {
        actions.add(addFile(file));
      }
      Operation operation =
          new Operation(removed.isEmpty() ? Operation.Name.WRITE : Operation.Name.MANUAL_UPDATE);
      long version = txn.commit(actions, operation, "lakestream-query-tests").getVersion();
      for (WrittenFile file : removed) {
        live.remove(file.path());
      }
      for (WrittenFile file : added) {
        live.put(file.path(), file);
      }
      return version;
    }

    /** Replaces {@code files} by one file holding their rows merged by key; returns the version. */
    public long compact(List<WrittenFile> files) {
      List<WrittenFile> ordered = new ArrayList<>(files);
      ordered.sort(
          Comparator.comparingLong(WrittenFile::modificationTime).thenComparing(WrittenFile::path));
      List<GenericRecord> rows = new ArrayList<>();
      ordered.forEach(f -> rows.addAll(f.rows()));
      rows.sort(Comparator.comparingLong(keys::key)); // stable: keeps the serving order of ties
      return commit(List.of(write(rows, true)), files);
    }

    /**
     * A file another tool wrote into the table folder (not committed yet), with its rows in file
     * order: its AddFile will have neither the key model tag nor statistics, as Spark writes them.
     */
    public WrittenFile foreignFile(String name, List<GenericRecord> rowsInFileOrder) {
      Path file = new Path(path, name);
      try {
        long size = file.getFileSystem(conf).getFileStatus(file).getLen();
        return new WrittenFile(
            name,
            size,
            clock.incrementAndGet(),
            rowsInFileOrder.stream().mapToLong(keys::key).toArray(),
            List.copyOf(rowsInFileOrder),
            false,
            false);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private AddFile addFile(WrittenFile file) {
      long[] sortedKeys = file.keys();
      String stats =
          "{\"numRecords\":"
              + sortedKeys.length
              + ",\"minValues\":{},\"maxValues\":{},\"nullCount\":{}}";
      Map<String, String> tags = new HashMap<>();
      if (file.withModel()) {
        tags.put(FileIndexer.MODEL_TAG, KeyModel.build(sortedKeys).toTag());
      }
      return new AddFile(
          file.path(),
          Map.of(),
          file.size(),
          file.modificationTime(),
          true,
          file.withStats() ? quoted(stats) : null,
          tags.isEmpty() ? null : tags);
    }

    /** The live files, in commit order. */
    public List<WrittenFile> liveFiles() {
      return List.copyOf(live.values());
    }

    /** Every live row in serving order: by key, ties by file (older first), then row order. */
    public List<GenericRecord> expectedRows() {
      List<WrittenFile> files = new ArrayList<>(live.values());
      files.sort(
          Comparator.comparingLong(WrittenFile::modificationTime).thenComparing(WrittenFile::path));
      List<GenericRecord> rows = new ArrayList<>();
      files.forEach(f -> rows.addAll(f.rows()));
      rows.sort(Comparator.comparingLong(keys::key));
      return rows;
    }

    /** The key of a row. */
    public long key(GenericRecord row) {
      return keys.key(row);
    }
  }

  static String quoted(String json) {
    return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}

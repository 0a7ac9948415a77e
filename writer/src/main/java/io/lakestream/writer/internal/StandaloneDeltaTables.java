package io.lakestream.writer.internal;

import static java.util.Objects.requireNonNull;

import io.delta.standalone.CommitResult;
import io.delta.standalone.DeltaLog;
import io.delta.standalone.Operation;
import io.delta.standalone.OptimisticTransaction;
import io.delta.standalone.actions.Action;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.actions.Metadata;
import io.delta.standalone.actions.SetTransaction;
import io.delta.standalone.exceptions.DeltaConcurrentModificationException;
import io.delta.storage.LogStore;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.convert.DeltaSchemas;
import io.lakestream.writer.WriterErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * {@link DeltaTables} on Delta Standalone 3.3 (protocol 1/2).
 *
 * <p>New tables get the table type's schema ({@link DeltaSchemas#structType}) and the properties
 * {@code delta.checkpointInterval} and {@code delta.logRetentionDuration}; Standalone checkpoints
 * and cleans expired log entries after commits accordingly.
 *
 * <p>Works around delta-io/connectors#380: Standalone writes {@code AddFile.stats} into the log as
 * raw JSON text, so the stats are passed as a JSON string literal, which the log then holds as the
 * string Delta readers expect.
 */
public final class StandaloneDeltaTables implements DeltaTables {
  /** The engine named in every commit's {@code commitInfo}. */
  public static final String ENGINE_INFO = "Lakestream-writer/0.1.0";

  private final Warehouse warehouse;
  private final int checkpointInterval;
  private final Duration logRetention;

  /** The Delta schema of each table type, made once and shared by all its tables. */
  private final Map<TableDefinition, io.delta.standalone.types.StructType> schemas =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Map<String, LogStore> logStores = new java.util.concurrent.ConcurrentHashMap<>();

  public StandaloneDeltaTables(Warehouse warehouse, int checkpointInterval, Duration logRetention) {
    this.warehouse = requireNonNull(warehouse, "warehouse is null");
    this.checkpointInterval = checkpointInterval;
    this.logRetention = requireNonNull(logRetention, "logRetention is null");
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads nothing: the Delta log object is started on the first read or commit that needs it,
   * and a new table's first commit needs none ({@link FirstCommit}).
   */
  @Override
  public Table open(String project, TableDefinition definition) {
    Path path = warehouse.tablePath(project, definition.name());
    return new StandaloneTable(project, definition, path);
  }

  /**
   * The log store that commits to {@code path}'s file system (the one Standalone is configured
   * with, made once per scheme), or null when none is configured: then every commit goes through
   * Standalone.
   */
  private LogStore logStore(Path path) {
    String scheme = path.toUri().getScheme();
    String className = warehouse.hadoopConf().get("delta.logStore." + scheme + ".impl");
    if (className == null) {
      return null;
    }
    return logStores.computeIfAbsent(
        scheme,
        s -> {
          try {
            return (LogStore)
                Class.forName(className)
                    .getConstructor(Configuration.class)
                    .newInstance(warehouse.hadoopConf());
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot make the log store " + className, e);
          }
        });
  }

  /** The configuration of a new table. */
  Map<String, String> tableProperties() {
    return Map.of(
        "delta.checkpointInterval",
        Integer.toString(checkpointInterval),
        "delta.logRetentionDuration",
        "interval " + logRetention.toHours() + " hours");
  }

  private final class StandaloneTable implements Table {
    private final String project;
    private final TableDefinition definition;
    private final String path;
    private final Path hadoopPath;
    private DeltaLog log; // started when first needed, by the table's flush (one at a time)
    // Whether the table has no log yet, as last checked; null: check again. A new table is read
    // and created without a Delta log object.
    private volatile Boolean isNew;
    // Set to null by refresh() from the poll thread while a flush thread may read it.
    private volatile OptimisticTransaction readView;

    StandaloneTable(String project, TableDefinition definition, Path path) {
      this.project = project;
      this.definition = definition;
      this.path = path.toString();
      this.hadoopPath = path;
    }

    private DeltaLog log() {
      if (log == null) {
        log = DeltaLog.forTable(warehouse.hadoopConf(), hadoopPath);
      }
      return log;
    }

    private boolean isNew() throws java.io.IOException {
      Boolean known = isNew;
      if (known == null) {
        known = FirstCommit.isNew(hadoopPath, warehouse.hadoopConf());
        isNew = known;
      }
      return known;
    }

    @Override
    public String project() {
      return project;
    }

    @Override
    public TableDefinition definition() {
      return definition;
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public long transactionVersion(String appId) {
      try {
        if (isNew()) {
          return -1;
        }
        OptimisticTransaction view = readView;
        if (view == null) {
          view = log().startTransaction();
          readView = view;
        }
        return view.txnVersion(appId);
      } catch (java.io.IOException | RuntimeException e) {
        readView = null;
        throw WriterErrors.deltaFailure("read", project, definition.name(), path, e);
      }
    }

    @Override
    public void refresh() {
      readView = null;
      isNew = null;
    }

    @Override
    public CommitOutcome commit(List<DataFile> files, Map<String, SourceRange> sources) {
      try {
        LogStore logStore = logStore(hadoopPath);
        if (logStore != null && isNew()) {
          try {
            FirstCommit.write(
                logStore,
                warehouse.hadoopConf(),
                hadoopPath,
                definition,
                schemas.computeIfAbsent(definition, DeltaSchemas::structType),
                tableProperties(),
                files,
                sources,
                ENGINE_INFO);
            isNew = false;
            return new Committed(0);
          } catch (java.nio.file.FileAlreadyExistsException e) {
            isNew = false; // another writer created it first: commit through its log
          } catch (java.io.IOException e) {
            isNew = null; // the outcome is unknown: the retry looks again
            throw WriterErrors.deltaFailure("create", project, definition.name(), path, e);
          }
        }
        OptimisticTransaction txn = log().startTransaction();
        Map<String, Long> current = new LinkedHashMap<>();
        boolean overlap = false;
        for (Map.Entry<String, SourceRange> source : sources.entrySet()) {
          long version = txn.txnVersion(source.getKey());
          current.put(source.getKey(), version);
          overlap |= version >= source.getValue().first();
        }
        if (overlap) {
          return new Conflict(current, "the table already holds some of these source offsets");
        }
        List<Action> actions = new ArrayList<>();
        if (txn.readVersion() < 0) {
          txn.updateMetadata(newTableMetadata());
        }
        long now = System.currentTimeMillis();
        for (DataFile file : files) {
          actions.add(
              new AddFile(
                  file.path(),
                  Map.of(),
                  file.sizeBytes(),
                  file.modificationTime(),
                  true,
                  quotedJson(file.statsJson()),
                  file.tags()));
        }
        for (Map.Entry<String, SourceRange> source : sources.entrySet()) {
          actions.add(
              new SetTransaction(source.getKey(), source.getValue().last(), Optional.of(now)));
        }
        CommitResult result =
            txn.commit(
                actions,
                new Operation(Operation.Name.WRITE, Map.of("mode", "\"Append\"")),
                ENGINE_INFO);
        readView = null;
        return new Committed(result.getVersion());
      } catch (DeltaConcurrentModificationException e) {
        readView = null;
        isNew = null;
        Map<String, Long> current = new LinkedHashMap<>();
        for (String appId : sources.keySet()) {
          current.put(appId, transactionVersion(appId));
        }
        return new Conflict(current, e.getClass().getSimpleName() + ": " + e.getMessage());
      } catch (java.io.IOException | RuntimeException e) {
        readView = null;
        isNew = null;
        throw WriterErrors.deltaFailure("commit to", project, definition.name(), path, e);
      }
    }

    private Metadata newTableMetadata() {
      return Metadata.builder()
          .id(UUID.randomUUID().toString())
          .name(definition.name())
          .description(definition.description().isEmpty() ? null : definition.description())
          .schema(schemas.computeIfAbsent(definition, DeltaSchemas::structType))
          .partitionColumns(definition.partitionColumns())
          .configuration(tableProperties())
          .createdTime(System.currentTimeMillis())
          .build();
    }
  }

  /**
   * {@code {"a":1}} → {@code "{\"a\":1}"}: see the class comment. Public for maintenance, which
   * writes AddFiles of its own.
   */
  public static String quotedJson(String json) {
    StringBuilder quoted = new StringBuilder(json.length() + 16).append('"');
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (c < 0x20) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }
}

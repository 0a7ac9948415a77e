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

  public StandaloneDeltaTables(Warehouse warehouse, int checkpointInterval, Duration logRetention) {
    this.warehouse = requireNonNull(warehouse, "warehouse is null");
    this.checkpointInterval = checkpointInterval;
    this.logRetention = requireNonNull(logRetention, "logRetention is null");
  }

  @Override
  public Table open(String project, TableDefinition definition) {
    Path path = warehouse.tablePath(project, definition.name());
    try {
      DeltaLog log = DeltaLog.forTable(warehouse.hadoopConf(), path);
      return new StandaloneTable(project, definition, path.toString(), log);
    } catch (RuntimeException e) {
      throw WriterErrors.deltaFailure("open", project, definition.name(), path.toString(), e);
    }
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
    private final DeltaLog log;
    private OptimisticTransaction readView;

    StandaloneTable(String project, TableDefinition definition, String path, DeltaLog log) {
      this.project = project;
      this.definition = definition;
      this.path = path;
      this.log = log;
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
        if (readView == null) {
          readView = log.startTransaction();
        }
        return readView.txnVersion(appId);
      } catch (RuntimeException e) {
        readView = null;
        throw WriterErrors.deltaFailure("read", project, definition.name(), path, e);
      }
    }

    @Override
    public void refresh() {
      readView = null;
    }

    @Override
    public CommitOutcome commit(List<DataFile> files, Map<String, SourceRange> sources) {
      try {
        OptimisticTransaction txn = log.startTransaction();
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
        Map<String, Long> current = new LinkedHashMap<>();
        for (String appId : sources.keySet()) {
          current.put(appId, transactionVersion(appId));
        }
        return new Conflict(current, e.getClass().getSimpleName() + ": " + e.getMessage());
      } catch (RuntimeException e) {
        readView = null;
        throw WriterErrors.deltaFailure("commit to", project, definition.name(), path, e);
      }
    }

    private Metadata newTableMetadata() {
      return Metadata.builder()
          .id(UUID.randomUUID().toString())
          .name(definition.name())
          .description(definition.description().isEmpty() ? null : definition.description())
          .schema(DeltaSchemas.structType(definition))
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

package io.lakestream.sql.internal;

import io.lakestream.schema.Column;
import io.lakestream.schema.TableDefinition;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.duckdb.DuckDBConnection;

/**
 * The sidecar's one in-memory DuckDB database. It holds no table of its own: each statement gets a
 * connection of its own ({@link #lease}) whose temporary tables, visible to that connection only,
 * hold the rows the statement reads. Its configuration is set once and locked: no file, network or
 * extension access, a memory limit for all statements together, UTC time zone, {@code date_trunc}
 * of instants by arithmetic ({@link UtcTruncation}).
 *
 * <p>Connections are kept for the next statements: a connection holds every table type as an empty
 * temporary table, created and committed once; a statement runs in one transaction on it, and
 * {@link #giveBack} rolls that transaction back, which removes everything the statement created or
 * loaded (its rows' tables, views and Arrow streams) and restores the empty tables, before another
 * statement (of any project) may take the connection. A connection whose rollback fails is closed.
 */
public final class DuckDbDatabase implements AutoCloseable {
  /** The most idle connections kept. */
  private static final int MAX_IDLE = 8;

  /** The most databases reading files kept, besides this one. */
  private static final int MAX_FILE_DATABASES = 2;

  private final DuckDBConnection root;
  private final String memoryLimit;
  private final int threads;
  private final StatementCache cache = new StatementCache();
  private final FileSchemas fileSchemas;
  private final Deque<Idle> idle = new ArrayDeque<>();

  /** The databases that read files, by the files they may read; most recently used last. */
  private final Map<List<String>, DuckDbDatabase> fileDatabases =
      new java.util.LinkedHashMap<>(4, 0.75f, true);

  private boolean closed;

  /** An idle connection and the table types its empty tables were made for. */
  private record Idle(DuckDBConnection connection, Map<String, TableDefinition> tables) {}

  /**
   * Starts the database.
   *
   * @param memoryLimit DuckDB's {@code memory_limit}, e.g. {@code 2GB}
   * @param threads DuckDB's threads
   */
  public DuckDbDatabase(String memoryLimit, int threads) {
    this(memoryLimit, threads, List.of(), new FileSchemas());
  }

  /**
   * A database that may read exactly {@code paths} (none: no file at all): DuckDB 2.0's {@code
   * enable_external_access=false} with {@code allowed_paths} refuses any other file, a directory's
   * listing, and writes. One that reads files keeps their Parquet metadata between statements
   * ({@code enable_object_cache}) and makes its plans with statistics.
   */
  private DuckDbDatabase(
      String memoryLimit, int threads, List<String> paths, FileSchemas fileSchemas) {
    this.memoryLimit = memoryLimit;
    this.threads = threads;
    this.fileSchemas = fileSchemas;
    Properties properties = new Properties();
    if (!paths.isEmpty()) {
      properties.setProperty("allowed_paths", DuckDbSession.list(paths));
      properties.setProperty("enable_object_cache", "true");
    }
    properties.setProperty("enable_external_access", "false");
    properties.setProperty("autoinstall_known_extensions", "false");
    properties.setProperty("autoload_known_extensions", "false");
    properties.setProperty("allow_community_extensions", "false");
    properties.setProperty("memory_limit", memoryLimit);
    properties.setProperty("threads", Integer.toString(threads));
    properties.setProperty("jdbc_stream_results", "true");
    try {
      root = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
      try (Statement s = root.createStatement()) {
        s.execute("SET GLOBAL TimeZone = 'UTC'");
        // Errors carry DuckDB's error type and subtype, which SqlErrors classifies.
        s.execute("SET GLOBAL errors_as_json = true");
        if (paths.isEmpty()) {
          // The plan that says what a statement reads is made over empty tables: statistics
          // would tell the optimizer that they are empty and remove the scans.
          s.execute("SET GLOBAL disabled_optimizers = 'statistics_propagation'");
        }
        for (String macro : UtcTruncation.macros()) {
          s.execute(macro);
        }
        for (String statement : PostgresFunctions.statements()) {
          s.execute(statement);
        }
        // PostgreSQL's date_bin(stride, source, origin): the engine's time_bucket, same arguments
        s.execute(
            "CREATE MACRO main.date_bin(stride, source, origin) AS"
                + " time_bucket(stride, source, origin)");
        s.execute("SET GLOBAL lock_configuration = true");
      }
    } catch (SQLException e) {
      throw io.lakestream.sql.SqlErrors.engineDown("did not start", e);
    }
  }

  /**
   * A connection holding every one of {@code tables} as an empty temporary table and nothing else,
   * with auto-commit off (one transaction, begun by its first statement): an idle one made for the
   * same table types, or a new one. Give it back with {@link #giveBack}.
   */
  DuckDBConnection lease(Map<String, TableDefinition> tables) throws SQLException {
    synchronized (idle) {
      while (!idle.isEmpty()) {
        Idle kept = idle.pollLast();
        if (kept.tables().equals(tables)) {
          return kept.connection();
        }
        closeQuietly(kept.connection()); // made for table types since created or dropped
      }
    }
    DuckDBConnection connection = root.duplicate();
    try {
      connection.setAutoCommit(false);
      try (Statement s = connection.createStatement()) {
        for (TableDefinition table : tables.values()) {
          s.execute(
              DuckDbSession.createTable(
                  table.name(), table, table.columns().stream().map(Column::name).toList()));
        }
      }
      connection.commit();
      return connection;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  /**
   * Takes back a leased connection: its transaction is rolled back (every table, view and stream
   * the statement made goes, the empty tables come back), then it is kept for another statement, or
   * closed if it could not be rolled back, or when enough are kept.
   */
  void giveBack(DuckDBConnection connection, Map<String, TableDefinition> tables) {
    try {
      connection.rollback();
    } catch (SQLException | RuntimeException e) {
      closeQuietly(connection);
      return;
    }
    synchronized (idle) {
      if (!closed && idle.size() < MAX_IDLE) {
        idle.addLast(new Idle(connection, tables));
        return;
      }
    }
    closeQuietly(connection);
  }

  /**
   * A database like this one that may read exactly {@code paths} (and no other file), kept for the
   * next statements that read the same files: the {@value #MAX_FILE_DATABASES} most recently used
   * are kept, each with this database's memory limit. Its connections hold the table types as empty
   * temporary tables, as this one's do.
   */
  DuckDbDatabase readingFiles(List<String> paths) {
    List<String> key = List.copyOf(new java.util.TreeSet<>(paths));
    List<DuckDbDatabase> evicted = new java.util.ArrayList<>();
    DuckDbDatabase files;
    synchronized (fileDatabases) {
      files = fileDatabases.get(key);
      if (files == null) {
        files = new DuckDbDatabase(memoryLimit, threads, key, fileSchemas);
        fileDatabases.put(key, files);
        var oldest = fileDatabases.entrySet().iterator();
        while (fileDatabases.size() > MAX_FILE_DATABASES) {
          evicted.add(oldest.next().getValue());
          oldest.remove();
        }
      }
    }
    // Statements still running on an evicted database finish: their connections keep it open.
    evicted.forEach(DuckDbDatabase::close);
    return files;
  }

  /**
   * {@code sql} with its tables named without schema {@code public} (nor database {@code
   * lakestream}): the catalog shows every table in {@code public}, and tools name them so ({@code
   * SELECT * FROM public.events}, DBeaver's data view), where the engine knows no such schema. The
   * statement is written again from the engine's parse of it only when it names {@code public} at
   * all; unchanged when it cannot be parsed, for the engine's own error later.
   */
  public String withoutPublicSchema(String sql) {
    if (!PUBLIC.matcher(sql).find()) {
      return sql;
    }
    try (java.sql.Connection connection = root.duplicate();
        java.sql.PreparedStatement parse =
            connection.prepareStatement("SELECT json_serialize_sql(?)")) {
      parse.setString(1, sql);
      com.fasterxml.jackson.databind.JsonNode tree;
      try (java.sql.ResultSet rows = parse.executeQuery()) {
        rows.next();
        tree = JSON.readTree(rows.getString(1));
      }
      if (tree.path("error").asBoolean(false) || !unqualify(tree)) {
        return sql;
      }
      try (java.sql.PreparedStatement write =
          connection.prepareStatement("SELECT json_deserialize_sql(?::JSON)")) {
        write.setString(1, JSON.writeValueAsString(tree));
        try (java.sql.ResultSet rows = write.executeQuery()) {
          return rows.next() && rows.getString(1) != null ? rows.getString(1) : sql;
        }
      }
    } catch (SQLException | java.io.IOException e) {
      return sql;
    }
  }

  private static final java.util.regex.Pattern PUBLIC =
      java.util.regex.Pattern.compile("(?i)\"?\\bpublic\"?\\s*\\.");
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** Drops schema public (and database lakestream) from every table the parse names. */
  private static boolean unqualify(com.fasterxml.jackson.databind.JsonNode node) {
    boolean changed = false;
    if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object
        && object.path("type").asText().equals("BASE_TABLE")
        && object.path("schema_name").asText().equalsIgnoreCase("public")
        && (object.path("catalog_name").asText().isEmpty()
            || object.path("catalog_name").asText().equalsIgnoreCase("lakestream"))) {
      object.put("schema_name", "");
      object.put("catalog_name", "");
      object.putObject("qualified_name").putArray("path").add(object.path("table_name").asText());
      changed = true;
    }
    for (com.fasterxml.jackson.databind.JsonNode child : node) {
      changed |= unqualify(child);
    }
    return changed;
  }

  /** The schemas of the data files statements read, shared by this database and its others. */
  FileSchemas fileSchemas() {
    return fileSchemas;
  }

  /** What statements' texts decided, for the next statements with the same text. */
  StatementCache cache() {
    return cache;
  }

  /** Idle connections kept (for tests). */
  int idleConnections() {
    synchronized (idle) {
      return idle.size();
    }
  }

  @Override
  public void close() {
    List<DuckDbDatabase> files;
    synchronized (fileDatabases) {
      files = List.copyOf(fileDatabases.values());
      fileDatabases.clear();
    }
    files.forEach(DuckDbDatabase::close);
    synchronized (idle) {
      closed = true;
      idle.forEach(kept -> closeQuietly(kept.connection()));
      idle.clear();
    }
    closeQuietly(root);
  }

  static void closeQuietly(DuckDBConnection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      // in memory: nothing is left behind
    }
  }
}

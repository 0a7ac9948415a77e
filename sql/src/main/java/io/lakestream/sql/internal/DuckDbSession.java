package io.lakestream.sql.internal;

import io.lakestream.schema.Column;
import io.lakestream.schema.TableDefinition;
import io.lakestream.sql.QueryResult;
import io.lakestream.sql.SqlErrors;
import io.lakestream.sql.SqlException;
import io.lakestream.sql.TableScan;
import io.lakestream.sql.internal.ScanNeeds.TableNeed;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;

/**
 * One statement's in-memory DuckDB database: the project's tables, empty until the statement's plan
 * says which rows it needs, then filled with just those rows, then the statement itself. The
 * database holds nothing else and reaches no file or network (the configuration is locked before
 * the statement runs), so a statement reads the rows it was given and nothing more.
 */
public final class DuckDbSession {
  private final DuckDBConnection connection;
  private final Map<String, TableDefinition> tables;
  private final long maxRows;
  private final BufferAllocator allocator;
  private final int threads;
  private long rowsLoaded;

  private DuckDbSession(
      DuckDBConnection connection,
      Map<String, TableDefinition> tables,
      long maxRows,
      BufferAllocator allocator,
      int threads) {
    this.connection = connection;
    this.tables = tables;
    this.maxRows = maxRows;
    this.allocator = allocator;
    this.threads = threads;
  }

  /**
   * A new connection to {@code database} with every table type as an empty temporary table; the
   * rows loaded go through Arrow buffers of {@code allocator}; DuckDB's own reads of Parquet files
   * use {@code threads} threads.
   */
  public static DuckDbSession open(
      DuckDbDatabase database,
      Map<String, TableDefinition> tables,
      long maxRows,
      BufferAllocator allocator,
      int threads) {
    DuckDBConnection connection;
    try {
      connection = database.connect();
    } catch (SQLException e) {
      throw SqlErrors.engineDown("did not connect", e);
    }
    DuckDbSession session = new DuckDbSession(connection, tables, maxRows, allocator, threads);
    try {
      // One transaction: now() and current_timestamp are its start, the same in the plan read
      // for the key ranges and in the statement.
      connection.setAutoCommit(false);
      try (Statement s = connection.createStatement()) {
        for (TableDefinition table : tables.values()) {
          s.execute(
              createTable(
                  table.name(), table, table.columns().stream().map(Column::name).toList()));
        }
      }
      return session;
    } catch (SQLException e) {
      session.closeQuietly();
      throw SqlErrors.engineDown("did not start", e);
    }
  }

  /**
   * What the statement needs from each table, from the engine's plan of it over the empty tables
   * (statistics are not used, or the optimizer would see that the tables are empty).
   */
  public ScanNeeds plan(String sql, List<?> parameters) {
    try {
      // Prepared alone first, so that an error quotes the statement as the user wrote it.
      try (PreparedStatement alone = connection.prepareStatement(sql)) {
        int expected = alone.getParameterMetaData().getParameterCount();
        if (expected != parameters.size()) {
          throw SqlErrors.parameterCount(expected, parameters.size());
        }
      }
      StringBuilder json = new StringBuilder();
      try (PreparedStatement explain =
          connection.prepareStatement("EXPLAIN (FORMAT JSON) " + sql)) {
        bind(explain, parameters);
        try (ResultSet rows = explain.executeQuery()) {
          while (rows.next()) {
            json.append(rows.getString(2));
          }
        }
      }
      return ScanNeeds.of(json.length() == 0 ? "[]" : json.toString(), tables);
    } catch (SQLException e) {
      throw SqlErrors.fromEngine(e);
    }
  }

  /**
   * Refuses a request that is not exactly one query, before anything runs (DuckDB's JDBC driver
   * would run every statement but the last while preparing).
   */
  public void requireOneQuery(String sql) throws SqlException {
    String answer;
    try (PreparedStatement parse = connection.prepareStatement("SELECT json_serialize_sql(?)")) {
      parse.setString(1, sql);
      try (ResultSet rows = parse.executeQuery()) {
        rows.next();
        answer = rows.getString(1);
      }
    } catch (SQLException e) {
      throw SqlErrors.fromEngine(e);
    }
    com.fasterxml.jackson.databind.JsonNode parsed;
    try {
      parsed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("the engine's parse is not JSON", e);
    }
    if (!parsed.path("error").asBoolean(false)) {
      int statements = parsed.path("statements").size();
      if (statements > 1) {
        throw SqlErrors.badStatement(
            "The request holds "
                + statements
                + " statements: send one statement per request (a trailing ';' is fine).");
      }
      return;
    }
    if (parsed.path("error_type").asText().equals("parser")) {
      // Prepared for the engine's own message, which quotes the statement; a statement that does
      // not parse runs nothing.
      try (PreparedStatement ignored = connection.prepareStatement(sql)) {
        throw SqlErrors.syntax(
            parsed.path("error_message").asText("The statement does not parse."));
      } catch (SQLException e) {
        throw SqlErrors.fromEngine(e);
      }
    }
    throw SqlErrors.unsupported(
        "Only one query (SELECT, WITH, VALUES, SHOW, DESCRIBE) runs per request, and nothing that"
            + " changes data: send one statement per request; CREATE TABLE, DROP TABLE and INSERT"
            + " each on their own.");
  }

  private static void bind(PreparedStatement statement, List<?> parameters) throws SQLException {
    for (int i = 0; i < parameters.size(); i++) {
      Object value = parameters.get(i);
      if (value instanceof java.time.Instant instant) {
        value = instant.atOffset(java.time.ZoneOffset.UTC);
      }
      statement.setObject(i + 1, value);
    }
  }

  /** Fills each needed table with the project's rows, read by {@code scan}. */
  public void load(Collection<TableNeed> needs, String projectId, TableScan scan) {
    for (TableNeed need : needs) {
      load(need, projectId, scan);
    }
  }

  /**
   * The most keys a lookup reads key by key (each a read of its own), and at most one key in 100
   * rows of the range; more read the whole range once.
   */
  private static final int MAX_LOOKUP_KEYS = 64;

  private void load(TableNeed need, String projectId, TableScan scan) {
    TableDefinition table = need.table();
    // Every row of the project's table has its project_id: the view gives it as a constant.
    List<String> names =
        need.columns().stream().filter(n -> !n.equals(TableDefinition.PROJECT_COLUMN)).toList();
    List<Column> columns = names.stream().map(n -> table.column(n).orElseThrow()).toList();
    Map<String, Object> equalities = need.equalities();
    try {
      // The rows go to a table of just the columns read; the table type becomes a view over it
      // with the other columns null, so that the statement still binds to every column (a
      // condition the optimizer removed, e.g. "x <> 1 OR true", is bound first).
      String rowsTable = "__lakestream_rows_" + table.name();
      try (Statement s = connection.createStatement()) {
        s.execute(createTable(rowsTable, table, names));
      }
      List<Supplier<Optional<ArrowReader>>> scans = new ArrayList<>();
      List<AutoCloseable> resources = new ArrayList<>();
      Optional<java.util.SortedSet<Long>> keys = lookupKeys(need, names, projectId, scan);
      if (keys.isPresent()) {
        for (long key : keys.get()) {
          scans.add(
              () ->
                  scan.batches(
                      table,
                      projectId,
                      Optional.of(key),
                      Optional.of(key + 1),
                      names,
                      equalities,
                      allocator));
        }
      } else {
        Optional<ParquetFileRows> fileRows = Optional.empty();
        Optional<TableScan.FileRows> files =
            scan.files(table, projectId, need.from(), need.to(), names, equalities, allocator);
        if (files.isPresent()) {
          fileRows = readFiles(table, files.get(), columns, need);
        }
        if (fileRows.isPresent()) {
          ParquetFileRows read = fileRows.get();
          ArrowReader others = files.get().others();
          resources.add(others);
          resources.add(read);
          scans.add(() -> Optional.of(batchesOf(read)));
          scans.add(() -> Optional.of(others));
        } else {
          scans.add(
              () ->
                  scan.batches(
                      table, projectId, need.from(), need.to(), names, equalities, allocator));
        }
      }
      try {
        if (!scans.isEmpty()) {
          insert(rowsTable, columns, scans, table, projectId);
        }
      } finally {
        for (AutoCloseable resource : resources) {
          try {
            resource.close();
          } catch (Exception e) {
            // in memory: the reader's buffers or the file-reading database, freed either way
          }
        }
      }
      try (Statement s = connection.createStatement()) {
        s.execute("DROP TABLE " + quote(table.name()));
        s.execute(view(table, rowsTable, names, projectId));
      }
    } catch (SQLException e) {
      throw SqlErrors.fromEngine(e);
    }
  }

  /**
   * Starts DuckDB's own read of the snapshot's files; empty when it cannot read them as the table's
   * (e.g. a column that no file has yet), then the rows are read through {@link TableScan#batches}.
   */
  private Optional<ParquetFileRows> readFiles(
      TableDefinition table, TableScan.FileRows files, List<Column> columns, TableNeed need) {
    try {
      return Optional.of(
          ParquetFileRows.open(table, files.paths(), columns, need.from(), need.to(), threads));
    } catch (SQLException | RuntimeException e) {
      try {
        files.others().close();
      } catch (java.io.IOException | RuntimeException ignored) {
        // in memory
      }
      return Optional.empty();
    }
  }

  private ArrowReader batchesOf(ParquetFileRows read) {
    try {
      return read.batches(allocator, FILE_BATCH_ROWS);
    } catch (SQLException e) {
      throw SqlErrors.fromEngine(e);
    }
  }

  /** Rows per Arrow batch of DuckDB's own file reads. */
  private static final int FILE_BATCH_ROWS = 65_536;

  /**
   * Inserts the scans' batches into {@code rowsTable} with one statement: the engine reads them
   * through the Arrow C data interface, column by column.
   */
  private void insert(
      String rowsTable,
      List<Column> columns,
      List<Supplier<Optional<ArrowReader>>> scans,
      TableDefinition table,
      String projectId)
      throws SQLException {
    String streamName = rowsTable + "__batches";
    LoadStream batches =
        new LoadStream(
            allocator,
            BoxedRowBatches.schema(columns),
            scans,
            count -> {
              rowsLoaded += count;
              if (rowsLoaded > maxRows) {
                throw SqlErrors.tooManyRows(maxRows, table.name(), projectId, table.primaryKey());
              }
            });
    try (ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
      // The engine owns the reader from here: its release of the stream closes it.
      Data.exportArrayStream(allocator, batches, stream);
      connection.registerArrowStream(streamName, stream);
      try (Statement s = connection.createStatement()) {
        s.execute("INSERT INTO " + quote(rowsTable) + " SELECT * FROM " + quote(streamName));
        s.execute("DROP VIEW " + quote(streamName));
      }
    }
    Optional<RuntimeException> failure = batches.failure();
    if (failure.isPresent()) {
      throw failure.get();
    }
  }

  /**
   * For a lookup (an equality on other columns, e.g. {@code trace_id = '…'}, while more columns are
   * used), the keys of the rows that match, found by reading just the key and the compared columns
   * of the range: the rows are then read whole key by key. Empty when that would not pay (no
   * equality, nothing more to read, keys that are not integers, or too many matches).
   */
  private static Optional<java.util.SortedSet<Long>> lookupKeys(
      TableNeed need, List<String> names, String projectId, TableScan scan) {
    TableDefinition table = need.table();
    Map<String, Object> equalities = need.equalities();
    boolean integralKey =
        switch (table.primaryKeyColumn().type()) {
          case INT, LONG, TIMESTAMP, DATE -> true;
          default -> false;
        };
    List<String> probe = new java.util.ArrayList<>();
    probe.add(table.primaryKey());
    equalities.keySet().stream().filter(n -> !n.equals(table.primaryKey())).forEach(probe::add);
    if (equalities.isEmpty() || !integralKey || probe.size() >= names.size()) {
      return Optional.empty();
    }
    Object[] wanted = new Object[probe.size()];
    for (int i = 1; i < probe.size(); i++) {
      wanted[i] = equalities.get(probe.get(i));
    }
    java.util.SortedSet<Long> keys = new java.util.TreeSet<>();
    boolean[] tooMany = {false};
    long[] probed = {0};
    scan.scan(
        table,
        projectId,
        need.from(),
        need.to(),
        probe,
        values -> {
          probed[0]++;
          for (int i = 1; i < values.length; i++) {
            if (!matches(values[i], wanted[i])) {
              return;
            }
          }
          if (keys.size() < MAX_LOOKUP_KEYS) {
            keys.add(((Number) values[0]).longValue());
          } else {
            tooMany[0] = true;
          }
        });
    return tooMany[0] || keys.size() * 100L > probed[0] ? Optional.empty() : Optional.of(keys);
  }

  private static boolean matches(Object value, Object wanted) {
    if (value instanceof Number n && wanted instanceof Long l) {
      return n.longValue() == l && !(value instanceof Double || value instanceof Float);
    }
    return Objects.equals(value, wanted);
  }

  /**
   * Runs the statement over the loaded tables; the result owns this session and closes it.
   *
   * @throws SqlException when the engine refuses the statement
   */
  public QueryResult run(String sql, List<?> parameters) {
    PreparedStatement statement = null;
    try {
      statement = connection.prepareStatement(sql);
      bind(statement, parameters);
      ResultSet rows = statement.executeQuery();
      return new DuckDbResult(connection, statement, rows);
    } catch (SQLException e) {
      SqlException failure = SqlErrors.fromEngine(e);
      if (statement != null) {
        try {
          statement.close();
        } catch (SQLException ignored) {
          // closing the connection below releases it
        }
      }
      closeQuietly();
      throw failure;
    }
  }

  /** Closes the database; its memory is freed. */
  public void closeQuietly() {
    try {
      connection.close();
    } catch (SQLException e) {
      // in memory: nothing to clean up
    }
  }

  private static String createTable(String name, TableDefinition table, List<String> names) {
    Function<String, String> definition =
        column -> quote(column) + " " + duckType(table.column(column).orElseThrow());
    return "CREATE TEMPORARY TABLE "
        + quote(name)
        + " ("
        + String.join(", ", names.stream().map(definition).toList())
        + ")";
  }

  /**
   * The table type as a view over the rows read: the project's id as a constant that compares
   * without regard to case (as project ids do everywhere), the columns not read as typed nulls.
   */
  private static String view(
      TableDefinition table, String rowsTable, List<String> names, String projectId) {
    StringBuilder select = new StringBuilder();
    for (Column column : table.columns()) {
      select.append(select.length() == 0 ? "" : ", ");
      if (names.contains(column.name())) {
        select.append(quote(column.name()));
      } else if (column.name().equals(TableDefinition.PROJECT_COLUMN)) {
        // Project ids are case-insensitive (ProjectIds): project_id = 'ACME' reads acme, and
        // the engine, which applies every condition again, must keep acme's rows for it.
        select.append("CAST('").append(projectId.replace("'", "''"));
        select.append("' AS VARCHAR) COLLATE NOCASE AS ");
        select.append(quote(column.name()));
      } else {
        select.append("CAST(NULL AS ").append(duckType(column)).append(") AS ");
        select.append(quote(column.name()));
      }
    }
    return "CREATE TEMPORARY VIEW "
        + quote(table.name())
        + " AS SELECT "
        + select
        + " FROM "
        + quote(rowsTable);
  }

  private static String duckType(Column column) {
    return switch (column.type()) {
      case BOOLEAN -> "BOOLEAN";
      case INT -> "INTEGER";
      case LONG -> "BIGINT";
      case FLOAT -> "FLOAT";
      case DOUBLE -> "DOUBLE";
      case STRING -> "VARCHAR";
      case BYTES -> "BLOB";
      case TIMESTAMP -> "TIMESTAMPTZ";
      case DATE -> "DATE";
      case JSON -> "JSON";
      case ARRAY_LONG -> "BIGINT[]";
      case ARRAY_DOUBLE -> "DOUBLE[]";
      case ARRAY_STRING -> "VARCHAR[]";
    };
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}

package io.lakestream.sql.internal;

import io.lakestream.schema.Column;
import io.lakestream.schema.TableDefinition;
import io.lakestream.sql.QueryResult;
import io.lakestream.sql.SqlErrors;
import io.lakestream.sql.SqlException;
import io.lakestream.sql.StatementCancel;
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
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;

/**
 * One statement in the engine: a connection holding the table types as temporary tables, empty
 * until the statement's plan says which rows it needs, then filled with just those rows (or, for
 * most of a large table on a local disk, viewed over the snapshot's own Parquet files), then the
 * statement itself. The connection reaches no file or network beyond that (the configuration is
 * locked before the statement runs), so a statement reads the rows it was given and nothing more.
 *
 * <p>Usually the connection is one of the shared database's ({@link DuckDbDatabase#lease}), in one
 * transaction that is rolled back when the statement ends, so that it leaves nothing for the next
 * statement. A statement that reads the tables' files runs in a database of its own instead ({@link
 * #readFiles}), which may open exactly those files and is closed with the statement.
 */
public final class DuckDbSession {
  private static final java.time.format.DateTimeFormatter MICROS =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")
          .withZone(java.time.ZoneOffset.UTC);

  private final DuckDbDatabase database;
  private final DuckDBConnection connection;
  private final Map<String, TableDefinition> tables;
  private final long maxRows;
  private final BufferAllocator allocator;
  private final StatementCache cache;
  private final Runnable release;
  private final StatementCancel cancel;
  private StatementCache.Parse parse = StatementCache.Parse.UNKNOWN;

  /** Whether the tables' views hold every column, whatever the statement names. */
  private boolean wholeViews;

  /** Whether a view was made without some of its table's columns. */
  private boolean narrowed;

  /** The Arrow streams of the tables scanned in place, released when the session ends. */
  private final List<ArrowArrayStream> inPlace = new ArrayList<>();

  /**
   * The rows of needs read ahead through the index by {@link #readFiles}'s probe, for {@link #load}
   * to hand to the engine instead of reading them again.
   */
  private final Map<TableNeed, LoadStream> probed = new java.util.HashMap<>();

  private long rowsLoaded;
  private boolean released;

  private DuckDbSession(
      DuckDbDatabase database,
      DuckDBConnection connection,
      Map<String, TableDefinition> tables,
      long maxRows,
      BufferAllocator allocator,
      StatementCache cache,
      StatementCancel cancel,
      Runnable release) {
    this.database = database;
    this.cancel = cancel;
    this.connection = connection;
    this.tables = tables;
    this.maxRows = maxRows;
    this.allocator = allocator;
    this.cache = cache;
    this.release = release;
  }

  /**
   * A connection of {@code database} with every table type as an empty temporary table, in a
   * transaction of its own (so {@code now()} is the same in the plan read for the key ranges and in
   * the statement); the rows loaded go through Arrow buffers of {@code allocator}.
   */
  public static DuckDbSession open(
      DuckDbDatabase database,
      Map<String, TableDefinition> tables,
      long maxRows,
      BufferAllocator allocator,
      StatementCancel cancel) {
    DuckDBConnection connection;
    try {
      connection = database.lease(tables);
    } catch (SQLException e) {
      throw SqlErrors.engineDown("did not connect", e);
    }
    return new DuckDbSession(
        database,
        connection,
        tables,
        maxRows,
        allocator,
        database.cache(),
        cancel,
        () -> database.giveBack(connection, tables));
  }

  /**
   * What the statement needs from each table, from the engine's plan of it over the empty tables
   * (statistics are not used, or the optimizer would see that the tables are empty).
   */
  public ScanNeeds plan(String sql, List<?> parameters) {
    // The same text, parameters and table types give the same plan, unless it depends on the
    // time it runs (now(), current_date, …): only such statements' plans are kept.
    if (parse.timeless()) {
      Optional<ScanNeeds> known = cache.plan(sql, parameters, tables);
      if (known.isPresent()) {
        return known.get();
      }
    }
    try {
      int expected;
      Optional<Integer> count = cache.parameterCount(sql, tables);
      if (count.isPresent()) {
        expected = count.get();
      } else {
        // Prepared alone first, so that an error quotes the statement as the user wrote it.
        try (PreparedStatement alone = connection.prepareStatement(sql)) {
          expected = alone.getParameterMetaData().getParameterCount();
        }
        cache.keepParameterCount(sql, tables, expected);
      }
      if (expected != parameters.size()) {
        throw SqlErrors.parameterCount(expected, parameters.size());
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
      ScanNeeds needs = ScanNeeds.of(json.length() == 0 ? "[]" : json.toString(), tables);
      if (parse.timeless()) {
        cache.keepPlan(sql, parameters, tables, needs);
      }
      return needs;
    } catch (SQLException e) {
      throw SqlErrors.fromEngine(e);
    }
  }

  /**
   * Refuses a request that is not exactly one query, before anything runs (DuckDB's JDBC driver
   * would run every statement but the last while preparing).
   */
  public void requireOneQuery(String sql) throws SqlException {
    Optional<StatementCache.Parse> known = cache.parse(sql);
    if (known.isPresent()) {
      parse = known.get();
      return;
    }
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
      parse = cache.keepParse(sql, parsed.path("statements"));
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

  /**
   * Makes the tables' views hold every column of their table types (typed nulls where not read),
   * not only the columns the statement names: for a statement that failed to bind to views without
   * the columns it did not name ({@link #narrowed}).
   */
  public void wholeViews() {
    wholeViews = true;
  }

  /**
   * Whether a table's view was made without some of its table type's columns, those the statement
   * neither reads nor names: a statement that then fails to bind a column runs again after {@link
   * #wholeViews}.
   */
  public boolean narrowed() {
    return narrowed;
  }

  /** Fills each needed table with the project's rows, read by {@code scan}. */
  public void load(Collection<TableNeed> needs, String projectId, TableScan scan) {
    for (TableNeed need : needs) {
      load(need, projectId, scan);
    }
  }

  private void load(TableNeed need, String projectId, TableScan scan) {
    TableDefinition table = need.table();
    List<String> names = readColumns(need);
    try {
      // The rows go to a table of just the columns read; the table type becomes a view over it
      // with the other columns null, so that the statement still binds to every column (a
      // condition the optimizer removed, e.g. "x <> 1 OR true", is bound first).
      String rowsTable = rowsTable(table);
      // One request to the engine for the rows' table, its rows and the view: each statement
      // sent on its own costs a round of parsing and planning (about a millisecond each).
      String create = createTable(rowsTable, table, names);
      String swap =
          "DROP TABLE "
              + quote(table.name())
              + "; "
              + view(table, quote(rowsTable), names, projectId);
      LoadStream read = probed.remove(need);
      LoadStream batches = read != null ? read : indexed(need, projectId, scan);
      // A table the statement scans once is read by the engine from the batches themselves,
      // when they fit in memory: no rows' table, no copy. A stream can be read once only (a
      // second scan of it fails), so a table scanned more than once is copied into a table.
      if (need.scans() == 1 && readWhole(batches)) {
        scanInPlace(batches, rowsTable, table, names, projectId);
      } else {
        insert(create, rowsTable, batches, swap);
      }
    } catch (SQLException e) {
      throw engineError(e);
    }
  }

  /**
   * A need's rows read through the index ({@link TableScan#batches}, not yet), counted against the
   * row limit. Equalities ({@code trace_id = '…'}) are met by the scan itself: it reads the
   * compared columns first and the others only from the pages holding rows that meet them. A top-N
   * by the key ({@code ORDER BY timestamp DESC LIMIT 20}) whose conditions the scan meets reads
   * only the range's first rows in key order ({@link TableScan#firstBatches}).
   */
  private LoadStream indexed(TableNeed need, String projectId, TableScan scan) {
    TableDefinition table = need.table();
    List<String> names = readColumns(need);
    List<Column> columns = names.stream().map(n -> table.column(n).orElseThrow()).toList();
    Supplier<Optional<ArrowReader>> rows =
        () ->
            need.first().isPresent()
                ? scan.firstBatches(
                    table,
                    projectId,
                    need.from(),
                    need.to(),
                    names,
                    need.equalities(),
                    need.first().get(),
                    allocator)
                : scan.batches(
                    table, projectId, need.from(), need.to(), names, need.equalities(), allocator);
    return loadStream(columns, rows, table, projectId);
  }

  /** The columns a need reads: every row of the project's table has its project id. */
  private static List<String> readColumns(TableNeed need) {
    return need.columns().stream().filter(n -> !n.equals(TableDefinition.PROJECT_COLUMN)).toList();
  }

  private static String rowsTable(TableDefinition table) {
    return "__lakestream_rows_" + table.name();
  }

  /**
   * When every table the statement reads is best read from its files ({@link TableScan#files}), a
   * session over a database that may open exactly those files ({@link DuckDbDatabase#readingFiles}:
   * any other file, a directory listing, and any write are refused; configuration locked), where
   * each table type is a view over {@code read_parquet([the snapshot's files])} {@code UNION ALL}
   * the snapshot's other rows (the live tail, loaded as Arrow batches): nothing is copied, and
   * DuckDB reads the files with the statement's own filters. The plan's key ranges are applied to
   * both only when the plan does not depend on the time it runs (the statement, run in the other
   * database's transaction, sees a later {@code now()}; its own conditions select the rows then).
   * This session is given back. Empty (this session stays) when a table is not read so, or DuckDB
   * cannot read the files as the table's (e.g. a column that no file has yet).
   */
  public Optional<DuckDbSession> readFiles(
      Collection<TableNeed> needs, String projectId, TableScan scan) {
    if (needs.stream().anyMatch(need -> need.first().isPresent())) {
      return Optional.empty(); // the first rows in key order: through the index, from the end
    }
    Map<TableNeed, TableScan.FileRows> files = new java.util.LinkedHashMap<>();
    try {
      for (TableNeed need : needs) {
        Optional<TableScan.FileRows> rows =
            scan.files(
                need.table(), projectId, need.from(), need.to(), readColumns(need), allocator);
        if (rows.isEmpty()) {
          closeAll(files.values());
          return Optional.empty();
        }
        files.put(need, rows.get());
      }
    } catch (RuntimeException e) {
      closeAll(files.values());
      throw e;
    }
    if (fewRowsMeetTheEqualities(needs, projectId, scan)) {
      closeAll(files.values());
      return Optional.empty(); // load reads the rows probed
    }
    files.forEach((need, rows) -> scan.readingFiles(need.table(), rows));
    List<String> paths =
        files.values().stream().flatMap(f -> f.paths().stream()).distinct().toList();
    DuckDbDatabase filesDatabase;
    DuckDBConnection fileConnection;
    try {
      filesDatabase = database.readingFiles(paths);
      fileConnection = filesDatabase.lease(tables);
    } catch (SQLException e) {
      closeAll(files.values());
      throw SqlErrors.engineDown("did not start", e);
    } catch (RuntimeException e) {
      closeAll(files.values());
      throw e;
    }
    DuckDbSession other =
        new DuckDbSession(
            filesDatabase,
            fileConnection,
            tables,
            maxRows,
            allocator,
            cache,
            cancel,
            () -> filesDatabase.giveBack(fileConnection, tables));
    other.parse = parse;
    other.wholeViews = wholeViews;
    boolean keyRanges = parse.timeless();
    try {
      // Views first: they bind to the files, which tells whether DuckDB reads them as the table's.
      for (Map.Entry<TableNeed, TableScan.FileRows> entry : files.entrySet()) {
        other.viewFiles(entry.getKey(), entry.getValue(), projectId, keyRanges);
      }
    } catch (SQLException e) {
      closeAll(files.values());
      other.closeQuietly();
      return Optional.empty();
    }
    try {
      for (Map.Entry<TableNeed, TableScan.FileRows> entry : files.entrySet()) {
        other.loadOthers(entry.getKey(), entry.getValue(), projectId);
      }
    } catch (SQLException e) {
      closeAll(files.values());
      other.closeQuietly();
      throw engineError(e);
    } catch (RuntimeException e) {
      closeAll(files.values());
      other.closeQuietly();
      throw e;
    }
    closeQuietly();
    return Optional.of(other);
  }

  /**
   * Whether every need has equalities that few rows meet: its rows are read through the index (the
   * scan checks the equalities on the compared columns first, skipping pages whose bounds rule the
   * value out) until they hold more than {@link #PROBE_BYTES}. Reading the files would read every
   * row of the range: a trace by {@code trace_id} with no time range took 67 ms over the files of
   * 10 million rows and 17 ms through the index, where the ERRORs of the same rows took 99 ms over
   * the files and 415 through the index. When all fit, they are kept for {@link #load}; else what
   * was read is dropped (and uncounted).
   */
  private boolean fewRowsMeetTheEqualities(
      Collection<TableNeed> needs, String projectId, TableScan scan) {
    if (needs.stream().anyMatch(need -> need.equalities().isEmpty())) {
      return false;
    }
    long counted = rowsLoaded;
    Map<TableNeed, LoadStream> read = new java.util.HashMap<>();
    try {
      for (TableNeed need : needs) {
        LoadStream batches = indexed(need, projectId, scan);
        read.put(need, batches);
        if (!readWhole(batches, PROBE_BYTES)) {
          read.values().forEach(DuckDbSession::closeQuietly);
          rowsLoaded = counted;
          return false;
        }
      }
    } catch (RuntimeException e) {
      read.values().forEach(DuckDbSession::closeQuietly);
      throw e;
    }
    probed.putAll(read);
    return true;
  }

  /** The most Arrow bytes {@link #fewRowsMeetTheEqualities} reads before it takes the files. */
  static final long PROBE_BYTES = 1L << 20;

  /**
   * The first column of each side of a files view's {@code UNION ALL}, a constant the table's view
   * leaves out: a statement that needs no column of the rows ({@code count(*)}) makes DuckDB keep
   * one column through the union, the first, and it reads that column from every file (the key's 8
   * bytes a row, decompressed: {@code count(*) … WHERE severity_text = 'ERROR'} over 10 million
   * rows took 205 ms against 78 over the files alone; a scratch program, DuckDB 2.0.0.1).
   */
  private static final String ROW_MARK = "\"__lakestream_row\"";

  /**
   * The table type as a view over its files and the rows of its other-rows table (created here,
   * empty; {@link #loadOthers} fills it). Files of one Parquet schema are read by one {@code
   * read_parquet}; a column that a group's files do not have reads as nulls there.
   */
  private void viewFiles(
      TableNeed need, TableScan.FileRows files, String projectId, boolean keyRanges)
      throws SQLException {
    TableDefinition table = need.table();
    List<String> names = readColumns(need);
    String where = keyRanges ? keyCondition(table, need.from(), need.to()) : "";
    StringBuilder rows = new StringBuilder();
    for (Map.Entry<FileSchemas.Schema, List<String>> group :
        database.fileSchemas().group(connection, files.paths()).entrySet()) {
      Set<String> present = group.getKey().columns();
      rows.append("SELECT true AS ")
          .append(ROW_MARK)
          .append(", ")
          .append(
              castColumns(
                  table, names, name -> present.contains(name.toLowerCase(java.util.Locale.ROOT))))
          .append(" FROM read_parquet(")
          .append(list(group.getValue()))
          .append(")")
          .append(where)
          .append(" UNION ALL ");
    }
    rows.append("SELECT true, ")
        .append(String.join(", ", names.stream().map(DuckDbSession::quote).toList()))
        .append(" FROM ")
        .append(quote(rowsTable(table)))
        .append(where);
    try (Statement s = connection.createStatement()) {
      s.execute(createTable(rowsTable(table), table, names));
      s.execute(
          "DROP TABLE "
              + quote(table.name())
              + "; "
              + view(table, "(" + rows + ")", names, projectId));
    }
  }

  /** Counts the files' rows against the limit and loads the other rows. */
  private void loadOthers(TableNeed need, TableScan.FileRows files, String projectId)
      throws SQLException {
    TableDefinition table = need.table();
    rowsLoaded += files.rows();
    if (rowsLoaded > maxRows) {
      throw SqlErrors.tooManyRows(maxRows, table.name(), projectId, table.primaryKey());
    }
    List<Column> columns =
        readColumns(need).stream().map(n -> table.column(n).orElseThrow()).toList();
    ArrowReader others = files.others();
    insert(
        "", rowsTable(table), loadStream(columns, () -> Optional.of(others), table, projectId), "");
  }

  /** {@code " WHERE key >= from AND key < to"} for an integral key; empty without bounds. */
  private static String keyCondition(
      TableDefinition table, Optional<Object> from, Optional<Object> to) {
    Column key = table.primaryKeyColumn();
    StringBuilder sql = new StringBuilder();
    String separator = " WHERE ";
    if (from.isPresent()) {
      sql.append(separator).append(quote(key.name())).append(" >= ");
      sql.append(literal(key.type(), from.get()));
      separator = " AND ";
    }
    if (to.isPresent()) {
      sql.append(separator).append(quote(key.name())).append(" < ");
      sql.append(literal(key.type(), to.get()));
    }
    return sql.toString();
  }

  private static String literal(io.lakestream.schema.ColumnType type, Object key) {
    long value = ((Number) key).longValue();
    return switch (type) {
      case TIMESTAMP ->
          "TIMESTAMPTZ '"
              + MICROS.format(
                  java.time.Instant.ofEpochSecond(
                      Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1000))
              + "+00'";
      case DATE -> "DATE '" + java.time.LocalDate.ofEpochDay(value) + "'";
      case INT, LONG -> Long.toString(value);
      default -> throw new IllegalArgumentException("no file reads for " + type + " keys");
    };
  }

  static String list(List<String> paths) {
    StringBuilder list = new StringBuilder("[");
    for (String path : paths) {
      list.append(list.length() == 1 ? "" : ", ").append('\'').append(path.replace("'", "''"));
      list.append('\'');
    }
    return list.append(']').toString();
  }

  private static void closeAll(Collection<TableScan.FileRows> files) {
    for (TableScan.FileRows rows : files) {
      try {
        rows.others().close();
      } catch (java.io.IOException | RuntimeException e) {
        // in memory: the reader's buffers, freed either way
      }
    }
  }

  /** The most bytes of Arrow batches a table scanned in place holds (more: copied, as read). */
  static final long MAX_IN_PLACE_BYTES = 64L << 20;

  /** The scan's batches as a stream, counted against the statement's row limit. */
  private LoadStream loadStream(
      List<Column> columns,
      Supplier<Optional<ArrowReader>> scan,
      TableDefinition table,
      String projectId) {
    return new LoadStream(
        allocator,
        BoxedRowBatches.schema(columns),
        scan,
        count -> {
          if (cancel.cancelled()) {
            throw SqlErrors.canceled(cancel);
          }
          rowsLoaded += count;
          if (rowsLoaded > maxRows) {
            throw SqlErrors.tooManyRows(maxRows, table.name(), projectId, table.primaryKey());
          }
        });
  }

  /**
   * Reads the batches ahead, up to {@link #MAX_IN_PLACE_BYTES}: true when that is all of them.
   *
   * @throws RuntimeException what ended the reading (e.g. too many rows), the batches closed
   */
  private static boolean readWhole(LoadStream batches) {
    return readWhole(batches, MAX_IN_PLACE_BYTES);
  }

  /** As {@link #readWhole(LoadStream)}, up to {@code maxBytes}. */
  private static boolean readWhole(LoadStream batches, long maxBytes) {
    boolean whole = batches.readAhead(maxBytes);
    Optional<RuntimeException> failure = batches.failure();
    if (failure.isPresent()) {
      closeQuietly(batches);
      throw failure.get();
    }
    return whole;
  }

  private static void closeQuietly(ArrowReader reader) {
    try {
      reader.close();
    } catch (java.io.IOException | RuntimeException e) {
      // in memory: the reader's buffers, freed either way
    }
  }

  /**
   * The table type as a view over the batches read ahead, given to the engine as an Arrow stream
   * that the statement scans (once) in place; the stream is released when the session ends, whether
   * or not the statement read it.
   */
  private void scanInPlace(
      LoadStream batches,
      String rowsTable,
      TableDefinition table,
      List<String> names,
      String projectId)
      throws SQLException {
    String streamName = rowsTable + "__batches";
    ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator);
    try {
      Data.exportArrayStream(allocator, batches, stream);
    } catch (RuntimeException e) {
      stream.close();
      closeQuietly(batches);
      throw e;
    }
    // The stream owns the batches from here: its release closes them.
    inPlace.add(stream);
    connection.registerArrowStream(streamName, stream);
    // The stream's columns have the table's types (BoxedRowBatches.schema): the view selects
    // them as they are. (A subquery casting each, which the engine parses and binds in the view
    // and again in the statement, cost 0.8 ms of a SELECT * of otel_logs_and_spans.)
    try (Statement s = connection.createStatement()) {
      s.execute(
          "DROP TABLE "
              + quote(table.name())
              + "; "
              + view(table, quote(streamName), names, projectId));
    }
  }

  /**
   * {@code CAST("c" AS type) AS "c", …}: the columns as the table type has them, {@code NULL} for
   * those {@code present} refuses.
   */
  private static String castColumns(
      TableDefinition table, List<String> names, java.util.function.Predicate<String> present) {
    StringBuilder select = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      Column column = table.column(names.get(i)).orElseThrow();
      select.append(i == 0 ? "" : ", ").append("CAST(");
      select.append(present.test(column.name()) ? quote(column.name()) : "NULL");
      select.append(" AS ").append(duckType(column)).append(") AS ");
      select.append(quote(column.name()));
    }
    return select.toString();
  }

  /**
   * Inserts the batches into {@code rowsTable} with one statement: the engine reads them through
   * the Arrow C data interface, column by column. {@code before} and {@code after} (statements, or
   * empty) go to the engine in the same request.
   */
  private void insert(String before, String rowsTable, LoadStream batches, String after)
      throws SQLException {
    String streamName = rowsTable + "__batches";
    try (ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
      // The engine owns the reader from here: its release of the stream closes it.
      Data.exportArrayStream(allocator, batches, stream);
      connection.registerArrowStream(streamName, stream);
      StringBuilder statements = new StringBuilder();
      if (!before.isEmpty()) {
        statements.append(before).append("; ");
      }
      statements.append("INSERT INTO ").append(quote(rowsTable)).append(" SELECT * FROM ");
      statements.append(quote(streamName)).append("; DROP VIEW ").append(quote(streamName));
      if (!after.isEmpty()) {
        statements.append("; ").append(after);
      }
      try (Statement s = connection.createStatement()) {
        cancel.running(s);
        s.execute(statements.toString());
      } finally {
        cancel.running(null);
      }
    }
    Optional<RuntimeException> failure = batches.failure();
    if (failure.isPresent()) {
      throw failure.get();
    }
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
      // Until the session ends: the result's rows are fetched from the engine as they are read.
      cancel.running(statement);
      if (cancel.cancelled()) {
        throw new SQLException("cancelled before it ran");
      }
      ResultSet rows = statement.executeQuery();
      return new DuckDbResult(this::closeQuietly, allocator, statement, rows, cancel);
    } catch (SQLException e) {
      SqlException failure = engineError(e);
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

  /**
   * Runs the statement again to its end, its rows counted but not kept ({@code EXPLAIN ANALYZE}),
   * for the engine's own error: a statement whose result is complete before the driver returns it
   * is not streamed, and DuckDB's JDBC driver (2.0.0.1) reports its failure as the engine gave it,
   * where it loses the error of a streamed statement that failed before its first rows were fetched
   * ({@link SqlErrors#lostEngineError}). Ends the session.
   *
   * @return the statement's failure, as {@link #run} reports one; empty when it ran without one
   */
  public Optional<SqlException> failure(String sql, List<?> parameters) {
    try (PreparedStatement statement = connection.prepareStatement("EXPLAIN ANALYZE " + sql)) {
      bind(statement, parameters);
      cancel.running(statement);
      if (cancel.cancelled()) {
        return Optional.of(SqlErrors.canceled(cancel));
      }
      try (ResultSet profile = statement.executeQuery()) {
        while (profile.next()) {
          // the plan with its timings: the statement ran to its end
        }
      }
      return Optional.empty();
    } catch (SQLException e) {
      return Optional.of(engineError(e));
    } finally {
      closeQuietly();
    }
  }

  /**
   * The engine's error as the statement's: a cancelled statement's error is its cancel (the
   * engine's "Interrupted!", or the driver's own message where a streamed result lost it).
   */
  private SqlException engineError(SQLException e) {
    return engineError(cancel, e);
  }

  /** As {@link #engineError(SQLException)}, for {@code cancel}'s statement. */
  static SqlException engineError(StatementCancel cancel, SQLException e) {
    return cancel.cancelled() ? SqlErrors.canceled(cancel) : SqlErrors.fromEngine(e);
  }

  /**
   * Ends the statement: its connection is given back (its transaction rolled back, which removes
   * every row, table and view it made) or closed with its own database. Idempotent.
   */
  public void closeQuietly() {
    if (!released) {
      released = true;
      // No cancel may reach the connection once it is back in the pool, for another statement.
      cancel.running(null);
      release.run();
      // After the statement and its transaction: the engine reads no stream any more (one it
      // read is released already, and releasing it again does nothing).
      for (ArrowArrayStream stream : inPlace) {
        stream.release();
        stream.close();
      }
      inPlace.clear();
      probed.values().forEach(DuckDbSession::closeQuietly);
      probed.clear();
    }
  }

  static String createTable(String name, TableDefinition table, List<String> names) {
    Function<String, String> definition =
        column -> quote(column) + " " + duckType(table.column(column).orElseThrow());
    return "CREATE TEMPORARY TABLE "
        + quote(name)
        + " ("
        + String.join(", ", names.stream().map(definition).toList())
        + ")";
  }

  /**
   * The table type as a view over the rows read ({@code source}: a table or a subquery): the
   * project's id as a constant that compares without regard to case (as project ids do everywhere),
   * the columns read, and the columns not read that the statement names as typed nulls. The other
   * columns are left out (unless {@link #wholeViews}): DuckDB binds every column of a view when it
   * creates it and again in each statement over it, a millisecond for the 27 columns of {@code
   * otel_logs_and_spans} against a few tenths for the few a statement names.
   */
  private String view(TableDefinition table, String source, List<String> names, String projectId) {
    StringBuilder select = new StringBuilder();
    for (Column column : table.columns()) {
      boolean project = column.name().equals(TableDefinition.PROJECT_COLUMN);
      boolean read = names.contains(column.name());
      if (!project && !read && !wholeViews && !parse.mayName(column.name())) {
        narrowed = true;
        continue;
      }
      select.append(select.length() == 0 ? "" : ", ");
      if (read) {
        select.append(quote(column.name()));
      } else if (project) {
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
        + source;
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

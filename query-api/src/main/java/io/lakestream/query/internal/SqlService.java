package io.lakestream.query.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.catalog.Catalog;
import io.lakestream.query.internal.AccessPolicy.Principal;
import io.lakestream.reader.ByteSlice;
import io.lakestream.reader.Cursor;
import io.lakestream.reader.KeyRange;
import io.lakestream.reader.QueryErrors;
import io.lakestream.reader.QueryException;
import io.lakestream.reader.ReadPlan;
import io.lakestream.reader.RowQuery;
import io.lakestream.reader.TableId;
import io.lakestream.reader.TableSnapshot;
import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.ProjectIds;
import io.lakestream.schema.TableDefinition;
import io.lakestream.sql.QueryResult;
import io.lakestream.sql.ResultColumn;
import io.lakestream.sql.RowRange;
import io.lakestream.sql.SqlEngine;
import io.lakestream.sql.SqlExecutor;
import io.lakestream.sql.SqlResult;
import io.lakestream.sql.SqlStatement;
import io.lakestream.sql.StatementCancel;
import io.lakestream.sql.TableScan;
import io.lakestream.tables.TableData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * SQL and table types at run time: checks that the principal may do what a statement does, and runs
 * it — queries in the SQL engine ({@link SqlEngine}) over one project's rows read through the
 * learned index, DDL and {@code INSERT} through the planner.
 *
 * <p>Who may do what: a query reads the one project that the token reads (a project token that
 * reads several, and the admin token, name it with {@code project_id = '…'}); {@code INSERT} needs
 * the token of every project its rows name; {@code CREATE TABLE} and {@code DROP TABLE} need the
 * admin token.
 */
public final class SqlService {
  private final Catalog catalog;
  private final AccessPolicy access;
  private final QueryService query;
  private final QueryMetrics metrics;
  private final TableData data;
  private final int pageRows;
  private final long fileScanMinRows;
  private final SqlExecutor executor;
  private final SqlEngine engine;

  /**
   * A service over the catalog (table types), the access policy, the query service (snapshots and
   * range reads, with the same checks as the HTTP reads), the tables' data (for schema checks and
   * purges) and a sink for inserted rows.
   *
   * @param limits what the SQL engine may use
   * @param pageRows the rows of one page that the planner's key range reads fetch at a time
   * @param fileScanMinRows the fewest rows of a range (as the index places them, and at least half
   *     the table's) for which the SQL engine reads a local table's Parquet files itself rather
   *     than through the index ({@code query.sql.file.scan.min.rows}); {@link Long#MAX_VALUE}:
   *     never
   */
  public SqlService(
      Catalog catalog,
      AccessPolicy access,
      QueryService query,
      QueryMetrics metrics,
      TableData data,
      io.lakestream.sql.RowSink sink,
      SqlEngine.Limits limits,
      int pageRows,
      long fileScanMinRows) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.access = requireNonNull(access, "access is null");
    this.query = requireNonNull(query, "query is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.data = requireNonNull(data, "data is null");
    this.pageRows = pageRows;
    if (fileScanMinRows < 0) {
      throw new IllegalArgumentException(
          "fileScanMinRows must be at least 0, not " + fileScanMinRows);
    }
    this.fileScanMinRows = fileScanMinRows;
    this.executor = new SqlExecutor(catalog, new IndexedRange(), sink);
    this.engine = new SqlEngine(catalog::tables, new IndexedScan(), limits);
  }

  /** Closes the SQL engine's database; statements still running fail. */
  public void close() {
    engine.close();
  }

  /** Every table type: the built-in ones and those created at run time. */
  public java.util.Collection<TableDefinition> tableTypes() {
    return catalog.tables().values();
  }

  /** A table type by name. */
  public Optional<TableDefinition> tableType(String name) {
    return catalog.table(name);
  }

  /** Whether a table type is built in (defined in the YAML files), not created at run time. */
  public boolean isBuiltIn(String name) {
    return catalog.isBuiltIn(name);
  }

  /**
   * Checks and runs one statement; the caller reads the result, then closes it.
   *
   * @param defaultProject the project of inserted rows that name none
   * @throws io.lakestream.schema.LakestreamException of the kind of the failure: the statement's
   *     (syntax, undefined table or column, limit, …), the token's (forbidden), the catalog's
   */
  public QueryResult run(Principal principal, String sql, Optional<String> defaultProject) {
    return run(principal, sql, List.of(), defaultProject);
  }

  /**
   * Checks and runs one statement with parameters ({@code $1}, … or {@code ?}, queries only); the
   * caller reads the result, then closes it.
   *
   * @param parameters the parameters' values, in order (see {@link SqlEngine#query(String, List,
   *     SqlEngine.ProjectChoice)} for the Java types)
   * @param defaultProject the project of inserted rows that name none
   * @throws io.lakestream.schema.LakestreamException of the kind of the failure: the statement's
   *     (syntax, undefined table or column, limit, …), the token's (forbidden), the catalog's
   */
  public QueryResult run(
      Principal principal, String sql, List<?> parameters, Optional<String> defaultProject) {
    return run(principal, sql, parameters, defaultProject, new StatementCancel());
  }

  /**
   * As {@link #run(Principal, String, List, Optional)}; a query is stopped by {@code cancel} (see
   * {@link SqlEngine#query(String, List, SqlEngine.ProjectChoice, StatementCancel)}).
   */
  public QueryResult run(
      Principal principal,
      String sql,
      List<?> parameters,
      Optional<String> defaultProject,
      StatementCancel cancel) {
    if (SqlEngine.isQuery(sql)) {
      return engine.query(
          sql,
          parameters,
          new SqlEngine.ProjectChoice() {
            @Override
            public String project(Set<String> named) {
              return project(named, Set.of());
            }

            @Override
            public String project(Set<String> named, Set<String> listed) {
              return SqlService.this.project(principal, named, listed, defaultProject);
            }
          },
          cancel);
    }
    if (!parameters.isEmpty()) {
      throw QueryErrors.badSql(
          "Parameters are taken by queries only: write the values of an INSERT in the"
              + " statement.");
    }
    SqlStatement statement = executor.plan(sql, defaultProject);
    authorize(principal, statement);
    if (statement instanceof SqlStatement.CreateTable create) {
      requireNoOtherSchema(create.table());
    }
    SqlResult result = executor.execute(statement);
    return QueryResult.message(result.message(), result.count());
  }

  /**
   * Whether a statement returns rows (a query), checked without running it: a statement that is not
   * a query is planned, so that one that is not valid fails as {@link #run} would fail on it.
   *
   * @throws io.lakestream.schema.LakestreamException of the kind of the failure, for a statement
   *     that is not a query and not valid (syntax, unknown table or column, unsupported)
   */
  public boolean returnsRows(String sql, Optional<String> defaultProject) {
    if (SqlEngine.isQuery(sql)) {
      return true;
    }
    executor.plan(sql, defaultProject);
    return false;
  }

  /**
   * The columns a statement returns, read without running it over any row (for the PostgreSQL
   * protocol's {@code Describe} of a statement before its parameters are bound); empty for a
   * statement that returns no rows ({@code INSERT}, {@code CREATE TABLE}, …). The table types are
   * the catalog's, which every token may list: no project is read.
   *
   * @param parameters the parameters' values, nulls when they are not bound yet
   */
  public List<ResultColumn> describe(String sql, List<?> parameters) {
    return SqlEngine.isQuery(sql) ? engine.describe(sql, parameters) : List.of();
  }

  /**
   * The project a query reads (one that reads tables), which this sidecar must know (registered, or
   * a table here: a mistyped project id is an error, not empty tables); see {@link #choose}.
   */
  private String project(
      Principal principal, Set<String> named, Set<String> listed, Optional<String> defaultProject) {
    String project = choose(principal, named, listed, defaultProject);
    query.requireKnown(project);
    return project;
  }

  /**
   * The project a query reads: the one it names with {@code project_id = '…'}, else the request's
   * default project (the PostgreSQL user name, or {@code "project"} of {@code POST /v1/sql}), else
   * the one its token reads. The token must read it. A statement that names none but lists several
   * the token may read ({@code project_id IN ('a', 'b')}, {@code project_id = 'a' OR project_id =
   * 'b'}) is refused: it would be answered for one of them only. Listed projects the token may not
   * read are not an error: the statement gets the caller's rows only, as for any other condition.
   */
  private String choose(
      Principal principal, Set<String> named, Set<String> listed, Optional<String> defaultProject) {
    if (named.isEmpty()) {
      Set<String> readable = new java.util.TreeSet<>();
      for (String name : listed) {
        String project = ProjectIds.normalize(name);
        if (ProjectIds.isValid(project) && principal.mayRead(project)) {
          readable.add(project);
        }
      }
      if (readable.size() > 1) {
        throw QueryErrors.badSql(
            "The statement lists several projects ("
                + String.join(", ", readable)
                + ") with IN or OR: a statement reads one project's tables; write project_id ="
                + " '<project>' and send one statement per project.");
      }
    }
    Set<String> projects = new java.util.TreeSet<>();
    for (String name : named) {
      String project = ProjectIds.normalize(name);
      if (!ProjectIds.isValid(project)) {
        throw QueryErrors.badSql(
            "The statement names project_id "
                + ProjectIds.quote(name)
                + ", which is not a project id: use 1 to 64 letters, digits, '_' or '-'.");
      }
      access.checkProject(principal, project);
      projects.add(project);
    }
    if (projects.size() > 1) {
      throw QueryErrors.badSql(
          "The statement names several projects ("
              + String.join(", ", projects)
              + "): a statement reads one project's tables; send one statement per project.");
    }
    if (projects.size() == 1) {
      return projects.iterator().next();
    }
    if (defaultProject.isPresent()) {
      String project = ProjectIds.normalize(defaultProject.get());
      if (!ProjectIds.isValid(project)) {
        throw QueryErrors.badSql(
            "The request's project "
                + ProjectIds.quote(defaultProject.get())
                + " is not a project id: use 1 to 64 letters, digits, '_' or '-'.");
      }
      access.checkProject(principal, project);
      return project;
    }
    if (!principal.admin() && principal.projects().size() == 1) {
      return principal.projects().iterator().next();
    }
    throw QueryErrors.badSql(
        "SELECT needs project_id = '<project>' in its WHERE clause, or the request's project"
            + " (\"project\" in POST /v1/sql, lakestream sql --project, the user name in psql): "
            + (principal.admin()
                ? "this request may read every project, so name the one to read."
                : "this token reads several projects, so name the one to read."));
  }

  /** Creates a table type (admin only). */
  public TableDefinition createTable(Principal principal, TableDefinition table) {
    access.checkAdmin(principal, "create tables");
    requireNoOtherSchema(table);
    return catalog.createTable(table);
  }

  /** Drops a table type (admin only); its data stays. */
  public void dropTable(Principal principal, String name) {
    access.checkAdmin(principal, "drop tables");
    catalog.dropTable(name);
  }

  /**
   * Drops a table type if the catalog still has it, and deletes the data of every project's table
   * of that type (admin only). Also purges the data kept from a type dropped earlier. Returns the
   * tables deleted.
   *
   * @throws QueryException not found when there is neither such a type nor data of it; conflict for
   *     a built-in type
   */
  public List<TableId> purgeTable(Principal principal, String name) {
    access.checkAdmin(principal, "purge tables");
    try {
      boolean typeExists = catalog.table(name).isPresent();
      if (typeExists) {
        catalog.dropTable(name);
      }
      List<TableId> purged = data.purge(name);
      if (!typeExists && purged.isEmpty()) {
        throw QueryErrors.nothingToPurge(name);
      }
      return purged;
    } catch (UncheckedIOException e) {
      throw QueryErrors.purgeFailed(name, e.getCause());
    }
  }

  /**
   * Refuses a definition whose name is that of a dropped table type whose data was kept with other
   * columns: the writers could not append the new rows to those tables.
   */
  private void requireNoOtherSchema(TableDefinition table) {
    if (catalog.table(table.name()).isPresent()) {
      return; // the catalog answers CONFLICT
    }
    List<TableId> other = data.withOtherSchema(table);
    if (!other.isEmpty()) {
      throw QueryErrors.keptDataWithOtherColumns(table.name(), other.size(), other.get(0));
    }
  }

  private void authorize(Principal principal, SqlStatement statement) {
    if (statement instanceof SqlStatement.Select select) {
      access.checkProject(principal, select.projectId());
    } else if (statement instanceof SqlStatement.Insert insert) {
      Set<String> projects = new LinkedHashSet<>();
      for (var row : insert.rows()) {
        Object project = row.get(TableDefinition.PROJECT_COLUMN);
        projects.add(project == null ? "" : project.toString());
      }
      for (String project : projects) {
        // An empty project_id would be routed to the default project: name it or refuse.
        if (!ProjectIds.isValid(project)) {
          throw QueryErrors.badSql(
              "INSERT names project_id "
                  + ProjectIds.quote(project)
                  + ", which is not a project id: use 1 to 64 letters, digits, '_' or '-'"
                  + " (project ids are case-insensitive and stored in lower case).");
        }
        access.checkProject(principal, project);
      }
    } else {
      access.checkAdmin(principal, "create or drop tables");
    }
  }

  /**
   * The rows a query needs, read page by page through the learned index, with only the columns it
   * uses. A project that has no such table yet reads as empty.
   */
  private final class IndexedScan implements TableScan {
    private static final int PAGE_ROWS = 65_536;

    /**
     * The rows of the range as Arrow batches straight from the decoded column vectors: one plan for
     * the whole range, files read one after the other (no merge by key: the engine orders rows
     * itself), then the snapshot's live tail rows, each row once.
     */
    @Override
    public Optional<ArrowReader> batches(
        TableDefinition table,
        String projectId,
        Optional<Object> from,
        Optional<Object> to,
        List<String> columns,
        Map<String, Object> equalities,
        BufferAllocator allocator) {
      return snapshot(table, projectId, from, to)
          .map(
              snapshot ->
                  query
                      .scan(
                          snapshot,
                          keyRange(snapshot, from, to, columns),
                          columns,
                          equalities,
                          allocator)
                      .countingRows(rows -> metrics.sqlRowsRead(table.name(), rows)));
    }

    @Override
    public void readingFiles(TableDefinition table, FileRows files) {
      metrics.sqlFileScan(table.name());
      metrics.sqlRowsRead(table.name(), files.rows());
    }

    /** The project's table's snapshot; empty when it has none, or the range holds no key. */
    private Optional<TableSnapshot> snapshot(
        TableDefinition table, String projectId, Optional<Object> from, Optional<Object> to) {
      if (from.isPresent()
          && to.isPresent()
          && io.lakestream.sql.Values.compare(from.get(), to.get()) >= 0) {
        return Optional.empty();
      }
      try {
        return Optional.of(query.snapshot(new Principal(true, Set.of()), projectId, table.name()));
      } catch (QueryException e) {
        if (e.kind() == ErrorKind.NOT_FOUND) {
          return Optional.empty();
        }
        throw e;
      }
    }

    /**
     * The range's first rows in key order that a top-N by the key needs, read from the range's end
     * window by window through the index (a statement's {@code ORDER BY timestamp DESC LIMIT 20}
     * reads about the rows it returns, not the table).
     */
    @Override
    public Optional<ArrowReader> firstBatches(
        TableDefinition table,
        String projectId,
        Optional<Object> from,
        Optional<Object> to,
        List<String> columns,
        Map<String, Object> equalities,
        First first,
        BufferAllocator allocator) {
      return snapshot(table, projectId, from, to)
          .map(
              snapshot ->
                  query
                      .scanFirst(
                          snapshot,
                          keyRange(snapshot, from, to, columns),
                          columns,
                          equalities,
                          first.rows(),
                          first.descending(),
                          allocator)
                      .countingRows(rows -> metrics.sqlRowsRead(table.name(), rows)));
    }

    /**
     * For a range holding most of a large table on a local disk, every Parquet file of the snapshot
     * (the engine reads them with DuckDB's own Parquet reader) and every live tail row of the
     * snapshot: each row of the table in exactly one of them. Only this project's table's files of
     * this snapshot are named.
     */
    @Override
    public Optional<FileRows> files(
        TableDefinition table,
        String projectId,
        Optional<Object> from,
        Optional<Object> to,
        List<String> columns,
        BufferAllocator allocator) {
      boolean integralKey =
          switch (table.primaryKeyColumn().type()) {
            case INT, LONG, TIMESTAMP, DATE -> true;
            default -> false;
          };
      if (fileScanMinRows == Long.MAX_VALUE
          || !integralKey
          || (from.isPresent()
              && to.isPresent()
              && io.lakestream.sql.Values.compare(from.get(), to.get()) >= 0)) {
        return Optional.empty();
      }
      TableSnapshot snapshot;
      try {
        snapshot = query.snapshot(new Principal(true, Set.of()), projectId, table.name());
      } catch (QueryException e) {
        return Optional.empty(); // the row path says what is wrong, or reads no rows
      }
      KeyRange range = keyRange(snapshot, from, to, columns);
      long rows = 0;
      for (io.lakestream.reader.IndexedFile file :
          snapshot.filesOverlapping(range.lo(), range.hi())) {
        io.lakestream.index.PositionRange window =
            file.model().rowRangeInclusive(range.lo(), range.hi());
        rows += window.to() - window.from();
      }
      if (rows == 0 || rows < fileScanMinRows || rows * 2 < snapshot.rows()) {
        return Optional.empty();
      }
      List<String> paths = new ArrayList<>(snapshot.fileCount());
      for (io.lakestream.reader.IndexedFile file : snapshot.files()) {
        java.net.URI location = java.net.URI.create(file.location());
        if (!"file".equals(location.getScheme())) {
          return Optional.empty(); // DuckDB reads S3 through httpfs, which is not loaded
        }
        paths.add(java.nio.file.Path.of(location).toString());
      }
      KeyRange everything = keyRange(snapshot, Optional.empty(), Optional.empty(), columns);
      return Optional.of(
          new FileRows(
              paths,
              rows,
              query
                  .scanTail(snapshot, everything, columns, Map.of(), allocator)
                  .countingRows(n -> metrics.sqlRowsRead(table.name(), n))));
    }

    private KeyRange keyRange(
        TableSnapshot snapshot, Optional<Object> from, Optional<Object> to, List<String> columns) {
      return RowQuery.range(
              snapshot.definition(),
              from.map(String::valueOf).orElse(null),
              to.map(String::valueOf).orElse(null),
              "1",
              String.join(",", columns),
              "asc",
              null,
              1,
              1)
          .range();
    }

    @Override
    public void scan(
        TableDefinition table,
        String projectId,
        Optional<Object> from,
        Optional<Object> to,
        List<String> columns,
        Consumer<Object[]> rows) {
      if (from.isPresent()
          && to.isPresent()
          && io.lakestream.sql.Values.compare(from.get(), to.get()) >= 0) {
        return;
      }
      TableSnapshot snapshot;
      try {
        snapshot = query.snapshot(new Principal(true, Set.of()), projectId, table.name());
      } catch (QueryException e) {
        if (e.kind() == ErrorKind.NOT_FOUND) {
          return;
        }
        throw e;
      }
      boolean[] bytes = new boolean[columns.size()];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] =
            table.column(columns.get(i)).orElseThrow().type()
                == io.lakestream.schema.ColumnType.BYTES;
      }
      String joined = String.join(",", columns);
      String cursor = null;
      long[] read = {0};
      do {
        RowQuery page =
            RowQuery.range(
                table,
                from.map(String::valueOf).orElse(null),
                to.map(String::valueOf).orElse(null),
                String.valueOf(PAGE_ROWS),
                joined,
                "asc",
                cursor,
                PAGE_ROWS,
                PAGE_ROWS);
        ReadPlan plan = query.plan(snapshot, page);
        try {
          query.fetch(
              plan,
              columns,
              values -> {
                read[0]++;
                for (int i = 0; i < values.length; i++) {
                  values[i] = engineValue(values[i], bytes[i]);
                }
                rows.accept(values);
              });
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } finally {
          metrics.sqlRowsRead(table.name(), read[0]);
          read[0] = 0;
        }
        cursor = plan.next().map(Cursor::encode).orElse(null);
      } while (cursor != null);
    }
  }

  private static Object engineValue(Object value, boolean bytes) {
    if (value instanceof ByteSlice slice) {
      return bytes
          ? java.util.Arrays.copyOfRange(
              slice.array(), slice.offset(), slice.offset() + slice.length())
          : new String(slice.array(), slice.offset(), slice.length(), StandardCharsets.UTF_8);
    }
    if (value instanceof List<?> list) {
      List<Object> plain = new ArrayList<>(list.size());
      list.forEach(v -> plain.add(engineValue(v, false)));
      return plain;
    }
    return value;
  }

  /**
   * Rows of a key range, read page by page through the index as the stream is consumed, so a {@code
   * LIMIT} stops the reads early. A project that has no such table yet reads as empty.
   */
  private final class IndexedRange implements RowRange {
    @Override
    public Stream<Map<String, Object>> read(
        TableDefinition table,
        String projectId,
        Optional<Object> from,
        Optional<Object> to,
        boolean descending,
        List<String> columns) {
      Principal admin = new Principal(true, Set.of());
      TableSnapshot snapshot;
      try {
        snapshot = query.snapshot(admin, projectId, table.name());
      } catch (QueryException e) {
        if (e.kind() == ErrorKind.NOT_FOUND) {
          return Stream.empty();
        }
        throw e;
      }
      int pageSize = pageRows;
      String joined = String.join(",", columns);
      Spliterator<Map<String, Object>> pages =
          new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.ORDERED) {
            private final Deque<Map<String, Object>> buffer = new ArrayDeque<>();
            private String cursor;
            private boolean done;

            @Override
            public boolean tryAdvance(Consumer<? super Map<String, Object>> action) {
              while (buffer.isEmpty() && !done) {
                fetchPage();
              }
              if (buffer.isEmpty()) {
                return false;
              }
              action.accept(buffer.poll());
              return true;
            }

            private void fetchPage() {
              RowQuery rows =
                  RowQuery.range(
                      table,
                      from.map(String::valueOf).orElse(null),
                      to.map(String::valueOf).orElse(null),
                      String.valueOf(pageSize),
                      joined,
                      descending ? "desc" : "asc",
                      cursor,
                      pageSize,
                      pageSize);
              ReadPlan plan = query.plan(snapshot, rows);
              try {
                query.fetch(plan, columns, values -> buffer.add(row(columns, values)));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              cursor = plan.next().map(Cursor::encode).orElse(null);
              done = cursor == null;
            }
          };
      return StreamSupport.stream(pages, false);
    }
  }

  private static Map<String, Object> row(List<String> columns, Object[] values) {
    Map<String, Object> row = new HashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      row.put(columns.get(i), plain(values[i]));
    }
    return row;
  }

  private static Object plain(Object value) {
    if (value instanceof ByteSlice slice) {
      return new String(slice.array(), slice.offset(), slice.length(), StandardCharsets.UTF_8);
    }
    if (value instanceof Integer i) {
      return (long) i;
    }
    if (value instanceof Float f) {
      return (double) f;
    }
    if (value instanceof List<?> list) {
      List<Object> plain = new ArrayList<>(list.size());
      list.forEach(v -> plain.add(plain(v)));
      return plain;
    }
    return value;
  }
}

package io.lakestream.query;

import static java.util.Objects.requireNonNull;

import io.lakestream.catalog.Catalog;
import io.lakestream.catalog.CatalogException;
import io.lakestream.query.AccessPolicy.Principal;
import io.lakestream.reader.ByteSlice;
import io.lakestream.reader.Cursor;
import io.lakestream.reader.QueryErrors;
import io.lakestream.reader.QueryException;
import io.lakestream.reader.ReadPlan;
import io.lakestream.reader.RowQuery;
import io.lakestream.reader.TableId;
import io.lakestream.reader.TableSnapshot;
import io.lakestream.schema.ProjectIds;
import io.lakestream.schema.TableDefinition;
import io.lakestream.sql.RowRange;
import io.lakestream.sql.SqlException;
import io.lakestream.sql.SqlExecutor;
import io.lakestream.sql.SqlResult;
import io.lakestream.sql.SqlStatement;
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

/**
 * SQL and table types at run time: plans statements against the catalog, checks that the principal
 * may do what a statement does, and runs it — SELECTs through the learned-index range reader.
 *
 * <p>Who may do what: {@code SELECT} needs the project's token (or admin); {@code INSERT} needs the
 * token of every project its rows name; {@code CREATE TABLE} and {@code DROP TABLE} need the admin
 * token.
 */
public final class SqlService {
  private final Catalog catalog;
  private final QueryService query;
  private final TableData data;
  private final SqlExecutor executor;

  /**
   * A service over the catalog, the query service (for reads), the tables' data (for schema checks
   * and purges) and a sink for inserted rows.
   */
  public SqlService(
      Catalog catalog, QueryService query, TableData data, io.lakestream.sql.RowSink sink) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.query = requireNonNull(query, "query is null");
    this.data = requireNonNull(data, "data is null");
    this.executor = new SqlExecutor(catalog, new IndexedRange(), sink);
  }

  /** The catalog of table types and projects. */
  public Catalog catalog() {
    return catalog;
  }

  /**
   * Plans, checks and runs one statement.
   *
   * @param defaultProject the project of inserted rows that name none
   * @throws QueryException bad request (the SQL), forbidden (the token), not found, conflict
   */
  public SqlResult run(Principal principal, String sql, Optional<String> defaultProject) {
    try {
      SqlStatement statement = executor.plan(sql, defaultProject);
      authorize(principal, statement);
      if (statement instanceof SqlStatement.CreateTable create) {
        requireNoOtherSchema(create.table());
      }
      return executor.execute(statement);
    } catch (SqlException e) {
      throw QueryErrors.badSql(e.getMessage());
    } catch (CatalogException e) {
      throw CatalogErrors.of(e);
    }
  }

  /** Creates a table type (admin only). */
  public TableDefinition createTable(Principal principal, TableDefinition table) {
    query.access().checkAdmin(principal, "create tables");
    try {
      requireNoOtherSchema(table);
      return catalog.createTable(table);
    } catch (CatalogException e) {
      throw CatalogErrors.of(e);
    }
  }

  /** Drops a table type (admin only); its data stays. */
  public void dropTable(Principal principal, String name) {
    query.access().checkAdmin(principal, "drop tables");
    try {
      catalog.dropTable(name);
    } catch (CatalogException e) {
      throw CatalogErrors.of(e);
    }
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
    query.access().checkAdmin(principal, "purge tables");
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
    } catch (CatalogException e) {
      throw CatalogErrors.of(e);
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
      query.access().checkProject(principal, select.projectId());
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
        query.access().checkProject(principal, project);
      }
    } else {
      query.access().checkAdmin(principal, "create or drop tables");
    }
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
        if (e.kind() == QueryException.Kind.NOT_FOUND) {
          return Stream.empty();
        }
        throw e;
      }
      int pageSize = query.config().maxLimit();
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
                query.reader().fetch(plan, columns, values -> buffer.add(row(columns, values)));
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

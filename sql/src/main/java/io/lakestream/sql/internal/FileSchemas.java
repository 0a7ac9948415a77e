package io.lakestream.sql.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.duckdb.DuckDBConnection;

/**
 * The Parquet schema of each data file a statement reads directly, learned once per file (a data
 * file never changes) and shared by every database of the sidecar. Files with the same schema are
 * read together by one {@code read_parquet} whose columns are bound from the first file: DuckDB's
 * {@code union_by_name}, which copes with files of different columns, merges the schemas of every
 * file each time a statement is bound (130–250 ms for 2,000 files), while a table's files nearly
 * always share one schema.
 */
final class FileSchemas {
  /** The most files whose schema is kept; the least recently read go first. */
  private static final int MAX_FILES = 100_000;

  /** Files whose schema is known, by path; files with the same schema share one value. */
  private final Map<String, Schema> byPath = new LinkedHashMap<>(1024, 0.75f, true);

  /** The most distinct schemas kept for sharing. */
  private static final int MAX_SCHEMAS = 1_000;

  /** One value per distinct schema, so that files share it. */
  private final Map<String, Schema> distinct = new HashMap<>();

  /**
   * A Parquet schema: its elements as text (what makes two files' schemas the same) and the names
   * of its top-level columns in lower case (the engine binds names without regard to case).
   */
  record Schema(String elements, Set<String> columns) {}

  /**
   * {@code paths} grouped by schema, in the order of their first file; the schemas not yet known
   * are read with {@code connection} (which must be allowed to read the files).
   */
  Map<Schema, List<String>> group(DuckDBConnection connection, List<String> paths)
      throws SQLException {
    List<String> unknown = new ArrayList<>();
    synchronized (this) {
      for (String path : paths) {
        if (!byPath.containsKey(path)) {
          unknown.add(path);
        }
      }
    }
    if (!unknown.isEmpty()) {
      Map<String, Schema> read = read(connection, unknown);
      synchronized (this) {
        read.forEach(
            (path, schema) ->
                byPath.put(path, distinct.computeIfAbsent(schema.elements(), e -> schema)));
        var oldest = byPath.entrySet().iterator();
        while (byPath.size() > MAX_FILES) {
          oldest.next();
          oldest.remove();
        }
        if (distinct.size() > MAX_SCHEMAS) {
          distinct.clear(); // only shares values; the files keep theirs
        }
      }
    }
    Map<Schema, List<String>> groups = new LinkedHashMap<>();
    synchronized (this) {
      for (String path : paths) {
        Schema schema = byPath.get(path);
        if (schema == null) {
          throw new SQLException("no Parquet schema for " + path);
        }
        groups.computeIfAbsent(schema, s -> new ArrayList<>()).add(path);
      }
    }
    return groups;
  }

  /** The schemas of {@code paths}, from their footers (DuckDB's {@code parquet_schema}). */
  private static Map<String, Schema> read(DuckDBConnection connection, List<String> paths)
      throws SQLException {
    Map<String, List<String[]>> elements = new LinkedHashMap<>();
    try (Statement s = connection.createStatement();
        ResultSet rows =
            s.executeQuery(
                "SELECT file_name, name, type, repetition_type, num_children, converted_type,"
                    + " scale, precision, logical_type FROM parquet_schema("
                    + DuckDbSession.list(paths)
                    + ")")) {
      while (rows.next()) {
        String[] element = new String[8];
        for (int i = 0; i < element.length; i++) {
          element[i] = rows.getString(i + 2);
        }
        elements.computeIfAbsent(rows.getString(1), f -> new ArrayList<>()).add(element);
      }
    }
    Map<String, Schema> schemas = new HashMap<>();
    for (String path : paths) {
      List<String[]> file = elements.get(path);
      if (file == null) {
        throw new SQLException("no Parquet schema read for " + path);
      }
      schemas.put(path, schema(file));
    }
    return schemas;
  }

  /**
   * A file's schema from its elements, depth first from the root as Parquet stores them: the
   * top-level columns are the root's children.
   */
  private static Schema schema(List<String[]> elements) {
    StringBuilder text = new StringBuilder();
    Set<String> columns = new java.util.LinkedHashSet<>();
    Deque<int[]> open = new ArrayDeque<>(); // children still to come, per open group
    for (String[] element : elements) {
      for (String part : element) {
        text.append(part).append('\u0001');
      }
      text.append('\u0002');
      int depth = open.size();
      if (depth == 1) {
        columns.add(element[0].toLowerCase(java.util.Locale.ROOT));
      }
      if (!open.isEmpty()) {
        open.peek()[0]--;
      }
      int children = element[3] == null ? 0 : Integer.parseInt(element[3]);
      if (children > 0) {
        open.push(new int[] {children});
      }
      while (!open.isEmpty() && open.peek()[0] == 0) {
        open.pop();
      }
    }
    return new Schema(text.toString(), Set.copyOf(columns));
  }
}

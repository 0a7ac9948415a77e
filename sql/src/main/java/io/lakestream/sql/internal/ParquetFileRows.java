package io.lakestream.sql.internal;

import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;

/**
 * The rows of a list of Parquet files, read by DuckDB's own Parquet reader (row groups pruned by
 * their statistics, columns decoded vectorised) and exported as Arrow batches: how a large range of
 * a table goes into the engine without being decoded in Java.
 *
 * <p>The files are read by a database of their own, opened for one read and closed after it, that
 * may open exactly these files and nothing else ({@code enable_external_access=false} with {@code
 * allowed_paths} set to the list, configuration locked) and that runs only the query written here.
 * The statement's database, where the user's SQL runs, keeps no file access at all: a statement
 * cannot name a file, and the files read are those of the project's snapshot only.
 */
final class ParquetFileRows implements AutoCloseable {
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  private final DuckDBConnection connection;
  private final PreparedStatement statement;
  private final ResultSet rows;

  private ParquetFileRows(
      DuckDBConnection connection, PreparedStatement statement, ResultSet rows) {
    this.connection = connection;
    this.statement = statement;
    this.rows = rows;
  }

  /**
   * Starts reading {@code columns} of the rows of {@code paths} with {@code from ≤ key < to}.
   *
   * @param paths local paths of Parquet files of {@code table}
   * @param from the key bound (Long for integral keys), inclusive; empty for none
   * @param to the key bound, exclusive; empty for none
   * @throws SQLException when the files cannot be read as the table's (the caller reads them
   *     otherwise)
   */
  static ParquetFileRows open(
      TableDefinition table,
      List<String> paths,
      List<Column> columns,
      Optional<Object> from,
      Optional<Object> to,
      int threads)
      throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("enable_external_access", "false");
    properties.setProperty("allowed_paths", list(paths));
    properties.setProperty("autoinstall_known_extensions", "false");
    properties.setProperty("autoload_known_extensions", "false");
    properties.setProperty("allow_community_extensions", "false");
    properties.setProperty("threads", Integer.toString(threads));
    properties.setProperty("jdbc_stream_results", "true");
    DuckDBConnection connection =
        (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
    PreparedStatement statement = null;
    try {
      try (Statement s = connection.createStatement()) {
        s.execute("SET TimeZone = 'UTC'");
        s.execute("SET lock_configuration = true");
      }
      statement = connection.prepareStatement(select(table, paths, columns, from, to));
      return new ParquetFileRows(connection, statement, statement.executeQuery());
    } catch (SQLException | RuntimeException e) {
      if (statement != null) {
        statement.close();
      }
      connection.close();
      throw e;
    }
  }

  /** The rows as Arrow batches of {@code batchRows} rows; the caller closes the reader first. */
  ArrowReader batches(BufferAllocator allocator, int batchRows) throws SQLException {
    return (ArrowReader) ((DuckDBResultSet) rows).arrowExportStream(allocator, batchRows);
  }

  @Override
  public void close() {
    try {
      rows.close();
      statement.close();
    } catch (SQLException e) {
      // closing the connection below frees them
    }
    try {
      connection.close();
    } catch (SQLException e) {
      // in memory: nothing is left behind
    }
  }

  private static String select(
      TableDefinition table,
      List<String> paths,
      List<Column> columns,
      Optional<Object> from,
      Optional<Object> to) {
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 0; i < columns.size(); i++) {
      Column column = columns.get(i);
      sql.append(i == 0 ? "" : ", ").append("CAST(").append(quote(column.name())).append(" AS ");
      sql.append(arrowType(column.type())).append(") AS ").append(quote(column.name()));
    }
    sql.append(" FROM read_parquet(").append(list(paths)).append(", union_by_name = true)");
    Column key = table.primaryKeyColumn();
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

  /** The engine's type whose Arrow export has the vector types the rows tables take. */
  private static String arrowType(ColumnType type) {
    return switch (type) {
      case BOOLEAN -> "BOOLEAN";
      case INT -> "INTEGER";
      case LONG -> "BIGINT";
      case FLOAT -> "FLOAT";
      case DOUBLE -> "DOUBLE";
      case STRING, JSON -> "VARCHAR";
      case BYTES -> "BLOB";
      case TIMESTAMP -> "TIMESTAMPTZ";
      case DATE -> "DATE";
      case ARRAY_LONG -> "BIGINT[]";
      case ARRAY_DOUBLE -> "DOUBLE[]";
      case ARRAY_STRING -> "VARCHAR[]";
    };
  }

  private static String literal(ColumnType type, Object key) {
    long value = ((Number) key).longValue();
    return switch (type) {
      case TIMESTAMP ->
          "TIMESTAMPTZ '"
              + MICROS.format(
                  Instant.ofEpochSecond(
                      Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1000))
              + "+00'";
      case DATE -> "DATE '" + LocalDate.ofEpochDay(value) + "'";
      case INT, LONG -> Long.toString(value);
      default -> throw new IllegalArgumentException("no file reads for " + type + " keys");
    };
  }

  private static String list(List<String> paths) {
    StringBuilder list = new StringBuilder("[");
    for (String path : paths) {
      list.append(list.length() == 1 ? "" : ", ").append('\'').append(path.replace("'", "''"));
      list.append('\'');
    }
    return list.append(']').toString();
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}

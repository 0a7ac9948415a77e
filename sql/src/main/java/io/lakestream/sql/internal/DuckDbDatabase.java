package io.lakestream.sql.internal;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.duckdb.DuckDBConnection;

/**
 * The sidecar's one in-memory DuckDB database. It holds no table of its own: each statement gets a
 * connection of its own ({@link #connect()}) whose temporary tables, visible to that connection
 * only, hold the rows the statement reads. Its configuration is set once and locked: no file,
 * network or extension access, a memory limit for all statements together, UTC time zone.
 */
public final class DuckDbDatabase implements AutoCloseable {
  private final DuckDBConnection root;

  /**
   * Starts the database.
   *
   * @param memoryLimit DuckDB's {@code memory_limit}, e.g. {@code 2GB}
   * @param threads DuckDB's threads
   */
  public DuckDbDatabase(String memoryLimit, int threads) {
    Properties properties = new Properties();
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
        // The plan that says what a statement reads is made over empty tables: statistics would
        // tell the optimizer that they are empty and remove the scans.
        s.execute("SET GLOBAL disabled_optimizers = 'statistics_propagation'");
        s.execute("SET GLOBAL lock_configuration = true");
      }
    } catch (SQLException e) {
      throw io.lakestream.sql.SqlErrors.engineDown("did not start", e);
    }
  }

  /** A new connection: its own transaction and temporary tables. */
  DuckDBConnection connect() throws SQLException {
    return root.duplicate();
  }

  @Override
  public void close() {
    try {
      root.close();
    } catch (SQLException e) {
      // in memory: nothing is left behind
    }
  }
}

package io.lakestream.sql.internal;

import io.lakestream.sql.SqlException;
import java.sql.SQLException;

/** The engine's failures in the user's terms. */
public final class SqlEngineErrors {
  private SqlEngineErrors() {}

  /** A failure of the engine on the user's statement: its message, which names no Java class. */
  public static SqlException of(SQLException e) {
    String message = e.getMessage() == null ? "" : e.getMessage().strip();
    message = message.replaceFirst("^java\\.sql\\.SQLException: ", "");
    if (message.startsWith("Out of Memory Error")) {
      return SqlException.of(
          "The statement needs more memory than the SQL engine may use ("
              + message.lines().findFirst().orElse("")
              + "): narrow the key range (e.g. a shorter time range on the primary key) or select"
              + " fewer columns.");
    }
    if (message.startsWith("INTERNAL Error")) {
      return SqlException.of(
          "The SQL engine failed on this statement: "
              + message.lines().findFirst().orElse("")
              + " Rewrite the statement (e.g. without the construct named).");
    }
    if (message.contains("Cannot compare values of type TIMESTAMP WITH TIME ZONE and type")) {
      message +=
          "\nTimestamps are timestamptz: compare them with '2026-11-21T10:00:00Z',"
              + " to_timestamp(<seconds>) or make_timestamptz(<microseconds>).";
    }
    message =
        message.replace(
            " Use \"SET max_expression_depth TO x\" to increase the maximum expression depth.",
            " Simplify the expression.");
    return SqlException.of(message);
  }
}

package io.lakestream.sql;

import java.sql.SQLException;
import java.sql.Statement;

/**
 * Stops a running statement from another thread (a PostgreSQL cancel request): the rows being read
 * for it stop at the next batch, the engine's own work stops where it is, and the statement fails
 * with {@link io.lakestream.schema.ErrorKind#CANCELED}. One per statement; thread-safe.
 */
public final class StatementCancel {
  private boolean cancelled;

  /** The engine's statement running now for it, or null. */
  private Statement running;

  /** Cancels the statement; nothing when it has ended. Idempotent. */
  public synchronized void cancel() {
    cancelled = true;
    interrupt();
  }

  /** Whether {@link #cancel} was called. */
  public synchronized boolean cancelled() {
    return cancelled;
  }

  /**
   * For the engine: {@code statement} (or null: none) is the engine's statement running now for
   * this one, interrupted at once if this one was cancelled. Set to null before the connection goes
   * back to its pool, so that a late cancel does not reach the next statement on it.
   */
  public synchronized void running(Statement statement) {
    running = statement;
    if (cancelled) {
      interrupt();
    }
  }

  private void interrupt() {
    if (running != null) {
      try {
        running.cancel();
      } catch (SQLException e) {
        // closed already: the statement has ended
      }
    }
  }
}

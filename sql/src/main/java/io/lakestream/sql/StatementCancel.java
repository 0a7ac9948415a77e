package io.lakestream.sql;

import java.sql.SQLException;
import java.sql.Statement;

/**
 * Stops a running statement from another thread (a PostgreSQL cancel request): the rows being read
 * for it stop at the next batch, the engine's own work stops where it is, and the statement fails
 * with {@link io.lakestream.schema.ErrorKind#CANCELED}. One per statement; thread-safe.
 */
public final class StatementCancel {
  private volatile boolean cancelled;

  /** Why it was cancelled, in PostgreSQL's words ("canceling statement due to …"). */
  private String reason = "user request";

  /** The engine's statement running now for it, or null. */
  private Statement running;

  /** Cancels the statement; nothing when it has ended. Idempotent. */
  public synchronized void cancel() {
    cancelled = true;
    interrupt();
  }

  /** Cancels the statement because it ran longer than {@code limit}; as {@link #cancel}. */
  public synchronized void timeOut(java.time.Duration limit) {
    if (!cancelled) {
      String most =
          limit.toMillis() % 1000 == 0 ? limit.toSeconds() + " s" : limit.toMillis() + " ms";
      reason = "statement timeout (statements may run " + most + " at most)";
    }
    cancel();
  }

  /** Whether {@link #cancel} was called. */
  public boolean cancelled() {
    return cancelled;
  }

  /** Whether an engine's statement is running for it now (for tests). */
  synchronized boolean engineRunning() {
    return running != null;
  }

  /** Why: {@code canceling statement due to user request}, or to a statement timeout. */
  public synchronized String message() {
    return "canceling statement due to " + reason;
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

package io.lakestream.pgwire;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One client connection's session: who it is, and its settings ({@code SET name = value}). Settings
 * only change what {@code SHOW} answers; values are always sent as {@code UTF8}, dates in ISO style
 * and timestamps with an explicit UTC offset.
 */
public final class PgSession {
  private final String user;
  private final String database;
  private final Object principal;
  private final int processId;
  private final Map<String, String> settings = new ConcurrentHashMap<>();
  private volatile boolean cancelRequested;

  /** What a cancel request of the running statement also does ({@link #onCancel}), or null. */
  private Runnable cancelListener;

  /**
   * @param user the user name from the startup message
   * @param database the database name from the startup message (the user name when absent)
   * @param principal who the backend said the user is
   * @param processId the process id the client uses to cancel
   */
  public PgSession(String user, String database, Object principal, int processId) {
    this.user = requireNonNull(user, "user is null");
    this.database = requireNonNull(database, "database is null");
    this.principal = requireNonNull(principal, "principal is null");
    this.processId = processId;
  }

  /** The user name. */
  public String user() {
    return user;
  }

  /** The database name. */
  public String database() {
    return database;
  }

  /** Who the backend said the user is. */
  public Object principal() {
    return principal;
  }

  /** The process id the client knows this session by. */
  public int processId() {
    return processId;
  }

  /** A setting's value, by its name in any case. */
  public Optional<String> setting(String name) {
    return Optional.ofNullable(settings.get(name.toLowerCase(java.util.Locale.ROOT)));
  }

  /** Sets a setting. */
  public void set(String name, String value) {
    settings.put(name.toLowerCase(java.util.Locale.ROOT), value);
  }

  /** Resets a setting to its default. */
  public void reset(String name) {
    settings.remove(name.toLowerCase(java.util.Locale.ROOT));
  }

  /** Resets every setting. */
  public void resetAll() {
    settings.clear();
  }

  /**
   * Whether a cancel request arrived for the running statement. A backend that works a long time
   * before producing its first row may check it and stop; the server checks it between rows.
   */
  public boolean cancelRequested() {
    return cancelRequested;
  }

  /**
   * Runs {@code listener} when a cancel request arrives for the running statement (at once if one
   * has arrived already), from the thread that took the request: a backend whose work happens
   * elsewhere (an engine's threads) stops it there. Until the statement ends.
   */
  public void onCancel(Runnable listener) {
    boolean now;
    synchronized (this) {
      cancelListener = listener;
      now = cancelRequested;
    }
    if (now) {
      listener.run();
    }
  }

  void requestCancel() {
    Runnable listener;
    synchronized (this) {
      cancelRequested = true;
      listener = cancelListener;
    }
    if (listener != null) {
      listener.run();
    }
  }

  synchronized void clearCancel() {
    cancelRequested = false;
    cancelListener = null;
  }
}

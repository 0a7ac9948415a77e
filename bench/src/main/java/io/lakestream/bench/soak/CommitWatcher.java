package io.lakestream.bench.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Follows the Delta logs of the soak's tables from outside the writers: every new {@code
 * _delta_log/<version>.json} of every {@code projects/<project>/<table>} folder, with the time the
 * file was written (its modification time, which the writer's commit sets).
 */
final class CommitWatcher implements AutoCloseable {
  private final Path projectsDir;
  private final String table;
  private final Map<String, Long> nextVersion = new HashMap<>();
  private final Map<String, List<Long>> commitMillis = new TreeMap<>();
  private final Thread thread;
  private volatile boolean closed;
  private volatile long lastCommitMillis;

  CommitWatcher(Path warehouse, String table) {
    this.projectsDir = warehouse.resolve("projects");
    this.table = table;
    this.thread = new Thread(this::run, "soak-commit-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (!closed) {
      scan();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  synchronized void scan() {
    if (!Files.isDirectory(projectsDir)) {
      return;
    }
    try (var projects = Files.list(projectsDir)) {
      for (Path project : (Iterable<Path>) projects::iterator) {
        Path log = project.resolve(table).resolve("_delta_log");
        String name = project.getFileName().toString();
        long version = nextVersion.getOrDefault(name, 0L);
        while (true) {
          Path commit = log.resolve(String.format("%020d.json", version));
          if (!Files.exists(commit)) {
            break;
          }
          long millis = Files.getLastModifiedTime(commit).toMillis();
          commitMillis.computeIfAbsent(name, k -> new ArrayList<>()).add(millis);
          lastCommitMillis = Math.max(lastCommitMillis, System.currentTimeMillis());
          version++;
        }
        nextVersion.put(name, version);
      }
    } catch (IOException e) {
      // a folder being created: next scan
    }
  }

  /** When the watcher last saw a new commit (its own clock). */
  long lastSeenMillis() {
    return lastCommitMillis;
  }

  /** Commits seen so far per project. */
  synchronized Map<String, Long> versions() {
    return new TreeMap<>(nextVersion);
  }

  /** The first commit of {@code project} written after {@code millis}, or -1. */
  synchronized long firstCommitAfter(String project, long millis) {
    for (long t : commitMillis.getOrDefault(project, List.of())) {
      if (t > millis) {
        return t;
      }
    }
    return -1;
  }

  /** Whether {@code project} committed in {@code [from, to]}. */
  synchronized boolean committedBetween(String project, long from, long to) {
    for (long t : commitMillis.getOrDefault(project, List.of())) {
      if (t >= from && t <= to) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}

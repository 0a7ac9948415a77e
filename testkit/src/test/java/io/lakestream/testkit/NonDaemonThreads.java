package io.lakestream.testkit;

import java.util.Set;
import java.util.stream.Collectors;

/** The live non-daemon threads, to prove a server left none behind. */
final class NonDaemonThreads {
  private NonDaemonThreads() {}

  static Set<String> names() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.isDaemon())
        .map(t -> t.getName() + "#" + t.getId())
        .collect(Collectors.toSet());
  }
}

package io.lakestream.maintenance;

import java.time.Duration;
import java.util.Optional;

/**
 * A project's own retention for a table type, which overrides the type's (the catalog's project
 * registrations: {@code POST /v1/projects} with {@code retention}).
 */
@FunctionalInterface
public interface ProjectRetention {
  /** No project overrides its table types' retention. */
  ProjectRetention NONE = (project, table) -> Optional.empty();

  /** The retention of {@code project}'s table of type {@code table}, if the project sets one. */
  Optional<Duration> retention(String project, String table);
}

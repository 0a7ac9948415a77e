package io.lakestream.schema;

/**
 * Whether rows of a project may be routed. The ingest router asks once per project of every source
 * record; a project it does not admit sends the record to the dead-letter topic with reason {@code
 * unregistered_project}, so nothing is lost and a replay after registering the project routes it.
 * Implementations must be safe to call from any thread and return quickly.
 *
 * <p>The catalog module provides the two policies of a deployment ({@code
 * io.lakestream.catalog.ProjectAdmissions}): only registered projects, or every valid project,
 * registered on its first row.
 */
@FunctionalInterface
public interface ProjectAdmission {
  /** Whether rows of {@code projectId} (a valid project id) may be routed now. */
  boolean admits(String projectId);

  /** Admits every project; nothing is registered. */
  static ProjectAdmission open() {
    return projectId -> true;
  }
}

package io.lakestream.writer;

/**
 * A hook called at each {@link CrashPoint} of a flush, so tests can stop the writer there as a
 * crash would. Throwing any {@link Error} from {@link #at} stops the writer on the spot: no further
 * flush, no offset commit, consumer closed without committing, like a killed process.
 */
@FunctionalInterface
public interface FaultInjector {
  /** No faults: the production setting. */
  FaultInjector NONE = (point, project, table) -> {};

  /**
   * Called when the writer reaches {@code point}.
   *
   * @param project the project of the table being flushed; empty for {@link
   *     CrashPoint#BEFORE_OFFSET_COMMIT}
   * @param table the table type being flushed; empty for {@link CrashPoint#BEFORE_OFFSET_COMMIT}
   */
  void at(CrashPoint point, String project, String table);
}

package io.lakestream.maintenance.internal;

import java.util.Optional;

/**
 * Which tables this maintenance instance may work on now, and the turns it has under way. A turn
 * runs between {@link #begin} and {@link #end}; an owner that gives a table up waits for the
 * table's turn under way (see {@link GroupOwnership}).
 */
public interface TableOwnership extends AutoCloseable {
  /** Every table, always: one instance alone ({@code maintain --once}, {@code dev}). */
  TableOwnership ALL =
      new TableOwnership() {
        @Override
        public boolean owns(String tableKey) {
          return true;
        }

        @Override
        public boolean begin(String tableKey) {
          return true;
        }

        @Override
        public void end(String tableKey) {}

        @Override
        public Optional<String> failure() {
          return Optional.empty();
        }

        @Override
        public void close() {}
      };

  /** Whether this instance may work on the table {@code <project>/<table>} now. */
  boolean owns(String tableKey);

  /**
   * Starts a turn on the table when this instance owns it: true, and {@link #end} must follow;
   * false when it does not (then nothing is to be done).
   */
  boolean begin(String tableKey);

  /** Ends a turn started by {@link #begin}. */
  void end(String tableKey);

  /** Why this instance cannot take part in the group now, when it cannot. */
  Optional<String> failure();

  /** Gives every table up (after the turns under way) and leaves the group. */
  @Override
  void close();
}

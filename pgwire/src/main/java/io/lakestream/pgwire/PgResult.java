package io.lakestream.pgwire;

import static java.util.Objects.requireNonNull;

import java.util.Iterator;
import java.util.List;

/** What a statement returns: rows with their columns, or a command tag. */
public sealed interface PgResult extends AutoCloseable permits PgResult.Rows, PgResult.Command {

  /** Frees what the result holds; idempotent. */
  @Override
  void close();

  /**
   * Rows, read one at a time as the client takes them: the server writes each row as the iterator
   * produces it, so a result never needs to fit in memory.
   *
   * @param columns the columns, in the order of each row's values
   * @param rows the rows; each value is null or a Java value of its column's type (see {@link
   *     PgType})
   * @param onClose called once when the rows are no longer needed (read to the end, cancelled,
   *     failed, or the portal closed)
   */
  record Rows(List<PgColumn> columns, Iterator<? extends List<?>> rows, Runnable onClose)
      implements PgResult {
    public Rows {
      columns = List.copyOf(requireNonNull(columns, "columns is null"));
      requireNonNull(rows, "rows is null");
      requireNonNull(onClose, "onClose is null");
    }

    /** Rows held in memory. */
    public static Rows of(List<PgColumn> columns, List<? extends List<?>> rows) {
      return new Rows(columns, rows.iterator(), () -> {});
    }

    @Override
    public void close() {
      onClose.run();
    }
  }

  /**
   * A statement without rows.
   *
   * @param tag the command tag, e.g. {@code INSERT 0 3} or {@code CREATE TABLE}
   */
  record Command(String tag) implements PgResult {
    public Command {
      requireNonNull(tag, "tag is null");
    }

    @Override
    public void close() {}
  }
}

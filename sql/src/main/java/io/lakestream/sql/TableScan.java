package io.lakestream.sql;

import io.lakestream.schema.TableDefinition;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads the rows of one project's table within a primary-key range, with only some columns: the
 * part of a query that Lakestream answers itself (through the learned index), below the SQL engine.
 * The query sidecar implements it.
 */
public interface TableScan {
  /**
   * Passes each row with {@code from ≤ key < to} to {@code rows}, its values in {@code columns}
   * order: {@link Boolean}, {@link Integer} (int, date as days since the epoch), {@link Long}
   * (long, timestamp as microseconds since the epoch UTC), {@link Float}, {@link Double}, {@link
   * String} (string, json), {@code byte[]} (bytes), {@link List} (arrays), or null. A project
   * without such a table has no rows.
   *
   * @param from the smallest key, inclusive (Long for int, long, timestamp and date keys; Double
   *     for float and double keys); empty for no bound
   * @param to the key bound, exclusive, same representation; empty for no bound
   * @throws RuntimeException what {@code rows} throws, and read failures in the caller's terms
   */
  void scan(
      TableDefinition table,
      String projectId,
      Optional<Object> from,
      Optional<Object> to,
      List<String> columns,
      Consumer<Object[]> rows);
}

package io.lakestream.sql;

import io.lakestream.schema.TableDefinition;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** Reads one project's rows of a table by primary-key range; the query sidecar implements it. */
public interface RowRange {
  /**
   * The rows with {@code from ≤ key < to}, in key order (descending when asked), each a map of the
   * requested columns. An unknown project or table gives an empty stream.
   *
   * @param from the smallest key, inclusive; empty for no bound
   * @param to the key bound, exclusive; empty for no bound
   */
  Stream<Map<String, Object>> read(
      TableDefinition table,
      String projectId,
      Optional<Object> from,
      Optional<Object> to,
      boolean descending,
      List<String> columns);
}

package io.lakestream.sql;

import io.lakestream.schema.Column;
import io.lakestream.schema.TableDefinition;
import io.lakestream.sql.internal.BoxedRowBatches;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Reads the rows of one project's table within a primary-key range, with only some columns: the
 * part of a query that Lakestream answers itself (through the learned index), below the SQL engine.
 * The query sidecar implements it.
 *
 * <p>The engine takes the rows through {@link #batches}, column by column; {@link #scan} gives them
 * row by row (the engine's key lookups read through it).
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

  /**
   * The same rows as {@link #scan}, as Arrow batches in any order (the engine orders rows itself),
   * leaving out rows whose value differs from {@code equalities} (column → value: {@code String}
   * for string columns, {@code Long} for int, long, timestamp and date columns; a scan may also
   * keep such rows, the engine applies the conditions again). The batches' vectors have the types
   * of {@link BoxedRowBatches#schema} for {@code columns}, in order; the caller closes the reader.
   * Empty when the project has no such table.
   *
   * <p>This default collects the rows of {@link #scan} in memory and writes them into Arrow
   * vectors; a reader with column vectors of its own writes them directly.
   *
   * @throws RuntimeException read failures in the caller's terms (also from the reader's {@code
   *     loadNextBatch})
   */
  default Optional<ArrowReader> batches(
      TableDefinition table,
      String projectId,
      Optional<Object> from,
      Optional<Object> to,
      List<String> columns,
      Map<String, Object> equalities,
      BufferAllocator allocator) {
    List<Column> typed = columns.stream().map(n -> table.column(n).orElseThrow()).toList();
    int[] slots = equalities.keySet().stream().mapToInt(columns::indexOf).toArray();
    Object[] wanted = equalities.values().toArray();
    List<Object[]> rows = new ArrayList<>();
    scan(
        table,
        projectId,
        from,
        to,
        columns,
        values -> {
          for (int i = 0; i < slots.length; i++) {
            Object value = values[slots[i]];
            boolean equal =
                value instanceof Number n && wanted[i] instanceof Long l
                    ? n.longValue() == l && !(value instanceof Double || value instanceof Float)
                    : Objects.equals(value, wanted[i]);
            if (!equal) {
              return;
            }
          }
          rows.add(values);
        });
    return Optional.of(new BoxedRowBatches(typed, rows, allocator));
  }

  /**
   * The first rows of a range in key order that a statement needs, when it orders a table's rows by
   * the key and keeps a number of them ({@code ORDER BY timestamp DESC LIMIT 20}, its offset
   * included) and every condition on them is met by the scan.
   *
   * @param rows how many
   * @param descending greatest keys first
   */
  record First(long rows, boolean descending) {
    public First {
      if (rows < 1) {
        throw new IllegalArgumentException("rows " + rows + " < 1");
      }
    }
  }

  /**
   * Of the rows {@link #batches} gives, at least those a statement ordered by the key with a limit
   * needs: the first {@code first.rows()} in key order of the rows meeting {@code equalities}, and
   * every row sharing a key with one of them (the engine may keep any of those); more rows are
   * fine. This default gives every row of the range; a reader with an index reads the range from
   * its end until it has them.
   */
  default Optional<ArrowReader> firstBatches(
      TableDefinition table,
      String projectId,
      Optional<Object> from,
      Optional<Object> to,
      List<String> columns,
      Map<String, Object> equalities,
      First first,
      BufferAllocator allocator) {
    return batches(table, projectId, from, to, columns, equalities, allocator);
  }

  /**
   * Whether the rows of a range are better read by the engine from the table's Parquet files than
   * through {@link #batches}, and if so, the table's rows as a whole as the snapshot holds them:
   * every Parquet file of the snapshot (local paths) plus the rows held elsewhere (the live tail),
   * so that each row of the table is in exactly one of them, whatever range the statement ends up
   * reading. Empty when reading the files directly would not pay (a small part of the table) or is
   * not possible (files not on a local disk, keys that are not integers): the engine then takes
   * {@link #batches}. The caller closes {@link FileRows#others()}.
   *
   * @param from the range's smallest key, inclusive (as in {@link #scan}); empty for no bound
   * @param to the range's key bound, exclusive; empty for no bound
   * @param columns the columns the engine reads (those of {@link FileRows#others()})
   */
  default Optional<FileRows> files(
      TableDefinition table,
      String projectId,
      Optional<Object> from,
      Optional<Object> to,
      List<String> columns,
      BufferAllocator allocator) {
    return Optional.empty();
  }

  /**
   * Told when the engine reads {@code files} (from {@link #files}) for a statement; it may also
   * read the rows through {@link #batches} instead (e.g. when few rows meet its equalities).
   */
  default void readingFiles(TableDefinition table, FileRows files) {}

  /**
   * A table's rows as files and other rows.
   *
   * @param paths local paths of every Parquet file of the snapshot
   * @param rows the rows of the range in those files, as the index places them (counted against the
   *     statement's row limit)
   * @param others every row of the snapshot that no such file holds, as {@link #batches} gives them
   *     (the columns asked for, no equalities)
   */
  record FileRows(List<String> paths, long rows, ArrowReader others) {
    public FileRows {
      paths = List.copyOf(paths);
      Objects.requireNonNull(others, "others is null");
    }
  }
}

package io.lakestream.reader;

import io.lakestream.schema.Column;
import io.lakestream.schema.TableDefinition;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A parsed row read: which keys, in which order, how many rows, which columns, from where.
 *
 * @param range the keys, both ends inclusive (encoded)
 * @param descending whether rows come in descending key order
 * @param limit rows at most in this response
 * @param columns the output columns, in order
 * @param cursor where a previous page stopped, or null
 */
public record RowQuery(
    KeyRange range, boolean descending, int limit, List<String> columns, Cursor cursor) {
  public RowQuery {
    columns = List.copyOf(columns);
  }

  /**
   * A range read from request parameters (each may be null): {@code from} inclusive, {@code to}
   * exclusive, both optional.
   *
   * @throws QueryException (bad request) naming the parameter that is wrong
   */
  public static RowQuery range(
      TableDefinition table,
      String from,
      String to,
      String limit,
      String columns,
      String order,
      String cursor,
      int defaultLimit,
      int maxLimit) {
    Column key = table.primaryKeyColumn();
    Long lo = blank(from) ? null : Keys.parse(key.type(), from, "from", key.name());
    Long hi = blank(to) ? null : Keys.parse(key.type(), to, "to", key.name());
    if (lo != null && hi != null && lo >= hi) {
      throw QueryErrors.emptyRange(from, to);
    }
    return new RowQuery(
        KeyRange.fromTo(lo, hi),
        descending(order),
        limit(limit, defaultLimit, maxLimit),
        columns(table, columns),
        blank(cursor) ? null : Cursor.decode(cursor));
  }

  /**
   * A read of every row with one key; {@code limit} defaults to the maximum.
   *
   * @throws QueryException (bad request) naming the parameter that is wrong
   */
  public static RowQuery point(
      TableDefinition table,
      String keyText,
      String limit,
      String columns,
      String order,
      String cursor,
      int maxLimit) {
    Column key = table.primaryKeyColumn();
    long value = Keys.parse(key.type(), keyText, "key", key.name());
    return new RowQuery(
        KeyRange.of(value),
        descending(order),
        limit(limit, maxLimit, maxLimit),
        columns(table, columns),
        blank(cursor) ? null : Cursor.decode(cursor));
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private static boolean descending(String order) {
    if (blank(order)) {
      return false;
    }
    return switch (order.strip().toLowerCase(Locale.ROOT)) {
      case "asc" -> false;
      case "desc" -> true;
      default -> throw QueryErrors.badOrder(order);
    };
  }

  private static int limit(String text, int defaultLimit, int maxLimit) {
    if (blank(text)) {
      return defaultLimit;
    }
    long limit;
    try {
      limit = Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw QueryErrors.badLimit(text);
    }
    if (limit < 1) {
      throw QueryErrors.badLimit(text);
    }
    if (limit > maxLimit) {
      throw QueryErrors.limitTooHigh(limit, maxLimit);
    }
    return (int) limit;
  }

  private static List<String> columns(TableDefinition table, String text) {
    if (blank(text)) {
      return table.columnNames();
    }
    Set<String> names = new LinkedHashSet<>();
    List<String> unknown = new ArrayList<>();
    for (String part : text.split(",")) {
      String name = part.strip();
      if (name.isEmpty()) {
        continue;
      }
      if (table.column(name).isEmpty()) {
        unknown.add("'" + name + "'");
      }
      names.add(name);
    }
    if (!unknown.isEmpty()) {
      throw QueryErrors.unknownColumns(table.name(), unknown);
    }
    if (names.isEmpty()) {
      return table.columnNames();
    }
    return List.copyOf(names);
  }
}

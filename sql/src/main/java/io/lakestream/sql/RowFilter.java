package io.lakestream.sql;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** A condition on a row's columns, from a WHERE clause; rows are maps of column to value. */
public interface RowFilter {
  /** Keeps every row. */
  RowFilter ALL =
      new RowFilter() {
        @Override
        public boolean test(Map<String, Object> row) {
          return true;
        }

        @Override
        public Set<String> columns() {
          return Set.of();
        }
      };

  /** Whether the row passes. A comparison with a null value is false, as in SQL. */
  boolean test(Map<String, Object> row);

  /** The columns the condition reads. */
  Set<String> columns();

  /** Both conditions. */
  static RowFilter and(RowFilter a, RowFilter b) {
    if (a == ALL) {
      return b;
    }
    if (b == ALL) {
      return a;
    }
    return of(row -> a.test(row) && b.test(row), union(a, b));
  }

  /** Either condition. */
  static RowFilter or(RowFilter a, RowFilter b) {
    return of(row -> a.test(row) || b.test(row), union(a, b));
  }

  /** The opposite condition. */
  static RowFilter not(RowFilter a) {
    return of(row -> !a.test(row), a.columns());
  }

  /** {@code column <op> value}. */
  static RowFilter compare(String column, String op, Object value) {
    return of(
        row -> {
          Object actual = row.get(column);
          if (actual == null || value == null) {
            return false;
          }
          int c = Values.compare(actual, value);
          return switch (op) {
            case "=" -> c == 0;
            case "<>" -> c != 0;
            case "<" -> c < 0;
            case "<=" -> c <= 0;
            case ">" -> c > 0;
            case ">=" -> c >= 0;
            default -> throw new IllegalArgumentException(op);
          };
        },
        Set.of(column));
  }

  /** {@code column IS [NOT] NULL}. */
  static RowFilter isNull(String column, boolean negated) {
    return of(row -> (row.get(column) == null) != negated, Set.of(column));
  }

  /** {@code column IN (values)}. */
  static RowFilter in(String column, List<Object> values) {
    return of(
        row -> {
          Object actual = row.get(column);
          return actual != null
              && values.stream().anyMatch(v -> v != null && Values.compare(actual, v) == 0);
        },
        Set.of(column));
  }

  /** {@code column LIKE pattern}, with {@code %} and {@code _}. */
  static RowFilter like(String column, String pattern, boolean caseInsensitive) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      switch (c) {
        case '%' -> regex.append(".*");
        case '_' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    Pattern compiled =
        Pattern.compile(
            regex.toString(),
            caseInsensitive ? Pattern.CASE_INSENSITIVE | Pattern.DOTALL : Pattern.DOTALL);
    return of(
        row -> row.get(column) != null && compiled.matcher(row.get(column).toString()).matches(),
        Set.of(column));
  }

  private static RowFilter of(
      java.util.function.Predicate<Map<String, Object>> predicate, Set<String> columns) {
    return new RowFilter() {
      @Override
      public boolean test(Map<String, Object> row) {
        return predicate.test(row);
      }

      @Override
      public Set<String> columns() {
        return columns;
      }
    };
  }

  private static Set<String> union(RowFilter a, RowFilter b) {
    java.util.Set<String> all = new java.util.LinkedHashSet<>(a.columns());
    all.addAll(b.columns());
    return Set.copyOf(all);
  }
}

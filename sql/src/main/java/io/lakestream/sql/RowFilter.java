package io.lakestream.sql;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A condition on a row's columns, from a WHERE clause; rows are maps of column to value.
 *
 * <p>Conditions follow SQL's three-valued logic: a comparison with a null value is unknown (not
 * false), {@code NOT unknown} is unknown, {@code unknown AND false} is false and {@code unknown OR
 * true} is true; a row passes only when the whole condition is true.
 */
public interface RowFilter {
  /** Keeps every row. */
  RowFilter ALL =
      new RowFilter() {
        @Override
        public Boolean evaluate(Map<String, Object> row) {
          return Boolean.TRUE;
        }

        @Override
        public Set<String> columns() {
          return Set.of();
        }
      };

  /** The condition's value for the row: true, false, or null for unknown. */
  Boolean evaluate(Map<String, Object> row);

  /** Whether the row passes: the condition is true (not false, not unknown). */
  default boolean test(Map<String, Object> row) {
    return Boolean.TRUE.equals(evaluate(row));
  }

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
    return of(
        row -> {
          Boolean left = a.evaluate(row);
          if (Boolean.FALSE.equals(left)) {
            return false;
          }
          Boolean right = b.evaluate(row);
          if (Boolean.FALSE.equals(right)) {
            return false;
          }
          return left == null || right == null ? null : Boolean.TRUE;
        },
        union(a, b));
  }

  /** Either condition. */
  static RowFilter or(RowFilter a, RowFilter b) {
    return of(
        row -> {
          Boolean left = a.evaluate(row);
          if (Boolean.TRUE.equals(left)) {
            return true;
          }
          Boolean right = b.evaluate(row);
          if (Boolean.TRUE.equals(right)) {
            return true;
          }
          return left == null || right == null ? null : Boolean.FALSE;
        },
        union(a, b));
  }

  /** The opposite condition. */
  static RowFilter not(RowFilter a) {
    return of(
        row -> {
          Boolean value = a.evaluate(row);
          return value == null ? null : !value;
        },
        a.columns());
  }

  /** {@code column <op> value}. */
  static RowFilter compare(String column, String op, Object value) {
    return of(
        row -> {
          Object actual = row.get(column);
          if (actual == null || value == null) {
            return null;
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
          if (actual == null) {
            return null;
          }
          boolean unknown = false;
          for (Object v : values) {
            if (v == null) {
              unknown = true;
            } else if (Values.compare(actual, v) == 0) {
              return true;
            }
          }
          return unknown ? null : Boolean.FALSE;
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
        row ->
            row.get(column) == null ? null : compiled.matcher(row.get(column).toString()).matches(),
        Set.of(column));
  }

  private static RowFilter of(
      java.util.function.Function<Map<String, Object>, Boolean> condition, Set<String> columns) {
    return new RowFilter() {
      @Override
      public Boolean evaluate(Map<String, Object> row) {
        return condition.apply(row);
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

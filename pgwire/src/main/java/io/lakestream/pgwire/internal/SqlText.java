package io.lakestream.pgwire.internal;

import java.util.ArrayList;
import java.util.List;

/** Splits a query string into statements, and reads the parts of one the server answers itself. */
public final class SqlText {
  private SqlText() {}

  /**
   * The statements of a query string, split at semicolons outside quotes, dollar quotes and
   * comments; blank statements (only whitespace and comments) are left out.
   */
  public static List<String> split(String sql) {
    List<String> statements = new ArrayList<>();
    int start = 0;
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"') {
        i = skipQuoted(sql, i, c);
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (c == '$') {
        int tagEnd = sql.indexOf('$', i + 1);
        String tag = tagEnd < 0 ? null : sql.substring(i, tagEnd + 1);
        if (tag != null && tag.substring(1, tag.length() - 1).matches("[A-Za-z_]*")) {
          int end = sql.indexOf(tag, tagEnd + 1);
          i = end < 0 ? n : end + tag.length();
        } else {
          i++;
        }
      } else if (c == ';') {
        add(statements, sql.substring(start, i));
        start = ++i;
      } else {
        i++;
      }
    }
    add(statements, sql.substring(start));
    return statements;
  }

  private static int skipQuoted(String sql, int i, char quote) {
    int j = i + 1;
    while (j < sql.length()) {
      if (sql.charAt(j) == quote) {
        if (j + 1 < sql.length() && sql.charAt(j + 1) == quote) {
          j += 2;
          continue;
        }
        return j + 1;
      }
      j++;
    }
    return j;
  }

  private static void add(List<String> statements, String statement) {
    if (!stripComments(statement).isBlank()) {
      statements.add(statement.strip());
    }
  }

  /**
   * The statement with {@code $1}, {@code $2}, … outside quotes replaced by the parameters as
   * quoted text literals (nulls as {@code NULL}): for the queries the server answers itself.
   */
  public static String inline(String sql, List<Object> parameters) {
    if (parameters.isEmpty()) {
      return sql;
    }
    StringBuilder out = new StringBuilder(sql.length());
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"') {
        int end = skipQuoted(sql, i, c);
        out.append(sql, i, end);
        i = end;
      } else if (c == '$' && i + 1 < sql.length() && Character.isDigit(sql.charAt(i + 1))) {
        int end = i + 1;
        while (end < sql.length() && Character.isDigit(sql.charAt(end))) {
          end++;
        }
        int index = Integer.parseInt(sql.substring(i + 1, end)) - 1;
        Object value = index < parameters.size() ? parameters.get(index) : null;
        out.append(value == null ? "NULL" : "'" + value.toString().replace("'", "''") + "'");
        i = end;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /** The statement without comments, with runs of whitespace made one space, trimmed. */
  public static String normalize(String statement) {
    String text = stripComments(statement).replaceAll("\\s+", " ").strip();
    while (text.endsWith(";")) {
      text = text.substring(0, text.length() - 1).strip();
    }
    return text;
  }

  /**
   * The statement with the text of its string literals left out ({@code 'pg_catalog.x'} becomes
   * {@code ''}), so that words in them are not taken for what the statement reads.
   */
  public static String withoutLiterals(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\'') {
        i = skipQuoted(sql, i, c);
        out.append("''");
      } else if (c == '"') {
        int end = skipQuoted(sql, i, c);
        out.append(sql, i, end);
        i = end;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static String stripComments(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"') {
        int end = skipQuoted(sql, i, c);
        out.append(sql, i, end);
        i = end;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
        out.append(' ');
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
        out.append(' ');
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /**
   * Splits at commas outside parentheses and quotes: the items of a select list, or a function's
   * arguments.
   */
  public static List<String> splitList(String list) {
    List<String> items = new ArrayList<>();
    int depth = 0;
    int start = 0;
    int i = 0;
    while (i < list.length()) {
      char c = list.charAt(i);
      if (c == '\'' || c == '"') {
        i = skipQuoted(list, i, c);
        continue;
      }
      if (c == '(' || c == '[') {
        depth++;
      } else if (c == ')' || c == ']') {
        depth--;
      } else if (c == ',' && depth == 0) {
        items.add(list.substring(start, i).strip());
        start = i + 1;
      }
      i++;
    }
    items.add(list.substring(start).strip());
    return items;
  }

  /**
   * The select list of a statement that starts with {@code SELECT}: the text up to the first
   * top-level {@code FROM} (or the end).
   */
  public static String selectList(String normalized) {
    String body = normalized.substring("select".length());
    int depth = 0;
    int i = 0;
    String lower = body.toLowerCase(java.util.Locale.ROOT);
    while (i < body.length()) {
      char c = body.charAt(i);
      if (c == '\'' || c == '"') {
        i = skipQuoted(body, i, c);
        continue;
      }
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (depth == 0
          && lower.startsWith("from", i)
          && (i == 0 || !Character.isLetterOrDigit(lower.charAt(i - 1)))
          && (i + 4 >= lower.length() || !Character.isLetterOrDigit(lower.charAt(i + 4)))) {
        return body.substring(0, i).strip();
      }
      i++;
    }
    return body.strip();
  }
}

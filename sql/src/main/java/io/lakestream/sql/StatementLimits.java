package io.lakestream.sql;

import java.util.Locale;

/**
 * Limits checked on the text of a statement before it is parsed, so that a huge or deeply nested
 * statement is refused at once instead of keeping the parser busy for seconds or overflowing the
 * stack of the planner; also a repeated {@code LIMIT}, of which the parser would keep one.
 *
 * <p>The scan skips string literals ({@code '…'}), quoted identifiers ({@code "…"}, {@code `…`})
 * and comments ({@code -- …}, {@code /* … *}{@code /}).
 */
final class StatementLimits {
  /** The longest statement accepted, in characters. */
  static final int MAX_LENGTH = 256 * 1024;

  /** The deepest nesting of parentheses accepted. */
  static final int MAX_NESTING = 32;

  /** The most {@code AND} and {@code OR} operators accepted in one statement. */
  static final int MAX_BOOLEAN_OPERATORS = 1_000;

  private StatementLimits() {}

  /**
   * Refuses a statement over one of the limits.
   *
   * @throws SqlException naming the limit and how to stay within it
   */
  static void check(String sql) {
    checkSize(sql, true);
  }

  /**
   * Refuses a query over the size limits (length, nesting, AND/OR operators); a query may have a
   * {@code LIMIT} in each of its sub-queries.
   */
  static void checkQuery(String sql) {
    checkSize(sql, false);
  }

  private static void checkSize(String sql, boolean oneLimit) {
    if (sql.length() > MAX_LENGTH) {
      throw SqlErrors.limitExceeded(
          "The statement is "
              + sql.length()
              + " characters long; at most "
              + MAX_LENGTH
              + " are accepted. Split an INSERT into several statements, or send large batches"
              + " to the table's ingest topic.");
    }
    int depth = 0;
    int deepest = 0;
    int booleanOperators = 0;
    int limits = 0;
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"' || c == '`') {
        i = skipQuoted(sql, i, c);
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (c == '(') {
        depth++;
        deepest = Math.max(deepest, depth);
        i++;
      } else if (c == ')') {
        depth--;
        i++;
      } else if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
          i++;
        }
        String word = sql.substring(start, i).toUpperCase(Locale.ROOT);
        if (word.equals("AND") || word.equals("OR")) {
          booleanOperators++;
        } else if (word.equals("LIMIT")) {
          limits++;
        }
      } else if (c == '&' && i + 1 < n && sql.charAt(i + 1) == '&'
          || c == '|' && i + 1 < n && sql.charAt(i + 1) == '|') {
        booleanOperators++;
        i += 2;
      } else {
        i++;
      }
    }
    if (deepest > MAX_NESTING) {
      throw SqlErrors.limitExceeded(
          "The statement nests parentheses "
              + deepest
              + " levels deep; at most "
              + MAX_NESTING
              + " are accepted. Remove redundant parentheses.");
    }
    if (oneLimit && limits > 1) {
      // the parser keeps only one of them
      throw SqlErrors.badStatement("The statement has " + limits + " LIMIT clauses; write one.");
    }
    if (booleanOperators > MAX_BOOLEAN_OPERATORS) {
      throw SqlErrors.limitExceeded(
          "The statement has "
              + booleanOperators
              + " AND/OR operators; at most "
              + MAX_BOOLEAN_OPERATORS
              + " are accepted. Use IN (…) for a list of values, or narrow the key range.");
    }
  }

  /** The index after the closing quote of the quoted text starting at {@code start}. */
  private static int skipQuoted(String sql, int start, char quote) {
    int i = start + 1;
    while (i < sql.length()) {
      if (sql.charAt(i) == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i += 2; // a doubled quote stands for itself
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return sql.length();
  }
}

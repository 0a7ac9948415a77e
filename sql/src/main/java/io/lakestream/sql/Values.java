package io.lakestream.sql;

/** Compares the values a row may hold: numbers by value, text by characters, booleans. */
public final class Values {
  private Values() {}

  /**
   * Compares two non-null values.
   *
   * @throws SqlException when they cannot be compared (text with a number)
   */
  public static int compare(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      if (isIntegral(x) && isIntegral(y)) {
        return Long.compare(x.longValue(), y.longValue());
      }
      return Double.compare(x.doubleValue(), y.doubleValue());
    }
    if (a instanceof CharSequence && b instanceof CharSequence) {
      return a.toString().compareTo(b.toString());
    }
    if (a instanceof Boolean x && b instanceof Boolean y) {
      return Boolean.compare(x, y);
    }
    throw SqlErrors.badStatement("Cannot compare " + a + " with " + b + ".");
  }

  private static boolean isIntegral(Number n) {
    return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
  }
}

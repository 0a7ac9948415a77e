package io.lakestream.schema;

import java.util.regex.Pattern;

/**
 * Project ids: 1 to 64 ASCII letters, digits, {@code _} or {@code -}. A project id becomes a path
 * segment of the warehouse ({@code projects/<id>/<table>/}), so nothing that could escape it
 * ({@code ..}, {@code /}, {@code %2F}, control or non-ASCII characters) is accepted.
 *
 * <p>Project ids are case-insensitive: every place an id enters (the router, the catalog, the HTTP
 * API, tokens in the configuration) takes its {@linkplain #normalize lower-case form}, so {@code
 * ACME} and {@code acme} are one project and one folder, also on stores that ignore case.
 */
public final class ProjectIds {
  /** The longest project id. */
  public static final int MAX_LENGTH = 64;

  private static final Pattern PROJECT_ID = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_LENGTH + "}");

  private ProjectIds() {}

  /** Whether {@code id} is a valid project id. */
  public static boolean isValid(String id) {
    return id != null && PROJECT_ID.matcher(id).matches();
  }

  /**
   * The canonical form of {@code id}: ASCII letters in lower case, every other character unchanged
   * (so an invalid id stays invalid); null stays null.
   */
  public static String normalize(String id) {
    if (id == null) {
      return null;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        char[] chars = id.toCharArray();
        for (int j = i; j < chars.length; j++) {
          if (chars[j] >= 'A' && chars[j] <= 'Z') {
            chars[j] = (char) (chars[j] + ('a' - 'A'));
          }
        }
        return new String(chars);
      }
    }
    return id;
  }

  /** The id quoted for a message, with control characters escaped and cut at 100 characters. */
  public static String quote(String id) {
    StringBuilder out = new StringBuilder("'");
    int limit = Math.min(id.length(), 100);
    for (int i = 0; i < limit; i++) {
      char c = id.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (id.length() > limit) {
      out.append("…");
    }
    return out.append('\'').toString();
  }
}

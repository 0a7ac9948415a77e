package io.lakestream.schema;

import java.util.regex.Pattern;

/** Names of tables and columns: letters, digits and underscores, not starting with a digit. */
public final class Identifiers {
  /** The longest identifier accepted. */
  public static final int MAX_LENGTH = 128;

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private Identifiers() {}

  /** Whether {@code name} is a valid table or column name. */
  public static boolean isValid(String name) {
    return name != null && name.length() <= MAX_LENGTH && IDENTIFIER.matcher(name).matches();
  }
}

package io.lakestream.sql.internal;

import java.util.List;

/**
 * PostgreSQL's behaviour where the engine's differs and a setting, a type or a macro gives it:
 * statements written for PostgreSQL (psql, Grafana panels, DBeaver) give PostgreSQL's answers.
 *
 * <ul>
 *   <li>{@code /} of two integers is integer division ({@code 7 / 2} is 3, {@code duration_ns /
 *       1000000} whole milliseconds), and a division by zero is an error, not {@code Infinity}: the
 *       engine's {@code integer_division}.
 *   <li>{@code jsonb} names the engine's {@code JSON} type ({@code attributes::jsonb}), as the
 *       catalog shows JSON columns.
 *   <li>{@code json_typeof}/{@code jsonb_typeof} (lower-case names, as PostgreSQL's), {@code
 *       jsonb_array_length}, {@code json_extract_path_text}/{@code jsonb_extract_path_text} with
 *       one to four keys.
 *   <li>{@code to_char(timestamp, format)} for PostgreSQL's date and time patterns ({@code YYYY},
 *       {@code MM}, {@code DD}, {@code HH24}, {@code MI}, {@code SS}, {@code Mon}, {@code Day}, …),
 *       as the engine's {@code strftime}.
 * </ul>
 */
final class PostgresFunctions {
  private PostgresFunctions() {}

  /**
   * PostgreSQL's date and time patterns and the engine's {@code strftime} codes, in the order they
   * are replaced: a longer pattern before the shorter one it holds ({@code Month} before {@code
   * Mon} and {@code MM}, {@code HH24} before {@code HH}, {@code MS} before {@code SS}).
   */
  private static final String[][] TIME_PATTERNS = {
    {"YYYY", "%Y"},
    {"YY", "%y"},
    {"Month", "%B"},
    {"Mon", "%b"},
    {"MM", "%m"},
    {"MI", "%M"},
    {"MS", "%g"},
    {"US", "%f"},
    {"Day", "%A"},
    {"Dy", "%a"},
    {"DD", "%d"},
    {"HH24", "%H"},
    {"HH12", "%I"},
    {"HH", "%I"},
    {"SS", "%S"},
    {"AM", "%p"},
    {"PM", "%p"},
    {"TZ", "%Z"},
  };

  /** The statements that set them up, for a database's start (before its settings lock). */
  static List<String> statements() {
    String format = "replace(format, '%', '%%')";
    for (String[] pattern : TIME_PATTERNS) {
      format = "replace(" + format + ", '" + pattern[0] + "', '" + pattern[1] + "')";
    }
    return List.of(
        "SET GLOBAL integer_division = true",
        "CREATE TYPE main.jsonb AS JSON",
        "CREATE MACRO main.json_typeof(value) AS lower(json_type(value))",
        "CREATE MACRO main.jsonb_typeof(value) AS lower(json_type(value))",
        "CREATE MACRO main.jsonb_array_length(value) AS json_array_length(value)",
        extractPath("json_extract_path_text"),
        extractPath("jsonb_extract_path_text"),
        "CREATE MACRO main.to_char(value, format) AS strftime(value, " + format + ")");
  }

  private static String extractPath(String name) {
    return "CREATE MACRO main."
        + name
        + "(j, a) AS j->>a, (j, a, b) AS (j->a)->>b, (j, a, b, c) AS ((j->a)->b)->>c,"
        + " (j, a, b, c, d) AS (((j->a)->b)->c)->>d";
  }
}

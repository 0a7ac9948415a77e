package io.lakestream.pgwire.internal;

import io.lakestream.pgwire.PgColumn;
import io.lakestream.pgwire.PgErrors;
import io.lakestream.pgwire.PgException;
import io.lakestream.pgwire.PgResult;
import io.lakestream.pgwire.PgSession;
import io.lakestream.pgwire.PgType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The statements a session answers without the engine: {@code SET}, {@code RESET}, {@code SHOW},
 * transaction control (no-ops: every read sees the tables as they are at that moment), {@code
 * DISCARD}, {@code DEALLOCATE}, and {@code SELECT}s of constants and session functions ({@code
 * SELECT 1}, {@code SELECT version()}, {@code current_schema()}, {@code current_database()}, …).
 */
public final class SessionStatements {
  /** The version reported in {@code server_version}. */
  public static final String SERVER_VERSION = "15.0 (Lakestream)";

  /** Settings and their values; the ones marked reported are sent as ParameterStatus at start. */
  private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  /** The settings sent to the client as ParameterStatus after authentication. */
  public static final List<String> REPORTED =
      List.of(
          "server_version",
          "server_encoding",
          "client_encoding",
          "DateStyle",
          "IntervalStyle",
          "TimeZone",
          "integer_datetimes",
          "standard_conforming_strings",
          "is_superuser",
          "application_name");

  static {
    DEFAULTS.put("server_version", SERVER_VERSION);
    DEFAULTS.put("server_version_num", "150000");
    DEFAULTS.put("server_encoding", "UTF8");
    DEFAULTS.put("client_encoding", "UTF8");
    DEFAULTS.put("DateStyle", "ISO, MDY");
    DEFAULTS.put("IntervalStyle", "postgres");
    DEFAULTS.put("TimeZone", "UTC");
    DEFAULTS.put("integer_datetimes", "on");
    DEFAULTS.put("standard_conforming_strings", "on");
    DEFAULTS.put("is_superuser", "off");
    DEFAULTS.put("application_name", "");
    DEFAULTS.put("transaction_isolation", "read committed");
    DEFAULTS.put("default_transaction_isolation", "read committed");
    DEFAULTS.put("transaction_read_only", "off");
    DEFAULTS.put("default_transaction_read_only", "off");
    DEFAULTS.put("search_path", "\"$user\", public");
    DEFAULTS.put("max_identifier_length", "63");
    DEFAULTS.put("extra_float_digits", "1");
    DEFAULTS.put("lc_collate", "C.UTF-8");
    DEFAULTS.put("lc_ctype", "C.UTF-8");
    DEFAULTS.put("statement_timeout", "0");
    DEFAULTS.put("max_connections", "100");
    DEFAULTS.put("bytea_output", "hex");
  }

  private static final Pattern SET =
      Pattern.compile(
          "(?i)set\\s+(?:session\\s+|local\\s+)?([a-z_][a-z0-9_.]*)\\s*(?:to|=)\\s*(.+)");
  private static final Pattern SET_TIME_ZONE =
      Pattern.compile("(?i)set\\s+(?:session\\s+|local\\s+)?time\\s+zone\\s+(.+)");
  private static final Pattern SHOW = Pattern.compile("(?i)show\\s+([a-z_][a-z0-9_.]*|all)");
  private static final Pattern RESET = Pattern.compile("(?i)reset\\s+([a-z_][a-z0-9_.]*|all)");
  private static final Pattern ALIAS =
      Pattern.compile("(?is)(.+?)\\s+(?:as\\s+)?(\"[^\"]+\"|[a-z_][a-z0-9_]*)");

  private SessionStatements() {}

  /** A setting's default, by its name in any case. */
  public static Optional<String> defaultValue(String name) {
    for (var entry : DEFAULTS.entrySet()) {
      if (entry.getKey().equalsIgnoreCase(name)) {
        return Optional.of(entry.getValue());
      }
    }
    return Optional.empty();
  }

  /**
   * The answer to a session statement, or empty when the statement is for the engine.
   *
   * @throws PgException for a setting that cannot take the value given
   */
  public static Optional<PgResult> answer(String statement, PgSession session) {
    String sql = SqlText.normalize(statement);
    String lower = sql.toLowerCase(Locale.ROOT);
    String first = lower.split("[\\s(]", 2)[0];
    switch (first) {
      case "begin", "start" -> {
        return command("BEGIN");
      }
      case "commit", "end" -> {
        return command("COMMIT");
      }
      case "rollback", "abort" -> {
        return command("ROLLBACK");
      }
      case "discard" -> {
        session.resetAll();
        return command("DISCARD ALL");
      }
      case "deallocate" -> {
        return command("DEALLOCATE");
      }
      case "set" -> {
        return Optional.of(set(sql, session));
      }
      case "reset" -> {
        Matcher m = RESET.matcher(sql);
        if (!m.matches()) {
          throw PgErrors.syntax("RESET takes one setting name or ALL: " + sql);
        }
        if (m.group(1).equalsIgnoreCase("all")) {
          session.resetAll();
        } else {
          session.reset(m.group(1));
        }
        return command("RESET");
      }
      case "show" -> {
        return Optional.of(show(sql, session));
      }
      case "select" -> {
        return constantSelect(sql, session);
      }
      default -> {
        return Optional.empty();
      }
    }
  }

  private static Optional<PgResult> command(String tag) {
    return Optional.of(new PgResult.Command(tag));
  }

  private static PgResult set(String sql, PgSession session) {
    String lower = sql.toLowerCase(Locale.ROOT);
    if (lower.startsWith("set transaction") || lower.startsWith("set session characteristics")) {
      return new PgResult.Command("SET");
    }
    Matcher zone = SET_TIME_ZONE.matcher(sql);
    if (zone.matches()) {
      return fixed("TimeZone", unquote(zone.group(1)), session);
    }
    Matcher m = SET.matcher(sql);
    if (!m.matches()) {
      throw PgErrors.syntax("SET needs a setting name and a value: SET name = value, not " + sql);
    }
    String name = m.group(1);
    String value = unquote(m.group(2));
    if (name.equalsIgnoreCase("client_encoding")
        || name.equalsIgnoreCase("timezone")
        || name.equalsIgnoreCase("datestyle")) {
      return fixed(name, value, session);
    }
    if (value.equalsIgnoreCase("default")) {
      session.reset(name);
    } else {
      if (name.equalsIgnoreCase("statement_timeout")) {
        timeoutMillis(value); // refused as PostgreSQL refuses it, before it is kept
      }
      session.set(name, value);
    }
    return new PgResult.Command("SET");
  }

  private static final Pattern TIMEOUT =
      Pattern.compile("\\s*(\\d+(?:\\.\\d*)?)\\s*(us|ms|s|min|h|d)?\\s*");

  /**
   * The session's {@code statement_timeout} in milliseconds; 0 for none. PostgreSQL's form: a
   * number of milliseconds, or a number with a unit ({@code us}, {@code ms}, {@code s}, {@code
   * min}, {@code h}, {@code d}).
   */
  public static long statementTimeoutMillis(PgSession session) {
    return timeoutMillis(current("statement_timeout", session).orElse("0"));
  }

  private static long timeoutMillis(String value) {
    Matcher m = TIMEOUT.matcher(value);
    if (!m.matches()) {
      throw new PgException(
          PgErrors.INVALID_PARAMETER_VALUE,
          "invalid value for parameter \"statement_timeout\": \"" + value + "\"",
          null,
          "Valid units for this parameter are \"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\".");
    }
    double number = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    double millis =
        switch (unit) {
          case "us" -> number / 1000;
          case "s" -> number * 1000;
          case "min" -> number * 60_000;
          case "h" -> number * 3_600_000;
          case "d" -> number * 86_400_000;
          default -> number;
        };
    // PostgreSQL rounds to whole milliseconds; its largest value is 2^31 - 1 of them.
    long rounded = Math.round(millis);
    if (rounded > Integer.MAX_VALUE) {
      throw new PgException(
          PgErrors.INVALID_PARAMETER_VALUE,
          "invalid value for parameter \"statement_timeout\": \"" + value + "\"",
          "The largest is 2147483647 ms (about 24.9 days).",
          null);
    }
    return rounded;
  }

  /**
   * The settings that decide how values are written can only be set to what the server writes:
   * UTF8, UTC, ISO dates.
   */
  private static PgResult fixed(String name, String value, PgSession session) {
    String v = value.toUpperCase(Locale.ROOT).replace("-", "");
    boolean same =
        v.equals("DEFAULT")
            || switch (name.toLowerCase(Locale.ROOT)) {
              case "client_encoding" -> v.equals("UTF8") || v.equals("UNICODE");
              case "timezone" -> isUtc(value);
              default -> v.startsWith("ISO");
            };
    if (!same) {
      throw PgErrors.notSupported(
          name
              + " '"
              + value
              + "' is not supported: Lakestream sends text as UTF8, timestamps in UTC (with their"
              + " offset, +00) and dates in ISO style; convert in the client");
    }
    return new PgResult.Command("SET");
  }

  /**
   * Whether a time zone setting means UTC: its names, a zero offset ({@code +00}, {@code +00:00}),
   * and {@code LOCAL}/{@code DEFAULT} (the server's, UTC).
   */
  public static boolean isUtc(String zone) {
    String v = unquote(zone).toUpperCase(Locale.ROOT).replace(" ", "");
    return List.of("UTC", "ETC/UTC", "GMT", "ETC/GMT", "Z", "ZULU", "UCT", "LOCAL", "DEFAULT")
            .contains(v)
        || v.matches("(UTC|GMT)?[+-]?0{1,2}(:?00)?");
  }

  private static String unquote(String value) {
    String v = value.strip();
    if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
      return v.substring(1, v.length() - 1).replace("''", "'");
    }
    return v;
  }

  /** A setting's current value in this session. */
  public static Optional<String> current(String name, PgSession session) {
    if (name.equalsIgnoreCase("server_version") || name.equalsIgnoreCase("server_version_num")) {
      return defaultValue(name);
    }
    return session.setting(name).or(() -> defaultValue(name));
  }

  private static PgResult show(String sql, PgSession session) {
    Matcher m = SHOW.matcher(sql);
    if (!m.matches()) {
      throw PgErrors.syntax("SHOW takes one setting name or ALL: " + sql);
    }
    String name = m.group(1);
    if (name.equalsIgnoreCase("all")) {
      List<List<?>> rows = new ArrayList<>();
      for (String key : DEFAULTS.keySet()) {
        rows.add(Arrays.asList(key, current(key, session).orElse(""), ""));
      }
      return PgResult.Rows.of(
          List.of(
              new PgColumn("name", PgType.TEXT),
              new PgColumn("setting", PgType.TEXT),
              new PgColumn("description", PgType.TEXT)),
          rows);
    }
    String value =
        current(name, session)
            .orElseThrow(
                () ->
                    new PgException(
                        "42704",
                        "unrecognized configuration parameter \"" + name + "\"",
                        null,
                        "SHOW ALL lists the settings Lakestream knows."));
    String column =
        DEFAULTS.keySet().stream()
            .filter(k -> k.equalsIgnoreCase(name))
            .findFirst()
            .orElse(name.toLowerCase(Locale.ROOT));
    return PgResult.Rows.of(List.of(new PgColumn(column, PgType.TEXT)), List.of(List.of(value)));
  }

  /**
   * {@code SELECT} of constants and session functions only (no {@code FROM}); empty when any item
   * is something else.
   */
  private static Optional<PgResult> constantSelect(String sql, PgSession session) {
    String list = SqlText.selectList(sql);
    if (!sql.substring("select".length()).strip().equals(list)) {
      return Optional.empty(); // reads a table: for the engine
    }
    List<PgColumn> columns = new ArrayList<>();
    List<Object> row = new ArrayList<>();
    for (String item : SqlText.splitList(list)) {
      Optional<Item> value = item(item, session);
      if (value.isEmpty()) {
        Matcher alias = ALIAS.matcher(item);
        if (alias.matches()) {
          value = item(alias.group(1), session);
          if (value.isPresent()) {
            String name = alias.group(2);
            name =
                name.startsWith("\"")
                    ? name.substring(1, name.length() - 1)
                    : name.toLowerCase(Locale.ROOT);
            value = Optional.of(new Item(name, value.get().type(), value.get().value()));
          }
        }
      }
      if (value.isEmpty()) {
        return Optional.empty();
      }
      columns.add(new PgColumn(value.get().name(), value.get().type()));
      row.add(value.get().value());
    }
    return Optional.of(PgResult.Rows.of(columns, List.of(row)));
  }

  private record Item(String name, PgType type, Object value) {}

  /** {@code current_setting('name')::int}, divided by a whole number or not (spaces removed). */
  private static final java.util.regex.Pattern SETTING_AS_NUMBER =
      java.util.regex.Pattern.compile(
          "current_setting\\('([a-z_.]+)'\\)::(?:int|integer|int4)(?:/([1-9]\\d{0,8}))?");

  private static Optional<Item> item(String expression, PgSession session) {
    String e = expression.strip();
    String lower = e.toLowerCase(Locale.ROOT).replace("pg_catalog.", "").replace(" ", "");
    if (e.matches("-?\\d{1,9}")) {
      return Optional.of(new Item("?column?", PgType.INT4, Integer.parseInt(e)));
    }
    if (e.matches("-?\\d{10,18}")) {
      return Optional.of(new Item("?column?", PgType.INT8, Long.parseLong(e)));
    }
    if (e.matches("-?\\d+\\.\\d+")) {
      return Optional.of(new Item("?column?", PgType.NUMERIC, new java.math.BigDecimal(e)));
    }
    if (e.length() >= 2 && e.startsWith("'") && e.endsWith("'") && e.indexOf('\'', 1) >= 0) {
      String inner = e.substring(1, e.length() - 1);
      if (!inner.replace("''", "").contains("'")) {
        return Optional.of(new Item("?column?", PgType.TEXT, inner.replace("''", "'")));
      }
    }
    // Grafana's version check: current_setting('server_version_num')::int/100
    java.util.regex.Matcher number = SETTING_AS_NUMBER.matcher(lower);
    if (number.matches()) {
      Optional<Item> setting = item("current_setting('" + number.group(1) + "')", session);
      if (setting.isPresent()) {
        long value;
        try {
          value = Long.parseLong(String.valueOf(setting.get().value()).strip());
        } catch (NumberFormatException notANumber) {
          throw new PgException(
              "22P02",
              "invalid input syntax for type integer: \"" + setting.get().value() + "\"",
              null,
              null);
        }
        if (number.group(2) != null) {
          value /= Long.parseLong(number.group(2));
        }
        return Optional.of(new Item("current_setting", PgType.INT4, (int) value));
      }
    }
    return switch (lower) {
      case "true", "false" ->
          Optional.of(new Item("bool", PgType.BOOL, Boolean.parseBoolean(lower)));
      case "null" -> Optional.of(new Item("?column?", PgType.TEXT, null));
      case "version()" ->
          Optional.of(
              new Item(
                  "version",
                  PgType.TEXT,
                  "PostgreSQL " + SERVER_VERSION + " on Java " + Runtime.version().feature()));
      case "current_schema()", "current_schema" ->
          Optional.of(new Item("current_schema", PgType.NAME, "public"));
      case "current_database()" ->
          Optional.of(new Item("current_database", PgType.NAME, session.database()));
      case "current_user", "session_user", "user", "current_user()", "session_user()" ->
          Optional.of(new Item(lower.replace("()", ""), PgType.NAME, session.user()));
      case "current_catalog" ->
          Optional.of(new Item("current_catalog", PgType.NAME, session.database()));
      case "pg_backend_pid()" ->
          Optional.of(new Item("pg_backend_pid", PgType.INT4, session.processId()));
      case "current_schemas(false)", "current_schemas(true)" ->
          Optional.of(new Item("current_schemas", PgType.TEXT_ARRAY, List.of("public")));
      case "pg_is_in_recovery()" -> Optional.of(new Item("pg_is_in_recovery", PgType.BOOL, false));
      default -> {
        if (lower.startsWith("current_setting('") && lower.endsWith("')")) {
          String name = e.substring(e.indexOf('\'') + 1, e.lastIndexOf('\''));
          String value =
              current(name, session)
                  .orElseThrow(
                      () ->
                          new PgException(
                              "42704",
                              "unrecognized configuration parameter \"" + name + "\"",
                              null,
                              null));
          yield Optional.of(new Item("current_setting", PgType.TEXT, value));
        }
        yield Optional.empty();
      }
    };
  }
}

package io.lakestream.query;

import static java.util.Objects.requireNonNull;

import io.lakestream.pgwire.PgBackend;
import io.lakestream.pgwire.PgColumn;
import io.lakestream.pgwire.PgErrors;
import io.lakestream.pgwire.PgException;
import io.lakestream.pgwire.PgResult;
import io.lakestream.pgwire.PgSession;
import io.lakestream.pgwire.PgTable;
import io.lakestream.pgwire.PgType;
import io.lakestream.query.AccessPolicy.Principal;
import io.lakestream.reader.QueryException;
import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.ProjectIds;
import io.lakestream.schema.TableDefinition;
import io.lakestream.sql.SqlResult;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL protocol's backend in the query sidecar: the password is a bearer token (the
 * project's, or the admin's), statements run through {@link SqlService} with the same checks as
 * {@code POST /v1/sql}, and result column types come from the table definition.
 *
 * <p>Parameters ({@code $1}, …) are written into the statement as SQL literals, since {@link
 * SqlService} takes SQL text; timestamps as ISO-8601 UTC text. This adapter is meant to be replaced
 * when the SQL engine returns typed, streamed results.
 */
final class PgSqlBackend implements PgBackend {
  private static final Pattern FROM = Pattern.compile("(?i)\\bfrom\\s+\"?([a-z_][a-z0-9_]*)\"?");
  private static final Pattern AGGREGATE =
      Pattern.compile(
          "(?i)(count|min|max|sum|avg)\\s*\\(\\s*(distinct\\s+)?\"?([a-z0-9_*]*)\"?\\s*\\)");
  private static final Pattern ALIASED =
      Pattern.compile("(?is)(.+?)\\s+(?:as\\s+)?\"?([a-z_][a-z0-9_]*)\"?");

  private final QueryService query;

  PgSqlBackend(QueryService query) {
    this.query = requireNonNull(query, "query is null");
  }

  @Override
  public Object authenticate(String user, String database, String password) {
    Principal principal;
    try {
      principal = query.access().authenticate("Bearer " + password);
    } catch (QueryException e) {
      throw PgErrors.badPassword(user);
    }
    if (!principal.admin() && !principal.mayRead(user)) {
      throw new PgException(
          PgErrors.INVALID_PASSWORD,
          "password authentication failed for user \"" + user + "\"",
          "The token is a token of " + String.join(", ", principal.projects()) + ".",
          "Connect with the project id as the user name (psql -U <project>).");
    }
    return principal;
  }

  @Override
  public Collection<String> passwords(String user) {
    Set<String> passwords = new LinkedHashSet<>();
    query.config().adminToken().ifPresent(passwords::add);
    passwords.addAll(
        query.config().projectTokens().getOrDefault(ProjectIds.normalize(user), Set.of()));
    return passwords;
  }

  @Override
  public PgResult execute(PgSession session, String sql, List<Object> parameters) {
    String statement = bind(sql, parameters);
    Optional<String> project =
        ProjectIds.isValid(ProjectIds.normalize(session.user()))
            ? Optional.of(ProjectIds.normalize(session.user()))
            : Optional.empty();
    SqlResult result;
    try {
      result = query.sql().run((Principal) session.principal(), statement, project);
    } catch (QueryException e) {
      throw error(e);
    }
    if (result.columns().isEmpty()) {
      return new PgResult.Command(
          tag(statement).equals("INSERT INTO") ? "INSERT 0 " + result.count() : tag(statement));
    }
    List<PgColumn> columns = columns(statement, result);
    java.util.Iterator<List<Object>> rows = result.rows().iterator();
    // Values are converted as the protocol writes each row, not all at once.
    java.util.Iterator<List<?>> converted =
        new java.util.Iterator<>() {
          @Override
          public boolean hasNext() {
            return rows.hasNext();
          }

          @Override
          public List<?> next() {
            List<Object> row = rows.next();
            List<Object> values = new ArrayList<>(row.size());
            for (int i = 0; i < row.size(); i++) {
              values.add(value(columns.get(i).type(), row.get(i)));
            }
            return values;
          }
        };
    return new PgResult.Rows(columns, converted, () -> {});
  }

  /**
   * The columns of a statement before its parameters are bound: from a run with null parameters, or
   * when it cannot run so ({@code project_id = NULL}), from its select list and the table.
   */
  @Override
  public List<PgColumn> describe(PgSession session, String sql, List<PgType> parameterTypes) {
    try {
      return PgBackend.super.describe(session, sql, parameterTypes);
    } catch (PgException e) {
      Matcher from = FROM.matcher(sql);
      int select = sql.toLowerCase(Locale.ROOT).indexOf("select");
      Optional<TableDefinition> table =
          from.find() && select >= 0
              ? query.sql().catalog().table(from.group(1).toLowerCase(Locale.ROOT))
              : Optional.empty();
      if (table.isEmpty()) {
        throw e;
      }
      Map<String, ColumnType> types = new HashMap<>();
      table.get().columns().forEach(c -> types.put(c.name(), c.type()));
      String list = sql.substring(select + "select".length(), from.start()).strip();
      List<PgColumn> columns = new ArrayList<>();
      if (list.equals("*")) {
        table.get().columns().forEach(c -> columns.add(new PgColumn(c.name(), type(c.type()))));
        return columns;
      }
      for (String item : items(list)) {
        Matcher aliased = ALIASED.matcher(item.strip());
        boolean hasAlias = aliased.matches() && !item.strip().endsWith(")");
        String expression = hasAlias ? aliased.group(1).strip() : item.strip();
        String name =
            hasAlias
                ? aliased.group(2).toLowerCase(Locale.ROOT)
                : expression.toLowerCase(Locale.ROOT).replace("count(*)", "count");
        columns.add(new PgColumn(name, typeOf(expression, types, List.of(), 0)));
      }
      return columns;
    }
  }

  private static String tag(String statement) {
    String[] words = statement.strip().split("\\s+", 3);
    return (words[0] + (words.length > 1 ? " " + words[1] : "")).toUpperCase(Locale.ROOT);
  }

  @Override
  public List<PgTable> tables(PgSession session) {
    List<PgTable> tables = new ArrayList<>();
    for (TableDefinition table : query.sql().catalog().tables().values()) {
      List<PgTable.Column> columns = new ArrayList<>();
      for (Column column : table.columns()) {
        columns.add(new PgTable.Column(column.name(), type(column.type()), column.nullable()));
      }
      tables.add(new PgTable(table.name(), columns, table.description()));
    }
    return tables;
  }

  /** The SQLSTATE of each kind of query error. */
  private static PgException error(QueryException e) {
    String state =
        switch (e.kind()) {
          case FORBIDDEN -> PgErrors.INSUFFICIENT_PRIVILEGE;
          case UNAUTHENTICATED -> PgErrors.INVALID_PASSWORD;
          case NOT_FOUND -> PgErrors.UNDEFINED_TABLE;
          case CONFLICT -> "42P07";
          case BAD_REQUEST ->
              e.getMessage().startsWith("There is no table")
                  ? PgErrors.UNDEFINED_TABLE
                  : PgErrors.SYNTAX_ERROR;
          default -> PgErrors.INTERNAL_ERROR;
        };
    return new PgException(state, e.getMessage(), null, null);
  }

  static PgType type(ColumnType type) {
    return switch (type) {
      case BOOLEAN -> PgType.BOOL;
      case INT -> PgType.INT4;
      case LONG -> PgType.INT8;
      case FLOAT -> PgType.FLOAT4;
      case DOUBLE -> PgType.FLOAT8;
      case STRING -> PgType.TEXT;
      case BYTES -> PgType.BYTEA;
      case TIMESTAMP -> PgType.TIMESTAMPTZ;
      case DATE -> PgType.DATE;
      case JSON -> PgType.JSONB;
      case ARRAY_LONG -> PgType.INT8_ARRAY;
      case ARRAY_DOUBLE -> PgType.FLOAT8_ARRAY;
      case ARRAY_STRING -> PgType.TEXT_ARRAY;
    };
  }

  /**
   * Each result column's type: a table column's (through its alias), {@code count} as bigint,
   * {@code min}/{@code max} as their column, {@code avg} as double; otherwise from the values.
   */
  private List<PgColumn> columns(String statement, SqlResult result) {
    Map<String, ColumnType> types = new HashMap<>();
    Matcher from = FROM.matcher(statement);
    if (from.find()) {
      query
          .sql()
          .catalog()
          .table(from.group(1).toLowerCase(Locale.ROOT))
          .ifPresent(t -> t.columns().forEach(c -> types.put(c.name(), c.type())));
    }
    Map<String, String> aliases = aliases(statement);
    List<PgColumn> columns = new ArrayList<>();
    for (int i = 0; i < result.columns().size(); i++) {
      String name = result.columns().get(i);
      String expression = aliases.getOrDefault(name.toLowerCase(Locale.ROOT), name);
      columns.add(new PgColumn(name, typeOf(expression, types, result.rows(), i)));
    }
    return columns;
  }

  private static PgType typeOf(
      String expression, Map<String, ColumnType> types, List<List<Object>> rows, int index) {
    String e = expression.strip().replace("\"", "");
    int dot = e.indexOf('.');
    if (dot > 0 && types.containsKey(e.substring(dot + 1))) {
      e = e.substring(dot + 1);
    }
    if (types.containsKey(e)) {
      return type(types.get(e));
    }
    Matcher aggregate = AGGREGATE.matcher(e);
    if (aggregate.matches() || e.equalsIgnoreCase("count")) {
      String function = aggregate.matches() ? aggregate.group(1).toLowerCase(Locale.ROOT) : "count";
      ColumnType argument = aggregate.matches() ? types.get(aggregate.group(3)) : null;
      switch (function) {
        case "count" -> {
          return PgType.INT8;
        }
        case "avg" -> {
          return PgType.FLOAT8;
        }
        case "min", "max" -> {
          if (argument != null) {
            return type(argument);
          }
        }
        default -> {
          if (argument == ColumnType.INT || argument == ColumnType.LONG) {
            return PgType.INT8;
          }
          if (argument != null) {
            return PgType.FLOAT8;
          }
        }
      }
    }
    for (List<Object> row : rows) {
      Object value = row.get(index);
      if (value != null) {
        return valueType(value);
      }
    }
    return PgType.TEXT;
  }

  private static PgType valueType(Object value) {
    if (value instanceof Boolean) {
      return PgType.BOOL;
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short) {
      return PgType.INT8;
    }
    if (value instanceof Number) {
      return value instanceof BigDecimal ? PgType.NUMERIC : PgType.FLOAT8;
    }
    if (value instanceof byte[]) {
      return PgType.BYTEA;
    }
    if (value instanceof List<?> list) {
      Object first =
          list.stream().filter(v -> v != null).findFirst().map(v -> (Object) v).orElse("");
      return first instanceof Number n
          ? (n instanceof Long || n instanceof Integer ? PgType.INT8_ARRAY : PgType.FLOAT8_ARRAY)
          : PgType.TEXT_ARRAY;
    }
    return PgType.TEXT;
  }

  /** Select-list aliases: {@code timestamp AS ts} maps {@code ts} to {@code timestamp}. */
  private static Map<String, String> aliases(String statement) {
    Map<String, String> aliases = new HashMap<>();
    String lower = statement.toLowerCase(Locale.ROOT);
    int select = lower.indexOf("select");
    Matcher from = FROM.matcher(statement);
    if (select < 0 || !from.find()) {
      return aliases;
    }
    String list = statement.substring(select + "select".length(), from.start());
    for (String item : items(list)) {
      Matcher aliased = ALIASED.matcher(item.strip());
      if (aliased.matches() && !aliased.group(1).strip().equalsIgnoreCase("distinct")) {
        aliases.put(aliased.group(2).toLowerCase(Locale.ROOT), aliased.group(1).strip());
      }
    }
    return aliases;
  }

  /** The items of a select list: split at top-level commas. */
  private static List<String> items(String list) {
    int depth = 0;
    int start = 0;
    List<String> items = new ArrayList<>();
    for (int i = 0; i < list.length(); i++) {
      char c = list.charAt(i);
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      if (c == ',' && depth == 0) {
        items.add(list.substring(start, i));
        start = i + 1;
      }
    }
    items.add(list.substring(start));
    return items;
  }

  /** A value as {@link PgType} expects it: microseconds become instants, days dates. */
  private static Object value(PgType type, Object value) {
    if (value == null) {
      return null;
    }
    return switch (type) {
      case TIMESTAMPTZ -> value instanceof Number n ? micros(n.longValue()) : value;
      case DATE -> value instanceof Number n ? LocalDate.ofEpochDay(n.longValue()) : value;
      case BYTEA -> value instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : value;
      default -> value;
    };
  }

  private static Instant micros(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  /**
   * Writes parameters into the statement as literals, skipping {@code $n} inside quotes and
   * comments.
   *
   * @throws PgException when the statement uses a parameter that was not bound
   */
  static String bind(String sql, List<Object> parameters) {
    if (parameters.isEmpty()) {
      return sql;
    }
    StringBuilder out = new StringBuilder(sql.length() + 16 * parameters.size());
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"') {
        int end = i + 1;
        while (end < sql.length()) {
          if (sql.charAt(end) == c) {
            if (end + 1 < sql.length() && sql.charAt(end + 1) == c) {
              end += 2;
              continue;
            }
            break;
          }
          end++;
        }
        end = Math.min(end + 1, sql.length());
        out.append(sql, i, end);
        i = end;
      } else if (c == '-' && sql.startsWith("--", i)) {
        int end = sql.indexOf('\n', i);
        end = end < 0 ? sql.length() : end;
        out.append(sql, i, end);
        i = end;
      } else if (c == '$' && i + 1 < sql.length() && Character.isDigit(sql.charAt(i + 1))) {
        int end = i + 1;
        while (end < sql.length() && Character.isDigit(sql.charAt(end))) {
          end++;
        }
        int index = Integer.parseInt(sql.substring(i + 1, end));
        if (index < 1 || index > parameters.size()) {
          throw PgErrors.syntax(
              "the statement uses $"
                  + index
                  + " but "
                  + parameters.size()
                  + " parameters were bound");
        }
        out.append(literal(parameters.get(index - 1)));
        i = end;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static String literal(Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString().toUpperCase(Locale.ROOT);
    }
    if (value instanceof Instant instant) {
      return "'" + instant + "'";
    }
    if (value instanceof byte[] bytes) {
      return quote(new String(bytes, StandardCharsets.UTF_8));
    }
    return quote(value.toString());
  }

  private static String quote(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}

package io.lakestream.pgwire.internal;

import io.lakestream.pgwire.PgColumn;
import io.lakestream.pgwire.PgResult;
import io.lakestream.pgwire.PgTable;
import io.lakestream.pgwire.PgType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers the catalog queries clients send ({@code pg_catalog}, {@code information_schema}) from
 * the backend's table list, as far as tools need them: {@code psql}'s {@code \dt} and {@code \d
 * table}, and {@code information_schema.tables}/{@code columns} for query builders.
 *
 * <p>Every table is in schema {@code public}, has kind {@code r} and OID {@code 16384 + i} (tables
 * in name order). A query over {@code pg_class} (alone or with {@code pg_namespace} and {@code
 * pg_am}) lists the tables, {@code pg_attribute} their columns; each select-list item is answered
 * by what it names ({@code relname}, {@code nspname}, {@code format_type}, {@code attnotnull}, …),
 * unknown items are null. Any other catalog query (indexes, constraints, policies, triggers, …)
 * answers no rows, with the columns of its select list: Lakestream tables have none of those.
 */
public final class CatalogQueries {
  /** The OID of the first table. */
  public static final int FIRST_TABLE_OID = 16384;

  private static final Pattern CATALOG =
      Pattern.compile(
          "(?i)(pg_catalog\\.|information_schema\\.|\\bfrom\\s+pg_[a-z_]+\\b|\\bjoin\\s+pg_[a-z_]+\\b)");
  private static final Pattern RELATION =
      Pattern.compile("(?i)\\bpg_catalog\\.(pg_[a-z_]+)\\b(?!\\s*\\()");
  private static final Pattern RELNAME_PATTERN =
      Pattern.compile(
          "(?i)\\bc\\.relname\\s+operator\\s*\\(\\s*pg_catalog\\.~\\s*\\)\\s*'([^']*)'");
  private static final Pattern RELNAME_LIKE =
      Pattern.compile("(?i)\\bc\\.relname\\s+like\\s+e?'([^']*)'");
  private static final Pattern ATTNAME_LIKE =
      Pattern.compile("(?i)\\battname\\s+like\\s+e?'([^']*)'");
  private static final Pattern RELNAME_EQUALS =
      Pattern.compile("(?i)\\bc\\.relname\\s*=\\s*'([^']*)'");
  private static final Pattern OID_EQUALS =
      Pattern.compile("(?i)\\b(?:c\\.oid|a\\.attrelid)\\s*=\\s*'?(\\d+)'?");
  private static final Pattern RELKIND_IN =
      Pattern.compile("(?i)c\\.relkind\\s+in\\s*\\(([^)]*)\\)");
  private static final Pattern TABLE_NAME_EQUALS =
      Pattern.compile("(?i)\\btable_name\\s*\\)?\\s*=\\s*'([^']*)'");
  private static final Pattern ALIAS =
      Pattern.compile("(?is)(.*\\S)\\s+as\\s+(\"[^\"]+\"|[a-z_][a-z0-9_]*)");
  private static final Pattern FUNCTION =
      Pattern.compile("(?is)^(?:[a-z_]+\\.)?([a-z_][a-z0-9_]*)\\s*\\(.*");
  private static final Pattern QUALIFIED =
      Pattern.compile("(?is)^(?:[a-z_][a-z0-9_]*\\.)?([a-z_][a-z0-9_]*)(?:::.*)?$");

  private CatalogQueries() {}

  /** Whether a statement reads the system catalog. */
  public static boolean isCatalogQuery(String statement) {
    String sql = SqlText.withoutLiterals(SqlText.normalize(statement));
    return sql.regionMatches(true, 0, "select", 0, 6) && CATALOG.matcher(sql).find();
  }

  /**
   * The answer to a catalog query, or empty when the statement does not read the catalog.
   *
   * @param tables the tables the session may list, asked for only when needed
   */
  public static Optional<PgResult> answer(
      String statement, List<Object> parameters, String database, Supplier<List<PgTable>> tables) {
    if (!isCatalogQuery(statement)) {
      return Optional.empty();
    }
    String sql = SqlText.normalize(SqlText.inline(statement, parameters));
    String list = SqlText.selectList(sql);
    String rest = sql.substring(Math.min(sql.length(), sql.indexOf(list) + list.length()));
    // SELECT * FROM (SELECT …) alias WHERE …: the inner select list, both WHERE clauses.
    String from = rest.strip();
    if (list.equals("*") && from.regionMatches(true, 0, "from (", 0, 6)) {
      int close = closingParenthesis(from, 5);
      if (close > 0) {
        String inner = from.substring(6, close).strip();
        if (inner.regionMatches(true, 0, "select", 0, 6)) {
          list = SqlText.selectList(inner);
          rest =
              inner.substring(Math.min(inner.length(), inner.indexOf(list) + list.length()))
                  + " "
                  + from.substring(close + 1);
        }
      }
    }
    List<String> items = SqlText.splitList(list);
    String lowerRest = rest.toLowerCase(Locale.ROOT);
    Set<String> relations = new LinkedHashSet<>();
    Matcher relation = RELATION.matcher(rest);
    while (relation.find()) {
      relations.add(relation.group(1).toLowerCase(Locale.ROOT));
    }
    // psql's \l and \dn: the one database, and the one schema
    if (relations.equals(Set.of("pg_database"))) {
      return Optional.of(oneRow(items, database));
    }
    if (relations.equals(Set.of("pg_namespace"))) {
      return Optional.of(oneRow(items, "public"));
    }
    List<PgTable> sorted = new ArrayList<>(tables.get());
    sorted.sort(Comparator.comparing(PgTable::name));
    if (!relations.isEmpty()
        && Set.of("pg_class", "pg_namespace", "pg_am", "pg_description").containsAll(relations)
        && relations.contains("pg_class")) {
      return Optional.of(rows(items, limited(rest, classRows(rest, sorted)), database));
    }
    if (relations.contains("pg_attribute")
        && Set.of(
                "pg_attribute",
                "pg_class",
                "pg_namespace",
                "pg_type",
                "pg_attrdef",
                "pg_description")
            .containsAll(relations)) {
      List<Row> rows = new ArrayList<>();
      if (OID_EQUALS.matcher(rest).find()) {
        rows.addAll(attributeRows(rest, sorted));
      } else {
        for (Row table : classRows(rest, sorted)) {
          List<PgTable.Column> columns = table.table().columns();
          for (int c = 0; c < columns.size(); c++) {
            rows.add(new Row(table.table(), table.oid(), columns.get(c), c + 1));
          }
        }
      }
      Matcher column = ATTNAME_LIKE.matcher(rest);
      if (column.find()) {
        Pattern wanted = likePattern(column.group(1));
        rows.removeIf(r -> !wanted.matcher(r.column().name()).matches());
      }
      return Optional.of(rows(items, limited(rest, rows), database));
    }
    if (relations.isEmpty() && lowerRest.contains("information_schema.tables")) {
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < sorted.size(); i++) {
        rows.add(new Row(sorted.get(i), FIRST_TABLE_OID + i, null, 0));
      }
      return Optional.of(rows(items, limited(rest, filterByTableName(rest, rows)), database));
    }
    if (relations.isEmpty() && lowerRest.contains("information_schema.columns")) {
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < sorted.size(); i++) {
        PgTable table = sorted.get(i);
        for (int c = 0; c < table.columns().size(); c++) {
          rows.add(new Row(table, FIRST_TABLE_OID + i, table.columns().get(c), c + 1));
        }
      }
      return Optional.of(rows(items, limited(rest, filterByTableName(rest, rows)), database));
    }
    return Optional.of(rows(items, List.of(), database));
  }

  private static int closingParenthesis(String text, int open) {
    int depth = 0;
    for (int i = open; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\'') {
        int end = text.indexOf('\'', i + 1);
        i = end < 0 ? text.length() : end;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  /** One answer row: a table, or one of its columns. */
  private record Row(PgTable table, int oid, PgTable.Column column, int position) {}

  private static List<Row> classRows(String rest, List<PgTable> tables) {
    Matcher kinds = RELKIND_IN.matcher(rest);
    if (kinds.find() && !kinds.group(1).contains("'r'")) {
      return List.of();
    }
    Optional<Pattern> pattern = Optional.empty();
    Matcher name = RELNAME_PATTERN.matcher(rest);
    if (name.find()) {
      pattern = Optional.of(Pattern.compile(name.group(1)));
    }
    Matcher like = RELNAME_LIKE.matcher(rest);
    if (pattern.isEmpty() && like.find()) {
      pattern = Optional.of(likePattern(like.group(1)));
    }
    Matcher equals = RELNAME_EQUALS.matcher(rest);
    Optional<String> exact = equals.find() ? Optional.of(equals.group(1)) : Optional.empty();
    Matcher oid = OID_EQUALS.matcher(rest);
    Optional<Integer> wanted =
        oid.find() ? Optional.of(Integer.parseInt(oid.group(1))) : Optional.empty();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < tables.size(); i++) {
      PgTable table = tables.get(i);
      int tableOid = FIRST_TABLE_OID + i;
      if (pattern.isPresent() && !pattern.get().matcher(table.name()).matches()
          || exact.isPresent() && !exact.get().equals(table.name())
          || wanted.isPresent() && wanted.get() != tableOid) {
        continue;
      }
      rows.add(new Row(table, tableOid, null, 0));
    }
    return rows;
  }

  /** A SQL LIKE pattern ({@code %}, {@code _}, backslash escapes) as a regular expression. */
  private static Pattern likePattern(String like) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < like.length(); i++) {
      char c = like.charAt(i);
      if (c == '\\' && i + 1 < like.length()) {
        regex.append(Pattern.quote(String.valueOf(like.charAt(++i))));
      } else if (c == '%') {
        regex.append(".*");
      } else if (c == '_') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }

  private static List<Row> attributeRows(String rest, List<PgTable> tables) {
    Matcher oid = OID_EQUALS.matcher(rest);
    if (!oid.find()) {
      return List.of();
    }
    int index = Integer.parseInt(oid.group(1)) - FIRST_TABLE_OID;
    if (index < 0 || index >= tables.size()) {
      return List.of();
    }
    PgTable table = tables.get(index);
    List<Row> rows = new ArrayList<>();
    for (int c = 0; c < table.columns().size(); c++) {
      rows.add(new Row(table, FIRST_TABLE_OID + index, table.columns().get(c), c + 1));
    }
    return rows;
  }

  private static List<Row> filterByTableName(String rest, List<Row> rows) {
    Matcher name = TABLE_NAME_EQUALS.matcher(rest);
    if (!name.find()) {
      return rows;
    }
    String wanted = name.group(1);
    return rows.stream().filter(r -> r.table().name().equals(wanted)).toList();
  }

  /** The rows up to the statement's {@code LIMIT}, when it ends with one. */
  private static List<Row> limited(String rest, List<Row> rows) {
    Matcher limit = LIMIT.matcher(SqlText.withoutLiterals(rest));
    if (limit.find()) {
      long most = Long.parseLong(limit.group(1));
      return most < rows.size() ? rows.subList(0, (int) most) : rows;
    }
    return rows;
  }

  private static final Pattern LIMIT = Pattern.compile("(?i)\\blimit\\s+(\\d{1,9})\\s*$");

  /** The names of information_schema's columns answered here. */
  private static final Set<String> INFORMATION_SCHEMA_COLUMNS =
      Set.of(
          "column_name",
          "data_type",
          "udt_name",
          "is_nullable",
          "ordinal_position",
          "column_default",
          "table_type",
          "table_schema",
          "table_name",
          "table_catalog");

  private record Item(String name, PgType type, java.util.function.Function<Row, Object> value) {}

  private static PgResult rows(List<String> items, List<Row> rows, String database) {
    List<Item> answered = new ArrayList<>();
    for (String item : items) {
      answered.add(item(item, database));
    }
    List<PgColumn> columns = answered.stream().map(i -> new PgColumn(i.name(), i.type())).toList();
    List<List<?>> values = new ArrayList<>();
    for (Row row : rows) {
      List<Object> value = new ArrayList<>();
      for (Item item : answered) {
        value.add(item.value().apply(row));
      }
      values.add(value);
    }
    return PgResult.Rows.of(columns, values);
  }

  /**
   * The answer to a query over {@code pg_database} or {@code pg_namespace} alone: one row, named
   * {@code name}, owned by {@code lakestream}, in UTF-8 with the C locale.
   */
  private static PgResult oneRow(List<String> items, String name) {
    List<PgColumn> columns = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    for (String item : items) {
      Named named = named(item);
      String e = named.expression().toLowerCase(Locale.ROOT);
      PgType type = PgType.TEXT;
      Object value = null;
      if (e.contains("datname") || e.contains("nspname")) {
        type = PgType.NAME;
        value = name;
      } else if (e.contains("pg_get_userbyid")) {
        type = PgType.NAME;
        value = "lakestream";
      } else if (e.contains("pg_encoding_to_char")) {
        type = PgType.NAME;
        value = "UTF8";
      } else if (e.contains("datcollate") || e.contains("datctype")) {
        value = "C.UTF-8";
      } else if (e.contains("datlocprovider")) {
        value = "libc";
      }
      columns.add(new PgColumn(named.name(), type));
      values.add(value);
    }
    return PgResult.Rows.of(columns, List.of(values));
  }

  /** A select-list item's expression and the name of its column. */
  private record Named(String expression, String name) {}

  private static Named named(String item) {
    String expression = item;
    String name = null;
    Matcher alias = ALIAS.matcher(item);
    if (alias.matches()) {
      expression = alias.group(1);
      name = alias.group(2);
      name =
          name.startsWith("\"")
              ? name.substring(1, name.length() - 1)
              : name.toLowerCase(Locale.ROOT);
    }
    if (name == null) {
      Matcher function = FUNCTION.matcher(expression.strip());
      Matcher qualified = QUALIFIED.matcher(expression.strip());
      if (function.matches()) {
        name = function.group(1).toLowerCase(Locale.ROOT);
      } else if (qualified.matches()) {
        name = qualified.group(1).toLowerCase(Locale.ROOT);
      } else {
        name = "?column?";
      }
    }
    return new Named(expression, name);
  }

  private static Item item(String item, String database) {
    Named named = named(item);
    String expression = named.expression().strip();
    String lower = expression.toLowerCase(Locale.ROOT);
    // quote_ident(x): x's answer, quoted where PostgreSQL would quote it (Grafana lists columns so)
    if (lower.startsWith("quote_ident(") && lower.endsWith(")")) {
      Item inner =
          item(
              expression.substring(12, expression.length() - 1) + " AS \"" + named.name() + "\"",
              database);
      return new Item(inner.name(), PgType.TEXT, r -> quoteIdent((String) inner.value().apply(r)));
    }
    String e = lower;
    // An information_schema column is answered by what it is, whatever its alias says
    // (data_type AS "type" is a data type).
    Matcher qualified = QUALIFIED.matcher(e);
    String n =
        qualified.matches() && INFORMATION_SCHEMA_COLUMNS.contains(qualified.group(1))
            ? qualified.group(1)
            : named.name().toLowerCase(Locale.ROOT);
    String name = named.name();
    // Subqueries for defaults and collations: Lakestream columns have neither.
    if (e.contains("pg_get_expr") || e.contains("collname") || n.equals("column_default")) {
      return new Item(name, PgType.TEXT, r -> null);
    }
    if (e.contains("col_description") || e.contains("dsc.description")) {
      return new Item(name, PgType.TEXT, r -> columnDescription(r));
    }
    // Column-level items (pg_attribute, information_schema.columns).
    if (e.contains("attname") || n.equals("column_name")) {
      return new Item(name, PgType.NAME, r -> r.column() == null ? null : r.column().name());
    }
    if (e.contains("format_type") || n.equals("data_type")) {
      return new Item(
          name, PgType.TEXT, r -> r.column() == null ? null : r.column().type().sqlName());
    }
    if (e.equals("a.atttypid") || e.equals("atttypid")) {
      return new Item(name, PgType.OID, r -> r.column() == null ? null : r.column().type().oid());
    }
    if (e.contains("atttypmod") || e.contains("typtypmod")) {
      return new Item(name, PgType.INT4, r -> -1);
    }
    if (e.contains("attlen")) {
      return new Item(
          name, PgType.INT2, r -> r.column() == null ? null : (short) r.column().type().size());
    }
    if (e.contains("typbasetype")) {
      return new Item(name, PgType.OID, r -> 0);
    }
    if (e.contains("typtype") && !e.contains("attnotnull")) {
      return new Item(name, PgType.CHAR, r -> "b");
    }
    if (n.equals("udt_name") || e.contains("atttypid")) {
      return new Item(
          name, PgType.NAME, r -> r.column() == null ? null : r.column().type().typeName());
    }
    if (e.contains("attnotnull")) {
      return new Item(name, PgType.BOOL, r -> r.column() != null && !r.column().nullable());
    }
    if (n.equals("is_nullable")) {
      return new Item(
          name, PgType.TEXT, r -> r.column() == null ? null : r.column().nullable() ? "YES" : "NO");
    }
    if (e.contains("attnum") || n.equals("ordinal_position")) {
      return new Item(name, PgType.INT4, Row::position);
    }
    if (e.startsWith("nullif")) {
      return new Item(name, PgType.CHAR, r -> null);
    }
    if (e.contains("attidentity") || e.contains("attgenerated") || e.contains("attcompression")) {
      return new Item(name, PgType.CHAR, r -> "");
    }
    if (e.contains("attstorage")) {
      return new Item(name, PgType.CHAR, r -> "x");
    }
    // Table-level items (pg_class, information_schema.tables).
    if (n.equals("table_type")) {
      // JDBC's DatabaseMetaData.getTables computes it from relkind; information_schema has it.
      String type = e.contains("relkind") ? "TABLE" : "BASE TABLE";
      return new Item(name, PgType.TEXT, r -> type);
    }
    if (e.contains("nspname") || n.equals("table_schema") || n.equals("schema")) {
      return new Item(name, PgType.NAME, r -> "public");
    }
    if (n.equals("current_database") || e.startsWith("current_database(")) {
      return new Item(name, PgType.NAME, r -> database);
    }
    if (e.contains("relname") || n.equals("table_name") || n.equals("name") || n.equals("table")) {
      return new Item(name, PgType.NAME, r -> r.table().name());
    }
    if (n.equals("table_catalog")) {
      return new Item(name, PgType.NAME, r -> database);
    }
    if (e.startsWith("case") && e.contains("relkind") || n.equals("type")) {
      return new Item(name, PgType.TEXT, r -> "table");
    }
    if (e.contains("relkind")) {
      return new Item(name, PgType.CHAR, r -> "r");
    }
    if (e.contains("pg_get_userbyid") || n.equals("owner")) {
      return new Item(name, PgType.NAME, r -> "lakestream");
    }
    if (e.equals("c.oid") || e.equals("oid")) {
      return new Item(name, PgType.OID, Row::oid);
    }
    if (e.contains("relchecks")) {
      return new Item(name, PgType.INT2, r -> (short) 0);
    }
    if (e.matches(".*\\b(c\\.)?rel(has\\w+|rowsecurity|forcerowsecurity|ispartition)\\b.*")
        || e.contains("relhasoids")) {
      return new Item(name, PgType.BOOL, r -> false);
    }
    if (e.contains("reltablespace")) {
      return new Item(name, PgType.OID, r -> 0);
    }
    if (e.contains("relpersistence")) {
      return new Item(name, PgType.CHAR, r -> "p");
    }
    if (e.contains("relreplident")) {
      return new Item(name, PgType.CHAR, r -> "d");
    }
    if (e.contains("amname")) {
      return new Item(name, PgType.NAME, r -> "heap");
    }
    if (e.contains("array_to_string") || e.contains("reloftype")) {
      return new Item(name, PgType.TEXT, r -> "");
    }
    if (e.contains("description") || n.equals("remarks")) {
      return new Item(
          name,
          PgType.TEXT,
          r -> r.column() == null ? r.table().description() : columnDescription(r));
    }
    return new Item(name, PgType.TEXT, r -> null);
  }

  /** A column's description, null when it has none (as PostgreSQL's col_description). */
  private static String columnDescription(Row row) {
    return row.column() == null || row.column().description().isEmpty()
        ? null
        : row.column().description();
  }

  /** PostgreSQL's quote_ident: as it is when a plain lower-case name, else double-quoted. */
  static String quoteIdent(String name) {
    if (name == null) {
      return null;
    }
    return name.matches("[a-z_][a-z0-9_$]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
  }
}

package io.lakestream.sql.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import io.lakestream.sql.TableScan;
import java.io.IOException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a statement needs from each table, read from the engine's own optimized plan ({@code EXPLAIN
 * (FORMAT JSON)}): the columns each table scan projects or filters on, and the filters the
 * optimizer pushed into the scan (constants already folded: {@code now() - interval '15 minutes'}
 * arrives as a timestamp). Conditions on the primary key become the key range to read; {@code
 * project_id = '…'} names the project; an equality on another column filters rows before they are
 * handed to the engine.
 *
 * <p>Every need is a superset of what the statement reads: the engine applies all its conditions
 * again to the rows it is given, so a filter that is not understood here only costs reading more.
 */
public final class ScanNeeds {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ATOM =
      Pattern.compile("^\"?([A-Za-z_][A-Za-z0-9_]*)\"? (=|>=|<=|>|<) (.+)$", Pattern.DOTALL);
  private static final Pattern TEXT = Pattern.compile("^'((?:[^']|'')*)'(?:::VARCHAR)?$");

  /**
   * {@code project_id = '…'} or {@code project_id IN ('…', …)}: the compared literal in group 1,
   * the listed ones in group 2.
   */
  private static final String PROJECT_COMPARED =
      TableDefinition.PROJECT_COLUMN
          + "\"?\\s*(?:=\\s*('(?:[^']|'')*')(?:::VARCHAR)?"
          + "|\\s+IN\\s*\\(((?:\\s*'(?:[^']|'')*'(?:::VARCHAR)?\\s*,?)+)\\))";

  /** {@code project_id = '…'} or {@code project_id IN ('…', …)} anywhere in a filter. */
  private static final Pattern PROJECT_LISTED = Pattern.compile("\\b" + PROJECT_COMPARED);

  /**
   * A condition on the project id alone ({@code project_id = '…'}, {@code project_id IN ('…', …)}):
   * the rows read are one project's, so it holds for all or none of them.
   */
  private static final Pattern PROJECT_ONLY = Pattern.compile("^\"?" + PROJECT_COMPARED + "$");

  /**
   * The first item of a top-N's {@code Order By}: a column (maybe qualified, maybe quoted) or
   * {@code #i}, the scan's i-th projection, in group 1, its direction in group 2, nulls last (the
   * key has none; DuckDB's default).
   */
  private static final Pattern ORDER_BY_KEY =
      Pattern.compile(
          "^(?:(?:[A-Za-z_][A-Za-z0-9_]*|\"[^\"]*\")\\.)*\"?([A-Za-z_][A-Za-z0-9_]*|#\\d{1,4})\"?"
              + " (ASC|DESC)(?: NULLS LAST)?(?:,|$)");

  private static final Pattern COUNT = Pattern.compile("^\\d{1,15}$");

  /** A text literal, its text in group 1 with quotes doubled. */
  private static final Pattern LITERAL = Pattern.compile("'((?:[^']|'')*)'");

  private static final Pattern TIMESTAMP =
      Pattern.compile(
          "^'(\\d{4,}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2})(\\.\\d{1,9})?(?:\\+00)?'"
              + "::TIMESTAMP(?: WITH TIME ZONE)?$");
  private static final Pattern DATE = Pattern.compile("^'(\\d{4,}-\\d{2}-\\d{2})'::DATE$");
  private static final Pattern INTEGER =
      Pattern.compile("^(-?\\d{1,18})(?:::(?:BIGINT|INTEGER|SMALLINT|TINYINT))?$");
  private static final Pattern DECIMAL =
      Pattern.compile("^(-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?)(?:::(?:DOUBLE|FLOAT|DECIMAL.*))?$");

  /**
   * What one table's scans need.
   *
   * @param columns the columns to read (at least the primary key)
   * @param from the smallest key, inclusive; empty for no bound
   * @param to the key bound, exclusive; empty for no bound
   * @param equalities column = value conditions every row handed over must meet (values as {@link
   *     io.lakestream.sql.TableScan} gives them)
   * @param scans how many scans of the table the plan has (more than one: a self-join, a subquery
   *     or a common table expression reading the table again)
   * @param first when the statement needs only the first rows of the range in key order: every scan
   *     of the table is a top-N by the key whose conditions the scan meets (or the engine's late
   *     fetch of that top-N's rows)
   */
  public record TableNeed(
      TableDefinition table,
      List<String> columns,
      Optional<Object> from,
      Optional<Object> to,
      Map<String, Object> equalities,
      int scans,
      Optional<TableScan.First> first) {}

  private final Map<String, TableNeed> tables;
  private final Set<String> projects;
  private final Set<String> listed;

  private ScanNeeds(Map<String, TableNeed> tables, Set<String> projects, Set<String> listed) {
    this.tables = tables;
    this.projects = projects;
    this.listed = listed;
  }

  /** The needs of each table the plan scans, by table name. */
  public Map<String, TableNeed> tables() {
    return tables;
  }

  /** The projects named by {@code project_id = '…'} in the scans' filters. */
  public Set<String> namedProjects() {
    return projects;
  }

  /**
   * Every project the scans' filters compare {@code project_id} with, by {@code =} or in an {@code
   * IN} list, also within {@code OR}s (e.g. {@code project_id IN ('a', 'b')}): the projects a
   * statement may mean to read.
   */
  public Set<String> listedProjects() {
    return listed;
  }

  /**
   * Reads the needs from an {@code EXPLAIN (FORMAT JSON)} answer.
   *
   * @param tables the tables the engine knows, by name
   */
  public static ScanNeeds of(String explainJson, Map<String, TableDefinition> tables) {
    JsonNode plan;
    try {
      plan = JSON.readTree(explainJson);
    } catch (IOException e) {
      throw new IllegalStateException("the engine's plan is not JSON", e);
    }
    List<Scan> scans = new ArrayList<>();
    collect(plan, tables, scans);
    Map<String, List<Scan>> byTable = new LinkedHashMap<>();
    Set<String> projects = new TreeSet<>();
    Set<String> listed = new TreeSet<>();
    for (Scan scan : scans) {
      byTable.computeIfAbsent(scan.table.name(), t -> new ArrayList<>()).add(scan);
      projects.addAll(scan.projects);
      listed.addAll(scan.listed);
    }
    Map<String, TableNeed> needs = new LinkedHashMap<>();
    byTable.forEach((name, list) -> needs.put(name, merge(list)));
    return new ScanNeeds(needs, projects, listed);
  }

  private static void collect(JsonNode node, Map<String, TableDefinition> tables, List<Scan> out) {
    if (node.isArray()) {
      node.forEach(child -> collect(child, tables, out));
      return;
    }
    if (!node.isObject()) {
      return;
    }
    Optional<Scan> top = topN(node, tables);
    if (top.isPresent()) {
      out.add(top.get());
      return;
    }
    JsonNode children = node.path("children");
    if (isLateFetch(node)) {
      // DuckDB's late materialization of a top-N: the table's rows whose rowids the top-N kept
      Optional<Scan> kept = topN(children.get(1), tables);
      Optional<Scan> fetch = scan(children.get(0), tables);
      if (kept.isPresent() && fetch.isPresent() && fetch.get().table == kept.get().table) {
        // it reads only rows the top-N kept, which meet the top-N's scan's conditions
        fetch.get().from = kept.get().from;
        fetch.get().to = kept.get().to;
        fetch.get().equalities.clear();
        fetch.get().equalities.putAll(kept.get().equalities);
        fetch.get().first = kept.get().first;
        out.add(fetch.get());
        out.add(kept.get());
        return;
      }
    }
    scan(node, tables).ifPresent(out::add);
    collect(children, tables, out);
  }

  /** The table scan a plan node is, if it is one of a known table. */
  private static Optional<Scan> scan(JsonNode node, Map<String, TableDefinition> tables) {
    JsonNode info = node.path("extra_info");
    if (!info.path("Table").isTextual()) {
      return Optional.empty();
    }
    String qualified = info.get("Table").asText();
    TableDefinition table = tables.get(qualified.substring(qualified.lastIndexOf('.') + 1));
    return table == null
        ? Optional.empty()
        : Optional.of(Scan.of(table, texts(info.path("Projections")), texts(info.path("Filters"))));
  }

  /**
   * A top-N directly over a scan of a known table: the scan, with {@link Scan#first} when the top-N
   * orders by the table's key first and the scan meets every condition of its filters.
   */
  private static Optional<Scan> topN(JsonNode node, Map<String, TableDefinition> tables) {
    JsonNode children = node.path("children");
    if (!node.path("name").asText().equals("TOP_N") || children.size() != 1) {
      return Optional.empty();
    }
    Optional<Scan> scan = scan(children.get(0), tables);
    if (scan.isEmpty() || children.get(0).path("children").size() != 0) {
      return Optional.empty();
    }
    JsonNode info = node.path("extra_info");
    JsonNode orderBy = info.path("Order By"); // one item as text, more as an array
    Matcher order =
        ORDER_BY_KEY.matcher(orderBy.isArray() ? orderBy.path(0).asText() : orderBy.asText());
    Matcher top = COUNT.matcher(info.path("Top").asText());
    Matcher offset = COUNT.matcher(info.path("Offset").asText("0"));
    Scan read = scan.get();
    if (read.allMet
        && order.lookingAt()
        && ordered(order.group(1), children.get(0)).equals(read.table.primaryKey())
        && top.matches()
        && offset.matches()) {
      long rows = Long.parseLong(top.group()) + Long.parseLong(offset.group());
      if (rows > 0) {
        read.first = Optional.of(new TableScan.First(rows, order.group(2).equals("DESC")));
      }
    }
    return scan;
  }

  /** The column a top-N's order names: by name, or {@code #i} for the scan's i-th projection. */
  private static String ordered(String named, JsonNode scan) {
    if (!named.startsWith("#")) {
      return named;
    }
    List<String> projections = texts(scan.path("extra_info").path("Projections"));
    int i = Integer.parseInt(named.substring(1));
    return i < projections.size() ? projections.get(i).strip().replace("\"", "") : "";
  }

  /** A semi join on rowids whose second side is a top-N: DuckDB fetching the top-N's rows. */
  private static boolean isLateFetch(JsonNode node) {
    JsonNode info = node.path("extra_info");
    return node.path("name").asText().equals("HASH_JOIN")
        && info.path("Join Type").asText().equals("SEMI")
        && info.path("Conditions").asText().equals("rowid = rowid")
        && node.path("children").size() == 2;
  }

  private static List<String> texts(JsonNode node) {
    List<String> texts = new ArrayList<>();
    if (node.isTextual() && !node.asText().isBlank()) {
      texts.add(node.asText());
    } else if (node.isArray()) {
      node.forEach(n -> texts.add(n.asText()));
    }
    return texts;
  }

  private static TableNeed merge(List<Scan> scans) {
    TableDefinition table = scans.get(0).table;
    Set<String> columns = new LinkedHashSet<>();
    columns.add(table.primaryKey());
    Optional<Object> from = scans.get(0).from;
    Optional<Object> to = scans.get(0).to;
    for (Scan scan : scans) {
      columns.addAll(scan.columns);
      from = loosest(from, scan.from, true);
      to = loosest(to, scan.to, false);
    }
    // Rows filtered for one scan could be needed by another: only equalities every scan has.
    Map<String, Object> equalities = new LinkedHashMap<>(scans.get(0).equalities);
    for (Scan scan : scans) {
      equalities.entrySet().removeIf(e -> !e.getValue().equals(scan.equalities.get(e.getKey())));
    }
    // Keep the table's column order, so that SELECT * reads as the table is defined.
    List<String> ordered =
        table.columns().stream().map(Column::name).filter(columns::contains).toList();
    // Only the first rows of the range when every scan takes the same first rows with the same
    // conditions: the key range and equalities the scan meets are then those of the need.
    Optional<TableScan.First> first = scans.get(0).first;
    for (Scan scan : scans) {
      boolean same =
          scan.first.equals(first)
              && scan.from.equals(from)
              && scan.to.equals(to)
              && scan.equalities.equals(equalities);
      if (!same) {
        first = Optional.empty();
      }
    }
    return new TableNeed(table, ordered, from, to, equalities, scans.size(), first);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Optional<Object> loosest(Optional<Object> a, Optional<Object> b, boolean lower) {
    if (a.isEmpty() || b.isEmpty()) {
      return Optional.empty();
    }
    int c = ((Comparable) a.get()).compareTo(b.get());
    return lower ? (c <= 0 ? a : b) : (c >= 0 ? a : b);
  }

  /** One scan of a table in the plan. */
  private static final class Scan {
    final TableDefinition table;
    final Set<String> columns = new LinkedHashSet<>();
    final Set<String> projects = new TreeSet<>();
    final Set<String> listed = new TreeSet<>();
    final Map<String, Object> equalities = new LinkedHashMap<>();
    Optional<Object> from = Optional.empty();
    Optional<Object> to = Optional.empty();

    /** Whether the scan meets every condition of its filters (the rows it gives all meet them). */
    boolean allMet = true;

    /** The first rows in key order, when only those are needed (a top-N over this scan). */
    Optional<TableScan.First> first = Optional.empty();

    private Scan(TableDefinition table) {
      this.table = table;
    }

    static Scan of(TableDefinition table, List<String> projections, List<String> filters) {
      Scan scan = new Scan(table);
      for (String projection : projections) {
        String name = projection.strip();
        if (name.startsWith("\"") && name.endsWith("\"") && name.length() > 1) {
          name = name.substring(1, name.length() - 1);
        }
        if (table.column(name).isPresent()) {
          scan.columns.add(name);
        }
      }
      for (String filter : filters) {
        // Every column a filter mentions is read, whether or not the filter is understood here.
        for (Column column : table.columns()) {
          if (Pattern.compile("\\b" + Pattern.quote(column.name()) + "\\b")
              .matcher(filter)
              .find()) {
            scan.columns.add(column.name());
          }
        }
        Matcher listed = PROJECT_LISTED.matcher(filter);
        while (listed.find()) {
          Matcher literal = LITERAL.matcher(listed.group(listed.group(1) != null ? 1 : 2));
          while (literal.find()) {
            scan.listed.add(literal.group(1).replace("''", "'"));
          }
        }
        if (filter.startsWith("optional:")) {
          continue; // a hint the engine may or may not apply: not a condition rows must meet
        }
        for (String atom : conjuncts(filter)) {
          if (atom.startsWith("optional:")) {
            continue; // within a conjunction too ("… AND optional: Dynamic Filter (timestamp)")
          }
          if (!scan.apply(atom) && !PROJECT_ONLY.matcher(atom).matches()) {
            scan.allMet = false; // the engine filters on it: the scan gives more rows
          }
        }
      }
      return scan;
    }

    /**
     * Reads one condition; whether the scan meets it exactly (a bound of the key, an equality the
     * scan checks, the project id), so that every row it gives meets it.
     */
    private boolean apply(String atom) {
      Matcher m = ATOM.matcher(atom);
      if (!m.matches()) {
        return false;
      }
      String name = m.group(1);
      String op = m.group(2);
      String literal = m.group(3).strip();
      Optional<Column> column = table.column(name);
      if (column.isEmpty()) {
        return false;
      }
      if (name.equals(TableDefinition.PROJECT_COLUMN)) {
        Matcher text = TEXT.matcher(literal);
        if (op.equals("=") && text.matches()) {
          projects.add(text.group(1).replace("''", "'"));
          return true;
        }
        return false;
      }
      Optional<Object> value = value(column.get().type(), literal);
      if (value.isEmpty()) {
        return false;
      }
      if (name.equals(table.primaryKey())) {
        bound(op, value.get());
        return true;
      } else if (op.equals("=") && exact(column.get().type())) {
        Object before = equalities.put(name, value.get());
        // two different values for one column: no row meets both, but the scan checks one
        return before == null || before.equals(value.get());
      }
      return false;
    }

    /** Whether rows can be filtered on an equality of this type exactly as the engine would. */
    private static boolean exact(ColumnType type) {
      return switch (type) {
        case STRING, INT, LONG, TIMESTAMP, DATE -> true;
        default -> false; // floats: the scan's Float against a Double literal
      };
    }

    private void bound(String op, Object value) {
      switch (op) {
        case ">=" -> from = tighter(from, value, true);
        case ">" -> from = tighter(from, next(value), true);
        case "<" -> to = tighter(to, value, false);
        case "<=" -> to = tighter(to, next(value), false);
        case "=" -> {
          from = tighter(from, value, true);
          to = tighter(to, next(value), false);
        }
        default -> {}
      }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Optional<Object> tighter(Optional<Object> bound, Object value, boolean lower) {
      if (bound.isEmpty()) {
        return Optional.of(value);
      }
      int c = ((Comparable) bound.get()).compareTo(value);
      return Optional.of(lower ? (c >= 0 ? bound.get() : value) : (c <= 0 ? bound.get() : value));
    }

    private static Object next(Object value) {
      if (value instanceof Long l) {
        return l == Long.MAX_VALUE ? l : l + 1;
      }
      return Math.nextUp((Double) value);
    }
  }

  /**
   * A literal as the scan gives a column's values: Long for int, long, timestamp (microseconds) and
   * date (days) columns, Double for float and double, String for string; empty when the literal is
   * not one this reads.
   */
  static Optional<Object> value(ColumnType type, String literal) {
    Matcher m;
    switch (type) {
      case TIMESTAMP -> {
        m = TIMESTAMP.matcher(literal);
        if (!m.matches()) {
          return Optional.empty();
        }
        LocalDateTime time = LocalDateTime.parse(m.group(1) + "T" + m.group(2));
        long micros =
            ChronoUnit.MICROS.between(
                LocalDateTime.ofEpochSecond(0, 0, ZoneOffset.UTC), time.withNano(0));
        if (m.group(3) != null) {
          String digits = (m.group(3).substring(1) + "000000000").substring(0, 9);
          long nanos = Long.parseLong(digits);
          // Round down to the microsecond: the range stays a superset for >= and <.
          micros += nanos / 1000;
          if (nanos % 1000 != 0) {
            return Optional.empty(); // below a microsecond: leave the bound to the engine
          }
        }
        return Optional.of(micros);
      }
      case DATE -> {
        m = DATE.matcher(literal);
        return m.matches()
            ? Optional.of(LocalDate.parse(m.group(1)).toEpochDay())
            : Optional.empty();
      }
      case INT, LONG -> {
        m = INTEGER.matcher(literal);
        return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
      }
      case FLOAT, DOUBLE -> {
        m = DECIMAL.matcher(literal);
        return m.matches() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
      }
      case STRING -> {
        m = TEXT.matcher(literal);
        return m.matches() ? Optional.of(m.group(1).replace("''", "'")) : Optional.empty();
      }
      default -> {
        return Optional.empty();
      }
    }
  }

  /** The parts of a filter joined by top-level {@code AND}s, outer parentheses removed. */
  static List<String> conjuncts(String filter) {
    List<String> out = new ArrayList<>();
    String text = unwrap(filter.strip());
    List<String> parts = splitAnd(text);
    if (parts.size() == 1) {
      out.add(text);
    } else {
      parts.forEach(p -> out.addAll(conjuncts(p)));
    }
    return out;
  }

  private static String unwrap(String text) {
    while (text.startsWith("(") && text.endsWith(")") && closes(text) == text.length() - 1) {
      text = text.substring(1, text.length() - 1).strip();
    }
    return text;
  }

  /** Index of the parenthesis closing the one at 0, or -1. */
  private static int closes(String text) {
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')') {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  private static List<String> splitAnd(String text) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')') {
        depth--;
      } else if (!quoted && depth == 0 && text.startsWith(" AND ", i)) {
        parts.add(text.substring(start, i).strip());
        start = i + 5;
        i += 4;
      }
    }
    parts.add(text.substring(start).strip());
    return parts;
  }
}

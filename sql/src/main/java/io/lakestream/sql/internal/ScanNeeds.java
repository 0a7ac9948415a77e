package io.lakestream.sql.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
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

  /** {@code project_id = '…'} or {@code project_id IN ('…', …)} anywhere in a filter. */
  private static final Pattern PROJECT_LISTED =
      Pattern.compile(
          "\\b"
              + TableDefinition.PROJECT_COLUMN
              + "\"?\\s*(?:=\\s*('(?:[^']|'')*')|\\s+IN\\s*\\(((?:\\s*'(?:[^']|'')*'(?:::VARCHAR)?\\s*,?)+)\\))");

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
   */
  public record TableNeed(
      TableDefinition table,
      List<String> columns,
      Optional<Object> from,
      Optional<Object> to,
      Map<String, Object> equalities,
      int scans) {}

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
    JsonNode info = node.path("extra_info");
    if (info.path("Table").isTextual()) {
      String qualified = info.get("Table").asText();
      String name = qualified.substring(qualified.lastIndexOf('.') + 1);
      TableDefinition table = tables.get(name);
      if (table != null) {
        out.add(Scan.of(table, texts(info.path("Projections")), texts(info.path("Filters"))));
      }
    }
    collect(node.path("children"), tables, out);
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
    return new TableNeed(table, ordered, from, to, equalities, scans.size());
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
          scan.apply(atom);
        }
      }
      return scan;
    }

    private void apply(String atom) {
      Matcher m = ATOM.matcher(atom);
      if (!m.matches()) {
        return;
      }
      String name = m.group(1);
      String op = m.group(2);
      String literal = m.group(3).strip();
      Optional<Column> column = table.column(name);
      if (column.isEmpty()) {
        return;
      }
      if (name.equals(TableDefinition.PROJECT_COLUMN)) {
        Matcher text = TEXT.matcher(literal);
        if (op.equals("=") && text.matches()) {
          projects.add(text.group(1).replace("''", "'"));
        }
        return;
      }
      Optional<Object> value = value(column.get().type(), literal);
      if (value.isEmpty()) {
        return;
      }
      if (name.equals(table.primaryKey())) {
        bound(op, value.get());
      } else if (op.equals("=") && exact(column.get().type())) {
        equalities.put(name, value.get());
      }
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

package io.lakestream.sql.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.schema.TableDefinition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a statement's text decides, kept for the next statements with the same text: that it is one
 * query, how many parameters it takes, and (for a statement whose plan does not depend on the time
 * it runs) what it reads from each table. Nothing in it is a project's: the project a statement
 * reads is chosen again for each statement, from the caller's credentials, and the rows are read
 * again.
 *
 * <p>Each map keeps the {@value #MAX_ENTRIES} most recently used entries of statements of at most
 * {@value #MAX_TEXT} characters.
 */
final class StatementCache {
  static final int MAX_ENTRIES = 256;
  static final int MAX_TEXT = 16 * 1024;

  /**
   * The functions whose value depends only on their arguments (and the table types): a plan whose
   * statement calls only these reads the same key ranges whenever it runs. Any other function
   * ({@code now()}, {@code today()}, {@code random()}, …) makes the plan one to be made again at
   * each run.
   */
  private static final Set<String> TIMELESS_FUNCTIONS =
      Set.of(
          // operators
          "+",
          "-",
          "*",
          "/",
          "//",
          "%",
          "^",
          "**",
          "||",
          "->",
          "->>",
          "~~",
          "!~~",
          "~~*",
          "!~~*",
          "~~~",
          "@>",
          "<@",
          "&&",
          "<<",
          ">>",
          "&",
          "|",
          "#",
          "~",
          "!",
          "@",
          // aggregates
          "count",
          "count_star",
          "sum",
          "avg",
          "mean",
          "min",
          "max",
          "median",
          "mode",
          "quantile",
          "quantile_cont",
          "quantile_disc",
          "percentile_cont",
          "percentile_disc",
          "approx_count_distinct",
          "approx_quantile",
          "stddev",
          "stddev_samp",
          "stddev_pop",
          "variance",
          "var_samp",
          "var_pop",
          "first",
          "last",
          "any_value",
          "arg_min",
          "arg_max",
          "string_agg",
          "list",
          "array_agg",
          "histogram",
          "bool_and",
          "bool_or",
          "sum_no_overflow",
          // window functions
          "row_number",
          "rank",
          "dense_rank",
          "percent_rank",
          "cume_dist",
          "ntile",
          "lag",
          "lead",
          "first_value",
          "last_value",
          "nth_value",
          // time
          "date_trunc",
          "datetrunc",
          "date_part",
          "datepart",
          "extract",
          "epoch",
          "epoch_ms",
          "epoch_us",
          "epoch_ns",
          "to_timestamp",
          "make_timestamp",
          "make_timestamptz",
          "make_date",
          "time_bucket",
          "date_diff",
          "datediff",
          "date_sub",
          "datesub",
          "date_add",
          "strftime",
          "strptime",
          "to_seconds",
          "to_minutes",
          "to_hours",
          "to_days",
          "to_milliseconds",
          "to_microseconds",
          "year",
          "month",
          "day",
          "hour",
          "minute",
          "second",
          "dayofweek",
          "dayofyear",
          "week",
          "isodow",
          "age_two",
          // numbers
          "abs",
          "floor",
          "ceil",
          "ceiling",
          "round",
          "trunc",
          "sign",
          "sqrt",
          "cbrt",
          "ln",
          "log",
          "log10",
          "log2",
          "exp",
          "pow",
          "power",
          "greatest",
          "least",
          "mod",
          // text and JSON
          "lower",
          "upper",
          "lcase",
          "ucase",
          "length",
          "len",
          "char_length",
          "concat",
          "concat_ws",
          "substring",
          "substr",
          "left",
          "right",
          "trim",
          "ltrim",
          "rtrim",
          "replace",
          "split_part",
          "starts_with",
          "ends_with",
          "contains",
          "prefix",
          "suffix",
          "strpos",
          "instr",
          "position",
          "regexp_matches",
          "regexp_extract",
          "regexp_replace",
          "regexp_full_match",
          "like_escape",
          "ilike_escape",
          "md5",
          "hash",
          "json_extract",
          "json_extract_string",
          "json_extract_path",
          "json_extract_path_text",
          "json_value",
          "json_exists",
          "json_type",
          "json_array_length",
          "json_keys",
          "to_json",
          "json",
          "coalesce",
          "ifnull",
          "nullif",
          "unnest",
          "list_value",
          "list_contains",
          "array_contains",
          "list_has",
          "array_length",
          "list_extract",
          "array_extract",
          "struct_pack",
          "row",
          "generate_series",
          "range");

  /**
   * Names that DuckDB's parser gives as column references and its binder turns into the current
   * time or session ({@code CURRENT_TIMESTAMP}, …).
   */
  private static final Set<String> TIME_NAMES =
      Set.of(
          "current_timestamp",
          "current_date",
          "current_time",
          "localtime",
          "localtimestamp",
          "current_localtime",
          "current_localtimestamp",
          "transaction_timestamp");

  /**
   * What DuckDB's parse of a statement says, for the cache.
   *
   * @param timeless whether its meaning does not depend on when it runs ({@link #timeless})
   * @param columnNames the names it may bind to a table's columns, in lower case; empty when it may
   *     use columns it does not name ({@link #columnNames})
   */
  record Parse(boolean timeless, Optional<Set<String>> columnNames) {
    /** Nothing known: time-dependent, any column. */
    static final Parse UNKNOWN = new Parse(false, Optional.empty());

    /** Whether the statement may bind {@code column} (a table type's column name). */
    boolean mayName(String column) {
      return columnNames.map(names -> names.contains(column)).orElse(true);
    }
  }

  /** A statement's plan, with the parameters and table types it was made for. */
  private record PlanKey(String sql, List<?> parameters, Map<String, TableDefinition> tables) {}

  private record TextKey(String sql, Map<String, TableDefinition> tables) {}

  private final Map<String, Parse> parses = lru();
  private final Map<TextKey, Integer> parameterCounts = lru();
  private final Map<PlanKey, ScanNeeds> plans = lru();

  /** The parse check's verdict on a statement found to be one query; empty if not known. */
  synchronized Optional<Parse> parse(String sql) {
    return Optional.ofNullable(parses.get(sql));
  }

  /** Keeps a statement found to be one query, with DuckDB's parse of it (JSON). */
  synchronized Parse keepParse(String sql, JsonNode parsed) {
    Parse parse = new Parse(timeless(parsed), columnNames(parsed));
    if (sql.length() <= MAX_TEXT) {
      parses.put(sql, parse);
    }
    return parse;
  }

  synchronized Optional<Integer> parameterCount(String sql, Map<String, TableDefinition> tables) {
    return Optional.ofNullable(parameterCounts.get(new TextKey(sql, tables)));
  }

  synchronized void keepParameterCount(String sql, Map<String, TableDefinition> tables, int count) {
    if (sql.length() <= MAX_TEXT) {
      parameterCounts.put(new TextKey(sql, tables), count);
    }
  }

  synchronized Optional<ScanNeeds> plan(
      String sql, List<?> parameters, Map<String, TableDefinition> tables) {
    return Optional.ofNullable(plans.get(new PlanKey(sql, parameters, tables)));
  }

  /** Keeps the plan of a statement whose parse found it {@link Parse#timeless()}. */
  synchronized void keepPlan(
      String sql, List<?> parameters, Map<String, TableDefinition> tables, ScanNeeds needs) {
    if (sql.length() <= MAX_TEXT) {
      plans.put(
          new PlanKey(
              sql,
              java.util.Collections.unmodifiableList(new java.util.ArrayList<>(parameters)),
              tables),
          needs);
    }
  }

  /**
   * Whether a parsed statement's meaning does not depend on when it runs: it calls only {@link
   * #TIMELESS_FUNCTIONS} and names none of {@link #TIME_NAMES}.
   */
  static boolean timeless(JsonNode node) {
    if (node.isArray()) {
      for (JsonNode child : node) {
        if (!timeless(child)) {
          return false;
        }
      }
      return true;
    }
    if (!node.isObject()) {
      return true;
    }
    JsonNode function = node.get("function_name");
    if (function != null
        && !TIMELESS_FUNCTIONS.contains(function.asText().toLowerCase(java.util.Locale.ROOT))) {
      return false;
    }
    JsonNode names = node.get("column_names");
    if (names != null && names.isArray()) {
      for (JsonNode name : names) {
        if (TIME_NAMES.contains(name.asText().toLowerCase(java.util.Locale.ROOT))) {
          return false;
        }
      }
    }
    for (JsonNode child : node) {
      if (!timeless(child)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The names a parsed statement may bind to a table's columns, in lower case: every part of every
   * column reference ({@code t.trace_id} gives {@code t} and {@code trace_id}). Empty when it may
   * use columns it does not name, or by their place: a star ({@code *}, {@code COLUMNS(…)},
   * DuckDB's {@code FROM t}), a {@code NATURAL} join, {@code PIVOT}/{@code UNPIVOT}, a positional
   * reference ({@code #1}), or column aliases given to a table ({@code FROM t AS x(a, b)}).
   */
  static Optional<Set<String>> columnNames(JsonNode parsed) {
    Set<String> names = new java.util.HashSet<>();
    return namesOnly(parsed, names) ? Optional.of(Set.copyOf(names)) : Optional.empty();
  }

  private static boolean namesOnly(JsonNode node, Set<String> names) {
    if (node.isArray()) {
      for (JsonNode child : node) {
        if (!namesOnly(child, names)) {
          return false;
        }
      }
      return true;
    }
    if (!node.isObject()) {
      return true;
    }
    String type = node.path("type").asText("");
    String kind = node.path("class").asText("");
    if (UNNAMED_COLUMNS.contains(type)
        || UNNAMED_COLUMNS.contains(kind)
        || node.path("ref_type").asText("").equals("NATURAL")
        || (type.equals("BASE_TABLE") && !node.path("column_name_alias").isEmpty())) {
      return false;
    }
    if (kind.equals("COLUMN_REF")) {
      for (JsonNode name : node.path("column_names")) {
        names.add(name.asText().toLowerCase(java.util.Locale.ROOT));
      }
    }
    for (JsonNode child : node) {
      if (!namesOnly(child, names)) {
        return false;
      }
    }
    return true;
  }

  /** Parse nodes that use a table's columns without naming them ({@link #columnNames}). */
  private static final Set<String> UNNAMED_COLUMNS =
      Set.of("STAR", "PIVOT", "POSITIONAL_REFERENCE");

  private static <K, V> Map<K, V> lru() {
    return new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > MAX_ENTRIES;
      }
    };
  }
}

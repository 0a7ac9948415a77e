package io.lakestream.sql.internal;

import io.lakestream.sql.QueryResult;
import io.lakestream.sql.ResultBatches;
import io.lakestream.sql.ResultColumn;
import io.lakestream.sql.SqlErrors;
import io.lakestream.sql.SqlType;
import io.lakestream.sql.StatementCancel;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Blob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.duckdb.DuckDBResultSet;

/**
 * A DuckDB result set read row by row; closing it closes its statement and releases its connection
 * (given back to the pool, or closed with its database).
 */
public final class DuckDbResult implements QueryResult {
  private final Runnable release;
  private final BufferAllocator allocator;
  private final PreparedStatement statement;
  private final ResultSet rows;
  private final List<ResultColumn> columns;
  private final Object[] current;
  private long count;
  private boolean closed;
  private DuckDbBatches batches;

  /**
   * The statement's cancel: rows stop at the next one read after it (DuckDB's JDBC driver does not
   * interrupt the fetch of a streamed result), and the engine's errors of a cancelled statement say
   * so.
   */
  private final StatementCancel cancel;

  DuckDbResult(
      Runnable release,
      BufferAllocator allocator,
      PreparedStatement statement,
      ResultSet rows,
      StatementCancel cancel)
      throws SQLException {
    this.release = release;
    this.cancel = cancel;
    this.allocator = allocator;
    this.statement = statement;
    this.rows = rows;
    ResultSetMetaData meta = rows.getMetaData();
    List<ResultColumn> list = new ArrayList<>();
    for (int i = 1; i <= meta.getColumnCount(); i++) {
      list.add(column(postgresName(meta.getColumnLabel(i)), meta.getColumnTypeName(i)));
    }
    this.columns = List.copyOf(list);
    this.current = new Object[columns.size()];
  }

  @Override
  public List<ResultColumn> columns() {
    return columns;
  }

  @Override
  public boolean next() {
    if (cancel.cancelled()) {
      throw SqlErrors.canceled(cancel);
    }
    try {
      if (closed || !rows.next()) {
        return false;
      }
      for (int i = 0; i < current.length; i++) {
        current[i] = read(i + 1, columns.get(i));
      }
      count++;
      return true;
    } catch (SQLException e) {
      throw DuckDbSession.engineError(cancel, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The batches' memory is a child of the engine's allocator; the engine's own buffers of a
   * batch are counted in it (they are imported through the Arrow C data interface, not copied).
   */
  @Override
  public ResultBatches batches(int batchRows) {
    if (count > 0 || batches != null) {
      throw new IllegalStateException("batches() is called before any row is read, once");
    }
    try {
      batches =
          DuckDbBatches.open(
              rows.unwrap(DuckDBResultSet.class), columns, allocator, batchRows, cancel);
    } catch (SQLException e) {
      throw DuckDbSession.engineError(cancel, e);
    }
    return batches;
  }

  @Override
  public Object value(int column) {
    return current[column];
  }

  @Override
  public String message() {
    return "";
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (batches != null) {
      batches.close(); // before the result set: the stream holds the engine's result
    }
    for (AutoCloseable c : new AutoCloseable[] {rows, statement}) {
      try {
        c.close();
      } catch (Exception e) {
        // released with the connection below
      }
    }
    release.run();
  }

  private Object read(int index, ResultColumn column) throws SQLException {
    switch (column.type()) {
      case TEXT, JSON, INTERVAL -> {
        return rows.getString(index);
      }
      case DATE -> {
        return rows.getObject(index, LocalDate.class);
      }
      case TIME -> {
        return rows.getObject(index, LocalTime.class);
      }
      case TIMESTAMP -> {
        return rows.getObject(index, LocalDateTime.class);
      }
      case TIMESTAMPTZ -> {
        OffsetDateTime time = rows.getObject(index, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
      }
      default -> {
        Object value = rows.getObject(index);
        if (value == null) {
          return null;
        }
        if (column.type() == SqlType.ARRAY) {
          Object[] elements = (Object[]) ((Array) value).getArray();
          List<Object> list = new ArrayList<>(elements.length);
          for (Object element : elements) {
            list.add(plain(element, column.elementType().orElseThrow()));
          }
          return list;
        }
        return plain(value, column.type());
      }
    }
  }

  private static Object plain(Object value, SqlType type) throws SQLException {
    if (value == null) {
      return null;
    }
    return switch (type) {
      case BOOLEAN -> value;
      case SMALLINT -> ((Number) value).shortValue();
      case INTEGER -> ((Number) value).intValue();
      case BIGINT -> ((Number) value).longValue();
      case REAL -> ((Number) value).floatValue();
      case DOUBLE -> ((Number) value).doubleValue();
      case NUMERIC ->
          value instanceof BigDecimal d
              ? d
              : value instanceof BigInteger i
                  ? new BigDecimal(i)
                  : new BigDecimal(value.toString());
      case BYTEA -> value instanceof Blob b ? b.getBytes(1, (int) b.length()) : value;
      case UUID -> value instanceof UUID ? value : UUID.fromString(value.toString());
      case TIMESTAMPTZ -> value instanceof OffsetDateTime t ? t.toInstant() : value;
      case TIMESTAMP -> value instanceof java.sql.Timestamp t ? t.toLocalDateTime() : value;
      case DATE -> value instanceof java.sql.Date d ? d.toLocalDate() : value;
      default -> value.toString();
    };
  }

  /**
   * The name PostgreSQL gives a result column that has no alias, from the engine's label of it (the
   * expression's text): an aggregate or window call is named by its function, also with {@code
   * FILTER (…)} or {@code OVER (…)} ({@code count(*)} and {@code count(*) FILTER (WHERE …)} are
   * {@code count}, {@code percentile_cont(0.95) WITHIN GROUP (…)} is {@code percentile_cont},
   * {@code COALESCE(…)} {@code coalesce}); a cast by what it casts ({@code timestamp::date} is
   * {@code timestamp}, {@code avg(x)::int} {@code avg}); a column by its name; an operator's
   * expression ({@code attributes->>'plan'}, {@code a / 1000}) is {@code ?column?}. Other labels
   * are kept. (A Grafana series is named by its column: {@code count}, as over PostgreSQL.)
   */
  static String postgresName(String label) {
    String name = label.strip();
    int suffix = Math.max(name.lastIndexOf(" FILTER ("), name.lastIndexOf(" OVER ("));
    if (suffix > 0 && closes(name, name.indexOf('(', suffix)) == name.length() - 1) {
      name = name.substring(0, suffix);
    }
    if (name.startsWith("(") && closes(name, 0) == name.length() - 1) {
      return "?column?"; // the engine parenthesizes an operator's expression
    }
    if (CONSTANT.matcher(name).matches()) {
      return "?column?"; // SELECT 1, 'abc'
    }
    java.util.regex.Matcher cast = CAST.matcher(name);
    if (cast.matches() && closes(name, 4) == name.length() - 1) {
      if (CONSTANT.matcher(cast.group(1).strip()).matches()) {
        return postgresTypeName(cast.group(2)); // 82893580.2::float8 is named float8
      }
      String inner = postgresName(cast.group(1));
      return inner.equals(cast.group(1).strip()) && !COLUMN.matcher(inner).matches()
          ? label
          : inner;
    }
    if (name.regionMatches(true, 0, "CASE ", 0, 5) && name.endsWith(" END")) {
      return "case";
    }
    java.util.regex.Matcher call = CALL.matcher(name);
    int open = call.matches() ? name.indexOf('(', call.end(1)) : -1;
    if (open > 0 && closes(name, open) == name.length() - 1) {
      String function = call.group(1).toLowerCase(java.util.Locale.ROOT);
      return switch (function) {
        case "count_star" -> "count";
        case "quantile_cont" -> "percentile_cont"; // percentile_cont(…) WITHIN GROUP (…)
        case "quantile_disc" -> "percentile_disc";
        case "trim" -> "btrim";
        default -> function;
      };
    }
    java.util.regex.Matcher quoted = QUOTED.matcher(name);
    if (quoted.matches()) {
      return quoted.group(1).replace("\"\"", "\"");
    }
    return label;
  }

  /** The index of the parenthesis closing the one at {@code open}, -1 when none; quotes skipped. */
  private static int closes(String text, int open) {
    if (open < 0 || open >= text.length() || text.charAt(open) != '(') {
      return -1;
    }
    int depth = 0;
    for (int i = open; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\'' || c == '"') {
        int end = text.indexOf(c, i + 1);
        if (end < 0) {
          return -1;
        }
        i = end;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  private static final java.util.regex.Pattern CALL =
      java.util.regex.Pattern.compile(
          "^\"?([A-Za-z_][A-Za-z0-9_]*)\"?\\(.*\\)$", java.util.regex.Pattern.DOTALL);
  private static final java.util.regex.Pattern CAST =
      java.util.regex.Pattern.compile(
          "^CAST\\((.*) AS ([^()\"']+)\\)$", java.util.regex.Pattern.DOTALL);
  private static final java.util.regex.Pattern CONSTANT =
      java.util.regex.Pattern.compile(
          "(?i)^(-?\\d+(\\.\\d*)?([e][+-]?\\d+)?|'(?:[^']|'')*'|true|false|null)$");

  /** The name PostgreSQL gives a type, from the name the statement wrote it by. */
  private static String postgresTypeName(String written) {
    String type = written.strip().toLowerCase(java.util.Locale.ROOT);
    return switch (type) {
      case "double", "double precision", "float8", "float" -> "float8";
      case "real", "float4" -> "float4";
      case "int", "integer", "int4", "signed" -> "int4";
      case "bigint", "int8", "long" -> "int8";
      case "smallint", "int2", "short" -> "int2";
      case "boolean", "bool" -> "bool";
      case "timestamp with time zone", "timestamptz" -> "timestamptz";
      case "decimal", "numeric" -> "numeric";
      default -> type.replaceAll("\\(.*", ""); // varchar, text, date, numeric(10,2) → numeric
    };
  }

  private static final java.util.regex.Pattern QUOTED =
      java.util.regex.Pattern.compile("^\"((?:[^\"]|\"\")*)\"$");
  private static final java.util.regex.Pattern COLUMN =
      java.util.regex.Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");

  /** A column of the engine's type, as the nearest PostgreSQL type. */
  static ResultColumn column(String name, String engineType) {
    String type = engineType.strip();
    if (type.endsWith("[]")) {
      SqlType element = type(type.substring(0, type.length() - 2));
      if (element == SqlType.ARRAY) {
        return new ResultColumn(name, SqlType.TEXT, Optional.empty(), engineType);
      }
      return new ResultColumn(name, SqlType.ARRAY, Optional.of(element), engineType);
    }
    return new ResultColumn(name, type(type), Optional.empty(), engineType);
  }

  private static SqlType type(String type) {
    if (type.endsWith("[]")) {
      return SqlType.ARRAY;
    }
    if (type.startsWith("DECIMAL")) {
      return SqlType.NUMERIC;
    }
    return switch (type) {
      case "BOOLEAN" -> SqlType.BOOLEAN;
      case "TINYINT", "SMALLINT", "UTINYINT" -> SqlType.SMALLINT;
      case "INTEGER", "USMALLINT" -> SqlType.INTEGER;
      case "BIGINT", "UINTEGER" -> SqlType.BIGINT;
      case "UBIGINT", "HUGEINT", "UHUGEINT" -> SqlType.NUMERIC;
      case "FLOAT" -> SqlType.REAL;
      case "DOUBLE" -> SqlType.DOUBLE;
      case "BLOB" -> SqlType.BYTEA;
      case "DATE" -> SqlType.DATE;
      case "TIME" -> SqlType.TIME;
      case "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS" -> SqlType.TIMESTAMP;
      case "TIMESTAMP WITH TIME ZONE" -> SqlType.TIMESTAMPTZ;
      case "INTERVAL" -> SqlType.INTERVAL;
      case "JSON" -> SqlType.JSON;
      case "UUID" -> SqlType.UUID;
      default -> SqlType.TEXT;
    };
  }
}

package io.lakestream.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.SchemaException;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.convert.JsonRows;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.DateValue;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.TimestampValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.ComparisonOperator;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.create.table.ColumnDefinition;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.table.Index;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import org.apache.avro.generic.GenericRecord;

/**
 * Parses SQL with JSqlParser and plans it against the known tables.
 *
 * <p>Supported: {@code CREATE TABLE} (one orderable {@code PRIMARY KEY} column), {@code DROP
 * TABLE}, {@code INSERT INTO t (cols) VALUES (...), ...}, and {@code SELECT cols|*|aggregates FROM
 * t WHERE project_id = '…' [AND <pk> <op> v ...] [AND other conditions] [ORDER BY <pk> [DESC]]
 * [LIMIT n]}. Every error says what is wrong and how to write it instead.
 */
public final class SqlPlanner {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Function<String, Optional<TableDefinition>> tables;

  /** A planner over the tables {@code tables} can find by name. */
  public SqlPlanner(Function<String, Optional<TableDefinition>> tables) {
    this.tables = tables;
  }

  /**
   * Plans one statement.
   *
   * @param defaultProject the project of inserted rows that name none (e.g. from the request)
   * @throws SqlException naming the problem
   */
  public SqlStatement plan(String sql, Optional<String> defaultProject) {
    Statement statement;
    try {
      statement = CCJSqlParserUtil.parse(sql);
    } catch (JSQLParserException e) {
      String detail =
          e.getCause() != null && e.getCause().getMessage() != null
              ? e.getCause().getMessage()
              : e.getMessage();
      throw new SqlException("Cannot parse the SQL: " + firstLine(detail));
    }
    if (statement instanceof CreateTable create) {
      return createTable(create);
    }
    if (statement instanceof Drop drop) {
      if (!"TABLE".equalsIgnoreCase(drop.getType())) {
        throw new SqlException("Only DROP TABLE is supported, not DROP " + drop.getType() + ".");
      }
      return new SqlStatement.DropTable(name(drop.getName().getName()));
    }
    if (statement instanceof Insert insert) {
      return insert(insert, defaultProject.orElse(null));
    }
    if (statement instanceof PlainSelect select) {
      return select(select);
    }
    if (statement instanceof Select) {
      throw new SqlException(
          "Only a plain SELECT over one table is supported: no UNION, WITH or sub-queries.");
    }
    throw new SqlException(
        "Unsupported statement "
            + statement.getClass().getSimpleName()
            + ". Use CREATE TABLE, DROP TABLE, INSERT or SELECT.");
  }

  private SqlStatement createTable(CreateTable create) {
    String tableName = name(create.getTable().getName());
    List<String> keys = new ArrayList<>();
    List<TableDefinition.ColumnSpec> columns = new ArrayList<>();
    if (create.getColumnDefinitions() == null) {
      throw new SqlException("CREATE TABLE " + tableName + " needs a column list.");
    }
    for (ColumnDefinition definition : create.getColumnDefinitions()) {
      String specs =
          definition.getColumnSpecs() == null
              ? ""
              : String.join(" ", definition.getColumnSpecs()).toUpperCase(Locale.ROOT);
      boolean primary = specs.contains("PRIMARY KEY");
      if (primary) {
        keys.add(name(definition.getColumnName()));
      }
      // VARCHAR(20) and the like: the length is not kept.
      String type = definition.getColDataType().getDataType().replaceAll("\\s*\\(.*\\)$", "");
      columns.add(
          new TableDefinition.ColumnSpec(
              name(definition.getColumnName()),
              type,
              !(primary || specs.contains("NOT NULL")),
              ""));
    }
    if (create.getIndexes() != null) {
      for (Index index : create.getIndexes()) {
        if (index.getType() != null
            && index.getType().toUpperCase(Locale.ROOT).contains("PRIMARY")) {
          for (String column : index.getColumnsNames()) {
            String key = name(column);
            keys.add(key);
            columns.replaceAll(
                c ->
                    c.name().equals(key)
                        ? new TableDefinition.ColumnSpec(c.name(), c.type(), false, c.doc())
                        : c);
          }
        }
      }
    }
    if (keys.size() > 1) {
      throw new SqlException(
          "Table "
              + tableName
              + " names "
              + keys.size()
              + " primary key columns ("
              + String.join(", ", keys)
              + "); Lakestream tables have exactly one, an orderable column.");
    }
    try {
      return new SqlStatement.CreateTable(
          TableDefinition.validate(
              "CREATE TABLE",
              tableName,
              "",
              columns,
              keys.isEmpty() ? null : keys.get(0),
              List.of(),
              List.of()));
    } catch (SchemaException e) {
      throw new SqlException(e.getMessage(), e);
    }
  }

  private SqlStatement insert(Insert insert, String defaultProject) {
    TableDefinition table = table(insert.getTable().getName());
    if (insert.getValues() == null) {
      throw new SqlException("INSERT supports VALUES lists only, not INSERT ... SELECT.");
    }
    List<String> names = new ArrayList<>();
    if (insert.getColumns() == null || insert.getColumns().isEmpty()) {
      names.addAll(table.columnNames());
    } else {
      insert.getColumns().forEach(c -> names.add(name(c.getColumnName())));
    }
    for (String name : names) {
      column(table, name);
    }
    List<ExpressionList<?>> rows = new ArrayList<>();
    ExpressionList<?> values = insert.getValues().getExpressions();
    if (!values.isEmpty() && values.get(0) instanceof ExpressionList<?>) {
      values.forEach(v -> rows.add((ExpressionList<?>) v));
    } else {
      rows.add(values);
    }
    List<GenericRecord> records = new ArrayList<>();
    int number = 0;
    for (ExpressionList<?> row : rows) {
      number++;
      if (row.size() != names.size()) {
        throw new SqlException(
            "Row "
                + number
                + " of the INSERT has "
                + row.size()
                + " value(s) for "
                + names.size()
                + " column(s).");
      }
      var object = NODES.objectNode();
      for (int i = 0; i < names.size(); i++) {
        object.set(names.get(i), literal(row.get(i), "row " + number + ", column " + names.get(i)));
      }
      try {
        records.add(JsonRows.toRow(table, object, defaultProject));
      } catch (JsonRows.RowException e) {
        throw new SqlException("Row " + number + ": " + e.getMessage(), e);
      }
    }
    return new SqlStatement.Insert(table, List.copyOf(records));
  }

  private SqlStatement select(PlainSelect select) {
    if (select.getJoins() != null && !select.getJoins().isEmpty()) {
      throw new SqlException("Joins are not supported: query one table at a time.");
    }
    if (select.getGroupBy() != null) {
      throw new SqlException("GROUP BY is not supported; aggregates run over the whole key range.");
    }
    if (!(select.getFromItem() instanceof net.sf.jsqlparser.schema.Table from)) {
      throw new SqlException("SELECT needs FROM <table>.");
    }
    TableDefinition table = table(from.getName());
    String pk = table.primaryKey();

    List<String> columns = new ArrayList<>();
    List<SqlStatement.Aggregate> aggregates = new ArrayList<>();
    for (SelectItem<?> item : select.getSelectItems()) {
      Expression expression = item.getExpression();
      if (expression instanceof AllColumns) {
        columns.addAll(table.columnNames());
      } else if (expression instanceof net.sf.jsqlparser.schema.Column column) {
        columns.add(column(table, name(column.getColumnName())).name());
      } else if (expression instanceof net.sf.jsqlparser.expression.Function function) {
        aggregates.add(
            aggregate(table, function, item.getAlias() == null ? null : item.getAlias().getName()));
      } else {
        throw new SqlException(
            "Cannot select " + expression + ": select columns, * or COUNT/MIN/MAX/SUM/AVG.");
      }
    }
    if (!aggregates.isEmpty() && !columns.isEmpty()) {
      throw new SqlException(
          "Select either columns or aggregates, not both: there is no GROUP BY.");
    }

    Where where = new Where(table);
    if (select.getWhere() == null) {
      throw missingProject();
    }
    for (Expression conjunct : conjuncts(select.getWhere())) {
      where.add(conjunct);
    }
    if (where.project == null) {
      throw missingProject();
    }

    boolean descending = false;
    if (select.getOrderByElements() != null) {
      if (select.getOrderByElements().size() != 1) {
        throw new SqlException("ORDER BY takes the primary key only: ORDER BY " + pk + " [DESC].");
      }
      OrderByElement order = select.getOrderByElements().get(0);
      if (!(order.getExpression() instanceof net.sf.jsqlparser.schema.Column c)
          || !name(c.getColumnName()).equals(pk)) {
        throw new SqlException(
            "Rows come in primary key order: ORDER BY "
                + pk
                + " [DESC], not ORDER BY "
                + order.getExpression()
                + ".");
      }
      descending = !order.isAsc();
    }
    OptionalLong limit = OptionalLong.empty();
    if (select.getLimit() != null) {
      if (select.getLimit().getOffset() != null || select.getOffset() != null) {
        throw new SqlException("OFFSET is not supported; narrow the key range instead.");
      }
      if (!(select.getLimit().getRowCount() instanceof LongValue count) || count.getValue() < 0) {
        throw new SqlException("LIMIT takes a whole number, e.g. LIMIT 100.");
      }
      limit = OptionalLong.of(count.getValue());
    }
    return new SqlStatement.Select(
        table,
        where.project,
        List.copyOf(new LinkedHashSet<>(columns)),
        Optional.ofNullable(where.from),
        Optional.ofNullable(where.to),
        descending,
        limit,
        where.filter,
        List.copyOf(aggregates));
  }

  private SqlException missingProject() {
    return new SqlException(
        "SELECT needs project_id = '<project>' in its WHERE clause, joined with AND: every project has"
            + " its own table, so a query reads one project's table.");
  }

  private SqlStatement.Aggregate aggregate(
      TableDefinition table, net.sf.jsqlparser.expression.Function function, String alias) {
    SqlStatement.Aggregate.Function kind;
    try {
      kind = SqlStatement.Aggregate.Function.valueOf(function.getName().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new SqlException(
          "Unsupported function " + function.getName() + ": use COUNT, MIN, MAX, SUM or AVG.");
    }
    Optional<String> column = Optional.empty();
    if (!function.isAllColumns()) {
      ExpressionList<?> parameters = function.getParameters();
      if (parameters == null
          || parameters.size() != 1
          || !(parameters.get(0) instanceof net.sf.jsqlparser.schema.Column c)) {
        if (parameters != null
            && parameters.size() == 1
            && parameters.get(0) instanceof AllColumns
            && kind == SqlStatement.Aggregate.Function.COUNT) {
          return new SqlStatement.Aggregate(
              kind, Optional.empty(), alias != null ? alias : "count");
        }
        throw new SqlException(
            kind + " takes one column, e.g. " + kind + "(" + table.primaryKey() + ").");
      }
      Column col = column(table, name(c.getColumnName()));
      if (kind != SqlStatement.Aggregate.Function.COUNT
          && kind != SqlStatement.Aggregate.Function.MIN
          && kind != SqlStatement.Aggregate.Function.MAX
          && !isNumeric(col.type())) {
        throw new SqlException(
            kind
                + "("
                + col.name()
                + ") needs a numeric column; "
                + col.name()
                + " is "
                + col.type()
                + ".");
      }
      column = Optional.of(col.name());
    } else if (kind != SqlStatement.Aggregate.Function.COUNT) {
      throw new SqlException(kind + "(*) is not meaningful; name a column.");
    }
    String label =
        alias != null
            ? alias
            : kind.name().toLowerCase(Locale.ROOT) + column.map(c -> "(" + c + ")").orElse("");
    return new SqlStatement.Aggregate(kind, column, label);
  }

  /** What a WHERE clause says: the project, the key range, and the other conditions. */
  private final class Where {
    final TableDefinition table;
    String project;
    Object from;
    Object to;
    RowFilter filter = RowFilter.ALL;

    Where(TableDefinition table) {
      this.table = table;
    }

    void add(Expression conjunct) {
      if (conjunct instanceof ComparisonOperator comparison) {
        Comparison c = comparison(comparison);
        if (c != null && c.column.equals(TableDefinition.PROJECT_COLUMN) && c.op.equals("=")) {
          String value = c.value instanceof CharSequence s ? s.toString() : null;
          if (value == null) {
            throw new SqlException("project_id is text: write project_id = 'acme'.");
          }
          if (project != null && !project.equals(value)) {
            throw new SqlException(
                "A query reads one project: project_id is both '"
                    + project
                    + "' and '"
                    + value
                    + "'.");
          }
          project = value;
          return;
        }
        if (c != null && c.column.equals(table.primaryKey()) && !c.op.equals("<>")) {
          bound(c.op, c.value);
          return;
        }
      }
      if (conjunct instanceof Between between
          && !between.isNot()
          && between.getLeftExpression() instanceof net.sf.jsqlparser.schema.Column c
          && name(c.getColumnName()).equals(table.primaryKey())) {
        Column pk = table.primaryKeyColumn();
        bound(">=", value(pk, between.getBetweenExpressionStart()));
        bound("<=", value(pk, between.getBetweenExpressionEnd()));
        return;
      }
      filter = RowFilter.and(filter, compile(conjunct));
    }

    private void bound(String op, Object value) {
      switch (op) {
        case "=" -> {
          lower(value);
          upper(next(value));
        }
        case ">=" -> lower(value);
        case ">" -> lower(next(value));
        case "<" -> upper(value);
        case "<=" -> upper(next(value));
        default -> throw new IllegalStateException(op);
      }
    }

    private void lower(Object value) {
      if (from == null || Values.compare(value, from) > 0) {
        from = value;
      }
    }

    private void upper(Object value) {
      if (to == null || Values.compare(value, to) < 0) {
        to = value;
      }
    }

    private Object next(Object value) {
      if (value instanceof Double d) {
        return Math.nextUp(d);
      }
      long v = ((Number) value).longValue();
      if (v == Long.MAX_VALUE) {
        throw new SqlException("The key bound " + v + " is the largest key; use >= instead.");
      }
      return v + 1;
    }

    private RowFilter compile(Expression expression) {
      if (expression instanceof Parenthesis p) {
        return compile(p.getExpression());
      }
      if (expression instanceof ParenthesedExpressionList<?> p && p.size() == 1) {
        return compile(p.get(0));
      }
      if (expression instanceof AndExpression and) {
        return RowFilter.and(compile(and.getLeftExpression()), compile(and.getRightExpression()));
      }
      if (expression instanceof OrExpression or) {
        return RowFilter.or(compile(or.getLeftExpression()), compile(or.getRightExpression()));
      }
      if (expression instanceof NotExpression not) {
        return RowFilter.not(compile(not.getExpression()));
      }
      if (expression instanceof ComparisonOperator comparison) {
        Comparison c = comparison(comparison);
        if (c == null) {
          throw new SqlException(
              "Cannot filter on " + expression + ": compare a column with a value.");
        }
        return RowFilter.compare(c.column, c.op, c.value);
      }
      if (expression instanceof IsNullExpression isNull
          && isNull.getLeftExpression() instanceof net.sf.jsqlparser.schema.Column c) {
        return RowFilter.isNull(column(table, name(c.getColumnName())).name(), isNull.isNot());
      }
      if (expression instanceof InExpression in
          && in.getLeftExpression() instanceof net.sf.jsqlparser.schema.Column c
          && in.getRightExpression() instanceof ParenthesedExpressionList<?> list) {
        Column column = column(table, name(c.getColumnName()));
        List<Object> values = new ArrayList<>();
        list.forEach(e -> values.add(value(column, e)));
        RowFilter filter = RowFilter.in(column.name(), values);
        return in.isNot() ? RowFilter.not(filter) : filter;
      }
      if (expression instanceof LikeExpression like
          && like.getLeftExpression() instanceof net.sf.jsqlparser.schema.Column c
          && like.getRightExpression() instanceof StringValue pattern) {
        RowFilter filter =
            RowFilter.like(
                column(table, name(c.getColumnName())).name(),
                pattern.getValue(),
                like.getLikeKeyWord() == LikeExpression.KeyWord.ILIKE);
        return like.isNot() ? RowFilter.not(filter) : filter;
      }
      if (expression instanceof Between between
          && between.getLeftExpression() instanceof net.sf.jsqlparser.schema.Column c) {
        Column column = column(table, name(c.getColumnName()));
        RowFilter filter =
            RowFilter.and(
                RowFilter.compare(
                    column.name(), ">=", value(column, between.getBetweenExpressionStart())),
                RowFilter.compare(
                    column.name(), "<=", value(column, between.getBetweenExpressionEnd())));
        return between.isNot() ? RowFilter.not(filter) : filter;
      }
      throw new SqlException(
          "Unsupported condition "
              + expression
              + ". Use =, <>, <, <=, >, >=, BETWEEN, IN, LIKE, IS NULL, AND, OR, NOT.");
    }

    private Comparison comparison(ComparisonOperator comparison) {
      BinaryExpression binary = (BinaryExpression) comparison;
      String op =
          comparison.getStringExpression().equals("!=") ? "<>" : comparison.getStringExpression();
      if (binary.getLeftExpression() instanceof net.sf.jsqlparser.schema.Column c
          && !(binary.getRightExpression() instanceof net.sf.jsqlparser.schema.Column)) {
        Column column = column(table, name(c.getColumnName()));
        return new Comparison(column.name(), op, value(column, binary.getRightExpression()));
      }
      if (binary.getRightExpression() instanceof net.sf.jsqlparser.schema.Column c
          && !(binary.getLeftExpression() instanceof net.sf.jsqlparser.schema.Column)) {
        Column column = column(table, name(c.getColumnName()));
        return new Comparison(column.name(), flip(op), value(column, binary.getLeftExpression()));
      }
      return null;
    }

    private Object value(Column column, Expression expression) {
      JsonNode literal = literal(expression, "column " + column.name());
      if (literal.isNull()) {
        return null;
      }
      try {
        Object value = JsonRows.convert(table, column, literal);
        return value instanceof Float f
            ? (double) f
            : value instanceof Integer i ? (long) i : value;
      } catch (JsonRows.RowException e) {
        throw new SqlException(e.getMessage(), e);
      }
    }
  }

  private record Comparison(String column, String op, Object value) {}

  private static String flip(String op) {
    return switch (op) {
      case "<" -> ">";
      case "<=" -> ">=";
      case ">" -> "<";
      case ">=" -> "<=";
      default -> op;
    };
  }

  private static List<Expression> conjuncts(Expression expression) {
    List<Expression> all = new ArrayList<>();
    if (expression instanceof AndExpression and) {
      all.addAll(conjuncts(and.getLeftExpression()));
      all.addAll(conjuncts(and.getRightExpression()));
    } else if (expression instanceof Parenthesis p && p.getExpression() instanceof AndExpression) {
      all.addAll(conjuncts(p.getExpression()));
    } else if (expression instanceof ParenthesedExpressionList<?> p
        && p.size() == 1
        && p.get(0) instanceof AndExpression) {
      all.addAll(conjuncts(p.get(0)));
    } else {
      all.add(expression);
    }
    return all;
  }

  private static JsonNode literal(Expression expression, String where) {
    if (expression instanceof NullValue) {
      return NODES.nullNode();
    }
    if (expression instanceof LongValue v) {
      return NODES.numberNode(v.getValue());
    }
    if (expression instanceof DoubleValue v) {
      return NODES.numberNode(v.getValue());
    }
    if (expression instanceof StringValue v) {
      return NODES.textNode(v.getValue());
    }
    if (expression instanceof BooleanValue v) {
      return NODES.booleanNode(v.getValue());
    }
    if (expression instanceof TimestampValue v) {
      return NODES.textNode(v.getValue().toInstant().toString());
    }
    if (expression instanceof DateValue v) {
      return NODES.textNode(v.getValue().toString());
    }
    if (expression instanceof net.sf.jsqlparser.schema.Column c
        && (c.getColumnName().equalsIgnoreCase("true")
            || c.getColumnName().equalsIgnoreCase("false"))) {
      return NODES.booleanNode(Boolean.parseBoolean(c.getColumnName()));
    }
    if (expression instanceof SignedExpression signed && signed.getSign() == '-') {
      JsonNode inner = literal(signed.getExpression(), where);
      if (inner.isIntegralNumber()) {
        return NODES.numberNode(-inner.longValue());
      }
      if (inner.isNumber()) {
        return NODES.numberNode(-inner.doubleValue());
      }
    }
    if (expression instanceof ParenthesedExpressionList<?> list && list.size() > 0) {
      var array = NODES.arrayNode();
      list.forEach(e -> array.add(literal(e, where)));
      return array;
    }
    throw new SqlException("Expected a literal value for " + where + ", found " + expression + ".");
  }

  private TableDefinition table(String name) {
    String tableName = name(name);
    return tables
        .apply(tableName)
        .orElseThrow(() -> new SqlException("There is no table '" + tableName + "'."));
  }

  private static Column column(TableDefinition table, String name) {
    return table
        .column(name)
        .orElseThrow(
            () ->
                new SqlException(
                    "Table "
                        + table.name()
                        + " has no column '"
                        + name
                        + "'. Its columns are: "
                        + String.join(", ", table.columnNames())
                        + "."));
  }

  private static boolean isNumeric(ColumnType type) {
    return switch (type) {
      case INT, LONG, FLOAT, DOUBLE, TIMESTAMP, DATE -> true;
      default -> false;
    };
  }

  private static String name(String identifier) {
    String name = identifier;
    if (name.length() >= 2
        && (name.startsWith("\"") && name.endsWith("\"")
            || name.startsWith("`") && name.endsWith("`"))) {
      name = name.substring(1, name.length() - 1);
    }
    return name;
  }

  private static String firstLine(String text) {
    return text == null ? "" : text.lines().findFirst().orElse(text).trim();
  }
}

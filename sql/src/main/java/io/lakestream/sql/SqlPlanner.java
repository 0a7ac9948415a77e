package io.lakestream.sql;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.SchemaException;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.convert.JsonRows;
import io.lakestream.schema.convert.TimeText;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.CastExpression;
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
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.expression.operators.relational.OldOracleJoinBinaryExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.create.table.ColumnDefinition;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.table.Index;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.Limit;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import org.apache.avro.generic.GenericRecord;

/**
 * Parses SQL with JSqlParser and plans it against the known tables.
 *
 * <p>Supported: {@code CREATE TABLE} (one orderable {@code PRIMARY KEY} column, {@code NOT NULL}),
 * {@code DROP TABLE}, {@code INSERT INTO t (cols) VALUES (...), ...}, and {@code SELECT cols [AS
 * name]|*|aggregates FROM t [AS alias] WHERE project_id = '…' [AND <pk> <op> v ...] [AND other
 * conditions] [ORDER BY <pk> [DESC]] [LIMIT n]}, with {@code COUNT/MIN/MAX/SUM/AVG([DISTINCT] col)}
 * and {@code COUNT(*)}.
 *
 * <p>The planner reads a statement as a whitelist: every part of the parsed statement it does not
 * run (a clause, a modifier, an operator) is refused with a message naming it, never dropped, so a
 * statement either runs as written or fails. Statements that are too long or too deeply nested are
 * refused before parsing ({@link StatementLimits}). Every error says what is wrong and how to write
 * it instead, without naming the parser's classes.
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
    requireNonNull(sql, "sql is null");
    StatementLimits.check(sql);
    try {
      return plan(parse(sql), defaultProject.orElse(null));
    } catch (StackOverflowError e) {
      throw SqlErrors.limitExceeded(
          "The statement is too deeply nested to plan: remove redundant parentheses or NOTs.");
    }
  }

  private static Statement parse(String sql) {
    Statements statements;
    try {
      statements = CCJSqlParserUtil.parseStatements(sql);
    } catch (JSQLParserException e) {
      throw parseError(e);
    } catch (StackOverflowError e) {
      throw SqlErrors.limitExceeded(
          "The statement is too deeply nested to parse: remove redundant parentheses or NOTs.");
    }
    if (statements == null || statements.isEmpty()) {
      throw SqlErrors.syntax(
          "Cannot parse the SQL: it is not a statement Lakestream knows, or it is too complex."
              + " Use CREATE TABLE, DROP TABLE, INSERT or SELECT.");
    }
    if (statements.size() > 1) {
      throw SqlErrors.badStatement(
          "Send one statement per request: this one holds "
              + statements.size()
              + " statements separated by ';'.");
    }
    return statements.get(0);
  }

  /** The parser's complaint in the user's terms: the unexpected word and where it is. */
  private static SqlException parseError(JSQLParserException e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    if (cause instanceof java.util.concurrent.TimeoutException
        || String.valueOf(e.getMessage()).contains("Time out")) {
      throw SqlErrors.limitExceeded(
          "Cannot parse the SQL: parsing took too long. Simplify the statement (fewer nested"
              + " parentheses and conditions).");
    }
    String text = cause.getMessage() == null ? String.valueOf(e.getMessage()) : cause.getMessage();
    StringBuilder message = new StringBuilder("Cannot parse the SQL");
    java.util.regex.Matcher where =
        java.util.regex.Pattern.compile("at line (\\d+), column (\\d+)").matcher(text);
    if (where.find()) {
      message.append(" at line ").append(where.group(1)).append(", column ").append(where.group(2));
    }
    java.util.regex.Matcher token =
        java.util.regex.Pattern.compile("Encountered unexpected token:\\s*(\"[^\"]*\"|<EOF>)?")
            .matcher(text);
    if (token.find()) {
      String found = token.group(1);
      message.append(
          found == null || found.equals("<EOF>")
              ? ": the statement ends too early"
              : ": unexpected " + found);
    }
    return SqlErrors.syntax(
        message
            .append(". Lakestream runs CREATE TABLE, DROP TABLE, INSERT … VALUES and SELECT")
            .append(" (see the SQL section of the query API's documentation).")
            .toString());
  }

  private SqlStatement plan(Statement statement, String defaultProject) {
    if (statement instanceof CreateTable create) {
      return createTable(create);
    }
    if (statement instanceof Drop drop) {
      return drop(drop);
    }
    if (statement instanceof Insert insert) {
      return insert(insert, defaultProject);
    }
    if (statement instanceof PlainSelect select) {
      return new SelectPlanner().plan(select);
    }
    if (statement instanceof Select) {
      throw SqlErrors.unsupported(
          "Only a plain SELECT over one table is supported: no UNION, INTERSECT, EXCEPT, VALUES,"
              + " WITH or sub-queries.");
    }
    throw SqlErrors.unsupported(
        "Unsupported statement "
            + statementName(statement)
            + ". Use CREATE TABLE, DROP TABLE, INSERT or SELECT.");
  }

  /** The statement's leading keyword, e.g. UPDATE, as the user wrote it. */
  private static String statementName(Statement statement) {
    String text = statement.toString().strip();
    int end = 0;
    while (end < text.length() && Character.isLetter(text.charAt(end))) {
      end++;
    }
    return end == 0 ? "statement" : text.substring(0, end).toUpperCase(Locale.ROOT);
  }

  private SqlStatement drop(Drop drop) {
    if (!"TABLE".equalsIgnoreCase(drop.getType())) {
      throw SqlErrors.unsupported("Only DROP TABLE is supported, not DROP " + drop.getType() + ".");
    }
    if (drop.isIfExists()) {
      throw unsupported("DROP TABLE IF EXISTS", "write DROP TABLE <name>");
    }
    if (drop.getParameters() != null && !drop.getParameters().isEmpty()) {
      throw unsupported(
          "DROP TABLE … " + String.join(" ", drop.getParameters()), "write DROP TABLE <name>");
    }
    String name = tableName(drop.getName());
    Drop plain = new Drop();
    plain.setType(drop.getType());
    plain.setName(drop.getName());
    requireSame(drop, plain, "DROP TABLE <name>");
    return new SqlStatement.DropTable(name);
  }

  private SqlStatement createTable(CreateTable create) {
    if (create.isIfNotExists()) {
      throw unsupported("CREATE TABLE IF NOT EXISTS", "write CREATE TABLE <name> (…)");
    }
    if (create.isOrReplace()) {
      throw unsupported("CREATE OR REPLACE TABLE", "drop the table first");
    }
    if (create.getSelect() != null) {
      throw unsupported("CREATE TABLE … AS SELECT", "list the columns: CREATE TABLE <name> (…)");
    }
    if (create.getLikeTable() != null) {
      throw unsupported("CREATE TABLE … LIKE", "list the columns: CREATE TABLE <name> (…)");
    }
    if (create.isUnlogged()
        || create.getCreateOptionsStrings() != null
            && !create.getCreateOptionsStrings().isEmpty()) {
      throw unsupported(
          "CREATE "
              + (create.isUnlogged()
                  ? "UNLOGGED"
                  : String.join(" ", create.getCreateOptionsStrings()))
              + " TABLE",
          "write CREATE TABLE <name> (…)");
    }
    String tableName = tableName(create.getTable());
    Duration retention = retention(tableName, create.getTableOptionsStrings());
    List<String> keys = new ArrayList<>();
    List<TableDefinition.ColumnSpec> columns = new ArrayList<>();
    if (create.getColumnDefinitions() == null || create.getColumnDefinitions().isEmpty()) {
      throw SqlErrors.badStatement("CREATE TABLE " + tableName + " needs a column list.");
    }
    for (ColumnDefinition definition : create.getColumnDefinitions()) {
      String columnName = name(definition.getColumnName());
      String specs =
          definition.getColumnSpecs() == null
              ? ""
              : String.join(" ", definition.getColumnSpecs()).toUpperCase(Locale.ROOT);
      String rest = (" " + specs + " ").replaceAll("\\s+", " ");
      boolean primary = rest.contains(" PRIMARY KEY ");
      boolean notNull = rest.contains(" NOT NULL ");
      rest = rest.replace(" PRIMARY KEY ", " ").replace(" NOT NULL ", " ").replace(" NULL ", " ");
      if (!rest.isBlank()) {
        throw unsupported(
            "The column option '" + rest.strip() + "' (column " + columnName + ")",
            "columns take a type, NOT NULL and PRIMARY KEY only");
      }
      if (primary) {
        keys.add(columnName);
      }
      var dataType = definition.getColDataType();
      if (dataType.getArrayData() != null && !dataType.getArrayData().isEmpty()) {
        throw unsupported(
            "The array type " + dataType + " (column " + columnName + ")",
            "use array<long>, array<double> or array<string>");
      }
      // VARCHAR(20) and the like: the length is not kept.
      String type = dataType.getDataType().replaceAll("\\s*\\(.*\\)$", "");
      columns.add(new TableDefinition.ColumnSpec(columnName, type, !(primary || notNull), ""));
    }
    if (create.getIndexes() != null) {
      for (Index index : create.getIndexes()) {
        if (index.getType() == null
            || !index.getType().toUpperCase(Locale.ROOT).equals("PRIMARY KEY")) {
          throw unsupported(
              "The constraint " + index,
              "tables take one PRIMARY KEY and NOT NULL columns; other constraints are not"
                  + " enforced");
        }
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
    if (keys.size() > 1) {
      throw SqlErrors.badStatement(
          "Table "
              + tableName
              + " names "
              + keys.size()
              + " primary key columns ("
              + String.join(", ", keys)
              + "); Lakestream tables have exactly one, an orderable column.");
    }
    try {
      TableDefinition table =
          TableDefinition.validate(
              "CREATE TABLE",
              tableName,
              "",
              columns,
              keys.isEmpty() ? null : keys.get(0),
              List.of(),
              List.of());
      if (retention != null) {
        ColumnType keyType = table.primaryKeyColumn().type();
        if (keyType != ColumnType.TIMESTAMP && keyType != ColumnType.DATE) {
          throw SqlErrors.badStatement(
              "Table "
                  + tableName
                  + " cannot have a retention: its primary key "
                  + table.primaryKey()
                  + " is a "
                  + keyType.typeName()
                  + ", and retention expires rows by a primary key that is a timestamp or a"
                  + " date.");
        }
        table = table.withRetention("CREATE TABLE", retention);
      }
      return new SqlStatement.CreateTable(table);
    } catch (SchemaException e) {
      throw SqlErrors.badStatement(e.getMessage(), e);
    }
  }

  private SqlStatement insert(Insert insert, String defaultProject) {
    if (insert.getWithItemsList() != null && !insert.getWithItemsList().isEmpty()) {
      throw unsupported("WITH before INSERT", "write INSERT INTO <table> (columns) VALUES (…)");
    }
    if (insert.isUseSet() || insert.getSetUpdateSets() != null) {
      throw unsupported("INSERT … SET", "write INSERT INTO <table> (columns) VALUES (…)");
    }
    if (!(insert.getSelect() instanceof net.sf.jsqlparser.statement.select.Values values)) {
      throw unsupported(
          "INSERT … SELECT",
          "INSERT takes VALUES lists only: INSERT INTO <table> (columns) VALUES (…), (…)");
    }
    if (insert.getConflictAction() != null || insert.getConflictTarget() != null) {
      throw unsupported(
          "ON CONFLICT", "rows are appended; every INSERT adds its rows, duplicates included");
    }
    if (insert.isUseDuplicate()
        || insert.getDuplicateUpdateSets() != null && !insert.getDuplicateUpdateSets().isEmpty()) {
      throw unsupported(
          "ON DUPLICATE KEY UPDATE",
          "rows are appended; every INSERT adds its rows, duplicates included");
    }
    if (insert.getReturningClause() != null) {
      throw unsupported(
          "RETURNING",
          "rows are written asynchronously through the ingest router; read them back"
              + " with SELECT");
    }
    if (insert.isModifierIgnore()) {
      throw unsupported("INSERT IGNORE", "write INSERT INTO <table> (columns) VALUES (…)");
    }
    TableDefinition table = table(insert.getTable());
    Insert plain = new Insert();
    plain.setTable(insert.getTable());
    plain.setColumns(insert.getColumns());
    plain.setSelect(values);
    requireSame(insert, plain, "INSERT INTO <table> (columns) VALUES (…)");
    List<String> names = new ArrayList<>();
    boolean allColumns = insert.getColumns() == null || insert.getColumns().isEmpty();
    if (allColumns) {
      names.addAll(table.columnNames());
    } else {
      for (net.sf.jsqlparser.schema.Column c : insert.getColumns()) {
        String columnName = name(c.getColumnName());
        if (c.getTable() != null || c.getArrayConstructor() != null) {
          throw SqlErrors.badStatement(
              "Name the INSERT's columns plainly, e.g. (" + columnName + ").");
        }
        if (names.contains(columnName)) {
          throw SqlErrors.badStatement("The INSERT names column " + columnName + " twice.");
        }
        names.add(columnName);
      }
    }
    for (String name : names) {
      column(table, name);
    }
    List<ExpressionList<?>> rows = new ArrayList<>();
    ExpressionList<?> expressions = values.getExpressions();
    if (!expressions.isEmpty() && expressions.get(0) instanceof ExpressionList<?>) {
      for (Expression row : expressions) {
        if (!(row instanceof ExpressionList<?> list)) {
          throw SqlErrors.badStatement(
              "Each row of VALUES is a parenthesised list: VALUES (1, 'a'), …");
        }
        rows.add(list);
      }
    } else {
      rows.add(expressions);
    }
    List<GenericRecord> records = new ArrayList<>();
    int number = 0;
    for (ExpressionList<?> row : rows) {
      number++;
      // Without a column list, as in PostgreSQL, the values fill the first columns: the project's
      // id, last, need not be given.
      if (allColumns ? row.size() > names.size() : row.size() != names.size()) {
        throw SqlErrors.badStatement(
            "Row "
                + number
                + " of the INSERT has "
                + row.size()
                + " value(s) for "
                + names.size()
                + " column(s).");
      }
      var object = NODES.objectNode();
      for (int i = 0; i < row.size(); i++) {
        Column column = column(table, names.get(i));
        object.set(
            names.get(i),
            insertValue(row.get(i), column, "row " + number + ", column " + names.get(i)));
      }
      try {
        records.add(JsonRows.toRow(table, object, defaultProject));
      } catch (JsonRows.RowException e) {
        throw SqlErrors.badStatement("Row " + number + ": " + e.getMessage(), e);
      }
    }
    return new SqlStatement.Insert(table, List.copyOf(records));
  }

  /**
   * A value of an INSERT's VALUES for {@code column}, as the text (or number) the table's column
   * converts: a literal; a typed literal {@code TIMESTAMP '2026-12-03 11:16:39'} (UTC unless it
   * carries an offset: {@code '…+02:00'}, {@code '…+02'}, {@code '…Z'}) or {@code DATE
   * '2026-12-03'}; for a timestamp column, text in those forms too (as PostgreSQL casts it, and as
   * psql shows timestamps), and {@code now()} or {@code current_timestamp}; for a date column,
   * {@code current_date}.
   */
  private static JsonNode insertValue(Expression expression, Column column, String where) {
    Optional<String> now = now(expression, column.type());
    if (now.isPresent()) {
      return NODES.textNode(now.get());
    }
    if (expression instanceof StringValue text
        && column.type() == ColumnType.TIMESTAMP
        && text.getPrefix() == null) {
      // read by the column's conversion (TimeText); refused here in SQL's terms
      String value = text.getNotExcapedValue();
      if (TimeText.instant(value).isEmpty() && !value.strip().matches("-?[0-9]+")) {
        throw SqlErrors.badStatement(
            "'"
                + value
                + "' in "
                + where
                + " is not a time. Write '2026-12-03 11:16:39' (UTC), with a fraction of a second"
                + " ('2026-12-03 11:16:39.123456') or an offset ('2026-12-03 11:16:39+02',"
                + " '2026-12-03T11:16:39Z'), now(), or microseconds since the Unix epoch.");
      }
    }
    if (!(expression instanceof CastExpression typed
        && typed.isImplicitCast()
        && typed.getLeftExpression() instanceof StringValue value)) {
      return literal(expression, where);
    }
    String type = typed.getColDataType().getDataType().toUpperCase(Locale.ROOT);
    return switch (type) {
      case "DATE" -> NODES.textNode(value.getNotExcapedValue());
      case "TIMESTAMP", "TIMESTAMPTZ", "DATETIME" ->
          NODES.textNode(
              TimeText.instant(value.getNotExcapedValue())
                  .orElseThrow(
                      () ->
                          SqlErrors.badStatement(
                              typed
                                  + " in "
                                  + where
                                  + " is not a time. Write TIMESTAMP '2026-12-03 11:16:39' (UTC),"
                                  + " with a fraction of a second ('2026-12-03 11:16:39.123456')"
                                  + " or an offset ('2026-12-03 11:16:39+02:00')."))
                  .toString());
      default -> literal(expression, where);
    };
  }

  /**
   * The time the INSERT is planned, for {@code now()}, {@code current_timestamp} (a timestamp
   * column) or {@code current_date} (a date column), UTC; empty for any other value.
   */
  private static Optional<String> now(Expression expression, ColumnType type) {
    String name;
    if (expression instanceof net.sf.jsqlparser.expression.Function f
        && (f.getParameters() == null || f.getParameters().isEmpty())) {
      name = f.getName();
    } else if (expression instanceof net.sf.jsqlparser.expression.TimeKeyExpression key) {
      name = key.getStringValue();
    } else {
      return Optional.empty();
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (type == ColumnType.TIMESTAMP
        && (lower.equals("now")
            || lower.equals("current_timestamp")
            || lower.equals("transaction_timestamp")
            || lower.equals("statement_timestamp"))) {
      return Optional.of(Instant.now().toString());
    }
    if (type == ColumnType.DATE && lower.equals("current_date")) {
      return Optional.of(LocalDate.now(ZoneOffset.UTC).toString());
    }
    return Optional.empty();
  }

  /** Plans one SELECT: the table, its qualifiers, the project, the key range and the filter. */
  private final class SelectPlanner {
    private TableDefinition table;
    private final Set<String> qualifiers = new HashSet<>();
    private String project;
    private Object from;
    private Object to;
    private RowFilter filter = RowFilter.ALL;

    SqlStatement plan(PlainSelect select) {
      refuseClausesNotRun(select);
      if (!(select.getFromItem() instanceof net.sf.jsqlparser.schema.Table fromTable)) {
        throw SqlErrors.badStatement(
            select.getFromItem() == null
                ? "SELECT needs FROM <table>."
                : "SELECT reads FROM one table by name, not from a sub-query or function.");
      }
      table = table(fromTable);
      qualifiers.add(table.name());
      if (fromTable.getAlias() != null) {
        if (fromTable.getAlias().getAliasColumns() != null) {
          throw unsupported("Column aliases on the table", "alias the table only: FROM t AS x");
        }
        qualifiers.add(name(fromTable.getAlias().getName()));
      }
      var plainTable = new net.sf.jsqlparser.schema.Table(fromTable.getName());
      plainTable.setAlias(fromTable.getAlias());
      requireSame(fromTable, plainTable, "FROM <table> [AS alias]");

      List<String> columns = new ArrayList<>();
      List<String> labels = new ArrayList<>();
      List<SqlStatement.Aggregate> aggregates = new ArrayList<>();
      for (SelectItem<?> item : select.getSelectItems()) {
        Expression expression = item.getExpression();
        String alias = item.getAlias() == null ? null : name(item.getAlias().getName());
        if (item.getAlias() != null && item.getAlias().getAliasColumns() != null) {
          throw unsupported("Column lists in aliases", "write <column> AS <name>");
        }
        if (expression instanceof AllColumns all) {
          if (alias != null) {
            throw SqlErrors.badStatement("* cannot take an alias: alias columns one by one.");
          }
          if (all instanceof AllTableColumns tableColumns
              && !qualifiers.contains(name(tableColumns.getTable().getName()))) {
            throw unknownQualifier(tableColumns.getTable().getName());
          }
          requireSame(
              all,
              all instanceof AllTableColumns t
                  ? new AllTableColumns(t.getTable())
                  : new AllColumns(),
              "*");
          columns.addAll(table.columnNames());
          labels.addAll(table.columnNames());
        } else if (expression instanceof net.sf.jsqlparser.schema.Column column) {
          String name = column(column).name();
          columns.add(name);
          labels.add(alias != null ? alias : name);
        } else if (expression instanceof net.sf.jsqlparser.expression.Function function) {
          aggregates.add(aggregate(function, alias));
        } else {
          throw SqlErrors.badStatement(
              "Cannot select "
                  + expression
                  + ": select columns, * or COUNT/MIN/MAX/SUM/AVG of a column, each optionally"
                  + " with AS <name>.");
        }
      }
      if (!aggregates.isEmpty() && !columns.isEmpty()) {
        throw SqlErrors.badStatement(
            "Select either columns or aggregates, not both: there is no GROUP BY.");
      }

      if (select.getWhere() == null) {
        throw missingProject();
      }
      for (Expression conjunct : conjuncts(select.getWhere())) {
        add(conjunct);
      }
      if (project == null) {
        throw missingProject();
      }

      boolean descending = false;
      String pk = table.primaryKey();
      if (select.getOrderByElements() != null) {
        if (select.getOrderByElements().size() != 1) {
          throw SqlErrors.badStatement(
              "ORDER BY takes the primary key only: ORDER BY " + pk + " [DESC].");
        }
        OrderByElement order = select.getOrderByElements().get(0);
        if (!(order.getExpression() instanceof net.sf.jsqlparser.schema.Column c)
            || !column(c).name().equals(pk)) {
          throw SqlErrors.badStatement(
              "Rows come in primary key order: ORDER BY "
                  + pk
                  + " [DESC], not ORDER BY "
                  + order.getExpression()
                  + ".");
        }
        if (order.getNullOrdering() != null || order.isMysqlWithRollup()) {
          throw unsupported(
              "ORDER BY " + order, "the primary key is never null: ORDER BY " + pk + " [DESC]");
        }
        descending = !order.isAsc();
      }
      OptionalLong limit = OptionalLong.empty();
      if (select.getLimit() != null) {
        limit = OptionalLong.of(limit(select.getLimit()));
      }
      return new SqlStatement.Select(
          table,
          project,
          List.copyOf(columns),
          List.copyOf(labels),
          Optional.ofNullable(from),
          Optional.ofNullable(to),
          descending,
          limit,
          filter,
          List.copyOf(aggregates));
    }

    /** Refuses every clause of the SELECT other than those the executor runs. */
    private void refuseClausesNotRun(PlainSelect select) {
      if (select.getWithItemsList() != null && !select.getWithItemsList().isEmpty()) {
        throw unsupported("WITH", "query one table directly");
      }
      if (select.getDistinct() != null) {
        throw unsupported(
            "SELECT " + select.getDistinct().toString().strip(),
            "COUNT(DISTINCT <column>) counts distinct values");
      }
      if (select.getJoins() != null && !select.getJoins().isEmpty()) {
        throw SqlErrors.unsupported("Joins are not supported: query one table at a time.");
      }
      if (select.getGroupBy() != null) {
        throw SqlErrors.unsupported(
            "GROUP BY is not supported; aggregates run over the whole key range.");
      }
      if (select.getHaving() != null) {
        throw unsupported("HAVING", "aggregates return one row; filter rows with WHERE");
      }
      if (select.getOffset() != null
          || select.getLimit() != null && select.getLimit().getOffset() != null) {
        throw SqlErrors.unsupported("OFFSET is not supported; narrow the key range instead.");
      }
      if (select.getFetch() != null) {
        throw unsupported("FETCH", "write LIMIT n");
      }
      if (select.getTop() != null) {
        throw unsupported("TOP", "write LIMIT n");
      }
      if (select.getIntoTables() != null && !select.getIntoTables().isEmpty()) {
        throw unsupported("SELECT … INTO", "INSERT takes VALUES lists");
      }
      if (select.getQualify() != null) {
        throw unsupported("QUALIFY", "filter rows with WHERE");
      }
      if (select.getWindowDefinitions() != null && !select.getWindowDefinitions().isEmpty()) {
        throw unsupported("WINDOW", "window functions are not supported");
      }
      if (select.getForMode() != null) {
        throw unsupported("FOR " + select.getForMode(), "reads take no locks");
      }
      PlainSelect plain = new PlainSelect();
      plain.setSelectItems(select.getSelectItems());
      plain.setFromItem(select.getFromItem());
      plain.setWhere(select.getWhere());
      plain.setOrderByElements(select.getOrderByElements());
      plain.setLimit(select.getLimit());
      requireSame(select, plain, "SELECT … FROM <table> WHERE … [ORDER BY <key> [DESC]] [LIMIT n]");
    }

    private long limit(Limit limit) {
      if (limit.isLimitAll() || limit.isLimitNull()) {
        throw SqlErrors.badStatement("LIMIT takes a whole number, e.g. LIMIT 100.");
      }
      if (limit.getByExpressions() != null) {
        throw unsupported("LIMIT … BY", "write LIMIT n");
      }
      if (!(limit.getRowCount() instanceof LongValue count)) {
        throw SqlErrors.badStatement("LIMIT takes a whole number, e.g. LIMIT 100.");
      }
      BigInteger value = count.getBigIntegerValue();
      if (value.signum() < 0) {
        throw SqlErrors.badStatement("LIMIT takes a whole number, e.g. LIMIT 100.");
      }
      if (value.bitLength() > 63) {
        throw SqlErrors.badStatement(
            "LIMIT "
                + value
                + " is too large: the largest limit is "
                + Long.MAX_VALUE
                + "; leave LIMIT out to read every row.");
      }
      return value.longValue();
    }

    private SqlStatement.Aggregate aggregate(
        net.sf.jsqlparser.expression.Function function, String alias) {
      SqlStatement.Aggregate.Function kind;
      try {
        kind = SqlStatement.Aggregate.Function.valueOf(function.getName().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw SqlErrors.unsupported(
            "Unsupported function " + function.getName() + ": use COUNT, MIN, MAX, SUM or AVG.");
      }
      if (function.getMultipartName() != null && function.getMultipartName().size() > 1) {
        throw SqlErrors.unsupported(
            "Unsupported function " + function.getName() + ": use COUNT, MIN, MAX, SUM or AVG.");
      }
      if (function.isUnique()) {
        throw unsupported(kind + "(UNIQUE …)", "write " + kind + "(DISTINCT <column>)");
      }
      boolean distinct = function.isDistinct();
      Optional<String> column = Optional.empty();
      ExpressionList<?> parameters = function.getParameters();
      boolean star =
          function.isAllColumns()
              || parameters != null
                  && parameters.size() == 1
                  && parameters.get(0) instanceof AllColumns all
                  && !(all instanceof AllTableColumns);
      if (star) {
        if (kind != SqlStatement.Aggregate.Function.COUNT || distinct) {
          throw SqlErrors.badStatement(
              kind + (distinct ? "(DISTINCT *)" : "(*)") + " is not meaningful; name a column.");
        }
      } else {
        if (parameters == null
            || parameters.size() != 1
            || !(parameters.get(0) instanceof net.sf.jsqlparser.schema.Column c)) {
          throw SqlErrors.badStatement(
              kind + " takes one column, e.g. " + kind + "(" + table.primaryKey() + ").");
        }
        Column col = column(c);
        if (kind != SqlStatement.Aggregate.Function.COUNT
            && kind != SqlStatement.Aggregate.Function.MIN
            && kind != SqlStatement.Aggregate.Function.MAX
            && !isNumeric(col.type())) {
          throw SqlErrors.badStatement(
              kind
                  + "("
                  + col.name()
                  + ") needs a numeric column; "
                  + col.name()
                  + " is "
                  + col.type()
                  + ".");
        }
        if (distinct && !isComparable(col.type())) {
          throw SqlErrors.badStatement(
              kind
                  + "(DISTINCT "
                  + col.name()
                  + ") needs a column of a comparable type; "
                  + col.name()
                  + " is "
                  + col.type()
                  + ".");
        }
        column = Optional.of(col.name());
      }
      net.sf.jsqlparser.expression.Function plain = new net.sf.jsqlparser.expression.Function();
      plain.setName(function.getName());
      plain.setParameters(parameters);
      plain.setAllColumns(function.isAllColumns());
      plain.setDistinct(distinct);
      requireSame(function, plain, kind + "([DISTINCT] <column>)");
      String label =
          alias != null
              ? alias
              : kind.name().toLowerCase(Locale.ROOT)
                  + column.map(c -> "(" + (distinct ? "distinct " : "") + c + ")").orElse("");
      return new SqlStatement.Aggregate(kind, column, distinct, label);
    }

    /** A column of the table, named plainly or qualified by the table's name or alias. */
    private Column column(net.sf.jsqlparser.schema.Column reference) {
      if (reference.getTable() != null && reference.getTable().getName() != null) {
        if (reference.getTable().getSchemaName() != null
            || !qualifiers.contains(name(reference.getTable().getName()))) {
          throw unknownQualifier(reference.getTable().toString());
        }
      }
      if (reference.getArrayConstructor() != null) {
        throw unsupported("Array subscripts (" + reference + ")", "select the whole array column");
      }
      return SqlPlanner.column(table, name(reference.getColumnName()));
    }

    private SqlException unknownQualifier(String qualifier) {
      return SqlErrors.badStatement(
          "'"
              + qualifier
              + "' is not the table of this query: qualify columns with "
              + String.join(" or ", new TreeSet<>(qualifiers))
              + ", or not at all.");
    }

    /** One condition of the WHERE clause's top-level AND. */
    private void add(Expression conjunct) {
      if (isProjectCondition(conjunct)) {
        return;
      }
      if (conjunct instanceof ComparisonOperator comparison) {
        Comparison c = comparison(comparison);
        if (c.column.equals(table.primaryKey()) && !c.op.equals("<>")) {
          bound(c.op, c.value);
          return;
        }
      }
      if (conjunct instanceof Between between
          && !between.isNot()
          && between.getLeftExpression() instanceof net.sf.jsqlparser.schema.Column c
          && column(c).name().equals(table.primaryKey())) {
        Column pk = table.primaryKeyColumn();
        bound(">=", nonNull(pk, between.getBetweenExpressionStart()));
        bound("<=", nonNull(pk, between.getBetweenExpressionEnd()));
        return;
      }
      filter = RowFilter.and(filter, compile(conjunct));
    }

    /**
     * Takes {@code project_id = 'acme'} (or {@code project_id IN ('acme')}) as the project to read;
     * refuses any other top-level condition that would name several projects.
     */
    private boolean isProjectCondition(Expression conjunct) {
      String value;
      if (conjunct instanceof EqualsTo equals) {
        Comparison c = comparison(equals);
        if (!c.column.equals(TableDefinition.PROJECT_COLUMN)) {
          return false;
        }
        value = c.value instanceof CharSequence text ? text.toString() : null;
      } else if (conjunct instanceof InExpression in
          && !in.isNot()
          && in.getLeftExpression() instanceof net.sf.jsqlparser.schema.Column c
          && column(c).name().equals(TableDefinition.PROJECT_COLUMN)) {
        List<Object> values = inValues(in);
        if (values.size() != 1) {
          throw SqlErrors.badStatement(
              "A query reads one project's table, and "
                  + conjunct
                  + " names "
                  + values.size()
                  + " projects: write project_id = '<project>' and send one query per project.");
        }
        value = values.get(0) instanceof CharSequence text ? text.toString() : null;
      } else {
        return false;
      }
      if (value == null) {
        throw SqlErrors.badStatement("project_id is text: write project_id = 'acme'.");
      }
      if (project != null && !project.equals(value)) {
        throw SqlErrors.badStatement(
            "A query reads one project: project_id is both '" + project + "' and '" + value + "'.");
      }
      project = value;
      return true;
    }

    private void bound(String op, Object value) {
      switch (op) {
        case "=" -> {
          lower(value);
          next(value).ifPresent(this::upper);
        }
        case ">=" -> lower(value);
        case ">" -> {
          Optional<Object> next = next(value);
          if (next.isPresent()) {
            lower(next.get());
          } else { // nothing is above the largest key: an empty range
            lower(value);
            upper(value);
          }
        }
        case "<" -> upper(value);
        case "<=" -> next(value).ifPresent(this::upper); // else every key is <= value
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

    /** The smallest key above {@code value}; empty when {@code value} is the largest key. */
    private Optional<Object> next(Object value) {
      if (value instanceof Double d) {
        return d == Double.POSITIVE_INFINITY ? Optional.empty() : Optional.of(Math.nextUp(d));
      }
      long v = ((Number) value).longValue();
      return v == Long.MAX_VALUE ? Optional.empty() : Optional.of(v + 1);
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
        return RowFilter.compare(c.column, c.op, c.value);
      }
      if (expression instanceof IsNullExpression isNull
          && isNull.getLeftExpression() instanceof net.sf.jsqlparser.schema.Column c) {
        return RowFilter.isNull(column(c).name(), isNull.isNot());
      }
      if (expression instanceof InExpression in
          && in.getLeftExpression() instanceof net.sf.jsqlparser.schema.Column c) {
        if (in.isGlobal() || in.getOldOracleJoinSyntax() != 0 || in.getOraclePriorPosition() != 0) {
          throw unsupported("The condition " + in, "write <column> [NOT] IN (<values>)");
        }
        RowFilter filter = RowFilter.in(column(c).name(), inValues(in));
        return in.isNot() ? RowFilter.not(filter) : filter;
      }
      if (expression instanceof LikeExpression like) {
        return like(like);
      }
      if (expression instanceof Between between
          && between.getLeftExpression() instanceof net.sf.jsqlparser.schema.Column c) {
        Column column = column(c);
        RowFilter filter =
            RowFilter.and(
                RowFilter.compare(
                    column.name(), ">=", nonNull(column, between.getBetweenExpressionStart())),
                RowFilter.compare(
                    column.name(), "<=", nonNull(column, between.getBetweenExpressionEnd())));
        return between.isNot() ? RowFilter.not(filter) : filter;
      }
      throw SqlErrors.unsupported(
          "Unsupported condition "
              + expression
              + ". Use =, <>, <, <=, >, >=, BETWEEN, IN, LIKE, ILIKE, IS NULL, AND, OR, NOT"
              + " between a column and a value.");
    }

    private RowFilter like(LikeExpression like) {
      LikeExpression.KeyWord keyword = like.getLikeKeyWord();
      if (keyword != LikeExpression.KeyWord.LIKE && keyword != LikeExpression.KeyWord.ILIKE) {
        throw unsupported(
            keyword.toString().replace('_', ' '),
            "LIKE and ILIKE with % and _ are the pattern matches supported");
      }
      if (like.getEscape() != null) {
        throw unsupported(
            "LIKE … ESCAPE",
            "LIKE patterns have no escape character; % and _ always match any text and one"
                + " character");
      }
      if (like.isUseBinary()) {
        throw unsupported("LIKE BINARY", "write LIKE (case-sensitive) or ILIKE");
      }
      if (!(like.getLeftExpression() instanceof net.sf.jsqlparser.schema.Column c)
          || !(like.getRightExpression() instanceof StringValue pattern)
          || pattern.getPrefix() != null) {
        throw SqlErrors.unsupported(
            "Unsupported condition " + like + ": write <column> [NOT] LIKE '<pattern>'.");
      }
      RowFilter filter =
          RowFilter.like(
              column(c).name(),
              pattern.getNotExcapedValue(),
              keyword == LikeExpression.KeyWord.ILIKE);
      return like.isNot() ? RowFilter.not(filter) : filter;
    }

    private List<Object> inValues(InExpression in) {
      if (!(in.getRightExpression() instanceof ParenthesedExpressionList<?> list)
          || list.isEmpty()) {
        throw SqlErrors.unsupported(
            "Unsupported condition " + in + ": IN takes a list of values, e.g. IN (1, 2).");
      }
      Column column = column((net.sf.jsqlparser.schema.Column) in.getLeftExpression());
      List<Object> values = new ArrayList<>();
      for (Expression e : list) {
        values.add(nonNull(column, e, in));
      }
      return values;
    }

    /** {@code column <op> value} or {@code value <op> column}, the operator facing the column. */
    private Comparison comparison(ComparisonOperator comparison) {
      if (!(comparison instanceof EqualsTo
          || comparison instanceof NotEqualsTo
          || comparison instanceof GreaterThan
          || comparison instanceof GreaterThanEquals
          || comparison instanceof MinorThan
          || comparison instanceof MinorThanEquals)) {
        throw SqlErrors.unsupported(
            "Unsupported operator "
                + comparison.getStringExpression()
                + " in "
                + comparison
                + ". Use =, <>, <, <=, >, >=.");
      }
      OldOracleJoinBinaryExpression binary = (OldOracleJoinBinaryExpression) comparison;
      if (binary.getOldOracleJoinSyntax() != 0 || binary.getOraclePriorPosition() != 0) {
        throw unsupported("The condition " + comparison, "compare a column with a value");
      }
      String op =
          switch (comparison.getStringExpression()) {
            case "!=", "<>", "^=", "~=" -> "<>";
            default -> comparison.getStringExpression();
          };
      if (binary.getLeftExpression() instanceof net.sf.jsqlparser.schema.Column c
          && !(binary.getRightExpression() instanceof net.sf.jsqlparser.schema.Column)) {
        Column column = column(c);
        return new Comparison(
            column.name(), op, nonNull(column, binary.getRightExpression(), comparison));
      }
      if (binary.getRightExpression() instanceof net.sf.jsqlparser.schema.Column c
          && !(binary.getLeftExpression() instanceof net.sf.jsqlparser.schema.Column)) {
        Column column = column(c);
        return new Comparison(
            column.name(), flip(op), nonNull(column, binary.getLeftExpression(), comparison));
      }
      throw SqlErrors.badStatement(
          "Cannot filter on " + comparison + ": compare a column with a value.");
    }

    private Object nonNull(Column column, Expression expression) {
      return nonNull(column, expression, expression);
    }

    /** A value for the column; NULL is refused, as a comparison with NULL is never true. */
    private Object nonNull(Column column, Expression expression, Expression condition) {
      JsonNode literal = literal(expression, "column " + column.name());
      if (literal.isNull()) {
        throw SqlErrors.badStatement(
            "Comparing with NULL is never true in SQL ("
                + condition
                + "): write "
                + column.name()
                + " IS NULL or "
                + column.name()
                + " IS NOT NULL.");
      }
      try {
        Object value = JsonRows.convert(table, column, literal);
        return value instanceof Float f
            ? (double) f
            : value instanceof Integer i ? (long) i : value;
      } catch (JsonRows.RowException e) {
        throw SqlErrors.badStatement(e.getMessage(), e);
      }
    }
  }

  private SqlException missingProject() {
    return SqlErrors.badStatement(
        "SELECT needs project_id = '<project>' in its WHERE clause, joined with AND: every project has"
            + " its own table, so a query reads one project's table.");
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
    } else if (expression instanceof Parenthesis p) {
      all.addAll(conjuncts(p.getExpression()));
    } else if (expression instanceof ParenthesedExpressionList<?> p && p.size() == 1) {
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
      return NODES.numberNode(wholeNumber(v.getBigIntegerValue()));
    }
    if (expression instanceof DoubleValue v) {
      if (Double.isInfinite(v.getValue())) {
        throw SqlErrors.badStatement(
            "The number " + v + " is out of range: numbers are 64-bit floating point.");
      }
      return NODES.numberNode(v.getValue());
    }
    if (expression instanceof StringValue v) {
      if (v.getPrefix() != null && !v.getPrefix().equalsIgnoreCase("N")) {
        throw unsupported(
            "The string prefix " + v.getPrefix() + " in " + v, "write plain '…' text");
      }
      return NODES.textNode(v.getNotExcapedValue()); // 'it''s' is it's
    }
    if (expression instanceof BooleanValue v) {
      return NODES.booleanNode(v.getValue());
    }
    if (expression instanceof TimestampValue v) {
      // TIMESTAMP '2026-11-21 10:00:00' is UTC, whatever the server's time zone.
      return NODES.textNode(v.getValue().toLocalDateTime().toInstant(ZoneOffset.UTC).toString());
    }
    if (expression instanceof DateValue v) {
      return NODES.textNode(v.getValue().toString());
    }
    if (expression instanceof net.sf.jsqlparser.schema.Column c
        && c.getTable() == null
        && (c.getColumnName().equalsIgnoreCase("true")
            || c.getColumnName().equalsIgnoreCase("false"))) {
      return NODES.booleanNode(Boolean.parseBoolean(c.getColumnName()));
    }
    if (expression instanceof SignedExpression signed
        && (signed.getSign() == '-' || signed.getSign() == '+')) {
      boolean negative = signed.getSign() == '-';
      if (signed.getExpression() instanceof LongValue v) {
        BigInteger value = v.getBigIntegerValue();
        return NODES.numberNode(wholeNumber(negative ? value.negate() : value));
      }
      if (signed.getExpression() instanceof DoubleValue v) {
        JsonNode inner = literal(v, where);
        return negative ? NODES.numberNode(-inner.doubleValue()) : inner;
      }
    }
    if (expression instanceof ParenthesedExpressionList<?> list && list.size() > 0) {
      var array = NODES.arrayNode();
      list.forEach(e -> array.add(literal(e, where)));
      return array;
    }
    throw SqlErrors.badStatement(
        "Expected a literal value for " + where + ", found " + expression + ".");
  }

  private static long wholeNumber(BigInteger value) {
    if (value.bitLength() > 63) {
      throw SqlErrors.badStatement(
          "The number "
              + value
              + " is out of range: whole numbers are 64-bit, from "
              + Long.MIN_VALUE
              + " to "
              + Long.MAX_VALUE
              + ".");
    }
    return value.longValue();
  }

  private TableDefinition table(net.sf.jsqlparser.schema.Table reference) {
    String tableName = tableName(reference);
    return tables.apply(tableName).orElseThrow(() -> SqlErrors.noSuchTable(tableName));
  }

  /** The table's name; a schema, database or empty name is refused. */
  private static String tableName(net.sf.jsqlparser.schema.Table reference) {
    if (reference == null
        || reference.getName() == null
        || name(reference.getName()).isBlank()
        || reference.getNameParts().size() != 1) {
      throw SqlErrors.badStatement(
          "'"
              + (reference == null ? "" : reference.getFullyQualifiedName())
              + "' is not a table name: name a table with letters, digits and underscores, without"
              + " a schema or database part.");
    }
    return name(reference.getName());
  }

  private static Column column(TableDefinition table, String name) {
    return table
        .column(name)
        .orElseThrow(
            () ->
                SqlErrors.noSuchColumn(
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

  /** Whether values of the type compare with each other (so DISTINCT can tell them apart). */
  private static boolean isComparable(ColumnType type) {
    return switch (type) {
      case INT, LONG, FLOAT, DOUBLE, TIMESTAMP, DATE, STRING, JSON, BOOLEAN -> true;
      default -> false;
    };
  }

  /** A refusal of a construct the planner does not run, naming it and what to write instead. */
  private static final Pattern TABLE_OPTION =
      Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*('([^']*)'|[^,]*?)\\s*");

  private static final Pattern RETENTION = Pattern.compile("\\s*(\\d{1,9})\\s*([dhm])\\s*");

  /**
   * The retention of {@code CREATE TABLE … WITH (retention = '30d')}, null without one; any other
   * table option is refused.
   */
  private static Duration retention(String tableName, List<String> options) {
    if (options == null || options.isEmpty()) {
      return null;
    }
    String text = String.join(" ", options);
    if (options.size() != 2
        || !options.get(0).equalsIgnoreCase("WITH")
        || !options.get(1).startsWith("(")
        || !options.get(1).endsWith(")")) {
      throw unsupported(
          "The table option " + text,
          "tables take a name, columns, a primary key and WITH (retention = '30d')");
    }
    Duration retention = null;
    String list = options.get(1).substring(1, options.get(1).length() - 1);
    for (String option : list.split(",")) {
      Matcher m = TABLE_OPTION.matcher(option);
      if (!m.matches() || !m.group(1).equalsIgnoreCase("retention")) {
        throw unsupported(
            "The table option '" + option.strip() + "'",
            "the one option is retention, e.g. WITH (retention = '30d')");
      }
      String value = m.group(3) != null ? m.group(3) : m.group(2);
      Matcher d = RETENTION.matcher(value);
      if (!d.matches()) {
        throw SqlErrors.badStatement(
            "Table "
                + tableName
                + " has retention '"
                + value
                + "', which is not a duration: use whole days, hours or minutes, e.g. '30d',"
                + " '12h' or '90m'.");
      }
      long n = Long.parseLong(d.group(1));
      retention =
          switch (d.group(2)) {
            case "d" -> Duration.ofDays(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofMinutes(n);
          };
    }
    return retention;
  }

  private static SqlException unsupported(String construct, String instead) {
    return SqlErrors.unsupported(construct + " is not supported: " + instead + ".");
  }

  /**
   * Refuses a statement part with more in it than the planner reads: {@code plain} holds only what
   * the planner reads, so a difference in their SQL text is a clause the executor would ignore.
   */
  private static void requireSame(Object parsed, Object plain, String supportedForm) {
    String written = parsed.toString();
    String understood = plain.toString();
    if (!written.equals(understood)) {
      throw SqlErrors.unsupported(
          "Part of \'"
              + abbreviate(written)
              + "' is not supported: Lakestream runs "
              + supportedForm
              + " and would ignore the rest.");
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "…";
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
}

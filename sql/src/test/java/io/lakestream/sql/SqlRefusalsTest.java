package io.lakestream.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.schema.TableDefinitions;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every construct the planner does not run is refused with a message naming it, never dropped or
 * run as something else; hostile statements are refused with a message, never an internal error.
 */
class SqlRefusalsTest {
  private final SqlPlanner planner =
      new SqlPlanner(name -> Optional.ofNullable(TableDefinitions.builtIns().get(name)));

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' LIMIT 5 LIMIT 6",
            "The statement has 2 LIMIT clauses; write one."),
        Arguments.of(
            "SELECT COUNT(*) FROM events WHERE project_id = 'a' HAVING COUNT(*) > 1",
            "HAVING is not supported: aggregates return one row; filter rows with WHERE."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' AND name LIKE 'x!%' ESCAPE '!'",
            "LIKE … ESCAPE is not supported: LIKE patterns have no escape character; % and _ always match any text and one character."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' AND name REGEXP 'x.*'",
            "REGEXP is not supported: LIKE and ILIKE with % and _ are the pattern matches supported."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' AND name SIMILAR TO 'x%'",
            "SIMILAR TO is not supported: LIKE and ILIKE with % and _ are the pattern matches supported."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' AND name RLIKE 'x'",
            "RLIKE is not supported: LIKE and ILIKE with % and _ are the pattern matches supported."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a'; DROP TABLE events",
            "Send one statement per request: this one holds 2 statements separated by ';'."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id IN ('acme', 'globex')",
            "A query reads one project's table, and project_id IN ('acme', 'globex') names 2 projects: write project_id = '<project>' and send one query per project."),
        Arguments.of(
            "INSERT INTO events (timestamp, event_type) VALUES (1, 'x') ON CONFLICT DO NOTHING",
            "ON CONFLICT is not supported: rows are appended; every INSERT adds its rows, duplicates included."),
        Arguments.of(
            "INSERT INTO events (timestamp, event_type) VALUES (1, 'x') RETURNING timestamp",
            "RETURNING is not supported: rows are written asynchronously through the ingest router; read them back with SELECT."),
        Arguments.of(
            "INSERT INTO events (timestamp, event_type) SELECT timestamp, event_type FROM events",
            "INSERT … SELECT is not supported: INSERT takes VALUES lists only: INSERT INTO <table> (columns) VALUES (…), (…)."),
        Arguments.of(
            "INSERT INTO events SET timestamp = 1, event_type = 'x'",
            "INSERT … SET is not supported: write INSERT INTO <table> (columns) VALUES (…)."),
        Arguments.of(
            "INSERT INTO events (timestamp, event_type) VALUES (1, 'x') ON DUPLICATE KEY UPDATE event_type = 'y'",
            "ON DUPLICATE KEY UPDATE is not supported: rows are appended; every INSERT adds its rows, duplicates included."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' LIMIT 99999999999999999999",
            "LIMIT 99999999999999999999 is too large: the largest limit is 9223372036854775807; leave LIMIT out to read every row."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' AND timestamp >= 99999999999999999999",
            "The number 99999999999999999999 is out of range: whole numbers are 64-bit, from -9223372036854775808 to 9223372036854775807."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' AND timestamp = NULL",
            "Comparing with NULL is never true in SQL (timestamp = NULL): write timestamp IS NULL or timestamp IS NOT NULL."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' AND name = NULL",
            "Comparing with NULL is never true in SQL (name = NULL): write name IS NULL or name IS NOT NULL."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' AND name IN ('x', NULL)",
            "Comparing with NULL is never true in SQL (name IN ('x', NULL)): write name IS NULL or name IS NOT NULL."),
        Arguments.of(
            "CREATE TABLE `..` (id BIGINT PRIMARY KEY)",
            "'' is not a table name: name a table with letters, digits and underscores, without a schema or database part."),
        Arguments.of(
            "CREATE TABLE `..`",
            "'' is not a table name: name a table with letters, digits and underscores, without a schema or database part."),
        Arguments.of(
            "CREATE TABLE IF NOT EXISTS t (id BIGINT PRIMARY KEY)",
            "CREATE TABLE IF NOT EXISTS is not supported: write CREATE TABLE <name> (…)."),
        Arguments.of(
            "CREATE TABLE t (id BIGINT PRIMARY KEY, a BIGINT DEFAULT 5)",
            "The column option 'DEFAULT 5' (column a) is not supported: columns take a type, NOT NULL and PRIMARY KEY only."),
        Arguments.of(
            "CREATE TABLE t (id BIGINT PRIMARY KEY, a BIGINT UNIQUE)",
            "The column option 'UNIQUE' (column a) is not supported: columns take a type, NOT NULL and PRIMARY KEY only."),
        Arguments.of(
            "CREATE TABLE t (id BIGINT, a BIGINT, PRIMARY KEY (id), UNIQUE (a))",
            "The constraint UNIQUE (a) is not supported: tables take one PRIMARY KEY and NOT NULL columns; other constraints are not enforced."),
        Arguments.of(
            "CREATE TABLE t (id BIGINT PRIMARY KEY, a BIGINT[])",
            "The array type BIGINT[] (column a) is not supported: use array<long>, array<double> or array<string>."),
        Arguments.of(
            "CREATE TABLE t (id BIGINT PRIMARY KEY) ENGINE = InnoDB",
            "The table option ENGINE = InnoDB is not supported: tables take a name, columns, a primary key and WITH (retention = '30d')."),
        Arguments.of(
            "CREATE TABLE t (ts TIMESTAMP PRIMARY KEY) WITH (fillfactor = 70)",
            "The table option 'fillfactor=70' is not supported: the one option is retention, e.g. WITH (retention = '30d')."),
        Arguments.of(
            "CREATE TABLE t (ts TIMESTAMP PRIMARY KEY) WITH (retention = 'a month')",
            "Table t has retention 'a month', which is not a duration: use whole days, hours or minutes, e.g. '30d', '12h' or '90m'."),
        Arguments.of(
            "CREATE TABLE t (id BIGINT PRIMARY KEY) WITH (retention = '30d')",
            "Table t cannot have a retention: its primary key id is a long, and retention expires rows by a primary key that is a timestamp or a date."),
        Arguments.of(
            "CREATE TABLE db.t (id BIGINT PRIMARY KEY)",
            "'db.t' is not a table name: name a table with letters, digits and underscores, without a schema or database part."),
        Arguments.of(
            "DROP TABLE IF EXISTS t",
            "DROP TABLE IF EXISTS is not supported: write DROP TABLE <name>."),
        Arguments.of(
            "DROP TABLE t CASCADE",
            "DROP TABLE … CASCADE is not supported: write DROP TABLE <name>."),
        Arguments.of(
            "SELECT DISTINCT name FROM events WHERE project_id = 'a'",
            "SELECT DISTINCT is not supported: COUNT(DISTINCT <column>) counts distinct values."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' FETCH FIRST 5 ROWS ONLY",
            "FETCH is not supported: write LIMIT n."),
        Arguments.of(
            "SELECT TOP 5 * FROM events WHERE project_id = 'a'",
            "TOP is not supported: write LIMIT n."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' OFFSET 5",
            "OFFSET is not supported; narrow the key range instead."),
        Arguments.of(
            "SELECT * FROM other.events WHERE project_id = 'a'",
            "'other.events' is not a table name: name a table with letters, digits and underscores, without a schema or database part."),
        Arguments.of(
            "SELECT x.name FROM events e WHERE project_id = 'a'",
            "'x' is not the table of this query: qualify columns with e or events, or not at all."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' ORDER BY timestamp NULLS FIRST",
            "ORDER BY timestamp NULLS FIRST is not supported: the primary key is never null: ORDER BY timestamp [DESC]."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' AND name = E'x\\n'",
            "The string prefix E in E'x\\n' is not supported: write plain '…' text."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' AND name LIKE BINARY 'x'",
            "LIKE BINARY is not supported: write LIKE (case-sensitive) or ILIKE."),
        Arguments.of(
            "SELECT COUNT(*) FILTER (WHERE name = 'x') FROM events WHERE project_id = 'a'",
            "Cannot select COUNT(*) FILTER (WHERE name = 'x'): select columns, * or COUNT/MIN/MAX/SUM/AVG of a column, each optionally with AS <name>."),
        Arguments.of(
            "SELECT COUNT(name ORDER BY name) FROM events WHERE project_id = 'a'",
            "Part of 'COUNT(name ORDER BY name)' is not supported: Lakestream runs COUNT([DISTINCT] <column>) and would ignore the rest."),
        Arguments.of(
            "SELECT COUNT(*) OVER () FROM events WHERE project_id = 'a'",
            "Cannot select COUNT(*) OVER (): select columns, * or COUNT/MIN/MAX/SUM/AVG of a column, each optionally with AS <name>."),
        Arguments.of(
            "SELECT COUNT(DISTINCT *) FROM events WHERE project_id = 'a'",
            "COUNT(DISTINCT *) is not meaningful; name a column."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' AND name IS TRUE",
            "Unsupported condition name IS TRUE. Use =, <>, <, <=, >, >=, BETWEEN, IN, LIKE, ILIKE, IS NULL, AND, OR, NOT between a column and a value."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' AND name = name",
            "Cannot filter on name = name: compare a column with a value."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' FOR UPDATE",
            "FOR UPDATE is not supported: reads take no locks."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' AND name IS DISTINCT FROM 'x'",
            "Unsupported condition name IS DISTINCT FROM 'x'. Use =, <>, <, <=, >, >=, BETWEEN, IN, LIKE, ILIKE, IS NULL, AND, OR, NOT between a column and a value."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' AND name @> 'x'",
            "Unsupported condition name @> 'x'. Use =, <>, <, <=, >, >=, BETWEEN, IN, LIKE, ILIKE, IS NULL, AND, OR, NOT between a column and a value."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' AND name = 'x' COLLATE \"C\"",
            "Cannot parse the SQL at line 1, column 60: unexpected \"COLLATE\". Lakestream runs CREATE TABLE, DROP TABLE, INSERT … VALUES and SELECT (see the SQL section of the query API's documentation)."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' UNION SELECT * FROM events WHERE project_id = 'a'",
            "Only a plain SELECT over one table is supported: no UNION, INTERSECT, EXCEPT, VALUES, WITH or sub-queries."),
        Arguments.of(
            "WITH x AS (SELECT 1) SELECT * FROM events WHERE project_id = 'a'",
            "WITH is not supported: query one table directly."),
        Arguments.of(
            "UPDATE events SET name = 'x'",
            "Unsupported statement UPDATE. Use CREATE TABLE, DROP TABLE, INSERT or SELECT."),
        Arguments.of(
            "SELEC * FROM events",
            "Cannot parse the SQL at line 1, column 1: unexpected \"SELEC\". Lakestream runs CREATE TABLE, DROP TABLE, INSERT … VALUES and SELECT (see the SQL section of the query API's documentation)."),
        Arguments.of(
            "SELECT * FROM events WHERE",
            "Cannot parse the SQL at line 1, column 22: unexpected \"WHERE\". Lakestream runs CREATE TABLE, DROP TABLE, INSERT … VALUES and SELECT (see the SQL section of the query API's documentation)."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' AND timestamp = ~5",
            "Expected a literal value for column timestamp, found ~5."),
        Arguments.of(
            "SELECT * FROM events WHERE project_id = 'a' AND timestamp = 1e999",
            "The number 1e999 is out of range: numbers are 64-bit floating point."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusedWithAMessageNamingTheConstruct(String sql, String message) {
    assertThatThrownBy(() -> planner.plan(sql, Optional.of("acme")))
        .isInstanceOf(SqlException.class)
        .hasMessage(message);
  }

  @Test
  void tenThousandOrTermsAreRefusedBeforeParsing() {
    String sql =
        "SELECT * FROM events WHERE project_id = 'a' AND (event_type = 'x'"
            + " OR event_type = 'y'".repeat(10_000)
            + ")";
    assertThatThrownBy(() -> planner.plan(sql, Optional.empty()))
        .hasMessage(
            "The statement has 10001 AND/OR operators; at most 1000 are accepted. Use IN (…) for a"
                + " list of values, or narrow the key range.");
  }

  @Test
  void tenThousandAndTermsAreRefusedBeforeParsing() {
    String sql =
        "SELECT * FROM events WHERE project_id = 'a'" + " AND event_type <> 'y'".repeat(10_000);
    assertThatThrownBy(() -> planner.plan(sql, Optional.empty()))
        .hasMessage(
            "The statement has 10000 AND/OR operators; at most 1000 are accepted. Use IN (…) for a"
                + " list of values, or narrow the key range.");
  }

  @Test
  void deepNestingIsRefusedBeforeParsing() {
    String sql =
        "SELECT * FROM events WHERE project_id = 'a' AND "
            + "(".repeat(1000)
            + "event_type = 'x'"
            + ")".repeat(1000);
    assertThatThrownBy(() -> planner.plan(sql, Optional.empty()))
        .hasMessage(
            "The statement nests parentheses 1000 levels deep; at most 32 are accepted. Remove"
                + " redundant parentheses.");
  }

  @Test
  void parenthesesInsideStringsAndCommentsDoNotCount() {
    String sql =
        "SELECT * FROM events WHERE project_id = 'a' AND name = '"
            + "(".repeat(100)
            + "' -- "
            + "(".repeat(100)
            + "\n AND event_type <> 'it''s (' /* ) OR OR */";
    SqlStatement.Select select = (SqlStatement.Select) planner.plan(sql, Optional.empty());
    assertThat(select.projectId()).isEqualTo("a");
  }

  @Test
  void hugeStatementsAreRefusedBeforeParsing() {
    String sql =
        "SELECT * FROM events WHERE project_id = 'a' AND name = '" + "x".repeat(300_000) + "'";
    assertThatThrownBy(() -> planner.plan(sql, Optional.empty()))
        .hasMessage(
            "The statement is 300057 characters long; at most 262144 are accepted. Split an"
                + " INSERT into several statements, or send large batches to the table's ingest"
                + " topic.");
  }

  @Test
  void aMessageNeverNamesTheParsersClasses() {
    assertThatThrownBy(() -> planner.plan("SELECT * FROM events WHERE", Optional.empty()))
        .hasMessage(
            "Cannot parse the SQL at line 1, column 22: unexpected \"WHERE\". Lakestream runs CREATE"
                + " TABLE, DROP TABLE, INSERT … VALUES and SELECT (see the SQL section of the query"
                + " API's documentation).");
  }
}

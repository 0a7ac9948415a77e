package io.lakestream.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SqlPlannerTest {
  private final Map<String, TableDefinition> tables = new HashMap<>(TableDefinitions.builtIns());
  private final SqlPlanner planner = new SqlPlanner(name -> Optional.ofNullable(tables.get(name)));

  private SqlStatement plan(String sql) {
    return planner.plan(sql, Optional.of("acme"));
  }

  private void createUsers() {
    tables.put(
        "users",
        ((SqlStatement.CreateTable)
                plan(
                    "CREATE TABLE users (user_id BIGINT PRIMARY KEY, email TEXT, created_at BIGINT)"))
            .table());
  }

  private void assertRejected(String sql, String message) {
    assertThatThrownBy(() -> plan(sql)).isInstanceOf(SqlException.class).hasMessage(message);
  }

  @Test
  void createTableBuildsAUserTableKeyedByItsId() {
    SqlStatement.CreateTable create =
        (SqlStatement.CreateTable)
            plan("CREATE TABLE users (user_id BIGINT PRIMARY KEY, email TEXT, created_at BIGINT)");
    TableDefinition users = create.table();
    assertThat(users.name()).isEqualTo("users");
    assertThat(users.primaryKey()).isEqualTo("user_id");
    assertThat(users.primaryKeyColumn().type()).isEqualTo(ColumnType.LONG);
    assertThat(users.primaryKeyColumn().nullable()).isFalse();
    assertThat(users.columnNames()).containsExactly("user_id", "email", "created_at", "project_id");
  }

  @Test
  void createTableWithRetentionKeepsItInTheDefinition() {
    TableDefinition logs =
        ((SqlStatement.CreateTable)
                plan(
                    "CREATE TABLE app_logs (ts TIMESTAMP PRIMARY KEY, message TEXT)"
                        + " WITH (retention = '30d')"))
            .table();
    assertThat(logs.retention()).contains(java.time.Duration.ofDays(30));
    TableDefinition daily =
        ((SqlStatement.CreateTable)
                plan("CREATE TABLE daily (day DATE PRIMARY KEY) WITH (RETENTION='12h')"))
            .table();
    assertThat(daily.retention()).contains(java.time.Duration.ofHours(12));
  }

  @Test
  void createTableAcceptsATableLevelPrimaryKeyAndNotNull() {
    TableDefinition orders =
        ((SqlStatement.CreateTable)
                plan(
                    "CREATE TABLE orders (order_id BIGINT, amount DOUBLE NOT NULL, note VARCHAR(20), PRIMARY KEY (order_id))"))
            .table();
    assertThat(orders.primaryKey()).isEqualTo("order_id");
    assertThat(orders.column("amount").orElseThrow().nullable()).isFalse();
    assertThat(orders.column("note").orElseThrow().type()).isEqualTo(ColumnType.STRING);
  }

  @Test
  void createTableErrorsAreTheLoadersErrors() {
    assertRejected(
        "CREATE TABLE t (email TEXT PRIMARY KEY)",
        "Table definition CREATE TABLE: primary key column 'email' has type string, which is not orderable. Use int, long, timestamp, date, float or double.");
    assertRejected(
        "CREATE TABLE t (id BIGINT PRIMARY KEY, price DECIMAL)",
        "Table definition CREATE TABLE: column 'price' has unknown type 'DECIMAL'. Use one of: boolean, int, long, float, double, string, bytes, timestamp, date, json, array<long>, array<double>, array<string>.");
    assertRejected(
        "CREATE TABLE t (id BIGINT PRIMARY KEY, ID TEXT)",
        "Table definition CREATE TABLE: column 'ID' is defined twice. Rename or remove one of them.");
    assertRejected(
        "CREATE TABLE t (id BIGINT, name TEXT)",
        "Table definition CREATE TABLE has no primary key. Add 'primary_key: <column>' naming an orderable column (int, long, timestamp, date, float, double).");
    assertRejected(
        "CREATE TABLE t (a BIGINT PRIMARY KEY, b BIGINT PRIMARY KEY)",
        "Table t names 2 primary key columns (a, b); Lakestream tables have exactly one, an orderable column.");
  }

  @Test
  void dropTableNamesTheTable() {
    assertThat(plan("DROP TABLE users")).isEqualTo(new SqlStatement.DropTable("users"));
    assertRejected("DROP VIEW v", "Only DROP TABLE is supported, not DROP VIEW.");
  }

  @Test
  void insertTypeChecksEveryValue() {
    createUsers();
    SqlStatement.Insert insert =
        (SqlStatement.Insert)
            plan(
                "INSERT INTO users (user_id, email) VALUES (1, 'a@example.com'), (2, 'b@example.com')");
    assertThat(insert.rows()).hasSize(2);
    assertThat(insert.rows().get(0).get("user_id")).isEqualTo(1L);
    assertThat(insert.rows().get(1).get("email")).isEqualTo("b@example.com");
    assertThat(insert.rows().get(0).get("project_id")).isEqualTo("acme");

    SqlStatement.Insert withProject =
        (SqlStatement.Insert) plan("INSERT INTO users (user_id, project_id) VALUES (3, 'globex')");
    assertThat(withProject.rows().get(0).get("project_id")).isEqualTo("globex");
  }

  @Test
  void insertErrorsSayWhichRowAndColumn() {
    createUsers();
    assertRejected(
        "INSERT INTO users (user_id, email) VALUES (1, 'a'), ('two', 'b')",
        "Row 2: Column 'user_id' of table users (long) cannot hold \"two\": expected a 64-bit integer.");
    assertRejected(
        "INSERT INTO users (user_id, email) VALUES (1)",
        "Row 1 of the INSERT has 1 value(s) for 2 column(s).");
    assertRejected(
        "INSERT INTO users (user_id, age) VALUES (1, 3)",
        "Table users has no column 'age'. Its columns are: user_id, email, created_at, project_id.");
    assertRejected("INSERT INTO nope (a) VALUES (1)", "There is no table 'nope'.");
    assertRejected(
        "INSERT INTO users (email) VALUES ('x')",
        "Row 1: Column 'user_id' of table users needs a value; it is not nullable.");
  }

  @Test
  void insertAcceptsIsoTimestampsForTimestampColumns() {
    SqlStatement.Insert insert =
        (SqlStatement.Insert)
            plan(
                "INSERT INTO events (timestamp, event_type, payload) VALUES ('2026-11-21T10:00:00Z', 'user.signup', '{\"plan\":\"pro\"}')");
    assertThat(insert.rows().get(0).get("timestamp")).isEqualTo(1_795_255_200_000_000L);
  }

  @Test
  void insertReadsADoubledQuoteAsOneQuote() {
    createUsers();
    SqlStatement.Insert insert =
        (SqlStatement.Insert)
            plan(
                "INSERT INTO users (user_id, email) VALUES (9, 'o''brien@example.com'), (10, '''')");
    assertThat(insert.rows())
        .extracting(row -> row.get("email"))
        .containsExactly("o'brien@example.com", "'");
  }

  @Test
  void insertWithoutColumnsFillsTheFirstColumnsAsPostgresDoes() {
    createUsers();
    SqlStatement.Insert insert =
        (SqlStatement.Insert) plan("INSERT INTO users VALUES (43, 'dan@example.com', 5)");
    assertThat(insert.rows().get(0).get("user_id")).isEqualTo(43L);
    assertThat(insert.rows().get(0).get("created_at")).isEqualTo(5L);
    assertThat(insert.rows().get(0).get("project_id")).isEqualTo("acme");
    SqlStatement.Insert one = (SqlStatement.Insert) plan("INSERT INTO users VALUES (44)");
    assertThat(one.rows().get(0).get("email")).isNull();
    assertRejected(
        "INSERT INTO users VALUES (45, 'e', 6, 'acme', 7)",
        "Row 1 of the INSERT has 5 value(s) for 4 column(s).");
  }

  @Test
  void insertTakesTimestampTextAsPostgresCastsItAndNow() {
    long seconds = java.time.Instant.parse("2026-12-02T11:00:00Z").getEpochSecond();
    SqlStatement.Insert insert =
        (SqlStatement.Insert)
            plan(
                "INSERT INTO events (timestamp, event_type) VALUES ('2026-12-02 11:00:00', 'a'),"
                    + " ('2026-12-02 11:00:00+00', 'b'), ('2026-12-02 13:00:00.5+02', 'c'),"
                    + " ('2026-12-02T11:00:00', 'd')");
    assertThat(insert.rows())
        .extracting(row -> row.get("timestamp"))
        .containsExactly(
            seconds * 1_000_000,
            seconds * 1_000_000,
            seconds * 1_000_000 + 500_000,
            seconds * 1_000_000);
    long before = java.time.Instant.now().toEpochMilli() * 1000;
    SqlStatement.Insert now =
        (SqlStatement.Insert)
            plan(
                "INSERT INTO events (timestamp, event_type) VALUES (now(), 'a'),"
                    + " (CURRENT_TIMESTAMP, 'b')");
    long after = java.time.Instant.now().toEpochMilli() * 1000 + 1000;
    assertThat(now.rows())
        .extracting(row -> (Long) row.get("timestamp"))
        .allSatisfy(micros -> assertThat(micros).isBetween(before, after));
    assertRejected(
        "INSERT INTO events (timestamp, event_type) VALUES ('last tuesday', 'a')",
        "'last tuesday' in row 1, column timestamp is not a time. Write '2026-12-03 11:16:39'"
            + " (UTC), with a fraction of a second ('2026-12-03 11:16:39.123456') or an offset"
            + " ('2026-12-03 11:16:39+02', '2026-12-03T11:16:39Z'), now(), or microseconds since"
            + " the Unix epoch.");
  }

  @Test
  void insertAcceptsTypedTimestampAndDateLiterals() {
    tables.put(
        "daily",
        ((SqlStatement.CreateTable)
                plan("CREATE TABLE daily (day DATE PRIMARY KEY, seen TIMESTAMP, n BIGINT)"))
            .table());

    SqlStatement.Insert events =
        (SqlStatement.Insert)
            plan(
                "INSERT INTO events (timestamp, event_type) VALUES"
                    + " (TIMESTAMP '2026-12-03 11:16:39', 'a'),"
                    + " (timestamp '2026-12-03 11:16:39.123456', 'b'),"
                    + " (TIMESTAMP '2026-12-03T11:16:39Z', 'c')");
    SqlStatement.Insert daily =
        (SqlStatement.Insert)
            plan(
                "INSERT INTO daily (day, seen, n) VALUES"
                    + " (DATE '2026-12-03', TIMESTAMP '2026-12-03 00:00:01', 1)");

    long seconds = java.time.Instant.parse("2026-12-03T11:16:39Z").getEpochSecond();
    assertThat(events.rows())
        .extracting(row -> row.get("timestamp"))
        .containsExactly(seconds * 1_000_000, seconds * 1_000_000 + 123_456, seconds * 1_000_000);
    assertThat(daily.rows().get(0).get("day"))
        .isEqualTo((int) java.time.LocalDate.parse("2026-12-03").toEpochDay());
    assertThat(daily.rows().get(0).get("seen"))
        .isEqualTo(java.time.Instant.parse("2026-12-03T00:00:01Z").getEpochSecond() * 1_000_000);
    SqlStatement.Insert withOffset =
        (SqlStatement.Insert)
            plan(
                "INSERT INTO events (timestamp, event_type) VALUES"
                    + " (TIMESTAMP '2026-12-03 13:16:39+02:00', 'a'),"
                    + " (TIMESTAMPTZ '2026-12-03 13:16:39+02', 'b'),"
                    + " (TIMESTAMP '2026-12-03', 'c')");
    assertThat(withOffset.rows())
        .extracting(row -> row.get("timestamp"))
        .containsExactly(
            seconds * 1_000_000,
            seconds * 1_000_000,
            java.time.Instant.parse("2026-12-03T00:00:00Z").getEpochSecond() * 1_000_000);
    assertRejected(
        "INSERT INTO events (timestamp, event_type) VALUES ('2026-12-03T10:00:00Z', 'a'),"
            + " (TIMESTAMP 'yesterday', 'b')",
        "TIMESTAMP 'yesterday' in row 2, column timestamp is not a time. Write TIMESTAMP"
            + " '2026-12-03 11:16:39' (UTC), with a fraction of a second ('2026-12-03"
            + " 11:16:39.123456') or an offset ('2026-12-03 11:16:39+02:00').");
    assertRejected(
        "INSERT INTO daily (day, n) VALUES (DATE 'monday', 1)",
        "Row 1: Column 'day' of table daily (date) cannot hold \"monday\": expected days since"
            + " 1970-01-01 or a date like 2026-11-21.");
  }

  @Test
  void selectTurnsKeyConditionsIntoAHalfOpenRange() {
    createUsers();
    SqlStatement.Select select =
        (SqlStatement.Select)
            plan(
                "SELECT user_id, email FROM users WHERE project_id = 'acme' AND user_id >= 10 AND user_id <= 20 ORDER BY user_id DESC LIMIT 5");
    assertThat(select.projectId()).isEqualTo("acme");
    assertThat(select.columns()).containsExactly("user_id", "email");
    assertThat(select.from()).contains(10L);
    assertThat(select.to()).contains(21L);
    assertThat(select.descending()).isTrue();
    assertThat(select.limit()).hasValue(5);
    assertThat(select.filter()).isSameAs(RowFilter.ALL);
  }

  @Test
  void strictBoundsEqualityAndBetweenNarrowTheRange() {
    createUsers();
    SqlStatement.Select strict =
        (SqlStatement.Select)
            plan(
                "SELECT * FROM users WHERE user_id > 10 AND project_id = 'acme' AND user_id < 20 AND user_id < 15");
    assertThat(strict.from()).contains(11L);
    assertThat(strict.to()).contains(15L);
    SqlStatement.Select point =
        (SqlStatement.Select) plan("SELECT * FROM users WHERE project_id = 'acme' AND user_id = 7");
    assertThat(point.from()).contains(7L);
    assertThat(point.to()).contains(8L);
    SqlStatement.Select between =
        (SqlStatement.Select)
            plan("SELECT * FROM users WHERE project_id = 'acme' AND user_id BETWEEN 3 AND 4");
    assertThat(between.from()).contains(3L);
    assertThat(between.to()).contains(5L);
    SqlStatement.Select empty =
        (SqlStatement.Select)
            plan("SELECT * FROM users WHERE project_id = 'acme' AND user_id > 5 AND user_id < 3");
    assertThat(empty.isEmptyRange()).isTrue();
  }

  @Test
  void timestampKeysTakeIsoText() {
    SqlStatement.Select select =
        (SqlStatement.Select)
            plan(
                "SELECT * FROM events WHERE project_id = 'acme' AND timestamp >= '2026-11-21T10:00:00Z' AND timestamp < '2026-11-21T11:00:00Z'");
    assertThat(select.from()).contains(1_795_255_200_000_000L);
    assertThat(select.to()).contains(1_795_258_800_000_000L);
  }

  @Test
  void otherConditionsBecomeARowFilter() {
    createUsers();
    SqlStatement.Select select =
        (SqlStatement.Select)
            plan(
                "SELECT user_id FROM users WHERE project_id = 'acme' AND user_id >= 1 AND (email LIKE '%@example.com' OR created_at > 100) AND email IS NOT NULL");
    assertThat(select.filter().columns()).containsExactlyInAnyOrder("email", "created_at");
    assertThat(select.filter().test(Map.of("email", "x@example.com", "created_at", 5L))).isTrue();
    assertThat(select.filter().test(Map.of("email", "x@other.org", "created_at", 500L))).isTrue();
    assertThat(select.filter().test(Map.of("email", "x@other.org", "created_at", 5L))).isFalse();
    assertThat(select.columnsToRead()).containsExactlyInAnyOrder("user_id", "email", "created_at");
    SqlStatement.Select in =
        (SqlStatement.Select)
            plan("SELECT * FROM users WHERE project_id = 'acme' AND user_id NOT IN (1, 2)");
    assertThat(in.filter().test(Map.of("user_id", 3L))).isTrue();
    assertThat(in.filter().test(Map.of("user_id", 2L))).isFalse();
  }

  @Test
  void aggregatesAreRecognised() {
    SqlStatement.Select select =
        (SqlStatement.Select)
            plan(
                "SELECT COUNT(*), MIN(timestamp), MAX(timestamp) AS last FROM events WHERE project_id = 'acme'");
    assertThat(select.aggregates())
        .extracting(SqlStatement.Aggregate::label)
        .containsExactly("count", "min(timestamp)", "last");
    assertRejected(
        "SELECT SUM(event_type) FROM events WHERE project_id = 'acme'",
        "SUM(event_type) needs a numeric column; event_type is string.");
    assertRejected(
        "SELECT event_type, COUNT(*) FROM events WHERE project_id = 'acme'",
        "Select either columns or aggregates, not both: there is no GROUP BY.");
  }

  @Test
  void aSelectWithoutProjectIsRejectedWithTheReason() {
    String message =
        "SELECT needs project_id = '<project>' in its WHERE clause, joined with AND: every project has its own table, so a query reads one project's table.";
    assertRejected("SELECT * FROM events", message);
    assertRejected("SELECT * FROM events WHERE timestamp > 5", message);
    assertRejected("SELECT * FROM events WHERE project_id = 'a' OR timestamp > 5", message);
    assertRejected(
        "SELECT * FROM events WHERE project_id = 'a' AND project_id = 'b'",
        "A query reads one project: project_id is both 'a' and 'b'.");
  }

  @Test
  void otherSelectErrors() {
    assertRejected("SELECT * FROM nope WHERE project_id = 'a'", "There is no table 'nope'.");
    assertRejected(
        "SELECT colour FROM events WHERE project_id = 'a'",
        "Table events has no column 'colour'. Its columns are: timestamp, event_id, event_type, name, source, attributes, payload, project_id.");
    assertRejected(
        "SELECT * FROM events WHERE project_id = 'a' ORDER BY event_type",
        "Rows come in primary key order: ORDER BY timestamp [DESC], not ORDER BY event_type.");
    assertRejected(
        "SELECT * FROM events WHERE project_id = 'a' AND timestamp > 'soon'",
        "Column 'timestamp' of table events (timestamp) cannot hold \"soon\": expected microseconds since 1970-01-01T00:00:00Z or an ISO-8601 time like 2026-11-21T10:00:00Z.");
    assertRejected(
        "SELECT * FROM events e JOIN metrics m ON e.timestamp = m.timestamp WHERE project_id = 'a'",
        "Joins are not supported: query one table at a time.");
    assertRejected(
        "SELECT * FROM events WHERE project_id = 'a' LIMIT 5 OFFSET 10",
        "OFFSET is not supported; narrow the key range instead.");
  }

  @Test
  void unparsableSqlIsReported() {
    assertThatThrownBy(() -> plan("SELEC * FROM events"))
        .isInstanceOf(SqlException.class)
        .hasMessage(
            "Cannot parse the SQL at line 1, column 1: unexpected \"SELEC\". Lakestream runs CREATE"
                + " TABLE, DROP TABLE, INSERT … VALUES and SELECT (see the SQL section of the query"
                + " API's documentation).");
    assertThatThrownBy(() -> plan("UPDATE events SET name = 'x'"))
        .hasMessage(
            "Unsupported statement UPDATE. Use CREATE TABLE, DROP TABLE, INSERT or SELECT.");
  }

  @Test
  void rowFilterComparesAcrossNumericTypes() {
    assertThat(RowFilter.compare("x", ">", 1L).test(Map.of("x", 2))).isTrue();
    assertThat(RowFilter.compare("x", "=", 2.0).test(Map.of("x", 2L))).isTrue();
    assertThat(RowFilter.compare("x", "=", 1L).test(new HashMap<>())).isFalse();
    assertThat(
            RowFilter.in("x", List.of("a", "b"))
                .test(Map.of("x", new org.apache.avro.util.Utf8("b"))))
        .isTrue();
  }

  @Test
  void aliasesNameTheOutputColumnsAndAColumnMayRepeat() {
    SqlStatement.Select select =
        (SqlStatement.Select)
            plan(
                "SELECT e.name AS who, name, name AS \"again\" FROM events e WHERE project_id = 'acme'");
    assertThat(select.columns()).containsExactly("name", "name", "name");
    assertThat(select.labels()).containsExactly("who", "name", "again");
    assertThat(select.columnsToRead()).containsExactlyInAnyOrder("name", "timestamp");
  }

  @Test
  void countDistinctIsPlannedAsDistinct() {
    SqlStatement.Select select =
        (SqlStatement.Select)
            plan("SELECT COUNT(DISTINCT event_type) FROM events WHERE project_id = 'acme'");
    assertThat(select.aggregates())
        .containsExactly(
            new SqlStatement.Aggregate(
                SqlStatement.Aggregate.Function.COUNT,
                Optional.of("event_type"),
                true,
                "count(distinct event_type)"));
  }

  @Test
  void aProjectInAOneValueListIsTheProject() {
    assertThat(
            ((SqlStatement.Select) plan("SELECT * FROM events WHERE project_id IN ('x')"))
                .projectId())
        .isEqualTo("x");
  }

  @Test
  void keyBoundsAtTheEndsOfTheRangeAreNotErrors() {
    SqlStatement.Select all =
        (SqlStatement.Select)
            plan(
                "SELECT * FROM events WHERE project_id = 'a' AND timestamp <= 9223372036854775807"
                    + " AND timestamp >= -9223372036854775808");
    assertThat(all.from()).contains(Long.MIN_VALUE);
    assertThat(all.to()).isEmpty();
    assertThat(all.isEmptyRange()).isFalse();
    SqlStatement.Select none =
        (SqlStatement.Select)
            plan("SELECT * FROM events WHERE project_id = 'a' AND timestamp > 9223372036854775807");
    assertThat(none.isEmptyRange()).isTrue();
    SqlStatement.Select below =
        (SqlStatement.Select)
            plan(
                "SELECT * FROM events WHERE project_id = 'a' AND timestamp < -9223372036854775808");
    assertThat(below.to()).contains(Long.MIN_VALUE);
  }

  @Test
  void notOfAComparisonWithANullColumnIsUnknownAsInSql() {
    createUsers();
    SqlStatement.Select select =
        (SqlStatement.Select)
            plan("SELECT * FROM users WHERE project_id = 'acme' AND NOT (email = 'a@example.com')");
    Map<String, Object> nullEmail = new HashMap<>();
    nullEmail.put("email", null);
    assertThat(select.filter().test(nullEmail)).isFalse();
    assertThat(select.filter().test(Map.of("email", "b@example.com"))).isTrue();
    assertThat(select.filter().test(Map.of("email", "a@example.com"))).isFalse();
    SqlStatement.Select or =
        (SqlStatement.Select)
            plan(
                "SELECT * FROM users WHERE project_id = 'acme' AND NOT (email = 'a' OR created_at > 5)");
    Map<String, Object> row = new HashMap<>();
    row.put("email", null);
    row.put("created_at", 9L);
    assertThat(or.filter().test(row)).isFalse(); // NOT (unknown OR true) = false
    row.put("created_at", 1L);
    assertThat(or.filter().test(row)).isFalse(); // NOT (unknown OR false) = unknown
  }

  @Test
  void parenthesesAroundTheTopLevelConditionsAreTransparent() {
    SqlStatement.Select select =
        (SqlStatement.Select)
            plan("SELECT * FROM events WHERE ((project_id = 'a') AND (timestamp >= 5))");
    assertThat(select.projectId()).isEqualTo("a");
    assertThat(select.from()).contains(5L);
    assertThat(select.filter()).isSameAs(RowFilter.ALL);
  }
}

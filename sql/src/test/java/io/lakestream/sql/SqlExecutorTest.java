package io.lakestream.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.catalog.Catalog;
import io.lakestream.catalog.CatalogException;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The executor over a hand-written in-memory table store: rows kept per (project, table). */
class SqlExecutorTest {
  private final Catalog catalog = Catalog.inMemory(TableDefinitions.builtIns());
  private final Map<String, List<Map<String, Object>>> store = new HashMap<>();
  private final List<String> reads = new ArrayList<>();

  private final RowRange range =
      (table, project, from, to, descending, columns) -> {
        reads.add(project + "/" + table.name() + " " + from + ".." + to);
        String pk = table.primaryKey();
        Comparator<Map<String, Object>> byKey = Comparator.comparing(r -> (Long) r.get(pk));
        return store.getOrDefault(project + "/" + table.name(), List.of()).stream()
            .filter(r -> from.isEmpty() || (Long) r.get(pk) >= (Long) from.get())
            .filter(r -> to.isEmpty() || (Long) r.get(pk) < (Long) to.get())
            .sorted(descending ? byKey.reversed() : byKey);
      };

  private final RowSink sink =
      (table, rows) -> {
        for (GenericRecord row : rows) {
          Map<String, Object> values = new HashMap<>();
          table.columnNames().forEach(c -> values.put(c, row.get(c)));
          store
              .computeIfAbsent(row.get("project_id") + "/" + table.name(), k -> new ArrayList<>())
              .add(values);
        }
        return rows.size();
      };

  private final SqlExecutor executor = new SqlExecutor(catalog, range, sink);

  private SqlResult run(String sql) {
    return executor.execute(executor.plan(sql, Optional.of("acme")));
  }

  @BeforeEach
  void createUsersWithRows() {
    run("CREATE TABLE users (user_id BIGINT PRIMARY KEY, email TEXT, created_at BIGINT)");
    StringBuilder insert =
        new StringBuilder("INSERT INTO users (user_id, email, created_at) VALUES ");
    for (int i = 1; i <= 50; i++) {
      insert
          .append(i > 1 ? ", " : "")
          .append("(")
          .append(i)
          .append(", 'u")
          .append(i)
          .append("@example.com', ")
          .append(i * 10)
          .append(")");
    }
    assertThat(run(insert.toString()).count()).isEqualTo(50);
    run("INSERT INTO users (user_id, email, project_id) VALUES (7, 'other@globex.com', 'globex')");
  }

  @Test
  void createdTablesAreInTheCatalog() {
    TableDefinition users = catalog.table("users").orElseThrow();
    assertThat(users.primaryKey()).isEqualTo("user_id");
  }

  @Test
  void selectReadsTheKeyRangeOfOneProjectAndFilters() {
    SqlResult result =
        run(
            "SELECT user_id, email FROM users WHERE project_id = 'acme' AND user_id >= 10 AND user_id < 20 AND created_at > 150 ORDER BY user_id DESC LIMIT 3");
    assertThat(result.columns()).containsExactly("user_id", "email");
    assertThat(result.rows())
        .containsExactly(
            List.of(19L, "u19@example.com"),
            List.of(18L, "u18@example.com"),
            List.of(17L, "u17@example.com"));
    assertThat(reads).containsExactly("acme/users Optional[10]..Optional[20]");
  }

  @Test
  void projectsAreSeparate() {
    SqlResult globex = run("SELECT * FROM users WHERE project_id = 'globex'");
    assertThat(globex.rows()).hasSize(1);
    assertThat(globex.rows().get(0).get(1)).isEqualTo("other@globex.com");
  }

  @Test
  void aggregatesOverAKeyRange() {
    SqlResult result =
        run(
            "SELECT COUNT(*), MIN(user_id), MAX(user_id), SUM(created_at), AVG(user_id) FROM users WHERE project_id = 'acme' AND user_id BETWEEN 1 AND 10");
    assertThat(result.columns())
        .containsExactly(
            "count", "min(user_id)", "max(user_id)", "sum(created_at)", "avg(user_id)");
    assertThat(result.rows()).containsExactly(List.of(10L, 1L, 10L, 550L, 5.5));
  }

  @Test
  void anEmptyRangeReadsNothing() {
    SqlResult result =
        run("SELECT * FROM users WHERE project_id = 'acme' AND user_id > 5 AND user_id < 3");
    assertThat(result.rows()).isEmpty();
    assertThat(reads).isEmpty();
  }

  @Test
  void dropTableRemovesItFromTheCatalog() {
    assertThat(run("DROP TABLE users").message())
        .isEqualTo("dropped table users; its data is kept");
    assertThatThrownBy(() -> run("SELECT * FROM users WHERE project_id = 'acme'"))
        .hasMessage("There is no table 'users'.");
    assertThatThrownBy(() -> run("DROP TABLE events"))
        .isInstanceOf(CatalogException.class)
        .hasMessage("Table 'events' is built in and cannot be dropped.");
  }

  @Test
  void selectWithoutLimitReturnsEveryRowOfTheRange() {
    assertThat(run("SELECT user_id FROM users WHERE project_id = 'acme'").rows()).hasSize(50);
  }

  @Test
  void countDistinctCountsEachValueOnce() {
    run(
        "INSERT INTO users (user_id, email, created_at) VALUES (101, 'dup@example.com', 5),"
            + " (102, 'dup@example.com', 5), (103, 'other@example.com', 5), (104, NULL, 7),"
            + " (105, 'dup@example.com', 7)");
    SqlResult result =
        run(
            "SELECT COUNT(*), COUNT(email), COUNT(DISTINCT email), COUNT(DISTINCT created_at),"
                + " SUM(DISTINCT created_at), SUM(created_at) AS total FROM users WHERE project_id"
                + " = 'acme' AND user_id > 100");
    assertThat(result.columns())
        .containsExactly(
            "count",
            "count(email)",
            "count(distinct email)",
            "count(distinct created_at)",
            "sum(distinct created_at)",
            "total");
    assertThat(result.rows()).containsExactly(List.of(5L, 4L, 2L, 2L, 12L, 29L));
  }

  @Test
  void aliasesNameTheResultColumns() {
    SqlResult result =
        run(
            "SELECT user_id AS id, email, email AS mail FROM users WHERE project_id = 'acme' AND"
                + " user_id = 3");
    assertThat(result.columns()).containsExactly("id", "email", "mail");
    assertThat(result.rows()).containsExactly(List.of(3L, "u3@example.com", "u3@example.com"));
  }

  @Test
  void notKeepsOutRowsWhoseComparisonIsUnknown() {
    run("INSERT INTO users (user_id, email, created_at) VALUES (201, NULL, 1), (202, 'x', 1)");
    SqlResult result =
        run(
            "SELECT user_id FROM users WHERE project_id = 'acme' AND user_id > 200 AND NOT (email ="
                + " 'y')");
    assertThat(result.rows()).containsExactly(List.of(202L));
  }

  @Test
  void limitZeroOnAggregatesReturnsNoRow() {
    SqlResult result = run("SELECT COUNT(*) FROM users WHERE project_id = 'acme' LIMIT 0");
    assertThat(result.columns()).containsExactly("count");
    assertThat(result.rows()).isEmpty();
    assertThat(run("SELECT COUNT(*) FROM users WHERE project_id = 'acme' LIMIT 1").rows())
        .containsExactly(List.of(50L));
  }
}

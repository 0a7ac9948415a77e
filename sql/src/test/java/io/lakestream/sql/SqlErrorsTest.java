package io.lakestream.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakestream.schema.ErrorKind;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DuckDB's own failures, as a plain DuckDB connection with {@code errors_as_json} reports them
 * (results not streamed, so that failures while running keep their type too), classified by {@link
 * SqlErrors#fromEngine}.
 */
class SqlErrorsTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "SELECT 'abc'::int | INVALID_DATA | Conversion Error: Could not convert string 'abc' to"
            + " INT32",
        "SELECT 2147483647::int + 1 | INVALID_DATA | Out of Range Error: Overflow in addition",
        "SELECT error('the row is bad') | BAD_REQUEST | Invalid Input Error: the row is bad",
        "SELECT * FROM \"a table\" | UNDEFINED_TABLE | Catalog Error: Table with name a table does"
            + " not exist!",
        "SELECT \"a column\" FROM (SELECT 1 AS x) | UNDEFINED_COLUMN | Binder Error: Referenced"
            + " column \"a column\" not found",
        "SELECT no_such(1) | UNDEFINED_FUNCTION | Catalog Error: Scalar Function with name no_such"
            + " does not exist!",
        "SELEC 1 | SYNTAX_ERROR | Parser Error: syntax error at or near \"SELEC\"",
        "SELECT * FROM read_csv('/etc/passwd') | UNSUPPORTED | Permission Error: Cannot access"
            + " file \"/etc/passwd\"",
      })
  void duckDbErrorsGetTheKindOfTheirType(String sql, ErrorKind kind, String message)
      throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      statement.execute("SET errors_as_json = true");
      statement.execute("SET enable_external_access = false");
      SQLException failure =
          catchThrowableOfType(
              SQLException.class,
              () -> {
                try (ResultSet rows = statement.executeQuery(sql)) {
                  while (rows.next()) {
                    // read to the end
                  }
                }
              });
      SqlException error = SqlErrors.fromEngine(failure);
      assertThat(error.getMessage()).startsWith(message).doesNotContain("{", "exception_type");
      assertThat(error.kind()).isEqualTo(kind);
    }
  }

  /** jsonb's operators, which the engine's JSON lacks, are answered with what to write instead. */
  @org.junit.jupiter.api.Test
  void jsonbOperatorsSayWhatToWriteInstead() throws SQLException {
    assertThat(engineError("SELECT '{\"a\": 1}'::JSON @> '{\"a\": 1}'").getMessage())
        .contains("'@>(JSON")
        .endsWith(
            "\nJSON columns take json_contains(attributes, '{\"key\": \"value\"}') for"
                + " containment (PostgreSQL's jsonb @>).");
    assertThat(engineError("SELECT 1 WHERE '{}'::JSON ? 'a'").getMessage())
        .contains("syntax error at or near \"?\"")
        .endsWith(
            "\nA ? is a parameter here: for a JSON key's presence (jsonb's ? operator) write"
                + " attributes->>'key' IS NOT NULL.");
  }

  private static SqlException engineError(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      statement.execute("SET errors_as_json = true");
      return SqlErrors.fromEngine(
          catchThrowableOfType(
              SQLException.class,
              () -> {
                try (ResultSet rows = statement.executeQuery(sql)) {
                  rows.next();
                }
              }));
    }
  }

  @org.junit.jupiter.api.Test
  void suggestionsOfTheEnginesOwnCatalogTablesAreLeftOut() {
    String missing = "Catalog Error: Table with name nosuch does not exist!";
    assertThat(tableNotFoundSuggesting("pg_sequences").getMessage()).isEqualTo(missing);
    assertThat(tableNotFoundSuggesting("duckdb_tables").getMessage()).isEqualTo(missing);
    assertThat(tableNotFoundSuggesting("events").getMessage())
        .isEqualTo(missing + "\nDid you mean \"events\"?");
    assertThat(tableNotFoundSuggesting("pg_sequences").kind()).isEqualTo(ErrorKind.UNDEFINED_TABLE);
  }

  /** The engine's error for a table that does not exist, suggesting {@code suggested}. */
  private static SqlException tableNotFoundSuggesting(String suggested) {
    String json =
        "{\"exception_type\":\"Catalog\",\"exception_message\":\"Table with name nosuch does"
            + " not exist!\\nDid you mean \\\""
            + suggested
            + "\\\"?\",\"error_subtype\":\"MISSING_ENTRY\",\"type\":\"Table\"}";
    return SqlErrors.fromEngine(new SQLException("Catalog Error: " + json));
  }
}

package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bound parameters become SQL literals that cannot change the statement around them. */
class PgSqlBackendTest {
  @Test
  void parametersBecomeLiteralsOutsideQuotesAndComments() {
    String sql =
        "SELECT '$1', \"$2\" FROM events -- $1\n"
            + "WHERE project_id = $1 AND timestamp >= $2 AND ok = $3 AND n IN ($4, $5, $10)";
    List<Object> parameters =
        Arrays.asList(
            "acme' OR project_id = 'globex",
            Instant.parse("2026-12-06T08:00:00.5Z"),
            true,
            null,
            new BigDecimal("1.50"),
            6L,
            7L,
            8L,
            9L,
            10.5);
    assertThat(PgSqlBackend.bind(sql, parameters))
        .isEqualTo(
            "SELECT '$1', \"$2\" FROM events -- $1\n"
                + "WHERE project_id = 'acme'' OR project_id = ''globex' AND timestamp >="
                + " '2026-12-06T08:00:00.500Z' AND ok = TRUE AND n IN (NULL, 1.50, 10.5)");
  }

  @Test
  void aParameterThatWasNotBoundIsAnError() {
    assertThatThrownBy(() -> PgSqlBackend.bind("SELECT $2", List.of(1L)))
        .hasMessage("the statement uses $2 but 1 parameters were bound");
  }
}

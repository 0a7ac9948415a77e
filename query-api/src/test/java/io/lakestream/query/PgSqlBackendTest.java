package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.pgwire.PgType;
import io.lakestream.schema.ColumnType;
import io.lakestream.sql.ResultColumn;
import io.lakestream.sql.SqlType;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every type the SQL engine returns and every column type has a PostgreSQL type a client reads. */
class PgSqlBackendTest {
  @Test
  void engineTypesMapToTheirPostgresTypes() {
    assertThat(PgSqlBackend.type(ResultColumn.of("n", SqlType.BIGINT))).isEqualTo(PgType.INT8);
    assertThat(PgSqlBackend.type(ResultColumn.of("t", SqlType.TIMESTAMPTZ)))
        .isEqualTo(PgType.TIMESTAMPTZ);
    assertThat(PgSqlBackend.type(ResultColumn.of("j", SqlType.JSON))).isEqualTo(PgType.JSONB);
    assertThat(PgSqlBackend.type(ResultColumn.of("p", SqlType.NUMERIC))).isEqualTo(PgType.NUMERIC);
    assertThat(
            PgSqlBackend.type(
                new ResultColumn("a", SqlType.ARRAY, Optional.of(SqlType.DOUBLE), "DOUBLE[]")))
        .isEqualTo(PgType.FLOAT8_ARRAY);
    // Types without a codec here are sent as their text.
    assertThat(PgSqlBackend.type(ResultColumn.of("i", SqlType.INTERVAL))).isEqualTo(PgType.TEXT);
    assertThat(PgSqlBackend.type(ResultColumn.of("u", SqlType.UUID))).isEqualTo(PgType.TEXT);
  }

  @Test
  void everyTypeHasOne() {
    for (SqlType type : SqlType.values()) {
      ResultColumn column =
          type == SqlType.ARRAY
              ? new ResultColumn("a", type, Optional.of(SqlType.TEXT), "VARCHAR[]")
              : ResultColumn.of("c", type);
      assertThat(PgSqlBackend.type(column)).as(type.name()).isNotNull();
      if (type != SqlType.ARRAY) {
        assertThat(
                PgSqlBackend.type(
                    new ResultColumn("a", SqlType.ARRAY, Optional.of(type), type + "[]")))
            .as(type + "[]")
            .isNotNull();
      }
    }
    for (ColumnType type : ColumnType.values()) {
      assertThat(PgSqlBackend.type(type)).as(type.name()).isNotNull();
    }
  }
}

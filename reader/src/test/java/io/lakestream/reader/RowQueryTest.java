package io.lakestream.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowQueryTest {
  private static final TableDefinition EVENTS = TableDefinitions.builtIn("events");

  private static RowQuery range(
      String from, String to, String limit, String columns, String order) {
    return RowQuery.range(EVENTS, from, to, limit, columns, order, null, 1000, 100_000);
  }

  @Test
  void fromIsInclusiveToExclusiveAndMissingEndsAreOpen() {
    RowQuery query = range("10", "20", null, null, null);
    assertThat(query.range()).isEqualTo(new KeyRange(10, 19));
    assertThat(query.limit()).isEqualTo(1000);
    assertThat(query.descending()).isFalse();
    assertThat(query.columns()).isEqualTo(EVENTS.columnNames());
    assertThat(range(null, null, null, null, null).range()).isEqualTo(KeyRange.ALL);
    assertThat(range("5", null, null, null, null).range())
        .isEqualTo(new KeyRange(5, Long.MAX_VALUE));
    assertThat(range(null, "5", null, null, null).range())
        .isEqualTo(new KeyRange(Long.MIN_VALUE, 4));
    assertThat(range(null, Long.toString(Long.MIN_VALUE), null, null, null).range().isEmpty())
        .isTrue();
  }

  @Test
  void limitColumnsAndOrder() {
    RowQuery query = range(null, null, "100000", " timestamp , name,timestamp", "DESC");
    assertThat(query.limit()).isEqualTo(100_000);
    assertThat(query.columns()).isEqualTo(List.of("timestamp", "name"));
    assertThat(query.descending()).isTrue();
  }

  @Test
  void badParametersAreNamed() {
    assertThatThrownBy(() -> range("20", "10", null, null, null))
        .hasMessageContaining("'from' must be below 'to'");
    assertThatThrownBy(() -> range(null, null, "100001", null, null))
        .hasMessage(
            "limit=100001 is above the maximum of 100000 rows per request: ask for at most 100000 and follow the next cursor.");
    assertThatThrownBy(() -> range(null, null, "-1", null, null))
        .hasMessageContaining("'limit' is '-1'");
    assertThatThrownBy(() -> range(null, null, null, "nope,name,worse", null))
        .hasMessage("Table 'events' has no column 'nope', 'worse'.");
    assertThatThrownBy(() -> range(null, null, null, null, "up"))
        .hasMessageContaining("'asc' or 'desc'");
  }

  @Test
  void pointReadsDefaultToTheMaximumLimit() {
    RowQuery query = RowQuery.point(EVENTS, "2026-11-21T10:00:00Z", null, null, null, null, 5000);
    assertThat(query.range()).isEqualTo(KeyRange.of(1_795_255_200_000_000L));
    assertThat(query.limit()).isEqualTo(5000);
  }
}

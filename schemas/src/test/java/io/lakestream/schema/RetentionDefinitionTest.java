package io.lakestream.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code retention:} in a table definition. */
class RetentionDefinitionTest {
  private static final String LOGS =
      """
      name: app_logs
      primary_key: ts
      retention: 30d
      columns:
        - {name: ts, type: timestamp, nullable: false}
        - {name: line, type: string}
      """;

  @Test
  void readsRetentionAndKeepsItThroughJson() {
    TableDefinition table = TableDefinitions.parse("app_logs.yaml", LOGS);

    assertThat(table.retention()).contains(Duration.ofDays(30));
    TableDefinition again = TableDefinitions.parse("json", TableDefinitions.toJson(table));
    assertThat(again).isEqualTo(table);
    assertThat(again.retention()).contains(Duration.ofDays(30));
    assertThat(TableDefinitions.builtIn("events").retention()).isEmpty();
  }

  @Test
  void refusesRetentionThatIsNotADurationOrOnAKeyThatIsNotATime() {
    assertThatThrownBy(
            () -> TableDefinitions.parse("app_logs.yaml", LOGS.replace("30d", "thirty days")))
        .isInstanceOf(SchemaException.class)
        .hasMessage(
            "Table definition app_logs.yaml has retention 'thirty days': it is not a duration."
                + " Write it as a number of days, hours or minutes (30d, 12h, 90m) on a table whose"
                + " primary key is a timestamp or a date.");
    assertThatThrownBy(
            () -> TableDefinitions.parse("ids.yaml", LOGS.replace("type: timestamp", "type: long")))
        .isInstanceOf(SchemaException.class)
        .hasMessageContaining("primary key 'ts' is a long, not a time");
  }

  @Test
  void refusalOnAKeyThatIsNotATimeQuotesTheRetentionAsWritten() {
    String ids = LOGS.replace("type: timestamp", "type: long");

    assertThatThrownBy(() -> TableDefinitions.parse("ids.yaml", ids))
        .isInstanceOf(SchemaException.class)
        .hasMessage(
            "Table definition ids.yaml has retention '30d': primary key 'ts' is a long, not a"
                + " time. Write it as a number of days, hours or minutes (30d, 12h, 90m) on a table"
                + " whose primary key is a timestamp or a date.");
    assertThatThrownBy(() -> TableDefinitions.parse("ids.yaml", ids.replace("30d", "720h")))
        .hasMessageContaining("has retention '720h'");
    assertThatThrownBy(() -> TableDefinitions.parse("zero.yaml", LOGS.replace("30d", "0d")))
        .hasMessageContaining("has retention '0d': it must be positive");
  }
}

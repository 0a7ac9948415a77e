package io.lakestream.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code bloom_filter_columns:} in a table definition. */
class BloomFilterColumnsTest {
  private static final String ORDERS =
      """
      name: orders
      primary_key: ts
      bloom_filter_columns: [order_id, customer]
      columns:
        - {name: ts, type: timestamp, nullable: false}
        - {name: order_id, type: string}
        - {name: customer, type: long}
        - {name: details, type: json}
      """;

  @Test
  void readsTheColumnsAndKeepsThemThroughJson() {
    TableDefinition table = TableDefinitions.parse("orders.yaml", ORDERS);

    assertThat(table.bloomFilterColumns()).containsExactly("order_id", "customer");
    TableDefinition again = TableDefinitions.parseRecord("json", TableDefinitions.toJson(table));
    assertThat(again).isEqualTo(table);
    assertThat(again.bloomFilterColumns()).containsExactly("order_id", "customer");
    assertThat(TableDefinitions.parse("orders.yaml", ORDERS.replace(", customer]", "]")))
        .isNotEqualTo(table);
    assertThat(TableDefinitions.builtIn("otel_logs_and_spans").bloomFilterColumns())
        .containsExactly("trace_id");
    assertThat(TableDefinitions.builtIn("events").bloomFilterColumns()).containsExactly("event_id");
    assertThat(TableDefinitions.builtIn("metrics").bloomFilterColumns()).isEmpty();
  }

  @Test
  void refusesAColumnThatIsNotDefinedOrNotLookedUpByOneValue() {
    assertThatThrownBy(
            () -> TableDefinitions.parse("orders.yaml", ORDERS.replace("customer]", "custmer]")))
        .isInstanceOf(SchemaException.class)
        .hasMessage(
            "Table definition orders.yaml: bloom_filter_columns names column 'custmer', which is"
                + " not defined. Name a defined column.");
    assertThatThrownBy(
            () -> TableDefinitions.parse("orders.yaml", ORDERS.replace("customer]", "details]")))
        .isInstanceOf(SchemaException.class)
        .hasMessage(
            "Table definition orders.yaml: bloom_filter_columns names column 'details', a json."
                + " Bloom filters are kept for string, bytes, int and long columns looked up by"
                + " one value (an id): name such a column.");
  }
}

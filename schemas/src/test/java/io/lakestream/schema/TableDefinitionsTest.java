package io.lakestream.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableDefinitionsTest {

  @Test
  void builtInTablesLoadWithTimestampKeysAndProjectColumn() {
    Map<String, TableDefinition> tables = TableDefinitions.builtIns();
    assertThat(tables).containsOnlyKeys("otel_logs_and_spans", "metrics", "events");
    for (TableDefinition table : tables.values()) {
      assertThat(table.primaryKey()).isEqualTo("timestamp");
      assertThat(table.primaryKeyColumn().type()).isEqualTo(ColumnType.TIMESTAMP);
      assertThat(table.primaryKeyColumn().nullable()).isFalse();
      assertThat(table.column("project_id"))
          .hasValueSatisfying(c -> assertThat(c.type()).isEqualTo(ColumnType.STRING));
      assertThat(table.sortOrder()).containsExactly("timestamp");
    }
  }

  @Test
  void logsAndSpansTableHoldsTheOpenTelemetryFields() {
    TableDefinition table = TableDefinitions.builtIn("otel_logs_and_spans");
    assertThat(table.columnNames())
        .contains(
            "timestamp",
            "observed_timestamp",
            "record_type",
            "trace_id",
            "span_id",
            "parent_span_id",
            "name",
            "span_kind",
            "status_code",
            "status_message",
            "duration_ns",
            "severity_text",
            "severity_number",
            "body",
            "service_name",
            "resource_attributes",
            "attributes",
            "events",
            "links",
            "project_id");
    assertThat(table.column("attributes").orElseThrow().type()).isEqualTo(ColumnType.JSON);
  }

  @Test
  void metricsTableHoldsEveryPointShape() {
    TableDefinition table = TableDefinitions.builtIn("metrics");
    assertThat(table.columnNames())
        .contains(
            "metric_name",
            "description",
            "unit",
            "metric_type",
            "value",
            "count",
            "sum",
            "min",
            "max",
            "bucket_counts",
            "explicit_bounds",
            "quantiles",
            "quantile_values",
            "aggregation_temporality",
            "is_monotonic",
            "attributes",
            "resource_attributes",
            "service_name");
    assertThat(table.column("bucket_counts").orElseThrow().type()).isEqualTo(ColumnType.ARRAY_LONG);
  }

  @Test
  void jsonRoundTripGivesAnEqualDefinition() {
    for (TableDefinition table : TableDefinitions.builtIns().values()) {
      assertThat(TableDefinitions.parse("json", TableDefinitions.toJson(table))).isEqualTo(table);
    }
    TableDefinition users = TestTables.users();
    assertThat(TableDefinitions.parse("json", TableDefinitions.toJson(users))).isEqualTo(users);
  }

  @Test
  void userTableGetsAProjectColumnAdded() {
    TableDefinition users = TestTables.users();
    assertThat(users.columnNames()).containsExactly("user_id", "email", "created_at", "project_id");
    assertThat(users.primaryKeyColumn().type()).isEqualTo(ColumnType.LONG);
  }

  @Test
  void nullableDefaultsToTrueAndSqlAliasesAreAccepted() {
    TableDefinition table =
        TableDefinitions.parse(
            "t.yaml",
            """
            name: t
            primary_key: id
            columns:
              - {name: id, type: BIGINT, nullable: false}
              - {name: note, type: text}
            """);
    assertThat(table.column("id").orElseThrow().type()).isEqualTo(ColumnType.LONG);
    assertThat(table.column("note").orElseThrow().nullable()).isTrue();
    assertThat(table.column("note").orElseThrow().type()).isEqualTo(ColumnType.STRING);
  }

  @Test
  void loadsADirectoryOfDefinitions(@TempDir Path folder) throws Exception {
    Files.writeString(folder.resolve("users.yaml"), TestTables.USERS_YAML);
    Files.writeString(folder.resolve("README.txt"), "not a table");
    assertThat(TableDefinitions.loadDirectory(folder)).containsOnlyKeys("users");
  }

  @Test
  void rejectsTwoFilesDefiningOneTable(@TempDir Path folder) throws Exception {
    Files.writeString(folder.resolve("a.yaml"), TestTables.USERS_YAML);
    Files.writeString(folder.resolve("b.yaml"), TestTables.USERS_YAML);
    assertThatThrownBy(() -> TableDefinitions.loadDirectory(folder))
        .isInstanceOf(SchemaException.class)
        .hasMessageContaining("b.yaml")
        .hasMessageContaining("defines table 'users', which another file");
  }

  @Test
  void rejectsUnknownType() {
    assertRejected(
        """
        name: t
        primary_key: id
        columns:
          - {name: id, type: long, nullable: false}
          - {name: amount, type: decimal}
        """,
        "Table definition bad.yaml: column 'amount' has unknown type 'decimal'. Use one of: boolean,"
            + " int, long, float, double, string, bytes, timestamp, date, json, array<long>,"
            + " array<double>, array<string>.");
  }

  @Test
  void rejectsAKeyADefinitionDoesNotTakeRatherThanIgnoringIt() {
    assertRejected(
        """
        name: t
        primary_key: id
        retension: 30d
        columns:
          - {name: id, type: long, nullable: false}
        """,
        "Table definition bad.yaml has the key 'retension', which a definition does not take (it"
            + " takes name, description, primary_key, sort_order, partition_columns, retention,"
            + " bloom_filter_columns, columns): remove it or correct its name.");
    assertRejected(
        """
        name: t
        primary_key: id
        columns:
          - {name: id, type: long, nulable: false}
        """,
        "Table definition bad.yaml: column 'id' has the key 'nulable', which a column does not take"
            + " (it takes name, type, nullable, doc): remove it or correct its name.");
  }

  @Test
  void aCatalogRecordWithAKeyAddedByALaterVersionStillReads() {
    TableDefinition table =
        TableDefinitions.parseRecord(
            "catalog",
            "{\"name\":\"t\",\"primary_key\":\"id\",\"compaction\":\"daily\","
                + "\"columns\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":false,"
                + "\"codec\":\"zstd\"}]}");

    assertThat(table.name()).isEqualTo("t");
    assertThat(table.primaryKey()).isEqualTo("id");
  }

  @Test
  void rejectsMissingPrimaryKey() {
    assertRejected(
        """
        name: t
        columns:
          - {name: id, type: long}
        """,
        "Table definition bad.yaml has no primary key. Add 'primary_key: <column>' naming an"
            + " orderable column (int, long, timestamp, date, float, double).");
  }

  @Test
  void rejectsPrimaryKeyThatIsNotAColumn() {
    assertRejected(
        """
        name: t
        primary_key: ts
        columns:
          - {name: id, type: long, nullable: false}
        """,
        "Table definition bad.yaml: primary key 'ts' is not a column. Name one of: id.");
  }

  @Test
  void rejectsNonOrderablePrimaryKey() {
    assertRejected(
        """
        name: t
        primary_key: email
        columns:
          - {name: email, type: string, nullable: false}
        """,
        "Table definition bad.yaml: primary key column 'email' has type string, which is not"
            + " orderable. Use int, long, timestamp, date, float or double.");
  }

  @Test
  void rejectsNullablePrimaryKey() {
    assertRejected(
        """
        name: t
        primary_key: id
        columns:
          - {name: id, type: long}
        """,
        "Table definition bad.yaml: primary key column 'id' is nullable. Set 'nullable: false' on"
            + " it.");
  }

  @Test
  void rejectsDuplicateColumn() {
    assertRejected(
        """
        name: t
        primary_key: id
        columns:
          - {name: id, type: long, nullable: false}
          - {name: ID, type: string}
        """,
        "Table definition bad.yaml: column 'ID' is defined twice. Rename or remove one of them.");
  }

  @Test
  void rejectsBadTableName() {
    assertRejected(
        """
        name: my-table
        primary_key: id
        columns:
          - {name: id, type: long, nullable: false}
        """,
        "Table definition bad.yaml: table name 'my-table' is not an identifier. Use letters,"
            + " digits and underscores, starting with a letter or underscore, at most 128"
            + " characters.");
  }

  @Test
  void rejectsBadColumnName() {
    assertRejected(
        """
        name: t
        primary_key: id
        columns:
          - {name: id, type: long, nullable: false}
          - {name: "../x", type: string}
        """,
        "Table definition bad.yaml: column name '../x' is not an identifier. Use letters, digits"
            + " and underscores, starting with a letter or underscore, at most 128 characters.");
  }

  @Test
  void rejectsMissingName() {
    assertRejected(
        """
        primary_key: id
        columns:
          - {name: id, type: long, nullable: false}
        """,
        "Table definition bad.yaml has no 'name'. Add 'name:' to it.");
  }

  @Test
  void rejectsColumnWithoutType() {
    assertRejected(
        """
        name: t
        primary_key: id
        columns:
          - {name: id}
        """,
        "Table definition bad.yaml has no 'columns[id].type'. Add 'columns[id].type:' to it.");
  }

  @Test
  void rejectsNoColumns() {
    assertRejected(
        "name: t\nprimary_key: id\n",
        "Table definition bad.yaml has no columns. Add at least the primary key column.");
  }

  @Test
  void rejectsProjectColumnOfTheWrongType() {
    assertRejected(
        """
        name: t
        primary_key: id
        columns:
          - {name: id, type: long, nullable: false}
          - {name: project_id, type: long}
        """,
        "Table definition bad.yaml: column 'project_id' must be a non-null string, not nullable"
            + " long. Declare it as '{name: project_id, type: string, nullable: false}'.");
  }

  @Test
  void rejectsUnknownSortColumn() {
    assertRejected(
        """
        name: t
        primary_key: id
        sort_order: [id, nope]
        columns:
          - {name: id, type: long, nullable: false}
        """,
        "Table definition bad.yaml: sort_order names column 'nope', which is not defined. Name a"
            + " defined column.");
  }

  @Test
  void rejectsUnknownPartitionColumn() {
    assertRejected(
        """
        name: t
        primary_key: id
        partition_columns: [day]
        columns:
          - {name: id, type: long, nullable: false}
        """,
        "Table definition bad.yaml: partition_columns names column 'day', which is not defined."
            + " Name a defined column.");
  }

  @Test
  void rejectsUnreadableYaml() {
    assertThatThrownBy(() -> TableDefinitions.parse("bad.yaml", "name: [unclosed"))
        .isInstanceOf(SchemaException.class)
        .hasMessageStartingWith("Cannot read table definition bad.yaml: ")
        .hasMessageEndingWith("Fix the YAML syntax.");
  }

  @Test
  void rejectsColumnsThatAreNotAList() {
    assertRejected(
        "name: t\nprimary_key: id\ncolumns: id\n",
        "Cannot read table definition bad.yaml: 'columns' must be a list. Fix the YAML syntax.");
  }

  private static void assertRejected(String yaml, String message) {
    assertThatThrownBy(() -> TableDefinitions.parse("bad.yaml", yaml))
        .isInstanceOf(SchemaException.class)
        .hasMessage(message);
  }
}

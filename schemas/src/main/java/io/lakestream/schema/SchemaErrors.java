package io.lakestream.schema;

import java.util.List;

/** The one place that creates {@link SchemaException}s, so messages read alike. */
final class SchemaErrors {
  private SchemaErrors() {}

  static SchemaException unreadable(String source, String detail, Throwable cause) {
    return new SchemaException(
        "Cannot read table definition " + source + ": " + detail + ". Fix the YAML syntax.", cause);
  }

  static SchemaException unknownKey(
      String source, String where, String key, java.util.List<String> keys) {
    return new SchemaException(
        "Table definition "
            + source
            + where
            + " has the key '"
            + key
            + "', which a "
            + (where.isEmpty() ? "definition" : "column")
            + " does not take (it takes "
            + String.join(", ", keys)
            + "): remove it or correct its name.",
        null);
  }

  static SchemaException badRetention(String source, String value, String why) {
    return new SchemaException(
        "Table definition "
            + source
            + " has retention '"
            + value
            + "': "
            + why
            + ". Write it as a number of days, hours or minutes (30d, 12h, 90m) on a table whose"
            + " primary key is a timestamp or a date.");
  }

  static SchemaException missingField(String source, String field) {
    return new SchemaException(
        "Table definition " + source + " has no '" + field + "'. Add '" + field + ":' to it.");
  }

  static SchemaException badTableName(String source, String name) {
    return new SchemaException(
        "Table definition "
            + source
            + ": table name '"
            + name
            + "' is not an identifier. Use letters, digits and underscores, starting with a"
            + " letter or underscore, at most "
            + Identifiers.MAX_LENGTH
            + " characters.");
  }

  static SchemaException badColumnName(String source, String name) {
    return new SchemaException(
        "Table definition "
            + source
            + ": column name '"
            + name
            + "' is not an identifier. Use letters, digits and underscores, starting with a"
            + " letter or underscore, at most "
            + Identifiers.MAX_LENGTH
            + " characters.");
  }

  static SchemaException unknownType(String source, String column, String type) {
    return new SchemaException(
        "Table definition "
            + source
            + ": column '"
            + column
            + "' has unknown type '"
            + type
            + "'. Use one of: "
            + ColumnType.knownNames()
            + ".");
  }

  static SchemaException duplicateColumn(String source, String column) {
    return new SchemaException(
        "Table definition "
            + source
            + ": column '"
            + column
            + "' is defined twice. Rename or remove one of them.");
  }

  static SchemaException noColumns(String source) {
    return new SchemaException(
        "Table definition " + source + " has no columns. Add at least the primary key column.");
  }

  static SchemaException missingPrimaryKey(String source) {
    return new SchemaException(
        "Table definition "
            + source
            + " has no primary key. Add 'primary_key: <column>' naming an orderable column"
            + " (int, long, timestamp, date, float, double).");
  }

  static SchemaException unknownPrimaryKey(String source, String column, List<String> columns) {
    return new SchemaException(
        "Table definition "
            + source
            + ": primary key '"
            + column
            + "' is not a column. Name one of: "
            + String.join(", ", columns)
            + ".");
  }

  static SchemaException nonOrderablePrimaryKey(String source, String column, ColumnType type) {
    return new SchemaException(
        "Table definition "
            + source
            + ": primary key column '"
            + column
            + "' has type "
            + type
            + ", which is not orderable. Use int, long, timestamp, date, float or double.");
  }

  static SchemaException nullablePrimaryKey(String source, String column) {
    return new SchemaException(
        "Table definition "
            + source
            + ": primary key column '"
            + column
            + "' is nullable. Set 'nullable: false' on it.");
  }

  static SchemaException unknownColumnIn(String source, String field, String column) {
    return new SchemaException(
        "Table definition "
            + source
            + ": "
            + field
            + " names column '"
            + column
            + "', which is not defined. Name a defined column.");
  }

  static SchemaException badBloomFilterColumn(String source, Column column) {
    return new SchemaException(
        "Table definition "
            + source
            + ": bloom_filter_columns names column '"
            + column.name()
            + "', a "
            + column.type().typeName()
            + ". Bloom filters are kept for string, bytes, int and long columns looked up by one"
            + " value (an id): name such a column.");
  }

  static SchemaException badProjectColumn(String source, Column column) {
    return new SchemaException(
        "Table definition "
            + source
            + ": column 'project_id' must be a non-null string, not "
            + (column.nullable() ? "nullable " : "")
            + column.type()
            + ". Declare it as '{name: project_id, type: string, nullable: false}'.");
  }
}

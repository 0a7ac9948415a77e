package io.lakestream.schema;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A table type: its columns and its orderable primary key. One Delta table per (project, table
 * type) is written with this schema.
 *
 * <p>Instances are valid by construction: create them through {@link #validate} or {@link
 * TableDefinitions}. Every table has a non-null string column {@code project_id}; when a definition
 * omits it, it is added at the end.
 */
public final class TableDefinition {
  /** The column that names the project a row belongs to. */
  public static final String PROJECT_COLUMN = "project_id";

  private final String name;
  private final String description;
  private final List<Column> columns;
  private final String primaryKey;
  private final List<String> sortOrder;
  private final List<String> partitionColumns;
  private final Duration retention;
  private final List<String> bloomFilterColumns;

  private TableDefinition(
      String name,
      String description,
      List<Column> columns,
      String primaryKey,
      List<String> sortOrder,
      List<String> partitionColumns,
      Duration retention,
      List<String> bloomFilterColumns) {
    this.name = name;
    this.description = description;
    this.columns = List.copyOf(columns);
    this.primaryKey = primaryKey;
    this.sortOrder = List.copyOf(sortOrder);
    this.partitionColumns = List.copyOf(partitionColumns);
    this.retention = retention;
    this.bloomFilterColumns = List.copyOf(bloomFilterColumns);
  }

  /** A column as written by a user, before its type name is checked. */
  public record ColumnSpec(String name, String type, boolean nullable, String doc) {}

  /**
   * Checks a definition and builds it.
   *
   * @param source where the definition comes from (a file name, "request"), named in errors
   * @param sortOrder the sort columns; empty means the primary key
   * @throws SchemaException naming the source, the column and the fix
   */
  public static TableDefinition validate(
      String source,
      String name,
      String description,
      List<ColumnSpec> columnSpecs,
      String primaryKey,
      List<String> sortOrder,
      List<String> partitionColumns) {
    requireNonNull(source, "source is null");
    if (name == null || name.isBlank()) {
      throw SchemaErrors.missingField(source, "name");
    }
    if (!Identifiers.isValid(name)) {
      throw SchemaErrors.badTableName(source, name);
    }
    if (columnSpecs == null || columnSpecs.isEmpty()) {
      throw SchemaErrors.noColumns(source);
    }
    List<Column> columns = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ColumnSpec spec : columnSpecs) {
      if (spec.name() == null || spec.name().isBlank()) {
        throw SchemaErrors.missingField(source, "columns[" + columns.size() + "].name");
      }
      if (!Identifiers.isValid(spec.name())) {
        throw SchemaErrors.badColumnName(source, spec.name());
      }
      if (spec.type() == null || spec.type().isBlank()) {
        throw SchemaErrors.missingField(source, "columns[" + spec.name() + "].type");
      }
      ColumnType type =
          ColumnType.parse(spec.type())
              .orElseThrow(() -> SchemaErrors.unknownType(source, spec.name(), spec.type()));
      if (!seen.add(spec.name().toLowerCase(java.util.Locale.ROOT))) {
        throw SchemaErrors.duplicateColumn(source, spec.name());
      }
      columns.add(new Column(spec.name(), type, spec.nullable(), spec.doc()));
    }
    List<String> names = columns.stream().map(Column::name).toList();
    if (primaryKey == null || primaryKey.isBlank()) {
      throw SchemaErrors.missingPrimaryKey(source);
    }
    Column pk =
        columns.stream()
            .filter(c -> c.name().equals(primaryKey))
            .findFirst()
            .orElseThrow(() -> SchemaErrors.unknownPrimaryKey(source, primaryKey, names));
    if (!pk.type().isOrderable()) {
      throw SchemaErrors.nonOrderablePrimaryKey(source, pk.name(), pk.type());
    }
    if (pk.nullable()) {
      throw SchemaErrors.nullablePrimaryKey(source, pk.name());
    }
    Optional<Column> project =
        columns.stream().filter(c -> c.name().equals(PROJECT_COLUMN)).findFirst();
    if (project.isPresent()) {
      Column column = project.get();
      if (column.type() != ColumnType.STRING || column.nullable()) {
        throw SchemaErrors.badProjectColumn(source, column);
      }
    } else {
      columns.add(
          new Column(PROJECT_COLUMN, ColumnType.STRING, false, "The project this row belongs to."));
    }
    List<String> sort =
        sortOrder == null || sortOrder.isEmpty() ? List.of(primaryKey) : List.copyOf(sortOrder);
    for (String column : sort) {
      if (!names.contains(column)) {
        throw SchemaErrors.unknownColumnIn(source, "sort_order", column);
      }
    }
    List<String> partitions = partitionColumns == null ? List.of() : partitionColumns;
    for (String column : partitions) {
      if (!names.contains(column)) {
        throw SchemaErrors.unknownColumnIn(source, "partition_columns", column);
      }
    }
    return new TableDefinition(
        name,
        description == null ? "" : description,
        columns,
        primaryKey,
        sort,
        partitions,
        null,
        List.of());
  }

  /**
   * This definition with a retention: table maintenance removes rows whose primary key is older
   * than {@code retention} before now.
   *
   * @param source where the retention comes from, named in errors
   * @throws SchemaException when the retention is not positive or the primary key is not a
   *     timestamp or a date
   */
  public TableDefinition withRetention(String source, Duration retention) {
    requireNonNull(retention, "retention is null");
    return withRetention(source, retention, TableDefinitions.formatRetention(retention));
  }

  /**
   * As {@link #withRetention(String, Duration)}; errors quote {@code text}, as the user wrote it.
   */
  TableDefinition withRetention(String source, Duration retention, String text) {
    requireNonNull(retention, "retention is null");
    if (retention.isNegative() || retention.isZero()) {
      throw SchemaErrors.badRetention(source, text, "it must be positive");
    }
    ColumnType keyType = primaryKeyColumn().type();
    if (keyType != ColumnType.TIMESTAMP && keyType != ColumnType.DATE) {
      throw SchemaErrors.badRetention(
          source,
          text,
          "primary key '" + primaryKey + "' is a " + keyType.typeName() + ", not a time");
    }
    return new TableDefinition(
        name,
        description,
        columns,
        primaryKey,
        sortOrder,
        partitionColumns,
        retention,
        bloomFilterColumns);
  }

  /**
   * This definition with Bloom filters on {@code columns}: the files written for the table hold,
   * for each of these columns of each row group, a Parquet Bloom filter of its values, with which a
   * lookup of one value ({@code trace_id = '…'}) skips the row groups that do not hold it (when the
   * pages' bounds cannot tell, as with random ids). For columns looked up by one value among many:
   * a string, bytes, int or long column.
   *
   * @param source where the list comes from, named in errors
   * @throws SchemaException when a column is not defined or not of such a type
   */
  public TableDefinition withBloomFilterColumns(String source, List<String> columns) {
    requireNonNull(columns, "columns is null");
    for (String columnName : columns) {
      Column column =
          column(columnName)
              .orElseThrow(
                  () -> SchemaErrors.unknownColumnIn(source, "bloom_filter_columns", columnName));
      if (!BLOOM_FILTER_TYPES.contains(column.type())) {
        throw SchemaErrors.badBloomFilterColumn(source, column);
      }
    }
    return new TableDefinition(
        name,
        description,
        this.columns,
        primaryKey,
        sortOrder,
        partitionColumns,
        retention,
        List.copyOf(new java.util.LinkedHashSet<>(columns)));
  }

  /** The column types a Bloom filter is kept for: those looked up by one value among many. */
  static final Set<ColumnType> BLOOM_FILTER_TYPES =
      Set.of(ColumnType.STRING, ColumnType.BYTES, ColumnType.INT, ColumnType.LONG);

  /**
   * The columns whose values the table's files keep a Bloom filter of, per row group; empty by
   * default.
   */
  public List<String> bloomFilterColumns() {
    return bloomFilterColumns;
  }

  /** How long rows are kept, by their primary key; empty: forever. */
  public Optional<Duration> retention() {
    return Optional.ofNullable(retention);
  }

  /** The table type's name, an identifier. */
  public String name() {
    return name;
  }

  /** What the table holds; may be empty. */
  public String description() {
    return description;
  }

  /** The columns, in order; always includes {@link #PROJECT_COLUMN}. */
  public List<Column> columns() {
    return columns;
  }

  /** The primary key column's name. */
  public String primaryKey() {
    return primaryKey;
  }

  /** The primary key column. */
  public Column primaryKeyColumn() {
    return column(primaryKey).orElseThrow();
  }

  /** The columns rows are sorted by in data files; starts with the primary key by default. */
  public List<String> sortOrder() {
    return sortOrder;
  }

  /** Delta partition columns; empty for the built-in tables. */
  public List<String> partitionColumns() {
    return partitionColumns;
  }

  /** The column with this name, if any. */
  public Optional<Column> column(String columnName) {
    return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
  }

  /** The column names, in order. */
  public List<String> columnNames() {
    return columns.stream().map(Column::name).toList();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TableDefinition other
        && name.equals(other.name)
        && description.equals(other.description)
        && columns.equals(other.columns)
        && primaryKey.equals(other.primaryKey)
        && sortOrder.equals(other.sortOrder)
        && partitionColumns.equals(other.partitionColumns)
        && java.util.Objects.equals(retention, other.retention)
        && bloomFilterColumns.equals(other.bloomFilterColumns);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + columns.hashCode();
  }

  @Override
  public String toString() {
    return "TableDefinition[" + name + ", pk=" + primaryKey + ", columns=" + columnNames() + "]";
  }
}

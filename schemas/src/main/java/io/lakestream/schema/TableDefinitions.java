package io.lakestream.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads table definitions from YAML.
 *
 * <pre>
 * name: events
 * description: Application events.
 * primary_key: timestamp
 * columns:
 *   - {name: timestamp, type: timestamp, nullable: false, doc: Event time, microseconds UTC.}
 *   - {name: event_type, type: string}
 * </pre>
 *
 * <p>{@code nullable} defaults to true for ordinary columns; {@code sort_order} defaults to the
 * primary key; {@code partition_columns} defaults to none.
 */
public final class TableDefinitions {
  /** The built-in table types, in the order they are listed. */
  public static final List<String> BUILT_IN_NAMES =
      List.of("otel_logs_and_spans", "metrics", "events");

  private static final String BUILT_IN_FOLDER = "lakestream/tables/";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private TableDefinitions() {}

  /** The built-in table types, by name, in {@link #BUILT_IN_NAMES} order. */
  public static Map<String, TableDefinition> builtIns() {
    Map<String, TableDefinition> tables = new LinkedHashMap<>();
    for (String name : BUILT_IN_NAMES) {
      String resource = BUILT_IN_FOLDER + name + ".yaml";
      try (InputStream in = TableDefinitions.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("Built-in table definition " + resource + " is missing");
        }
        tables.put(name, parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read built-in table definition " + resource, e);
      }
    }
    return tables;
  }

  /** The built-in table type with this name. */
  public static TableDefinition builtIn(String name) {
    TableDefinition table = builtIns().get(name);
    if (table == null) {
      throw new IllegalArgumentException("No built-in table named '" + name + "'");
    }
    return table;
  }

  /** Loads one definition file. */
  public static TableDefinition load(Path file) {
    try {
      return parse(file.toString(), Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read table definition " + file, e);
    }
  }

  /**
   * Loads every {@code *.yaml} and {@code *.yml} file of a folder, sorted by file name.
   *
   * @throws SchemaException when a file is invalid or two files define the same table
   */
  public static Map<String, TableDefinition> loadDirectory(Path folder) {
    Map<String, TableDefinition> tables = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file :
          files
              .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
              .sorted()
              .toList()) {
        TableDefinition table = load(file);
        if (tables.putIfAbsent(table.name(), table) != null) {
          throw new SchemaException(
              "Table definition "
                  + file
                  + " defines table '"
                  + table.name()
                  + "', which another file in "
                  + folder
                  + " defines too. Keep one definition per table.");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list table definitions in " + folder, e);
    }
    return tables;
  }

  /**
   * Parses and validates one definition.
   *
   * @param source where the text comes from, named in error messages
   * @throws SchemaException naming the source, the column and the fix
   */
  public static TableDefinition parse(String source, String yamlText) {
    return parse(source, yamlText, true);
  }

  /**
   * As {@link #parse}, for a definition this code wrote itself ({@link #toJson}, kept in the
   * catalog topic): keys it does not know are skipped, so that a version that reads a record
   * written by a later one (with a key added since) still knows the table type.
   */
  public static TableDefinition parseRecord(String source, String json) {
    return parse(source, json, false);
  }

  private static TableDefinition parse(String source, String yamlText, boolean strict) {
    JsonNode root;
    try {
      root = YAML.readTree(yamlText);
    } catch (JsonProcessingException e) {
      throw SchemaErrors.unreadable(source, e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw SchemaErrors.unreadable(
          source, "expected a mapping with name, primary_key, columns", null);
    }
    if (strict) {
      refuseUnknownKeys(source, root, TABLE_KEYS, "");
    }
    List<TableDefinition.ColumnSpec> columns = new ArrayList<>();
    JsonNode columnNodes = root.path("columns");
    if (!columnNodes.isMissingNode() && !columnNodes.isArray()) {
      throw SchemaErrors.unreadable(source, "'columns' must be a list", null);
    }
    for (JsonNode node : columnNodes) {
      if (!node.isObject()) {
        throw SchemaErrors.unreadable(
            source, "each entry of 'columns' must be a mapping with name and type", null);
      }
      if (strict) {
        refuseUnknownKeys(source, node, COLUMN_KEYS, ": column '" + text(node, "name") + "'");
      }
      columns.add(
          new TableDefinition.ColumnSpec(
              text(node, "name"),
              text(node, "type"),
              node.path("nullable").asBoolean(true),
              text(node, "doc")));
    }
    TableDefinition table =
        TableDefinition.validate(
            source,
            text(root, "name"),
            text(root, "description"),
            columns,
            text(root, "primary_key"),
            strings(root.path("sort_order")),
            strings(root.path("partition_columns")));
    String retention = text(root, "retention");
    if (retention != null) {
      table = table.withRetention(source, parseRetention(source, retention), retention.strip());
    }
    List<String> bloomFilterColumns = strings(root.path("bloom_filter_columns"));
    if (!bloomFilterColumns.isEmpty()) {
      table = table.withBloomFilterColumns(source, bloomFilterColumns);
    }
    return table;
  }

  /** The keys of a definition, in the order a refusal lists them. */
  public static final List<String> TABLE_KEYS =
      List.of(
          "name",
          "description",
          "primary_key",
          "sort_order",
          "partition_columns",
          "retention",
          "bloom_filter_columns",
          "columns");

  /** The keys of a column. */
  public static final List<String> COLUMN_KEYS = List.of("name", "type", "nullable", "doc");

  /** A key the definition does not know is a mistake to name (a typo of retention), not to skip. */
  private static void refuseUnknownKeys(
      String source, JsonNode node, List<String> keys, String where) {
    for (java.util.Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!keys.contains(name)) {
        throw SchemaErrors.unknownKey(source, where, name, keys);
      }
    }
  }

  /**
   * {@code 30d}, {@code 12h}, {@code 90m} as a duration (whole days, hours or minutes).
   *
   * @param source where the text comes from, named in the error
   * @throws SchemaException when {@code text} is not such a duration
   */
  public static java.time.Duration parseRetention(String source, String text) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\\s*(\\d{1,9})\\s*([dhm])\\s*").matcher(text);
    if (!m.matches()) {
      throw SchemaErrors.badRetention(source, text, "it is not a duration");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "d" -> java.time.Duration.ofDays(n);
      case "h" -> java.time.Duration.ofHours(n);
      default -> java.time.Duration.ofMinutes(n);
    };
  }

  /** {@code duration} as {@link #parseRetention} reads it: whole days, hours or minutes. */
  public static String formatRetention(java.time.Duration duration) {
    if (duration.toMinutes() % (24 * 60) == 0) {
      return duration.toDays() + "d";
    } else if (duration.toMinutes() % 60 == 0) {
      return duration.toHours() + "h";
    }
    return duration.toMinutes() + "m";
  }

  /**
   * The definition as a JSON document in the shape of the YAML files; {@link #parse} reads it back
   * to an equal definition.
   */
  public static String toJson(TableDefinition table) {
    var root = YAML.createObjectNode();
    root.put("name", table.name());
    if (!table.description().isEmpty()) {
      root.put("description", table.description());
    }
    root.put("primary_key", table.primaryKey());
    table.sortOrder().forEach(root.putArray("sort_order")::add);
    table.partitionColumns().forEach(root.putArray("partition_columns")::add);
    table.retention().ifPresent(retention -> root.put("retention", formatRetention(retention)));
    if (!table.bloomFilterColumns().isEmpty()) {
      table.bloomFilterColumns().forEach(root.putArray("bloom_filter_columns")::add);
    }
    var columns = root.putArray("columns");
    for (Column column : table.columns()) {
      var node = columns.addObject();
      node.put("name", column.name());
      node.put("type", column.type().typeName());
      node.put("nullable", column.nullable());
      if (!column.doc().isEmpty()) {
        node.put("doc", column.doc());
      }
    }
    return root.toString();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static List<String> strings(JsonNode node) {
    List<String> values = new ArrayList<>();
    if (node.isTextual()) {
      values.add(node.asText());
    }
    for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
      values.add(it.next().asText());
    }
    return values;
  }
}

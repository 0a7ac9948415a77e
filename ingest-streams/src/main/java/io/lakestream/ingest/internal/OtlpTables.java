package io.lakestream.ingest.internal;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.convert.AvroSchemas;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;

/** The configured tables and their Avro row schemas, computed once. */
public final class OtlpTables {
  private final Map<String, TableDefinition> tables;
  private final Map<String, Schema> schemas = new LinkedHashMap<>();

  public OtlpTables(Map<String, TableDefinition> tables) {
    this.tables = tables;
    for (TableDefinition table : tables.values()) {
      schemas.put(table.name(), AvroSchemas.rowSchema(table));
    }
  }

  /** The definition of a table, or null when it is not configured. */
  TableDefinition definition(String table) {
    return tables.get(table);
  }

  /** The row schema of a table, or null when it is not configured. */
  Schema schema(String table) {
    return schemas.get(table);
  }

  /** The configured table names. */
  Iterable<String> names() {
    return tables.keySet();
  }

  /**
   * The row schema of a table the router writes OTLP to.
   *
   * @throws RecordRejectedException {@code unknown_table} when it is not configured
   */
  Schema require(String table, String topic) {
    Schema schema = schemas.get(table);
    if (schema == null) {
      throw IngestErrors.unknownTable(table, topic, tables.keySet());
    }
    return schema;
  }
}

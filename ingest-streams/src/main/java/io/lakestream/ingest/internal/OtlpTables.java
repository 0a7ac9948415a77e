package io.lakestream.ingest.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableLookup;
import io.lakestream.schema.convert.AvroSchemas;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * The tables rows may be routed to, looked up when a record needs them, and their Avro row schemas,
 * computed on first use of each table type. A table created after start is found at once; a dropped
 * one is unknown from then on; a table re-created under the same name with other columns gets a new
 * schema. Thread-safe.
 */
public final class OtlpTables {
  private final TableLookup lookup;
  private final Map<String, DefinedSchema> schemas = new ConcurrentHashMap<>();

  private record DefinedSchema(TableDefinition definition, Schema schema) {}

  public OtlpTables(TableLookup lookup) {
    this.lookup = requireNonNull(lookup, "lookup is null");
  }

  /** The definition of a table, or null when it is not known now. */
  TableDefinition definition(String table) {
    return lookup.table(table).orElse(null);
  }

  /** The row schema of a table, or null when it is not known now. */
  Schema schema(String table) {
    TableDefinition definition = definition(table);
    return definition == null ? null : schema(definition);
  }

  /** The row schema of {@code definition}, computed once per definition. */
  Schema schema(TableDefinition definition) {
    DefinedSchema cached = schemas.get(definition.name());
    if (cached == null
        || (cached.definition != definition && !cached.definition.equals(definition))) {
      cached = new DefinedSchema(definition, AvroSchemas.rowSchema(definition));
      schemas.put(definition.name(), cached);
    }
    return cached.schema;
  }

  /** The names of the tables known now. */
  Iterable<String> names() {
    return lookup.tables().keySet();
  }

  /**
   * The row schema of a table the router writes OTLP to.
   *
   * @throws RecordRejectedException {@code unknown_table} when it is not known now
   */
  Schema require(String table, String topic) {
    Schema schema = schema(table);
    if (schema == null) {
      throw IngestErrors.unknownTable(table, topic, names());
    }
    return schema;
  }
}

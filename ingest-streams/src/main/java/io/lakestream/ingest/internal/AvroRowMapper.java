package io.lakestream.ingest.internal;

import io.lakestream.ingest.SourceRecord;
import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;

/**
 * Avro rows from {@code lakestream.ingest.<table>} → one row of that table. The value is the Avro
 * single-object encoding of the table's row schema. The project is the row's {@code project_id}
 * when not empty, else the record key, else the {@code project_id} header, else the default
 * project; the routed row carries it in {@code project_id}. When the primary key is a timestamp it
 * is range-checked.
 */
public final class AvroRowMapper implements RecordMapper {
  private final OtlpTables tables;
  private final ProjectResolver projects;
  private final TimestampBounds bounds;
  private final Map<String, SchemaDecoder> decoders = new HashMap<>();

  private record SchemaDecoder(Schema schema, BinaryMessageDecoder<GenericRecord> decoder) {}

  public AvroRowMapper(OtlpTables tables, ProjectResolver projects, TimestampBounds bounds) {
    this.tables = tables;
    this.projects = projects;
    this.bounds = bounds;
  }

  @Override
  public String table(String topic) {
    String table = Topics.tableOfIngest(topic);
    return table != null && tables.definition(table) != null ? table : null;
  }

  @Override
  public List<RoutedRow> map(SourceRecord source) {
    String table = Topics.tableOfIngest(source.topic());
    TableDefinition definition = table == null ? null : tables.definition(table);
    if (definition == null) {
      throw IngestErrors.unknownTable(
          table == null ? source.topic() : table, source.topic(), tables.names());
    }
    GenericRecord row = decode(definition, source.value());
    String project =
        projects.forRow(
            (CharSequence) row.get(TableDefinition.PROJECT_COLUMN),
            source.key(),
            source.headers(),
            table);
    Column key = definition.primaryKeyColumn();
    if (key.type() == ColumnType.TIMESTAMP) {
      bounds.check((Long) row.get(key.name()), "The " + table + " row");
    }
    row.put(TableDefinition.PROJECT_COLUMN, project);
    return List.of(new RoutedRow(table, project, row));
  }

  private GenericRecord decode(TableDefinition definition, byte[] value) {
    String table = definition.name();
    Schema schema = tables.schema(definition);
    SchemaDecoder cached = decoders.get(table);
    if (cached == null || cached.schema != schema) {
      // First row of this table type, or the type was re-created with other columns.
      cached = new SchemaDecoder(schema, new BinaryMessageDecoder<>(GenericData.get(), schema));
      decoders.put(table, cached);
    }
    BinaryMessageDecoder<GenericRecord> decoder = cached.decoder;
    String expected = "an Avro single-object encoded " + table + " row";
    try {
      return decoder.decode(value);
    } catch (MissingSchemaException e) {
      throw IngestErrors.otherSchema(table, fingerprint(value), e);
    } catch (BadHeaderException e) {
      throw IngestErrors.undecodable(
          expected, "it does not start with the single-object marker C3 01", e);
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
      throw IngestErrors.undecodable(expected, String.valueOf(e.getMessage()), e);
    }
  }

  private static long fingerprint(byte[] value) {
    return value.length >= 10
        ? ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong()
        : 0L;
  }
}

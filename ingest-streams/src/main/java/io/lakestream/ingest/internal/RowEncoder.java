package io.lakestream.ingest.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * Encodes routed rows in the Avro single-object encoding of their table's row schema. One per
 * processor; not thread-safe.
 */
public final class RowEncoder {
  private final Map<String, SchemaEncoder> encoders = new HashMap<>();
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(4096);

  private record SchemaEncoder(Schema schema, BinaryMessageEncoder<GenericRecord> encoder) {}

  public RowEncoder() {}

  /**
   * The encoded row.
   *
   * @throws RecordRejectedException {@code schema_mismatch} when the row does not fit the schema
   */
  public byte[] encode(RoutedRow row) {
    Schema schema = row.row().getSchema();
    SchemaEncoder cached = encoders.get(row.table());
    if (cached == null || cached.schema != schema) {
      // First row of this table type, or the type was re-created with other columns.
      cached = new SchemaEncoder(schema, new BinaryMessageEncoder<>(GenericData.get(), schema));
      encoders.put(row.table(), cached);
    }
    BinaryMessageEncoder<GenericRecord> encoder = cached.encoder;
    buffer.reset();
    try {
      encoder.encode(row.row(), buffer);
    } catch (IOException | RuntimeException e) {
      throw IngestErrors.rowDoesNotFit(row.table(), String.valueOf(e.getMessage()), e);
    }
    return buffer.toByteArray();
  }
}

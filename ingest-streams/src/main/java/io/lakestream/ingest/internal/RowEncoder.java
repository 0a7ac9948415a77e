package io.lakestream.ingest.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * Encodes routed rows in the Avro single-object encoding of their table's row schema. One per
 * processor; not thread-safe.
 */
public final class RowEncoder {
  private final OtlpTables tables;
  private final Map<String, BinaryMessageEncoder<GenericRecord>> encoders = new HashMap<>();
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(4096);

  public RowEncoder(OtlpTables tables) {
    this.tables = tables;
  }

  /**
   * The encoded row.
   *
   * @throws RecordRejectedException {@code schema_mismatch} when the row does not fit the schema
   */
  public byte[] encode(RoutedRow row) {
    BinaryMessageEncoder<GenericRecord> encoder =
        encoders.computeIfAbsent(
            row.table(), t -> new BinaryMessageEncoder<>(GenericData.get(), tables.schema(t)));
    buffer.reset();
    try {
      encoder.encode(row.row(), buffer);
    } catch (IOException | RuntimeException e) {
      throw IngestErrors.rowDoesNotFit(row.table(), String.valueOf(e.getMessage()), e);
    }
    return buffer.toByteArray();
  }
}

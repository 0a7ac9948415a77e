package io.lakestream.ingest.internal;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * Fills one row of a table by column name. A value for a column the table does not have rejects the
 * record ({@code schema_mismatch}); a null for such a column is ignored.
 */
final class RowBuilder {
  private final String table;
  private final GenericData.Record row;

  RowBuilder(String table, Schema schema) {
    this.table = table;
    this.row = new GenericData.Record(schema);
  }

  RowBuilder set(String column, Object value) {
    Schema.Field field = row.getSchema().getField(column);
    if (field == null) {
      if (value == null) {
        return this;
      }
      throw IngestErrors.rowDoesNotFit(table, "the table has no column '" + column + "'", null);
    }
    row.put(field.pos(), value);
    return this;
  }

  GenericData.Record build() {
    return row;
  }
}

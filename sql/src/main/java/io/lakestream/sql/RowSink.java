package io.lakestream.sql;

import io.lakestream.schema.TableDefinition;
import java.util.List;
import org.apache.avro.generic.GenericRecord;

/** Where INSERTed rows go: the table's ingest topic, through the router, like any producer's. */
public interface RowSink {
  /**
   * Sends the rows and waits until the broker has them.
   *
   * @return the number of rows sent
   */
  int send(TableDefinition table, List<GenericRecord> rows);
}

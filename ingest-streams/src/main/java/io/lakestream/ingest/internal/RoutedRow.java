package io.lakestream.ingest.internal;

import org.apache.avro.generic.GenericRecord;

/**
 * One row made from a source record, for the table's routed topic.
 *
 * @param table the table name
 * @param project the project id, the routed record's key; equal to the row's {@code project_id}
 * @param row the row, in the table's row schema
 */
public record RoutedRow(String table, String project, GenericRecord row) {}

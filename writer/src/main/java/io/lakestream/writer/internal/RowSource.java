package io.lakestream.writer.internal;

import io.lakestream.schema.SourceCoordinates;

/**
 * Where a routed row comes from, as the writer keeps it: the source record's {@link
 * SourceCoordinates} and its partition's Delta txn appId, made once per source partition and shared
 * by its rows.
 *
 * @param coordinates the source record, the row's index in it and the record's row count for the
 *     row's (table, project), as the routed record's headers say
 * @param appId {@code <source topic>-<source partition>}
 * @param replayed whether {@code lakestream replay} wrote the routed row ({@link
 *     io.lakestream.schema.RecordHeaders#REPLAYED})
 */
public record RowSource(SourceCoordinates coordinates, String appId, boolean replayed) {
  /** A row routed by the router (not replayed). */
  public RowSource(SourceCoordinates coordinates, String appId) {
    this(coordinates, appId, false);
  }

  /** The source record's offset. */
  public long offset() {
    return coordinates.offset();
  }

  /** The row's index among its source record's rows, or -1. */
  public int index() {
    return coordinates.index();
  }

  /** How many rows the source record has for the row's table, or -1 when not said. */
  public int count() {
    return coordinates.count();
  }
}

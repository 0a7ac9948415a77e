package io.lakestream.tables;

import static java.util.Objects.requireNonNull;

import io.lakestream.reader.TableId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where the query sidecar learns which tables exist: a listing of the warehouse ({@code
 * internal.WarehouseTableSource}) now, the catalog topic later. Called periodically; each call
 * returns every table that exists at that moment.
 */
@FunctionalInterface
public interface TableSource {
  /**
   * The tables that exist now.
   *
   * @throws RuntimeException when the listing fails; the caller retries at the next interval
   */
  List<TableLocation> discover();

  /**
   * As {@link #discover()}, for a caller that already serves the tables in {@code served}: a table
   * of {@code served} whose folder the source lists is returned without looking into the folder
   * again (on S3 each look is a request), so that a periodic discovery costs the listing and a look
   * into new folders only. The default lists as {@link #discover()} does.
   *
   * @throws RuntimeException when the listing fails; the caller retries at the next interval
   */
  default List<TableLocation> rediscover(Set<TableId> served) {
    return discover();
  }

  /**
   * Where this source would hold {@code id}'s folder, without listing or reading anything: how a
   * table announced on the commit feed is matched to a source. Empty when the source cannot hold
   * the table (e.g. a project it does not know); the table may still not exist there.
   */
  default Optional<TableLocation> locate(TableId id) {
    return Optional.empty();
  }

  /**
   * A table and the Hadoop path of its folder.
   *
   * @param id the project and table type
   * @param location e.g. {@code file:/data/warehouse/projects/acme/events} or {@code
   *     s3a://bucket/prefix/projects/acme/events}
   */
  record TableLocation(TableId id, String location) {
    public TableLocation {
      requireNonNull(id, "id is null");
      requireNonNull(location, "location is null");
    }
  }
}

package io.lakestream.writer.internal;

import io.lakestream.schema.SourceCoordinates;
import io.lakestream.writer.internal.DeltaTables.SourceRange;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * A table's txn watermarks, kept per source partition and the routed partition its rows came
 * through.
 *
 * <p>A project's rows of one source partition normally take one routed partition, so "the highest
 * source offset in the table" says which of them are written. After partitions are added to a
 * routed topic, a project's newer rows may take another routed partition than its older, unread
 * ones, and two writers then hold rows of one table from one source partition: had the one with the
 * newer rows committed first with a watermark per source partition only, the other would have
 * dropped the older rows as written. So each commit writes a {@code txn} per route, {@code <source
 * topic>-<partition>@<routed partition>} → the highest source offset written through it, and a row
 * is written when its own route's watermark covers it:
 *
 * <ul>
 *   <li>the route's watermark, when the table has one;
 *   <li>else, when the table has a watermark of another route of the same source partition, none
 *       (nothing of the source partition came through this route);
 *   <li>else the source partition's own watermark (a table written before routes were kept).
 * </ul>
 *
 * <p>Each commit also moves the source partition's own {@code txn} to the highest offset written
 * through any route, so readers that know only source partitions (the live tail, the commit feed's
 * consumers, writers of an earlier version) see what they saw before.
 */
public final class Watermarks {
  private Watermarks() {}

  /** The txn appId of a source partition's rows that came through {@code routedPartition}. */
  public static String route(String sourceAppId, int routedPartition) {
    return SourceCoordinates.routeAppId(sourceAppId, routedPartition);
  }

  /**
   * The offset up to which rows of {@code appId} (a route) are in a table whose txn versions are
   * {@code txns}: the rule in the class comment. -1 when none are.
   */
  public static long written(Map<String, Long> txns, String appId) {
    Long own = txns.get(appId);
    if (own != null || !SourceCoordinates.isRouteAppId(appId)) {
      return own == null ? -1 : own;
    }
    String source = SourceCoordinates.sourceAppIdOf(appId);
    for (String other : txns.keySet()) {
      if (SourceCoordinates.isRouteAppId(other)
          && SourceCoordinates.sourceAppIdOf(other).equals(source)) {
        return -1;
      }
    }
    return txns.getOrDefault(source, -1L);
  }

  /**
   * The txn versions a commit of {@code sources} (keyed by route) writes: each route's last offset,
   * and each source partition's own watermark moved to the highest of {@code current} (its version
   * in the table) and its routes' last offsets.
   */
  public static Map<String, Long> toWrite(
      Map<String, SourceRange> sources, ToLongFunction<String> current) {
    Map<String, Long> txns = new LinkedHashMap<>();
    Map<String, Long> ofSources = new LinkedHashMap<>();
    sources.forEach(
        (appId, range) -> {
          txns.put(appId, range.last());
          if (SourceCoordinates.isRouteAppId(appId)) {
            ofSources.merge(SourceCoordinates.sourceAppIdOf(appId), range.last(), Math::max);
          }
        });
    ofSources.forEach(
        (source, last) -> txns.put(source, Math.max(last, current.applyAsLong(source))));
    return txns;
  }

  /** Per source partition, the highest of its routes' watermarks in {@code byRoute}. */
  public static Map<String, Long> ofSources(Map<String, Long> byRoute) {
    Map<String, Long> sources = new java.util.TreeMap<>();
    byRoute.forEach(
        (appId, offset) -> {
          if (offset >= 0) {
            sources.merge(SourceCoordinates.sourceAppIdOf(appId), offset, Math::max);
          }
        });
    return sources;
  }
}

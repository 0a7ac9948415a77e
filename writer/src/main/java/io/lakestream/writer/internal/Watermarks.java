package io.lakestream.writer.internal;

import io.lakestream.schema.SourceCoordinates;
import io.lakestream.writer.internal.DeltaTables.SourceRange;
import java.util.LinkedHashMap;
import java.util.Map;

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
 *   <li>else, in a table written before routes were kept, the source partition's baseline: its own
 *       watermark when the first route's was written ({@code <topic>-<partition>@base});
 *   <li>else, when the table has a watermark of another route of the same source partition, none
 *       (nothing of the source partition came through this route);
 *   <li>else the source partition's own watermark (a table written before routes were kept, no
 *       route's written yet).
 * </ul>
 *
 * <p>Each commit also moves the source partition's own {@code txn} to the highest offset written
 * through any route, so readers that know only source partitions (the live tail, the commit feed's
 * consumers, writers of an earlier version) see what they saw before.
 */
public final class Watermarks {
  private Watermarks() {}

  // Source partitions and routed partitions are few: each route's appId is made once, not per row.
  private static final Map<String, String[]> ROUTE_IDS =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final int MAX_CACHED_SOURCES = 10_000;
  private static final int MAX_CACHED_PARTITION = 4_096;

  /** The txn appId of a source partition's rows that came through {@code routedPartition}. */
  public static String route(String sourceAppId, int routedPartition) {
    String[] known = ROUTE_IDS.get(sourceAppId);
    if (known != null && routedPartition < known.length && known[routedPartition] != null) {
      return known[routedPartition];
    }
    String id = SourceCoordinates.routeAppId(sourceAppId, routedPartition);
    if (routedPartition < MAX_CACHED_PARTITION && ROUTE_IDS.size() < MAX_CACHED_SOURCES) {
      ROUTE_IDS.compute(
          sourceAppId,
          (source, ids) -> {
            String[] grown =
                ids != null && ids.length > routedPartition
                    ? ids
                    : java.util.Arrays.copyOf(
                        ids == null ? new String[0] : ids, routedPartition + 1);
            grown[routedPartition] = id;
            return grown;
          });
    }
    return id;
  }

  /**
   * The appId of a source partition's baseline: its own watermark when the first route's was
   * written, in a table written before routes were kept.
   */
  static String baseline(String sourceAppId) {
    return sourceAppId + "@base";
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
    Long baseline = txns.get(baseline(source));
    if (baseline != null) {
      return baseline;
    }
    return hasRoutes(txns, source) ? -1 : txns.getOrDefault(source, -1L);
  }

  private static boolean hasRoutes(Map<String, Long> txns, String source) {
    for (String other : txns.keySet()) {
      if (SourceCoordinates.isRouteAppId(other)
          && SourceCoordinates.sourceAppIdOf(other).equals(source)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The txn versions a commit of {@code sources} (keyed by route) writes on top of a table whose
   * txn versions are {@code table}: each route's last offset; each source partition's own watermark
   * moved to the highest of its version in the table and its routes' last offsets; and, for a
   * source partition the table has a watermark of but no route's yet (written before routes were
   * kept), its baseline: that watermark, kept as what every route without a watermark of its own
   * holds, so that rows the earlier writer wrote are not written again through any route.
   */
  public static Map<String, Long> toWrite(
      Map<String, SourceRange> sources, Map<String, Long> table) {
    Map<String, Long> txns = new LinkedHashMap<>();
    Map<String, Long> ofSources = new LinkedHashMap<>();
    // Sources with a route the table has a txn of: no baseline, and no scan of the table's txns.
    java.util.Set<String> routed = new java.util.HashSet<>();
    sources.forEach(
        (appId, range) -> {
          txns.put(appId, range.last());
          if (SourceCoordinates.isRouteAppId(appId)) {
            String source = SourceCoordinates.sourceAppIdOf(appId);
            ofSources.merge(source, range.last(), Math::max);
            if (table.containsKey(appId)) {
              routed.add(source);
            }
          }
        });
    ofSources.forEach(
        (source, last) -> {
          Long current = table.get(source);
          if (current != null
              && current >= 0
              && !routed.contains(source)
              && !hasRoutes(table, source)) {
            txns.put(baseline(source), current);
          }
          txns.put(source, Math.max(last, current == null ? -1 : current));
        });
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

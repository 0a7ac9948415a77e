package io.lakestream.writer.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * The older completeness rule, for rows routed without a row count ({@code
 * lakestream.source.count}): a row's source record is complete when a later record of the same
 * source partition was read from the same routed partition, or when the routed partition was read
 * to its end at the last poll (sealed).
 *
 * <p>Not thread-safe: the poll thread owns it.
 */
public final class SourcePositions {
  private final Map<TopicPartition, Map<String, Long>> latestSource = new HashMap<>();
  private final Set<TopicPartition> sealed = new HashSet<>();

  /** Notes that a row of {@code source} was read from {@code partition}. */
  public void read(TopicPartition partition, RowSource source) {
    latestSource
        .computeIfAbsent(partition, p -> new HashMap<>())
        .merge(source.appId(), source.offset(), Math::max);
  }

  /** The routed partitions read to their end at the last poll, instead of the previous ones. */
  public void sealed(Collection<TopicPartition> partitions) {
    sealed.clear();
    sealed.addAll(partitions);
  }

  /** Whether no more rows of this row's source record can arrive, by the older rule. */
  public boolean isComplete(BufferedRow row) {
    if (sealed.contains(row.partition())) {
      return true;
    }
    Map<String, Long> latest = latestSource.get(row.partition());
    Long newest = latest == null ? null : latest.get(row.appId());
    return newest != null && newest > row.sourceOffset();
  }

  /** Forgets partitions that were revoked or lost. */
  public void forget(Collection<TopicPartition> partitions) {
    partitions.forEach(
        partition -> {
          latestSource.remove(partition);
          sealed.remove(partition);
        });
  }
}

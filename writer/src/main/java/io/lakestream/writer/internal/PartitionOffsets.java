package io.lakestream.writer.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Per routed partition: where reading started, what was last committed, and which offset may be
 * committed now.
 *
 * <p>The rule (exactly once): a partition's offset may move to its position only as far as the
 * first row still buffered from it in any table, in flight or not. Every row before that offset is
 * in its Delta table (its commit succeeded) or in the DLQ. A slow or failing table's flush thus
 * holds back the offsets of its own rows only, and a finished flush of another table moves the
 * offset up to them and no further.
 *
 * <p>Not thread-safe: the poll thread owns it.
 */
public final class PartitionOffsets {
  private final Map<TopicPartition, Long> firstSeen = new HashMap<>();
  private final Map<TopicPartition, Long> committed = new HashMap<>();

  /** Notes that a record at {@code offset} of {@code partition} was read. */
  public void read(TopicPartition partition, long offset) {
    firstSeen.putIfAbsent(partition, offset);
  }

  /**
   * The offsets to commit now: for each partition read since assignment, the lower of its position
   * and its first buffered row, when that differs from what was last committed (and, before any
   * commit, when it is past where reading started).
   *
   * @param position the consumer's position of a partition
   * @param firstBuffered the first buffered row's offset of a partition, if any
   */
  public Map<TopicPartition, OffsetAndMetadata> toCommit(
      Collection<TopicPartition> partitions,
      ToLongFunction<TopicPartition> position,
      Function<TopicPartition, OptionalLong> firstBuffered) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : partitions) {
      Long started = firstSeen.get(partition);
      if (started == null) {
        continue; // nothing read since assignment: nothing to say
      }
      long offset = position.applyAsLong(partition);
      OptionalLong first = firstBuffered.apply(partition);
      if (first.isPresent()) {
        offset = Math.min(offset, first.getAsLong());
      }
      Long last = committed.get(partition);
      if (last == null ? offset > started : last != offset) {
        offsets.put(partition, new OffsetAndMetadata(offset));
      }
    }
    return offsets;
  }

  /** Records that these offsets were committed. */
  public void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
  }

  /** The offset last committed for {@code partition} by this writer, if any. */
  public OptionalLong lastCommitted(TopicPartition partition) {
    Long offset = committed.get(partition);
    return offset == null ? OptionalLong.empty() : OptionalLong.of(offset);
  }

  /** Forgets partitions that were revoked or lost. */
  public void forget(Collection<TopicPartition> partitions) {
    partitions.forEach(
        partition -> {
          firstSeen.remove(partition);
          committed.remove(partition);
        });
  }
}

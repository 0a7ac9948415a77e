package io.lakestream.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionOffsetsTest {
  private static final TopicPartition P0 = new TopicPartition("lakestream.rows.events", 0);
  private static final TopicPartition P1 = new TopicPartition("lakestream.rows.events", 1);

  @Test
  void commitsUpToTheFirstBufferedRowNotThePosition() {
    PartitionOffsets offsets = new PartitionOffsets();
    offsets.read(P0, 10);

    Map<TopicPartition, OffsetAndMetadata> toCommit =
        offsets.toCommit(List.of(P0), p -> 30, p -> OptionalLong.of(17));

    assertThat(toCommit).containsExactly(Map.entry(P0, new OffsetAndMetadata(17)));
  }

  @Test
  void commitsThePositionWhenNothingIsBuffered() {
    PartitionOffsets offsets = new PartitionOffsets();
    offsets.read(P0, 10);

    assertThat(offsets.toCommit(List.of(P0), p -> 30, p -> OptionalLong.empty()))
        .containsExactly(Map.entry(P0, new OffsetAndMetadata(30)));
  }

  @Test
  void saysNothingOfPartitionsNotReadOrNotMovedSinceTheLastCommit() {
    PartitionOffsets offsets = new PartitionOffsets();
    offsets.read(P0, 10);

    assertThat(offsets.toCommit(List.of(P0, P1), p -> 10, p -> OptionalLong.of(10)))
        .as("nothing past where reading started")
        .isEmpty();

    Map<TopicPartition, OffsetAndMetadata> first =
        offsets.toCommit(List.of(P0), p -> 20, p -> OptionalLong.empty());
    offsets.committed(first);

    assertThat(offsets.lastCommitted(P0)).hasValue(20);
    assertThat(offsets.toCommit(List.of(P0), p -> 20, p -> OptionalLong.empty())).isEmpty();
  }

  @Test
  void aForgottenPartitionStartsAfresh() {
    PartitionOffsets offsets = new PartitionOffsets();
    offsets.read(P0, 10);
    offsets.committed(Map.of(P0, new OffsetAndMetadata(20)));

    offsets.forget(List.of(P0));

    assertThat(offsets.lastCommitted(P0)).isEmpty();
    assertThat(offsets.toCommit(List.of(P0), p -> 25, p -> OptionalLong.empty())).isEmpty();
  }
}

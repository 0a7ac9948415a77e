package io.lakestream.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * The batches a range is read in, read ahead, as the engine gets them: every row once and in order,
 * small batches joined into batches of at least {@link LoadStream#MIN_BATCH_ROWS} rows (the last
 * few rows with the batch before them), and a large range in more than one batch, so that the
 * engine's threads can share its scan.
 */
class LoadStreamTest {
  private static final Schema SCHEMA =
      new Schema(List.of(new Field("n", FieldType.nullable(new ArrowType.Int(64, true)), null)));

  @Test
  void batchesReadAheadAreJoinedToAtLeastTheEnginesShareAndEveryRowComesOnce() throws IOException {
    int min = LoadStream.MIN_BATCH_ROWS; // 32,768
    // a file's chunks (the first and last trimmed to the range), then a second file's
    assertThat(handedOver(List.of(60_000, 65_536, 65_536, 7_817, 20_000, 1_000)))
        .containsExactly(60_000, 65_536, 65_536 + 7_817 + 20_000 + 1_000);
    // many small batches (a live tail's, a short file's): joined to the engine's share each
    List<Integer> small = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      small.add(1_000);
    }
    assertThat(min).isEqualTo(32_768);
    assertThat(handedOver(small)).containsExactly(33_000, 33_000, 34_000);
    // fewer rows than a share: one batch; one batch: as it came
    assertThat(handedOver(List.of(10, 20, 30))).containsExactly(60);
    assertThat(handedOver(List.of(70_000))).containsExactly(70_000);
  }

  /**
   * The row counts of the batches the engine gets for a scan of these batches, its rows checked.
   */
  private static List<Integer> handedOver(List<Integer> sizes) throws IOException {
    List<Integer> counts = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator()) {
      try (LoadStream stream =
          new LoadStream(allocator, SCHEMA, () -> Optional.of(scan(allocator, sizes)), n -> {})) {
        assertThat(stream.readAhead(Long.MAX_VALUE)).isTrue();
        long next = 0;
        while (stream.loadNextBatch()) {
          VectorSchemaRoot root = stream.getVectorSchemaRoot();
          BigIntVector n = (BigIntVector) root.getVector(0);
          for (int i = 0; i < root.getRowCount(); i++) {
            assertThat(n.get(i)).isEqualTo(next++);
          }
          counts.add(root.getRowCount());
        }
        assertThat(next).isEqualTo(sizes.stream().mapToLong(Integer::longValue).sum());
      }
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
    return counts;
  }

  /** Batches of these sizes holding 0, 1, 2, … in order. */
  private static ArrowReader scan(BufferAllocator allocator, List<Integer> sizes) {
    return new ArrowReader(allocator) {
      private int batch;
      private long next;

      @Override
      public boolean loadNextBatch() throws IOException {
        if (batch == sizes.size()) {
          return false;
        }
        int rows = sizes.get(batch++);
        VectorSchemaRoot root = getVectorSchemaRoot();
        BigIntVector n = (BigIntVector) root.getVector(0);
        n.clear();
        n.allocateNew(rows);
        for (int i = 0; i < rows; i++) {
          n.set(i, next++);
        }
        n.setValueCount(rows);
        root.setRowCount(rows);
        return true;
      }

      @Override
      public long bytesRead() {
        return 0;
      }

      @Override
      protected void closeReadSource() {}

      @Override
      protected Schema readSchema() {
        return SCHEMA;
      }
    };
  }
}

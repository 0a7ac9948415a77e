package io.lakestream.sql.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.VectorBatchAppender;

/**
 * The batches of a scan of a table as the Arrow stream the engine reads: each batch's buffers are
 * handed over (no copy) to this reader's vectors.
 *
 * <p>The engine pulls the batches from its own threads, through the C data interface, and would
 * report a failure there in its own words: so a failure of a scan (or of {@code rows}, which counts
 * them and may refuse more) ends the stream instead, and {@link #failure()} gives it to the caller
 * once the engine is done.
 *
 * <p>The batches can also be read ahead, before the engine is given the stream ({@link
 * #readAhead}): then a failure is known before the engine starts, and the engine reads the batches
 * from memory.
 */
final class LoadStream extends ArrowReader {
  private final Schema schema;
  private Supplier<Optional<ArrowReader>> scan;
  private final LongConsumer rows;
  private final java.util.ArrayDeque<VectorSchemaRoot> ahead = new java.util.ArrayDeque<>();
  private ArrowReader current;
  private RuntimeException failure;

  /**
   * @param schema the batches' schema
   * @param scan opens the scan at the first batch wanted (empty: no rows)
   * @param rows told the rows of each batch before it is handed over; what it throws ends the
   *     stream
   */
  LoadStream(
      BufferAllocator allocator,
      Schema schema,
      Supplier<Optional<ArrowReader>> scan,
      LongConsumer rows) {
    super(allocator);
    this.schema = schema;
    this.scan = scan;
    this.rows = rows;
  }

  /** What ended the stream early, if anything. */
  Optional<RuntimeException> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * Reads batches ahead until the scan ends or the batches read hold more than {@code maxBytes}:
   * the engine is then given those first (each handed over without a copy), then the rest.
   *
   * @return true when every batch was read (or a failure ended the stream: see {@link #failure()})
   */
  boolean readAhead(long maxBytes) {
    long bytes = 0;
    while (bytes <= maxBytes) {
      if (!loadFromScan()) {
        coalesceAhead();
        return true;
      }
      VectorSchemaRoot batch = VectorSchemaRoot.create(schema, allocator);
      transfer(root(), batch);
      ahead.addLast(batch);
      for (FieldVector vector : batch.getFieldVectors()) {
        bytes += vector.getBufferSize();
      }
    }
    return false;
  }

  /**
   * The fewest rows in a batch handed to the engine, when there are more: its threads each take
   * whole batches of a stream (one batch is one thread's work), and work in vectors of 2,048 rows,
   * which a small batch (a file's last rows in the range) would fill only in part.
   */
  static final int MIN_BATCH_ROWS = 16 * 2_048;

  /**
   * Joins consecutive batches read ahead until each holds at least {@link #MIN_BATCH_ROWS} rows
   * (the last may hold fewer): batches big enough to fill the engine's vectors, and more than one
   * for a large range, so that the engine's threads share the scan.
   */
  private void coalesceAhead() {
    if (ahead.size() < 2 || failure != null) {
      return;
    }
    java.util.ArrayDeque<VectorSchemaRoot> joined = new java.util.ArrayDeque<>();
    List<VectorSchemaRoot> group = new ArrayList<>();
    int rows = 0;
    for (VectorSchemaRoot batch : ahead) {
      group.add(batch);
      rows += batch.getRowCount();
      if (rows >= MIN_BATCH_ROWS) {
        joined.addLast(join(group, rows));
        group.clear();
        rows = 0;
      }
    }
    if (!group.isEmpty()) {
      if (joined.isEmpty() || rows >= MIN_BATCH_ROWS) {
        joined.addLast(join(group, rows));
      } else {
        // the last few rows go with the batch before them
        VectorSchemaRoot last = joined.pollLast();
        group.add(0, last);
        joined.addLast(join(group, rows + last.getRowCount()));
      }
    }
    ahead.clear();
    ahead.addAll(joined);
  }

  /** The batches as one (the first, with the others' rows appended; the others closed). */
  private VectorSchemaRoot join(List<VectorSchemaRoot> batches, int rows) {
    VectorSchemaRoot first = batches.get(0);
    if (batches.size() == 1) {
      return first;
    }
    for (int i = 0; i < schema.getFields().size(); i++) {
      ValueVector[] others = new ValueVector[batches.size() - 1];
      for (int b = 1; b < batches.size(); b++) {
        others[b - 1] = batches.get(b).getVector(i);
      }
      VectorBatchAppender.batchAppend(first.getVector(i), others);
    }
    first.setRowCount(rows);
    for (int b = 1; b < batches.size(); b++) {
      batches.get(b).close();
    }
    return first;
  }

  @Override
  public boolean loadNextBatch() {
    VectorSchemaRoot batch = ahead.pollFirst();
    if (batch != null) {
      transfer(batch, root());
      batch.close();
      return true;
    }
    return loadFromScan();
  }

  /** This reader's batch (its schema is known: reading it reads nothing). */
  private VectorSchemaRoot root() {
    try {
      return getVectorSchemaRoot();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void transfer(VectorSchemaRoot from, VectorSchemaRoot to) {
    for (int i = 0; i < schema.getFields().size(); i++) {
      from.getVector(i).makeTransferPair(to.getVector(i)).transfer();
    }
    to.setRowCount(from.getRowCount());
  }

  private boolean loadFromScan() {
    if (failure != null) {
      return false;
    }
    try {
      while (true) {
        if (current == null) {
          if (scan == null) {
            return false;
          }
          current = scan.get().orElse(null);
          scan = null;
          continue;
        }
        if (!current.loadNextBatch()) {
          current.close();
          current = null;
          continue;
        }
        VectorSchemaRoot from = current.getVectorSchemaRoot();
        int count = from.getRowCount();
        if (count == 0) {
          continue;
        }
        rows.accept(count);
        transfer(from, getVectorSchemaRoot());
        return true;
      }
    } catch (RuntimeException e) {
      failure = e;
    } catch (IOException e) {
      failure = new java.io.UncheckedIOException(e);
    }
    closeCurrent();
    return false;
  }

  private void closeCurrent() {
    if (current != null) {
      try {
        current.close();
      } catch (IOException | RuntimeException e) {
        if (failure == null) {
          failure =
              e instanceof RuntimeException r
                  ? r
                  : new java.io.UncheckedIOException((IOException) e);
        }
      }
      current = null;
    }
  }

  @Override
  public long bytesRead() {
    return 0;
  }

  @Override
  protected void closeReadSource() {
    closeCurrent();
    ahead.forEach(VectorSchemaRoot::close);
    ahead.clear();
  }

  @Override
  protected Schema readSchema() {
    return schema;
  }
}

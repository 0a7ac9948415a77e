package io.lakestream.reader.internal;

import io.lakestream.reader.ByteSlice;
import io.lakestream.reader.RowWriter;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.convert.ArrowSchemas;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;

/**
 * Arrow IPC stream: the schema of the requested columns ({@link ArrowSchemas}), then record batches
 * of up to {@value #BATCH_ROWS} rows, each written and flushed when full.
 */
public final class ArrowRowWriter implements RowWriter {
  /** Rows per record batch. */
  static final int BATCH_ROWS = 4_096;

  private final ColumnType[] types;
  private final BufferAllocator allocator;
  private final VectorSchemaRoot root;
  private final ArrowStreamWriter writer;
  private final FieldVector[] vectors;
  private int rows;
  private boolean closed;

  public ArrowRowWriter(
      TableDefinition table, List<String> columns, OutputStream out, BufferAllocator parent) {
    this.types = new ColumnType[columns.size()];
    for (int i = 0; i < types.length; i++) {
      types[i] = table.column(columns.get(i)).orElseThrow().type();
    }
    this.allocator = parent.newChildAllocator("arrow-response", 0, Long.MAX_VALUE);
    this.root = VectorSchemaRoot.create(ArrowSchemas.schema(table, columns), allocator);
    this.vectors = root.getFieldVectors().toArray(new FieldVector[0]);
    this.writer = new ArrowStreamWriter(root, null, Channels.newChannel(out));
  }

  @Override
  public void begin() throws IOException {
    writer.start();
    root.allocateNew();
  }

  @Override
  public void accept(Object[] row) throws IOException {
    for (int i = 0; i < types.length; i++) {
      set(vectors[i], types[i], rows, row[i]);
    }
    rows++;
    if (rows == BATCH_ROWS) {
      flushBatch();
    }
  }

  private void flushBatch() throws IOException {
    root.setRowCount(rows);
    writer.writeBatch();
    rows = 0;
    root.allocateNew();
  }

  @Override
  public void end() throws IOException {
    if (rows > 0) {
      flushBatch();
    }
    writer.end();
    close();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      root.close();
      allocator.close();
    }
  }

  private static void set(FieldVector vector, ColumnType type, int index, Object value) {
    if (value == null) {
      vector.setNull(index);
      return;
    }
    switch (type) {
      case BOOLEAN -> ((BitVector) vector).setSafe(index, (Boolean) value ? 1 : 0);
      case INT -> ((IntVector) vector).setSafe(index, (Integer) value);
      case LONG -> ((BigIntVector) vector).setSafe(index, (Long) value);
      case FLOAT -> ((Float4Vector) vector).setSafe(index, (Float) value);
      case DOUBLE -> ((Float8Vector) vector).setSafe(index, (Double) value);
      case STRING, JSON -> {
        ByteSlice slice = (ByteSlice) value;
        ((VarCharVector) vector).setSafe(index, slice.array(), slice.offset(), slice.length());
      }
      case BYTES -> {
        ByteSlice slice = (ByteSlice) value;
        ((VarBinaryVector) vector).setSafe(index, slice.array(), slice.offset(), slice.length());
      }
      case TIMESTAMP -> ((TimeStampMicroTZVector) vector).setSafe(index, (Long) value);
      case DATE -> ((DateDayVector) vector).setSafe(index, (Integer) value);
      case ARRAY_LONG, ARRAY_DOUBLE, ARRAY_STRING -> {
        ListVector list = (ListVector) vector;
        ColumnType element = type.elementType().orElseThrow();
        List<?> items = (List<?>) value;
        int start = list.startNewValue(index);
        FieldVector data = (FieldVector) list.getDataVector();
        for (int j = 0; j < items.size(); j++) {
          set(data, element, start + j, items.get(j));
        }
        list.endValue(index, items.size());
      }
    }
  }
}

package io.lakestream.sql.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.Column;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
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
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;

/**
 * Loads rows into one of the engine's temporary tables in Arrow batches: the values are written
 * column by column into Arrow vectors, and each full batch goes to DuckDB through the Arrow C data
 * interface ({@code registerArrowStream}) and one {@code INSERT … SELECT}, a vectorised copy,
 * instead of a call per value through the appender. Memory is bounded by one batch.
 *
 * <p>Values are as {@link io.lakestream.sql.TableScan} gives them, in the order of the columns. Not
 * thread-safe; {@link #close()} sends the last batch and frees the vectors.
 */
final class ArrowRowLoader implements AutoCloseable {
  /**
   * Rows per batch: large enough that the per-batch statement is noise, small enough for memory.
   */
  static final int BATCH_ROWS = 32_768;

  /** The rows a batch's vectors hold before they first grow. */
  private static final int FIRST_CAPACITY = 1024;

  private final int batchRows;
  private final boolean inPlace;

  private final DuckDBConnection connection;
  private final String table;
  private final String streamName;
  private final List<Column> columns;
  private final BufferAllocator allocator;
  private final Schema schema;
  private BatchReader reader;
  private FieldVector[] vectors;
  private int rows;

  /**
   * A loader into {@code table} (a temporary table whose columns are {@code columns}, in order).
   *
   * @param allocator the allocator of the batches; the loader takes a child of it
   */
  ArrowRowLoader(
      DuckDBConnection connection, String table, List<Column> columns, BufferAllocator allocator) {
    this(connection, table, columns, allocator, BATCH_ROWS, false);
  }

  /**
   * A loader that sends one batch of at most {@code batchRows} rows as a view named {@code table}
   * over the Arrow batch itself (no copy into a table; the view can be scanned once), when {@code
   * inPlace}; otherwise as above.
   */
  ArrowRowLoader(
      DuckDBConnection connection,
      String table,
      List<Column> columns,
      BufferAllocator allocator,
      int batchRows,
      boolean inPlace) {
    this.batchRows = batchRows;
    this.inPlace = inPlace;
    this.connection = requireNonNull(connection, "connection is null");
    this.table = requireNonNull(table, "table is null");
    this.streamName = table + "__arrow";
    this.columns = List.copyOf(columns);
    this.allocator = allocator.newChildAllocator("load " + table, 0, Long.MAX_VALUE);
    List<Field> fields = new ArrayList<>(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      fields.add(field("c" + i, columns.get(i)));
    }
    this.schema = new Schema(fields);
  }

  /** Adds one row; sends a batch to the engine when it is full. */
  void append(Object[] values) throws SQLException {
    if (reader == null) {
      startBatch();
    }
    for (int i = 0; i < vectors.length; i++) {
      set(vectors[i], columns.get(i), rows, values[i]);
    }
    if (++rows == batchRows && !inPlace) {
      sendBatch();
    }
  }

  /** Sends the rows not yet sent and frees the vectors. */
  @Override
  public void close() throws SQLException {
    try {
      if (reader != null && rows > 0) {
        sendBatch();
      }
    } finally {
      if (reader != null) {
        try {
          reader.close();
        } catch (java.io.IOException e) {
          // in memory: closing frees buffers only
        }
        reader = null;
      }
      if (!inPlace) {
        allocator.close();
      }
    }
  }

  /** Frees the batches of a loader in place, once its view is dropped. */
  void free() {
    allocator.close();
  }

  private void startBatch() {
    reader = new BatchReader(allocator, schema);
    VectorSchemaRoot root;
    try {
      root = reader.getVectorSchemaRoot();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("an in-memory Arrow batch did not start", e);
    }
    vectors = root.getFieldVectors().toArray(new FieldVector[0]);
    for (FieldVector vector : vectors) {
      // Small first: a lookup reads a few rows of many columns; setSafe grows the vectors.
      vector.setInitialCapacity(Math.min(batchRows, FIRST_CAPACITY));
      vector.allocateNew();
    }
    rows = 0;
  }

  private void sendBatch() throws SQLException {
    BatchReader batch = reader;
    reader = null;
    for (FieldVector vector : vectors) {
      vector.setValueCount(rows);
    }
    batch.getVectorSchemaRootUnchecked().setRowCount(rows);
    rows = 0;
    try (ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
      // The stream owns the reader from here: the engine's release of the stream closes it.
      Data.exportArrayStream(allocator, batch, stream);
      if (inPlace) {
        connection.registerArrowStream(table, stream);
        return;
      }
      connection.registerArrowStream(streamName, stream);
      try (Statement s = connection.createStatement()) {
        s.execute("INSERT INTO " + quote(table) + " SELECT * FROM " + quote(streamName));
        s.execute("DROP VIEW " + quote(streamName));
      }
    }
  }

  private static void set(FieldVector vector, Column column, int row, Object v) {
    if (v == null) {
      vector.setNull(row);
      return;
    }
    switch (column.type()) {
      case BOOLEAN -> ((BitVector) vector).setSafe(row, (Boolean) v ? 1 : 0);
      case INT -> ((IntVector) vector).setSafe(row, ((Number) v).intValue());
      case LONG -> ((BigIntVector) vector).setSafe(row, ((Number) v).longValue());
      case FLOAT -> ((Float4Vector) vector).setSafe(row, ((Number) v).floatValue());
      case DOUBLE -> ((Float8Vector) vector).setSafe(row, ((Number) v).doubleValue());
      case TIMESTAMP -> ((TimeStampMicroTZVector) vector).setSafe(row, ((Number) v).longValue());
      case DATE -> ((DateDayVector) vector).setSafe(row, ((Number) v).intValue());
      case BYTES -> ((VarBinaryVector) vector).setSafe(row, (byte[]) v);
      case ARRAY_LONG, ARRAY_DOUBLE, ARRAY_STRING -> setList((ListVector) vector, row, v);
      default ->
          ((VarCharVector) vector).setSafe(row, v.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void setList(ListVector vector, int row, Object v) {
    Collection<?> elements = (Collection<?>) v;
    int start = vector.startNewValue(row);
    FieldVector data = vector.getDataVector();
    int i = start;
    for (Object element : elements) {
      if (element == null) {
        data.setNull(i);
      } else if (data instanceof BigIntVector longs) {
        longs.setSafe(i, ((Number) element).longValue());
      } else if (data instanceof Float8Vector doubles) {
        doubles.setSafe(i, ((Number) element).doubleValue());
      } else {
        ((VarCharVector) data).setSafe(i, element.toString().getBytes(StandardCharsets.UTF_8));
      }
      i++;
    }
    vector.endValue(row, elements.size());
  }

  private static Field field(String name, Column column) {
    ArrowType element =
        switch (column.type()) {
          case ARRAY_LONG -> new ArrowType.Int(64, true);
          case ARRAY_DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
          case ARRAY_STRING -> ArrowType.Utf8.INSTANCE;
          default -> null;
        };
    if (element != null) {
      return new Field(
          name,
          FieldType.nullable(ArrowType.List.INSTANCE),
          List.of(new Field("element", FieldType.nullable(element), null)));
    }
    ArrowType type =
        switch (column.type()) {
          case BOOLEAN -> ArrowType.Bool.INSTANCE;
          case INT -> new ArrowType.Int(32, true);
          case LONG -> new ArrowType.Int(64, true);
          case FLOAT -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
          case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
          case TIMESTAMP -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
          case DATE -> new ArrowType.Date(DateUnit.DAY);
          case BYTES -> ArrowType.Binary.INSTANCE;
          default -> ArrowType.Utf8.INSTANCE;
        };
    return new Field(name, FieldType.nullable(type), null);
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  /** One batch, filled in place by the loader, then read once by the engine. */
  private static final class BatchReader extends ArrowReader {
    private final Schema schema;
    private boolean sent;

    BatchReader(BufferAllocator allocator, Schema schema) {
      super(allocator);
      this.schema = schema;
    }

    VectorSchemaRoot getVectorSchemaRootUnchecked() {
      try {
        return getVectorSchemaRoot();
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public boolean loadNextBatch() {
      if (sent) {
        getVectorSchemaRootUnchecked().setRowCount(0);
        return false;
      }
      sent = true;
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
      return schema;
    }
  }
}

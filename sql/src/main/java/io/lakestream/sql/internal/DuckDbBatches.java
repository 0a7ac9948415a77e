package io.lakestream.sql.internal;

import io.lakestream.sql.ResultBatches;
import io.lakestream.sql.ResultColumn;
import io.lakestream.sql.SqlErrors;
import io.lakestream.sql.StatementCancel;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.duckdb.DuckDBResultSet;

/**
 * A DuckDB result read as Arrow batches through the Arrow C stream interface ({@code
 * DuckDBResultSet.arrowExportStream}): the engine produces each batch when it is asked for, so a
 * batch is fetched while the statement still runs. The batches' memory comes from an allocator of
 * their own, closed with them: one batch at a time, of at most the rows asked for.
 */
final class DuckDbBatches implements ResultBatches {
  private final BufferAllocator allocator;
  private final ArrowReader reader;
  private final VectorSchemaRoot batch;
  private long count;
  private boolean closed;

  /**
   * The statement's cancel: rows stop at the next one read after it (DuckDB's JDBC driver does not
   * interrupt the fetch of a streamed result), and the engine's errors of a cancelled statement say
   * so.
   */
  private final StatementCancel cancel;

  private DuckDbBatches(
      BufferAllocator allocator,
      ArrowReader reader,
      VectorSchemaRoot batch,
      StatementCancel cancel) {
    this.allocator = allocator;
    this.reader = reader;
    this.batch = batch;
    this.cancel = cancel;
  }

  /**
   * The batches of {@code rows}, which must not have been read yet; the columns are named as in
   * {@code columns} (PostgreSQL's names), not as the engine names them.
   */
  static DuckDbBatches open(
      DuckDBResultSet rows,
      List<ResultColumn> columns,
      BufferAllocator parent,
      int batchRows,
      StatementCancel cancel) {
    if (batchRows < 1) {
      throw new IllegalArgumentException("batchRows must be at least 1, not " + batchRows);
    }
    BufferAllocator allocator = parent.newChildAllocator("SQL result batches", 0, Long.MAX_VALUE);
    ArrowReader reader = null;
    try {
      reader = (ArrowReader) rows.arrowExportStream(allocator, batchRows);
      VectorSchemaRoot exported = reader.getVectorSchemaRoot();
      List<Field> fields = new ArrayList<>();
      List<Field> engineFields = exported.getSchema().getFields();
      for (int i = 0; i < engineFields.size(); i++) {
        Field field = engineFields.get(i);
        String name = i < columns.size() ? columns.get(i).name() : field.getName();
        fields.add(new Field(name, field.getFieldType(), field.getChildren()));
      }
      // The engine's vectors under the result's names: the IPC writer reads names from the
      // schema, values from the vectors, which the reader refills batch after batch.
      VectorSchemaRoot batch = new VectorSchemaRoot(fields, exported.getFieldVectors(), 0);
      return new DuckDbBatches(allocator, reader, batch, cancel);
    } catch (SQLException | IOException | RuntimeException e) {
      closeQuietly(reader);
      allocator.close();
      if (e instanceof SQLException engine) {
        throw DuckDbSession.engineError(cancel, engine);
      }
      if (e instanceof IOException stream) {
        throw DuckDbSession.engineError(cancel, new SQLException(engineMessage(stream), stream));
      }
      throw (RuntimeException) e;
    }
  }

  @Override
  public VectorSchemaRoot batch() {
    return batch;
  }

  @Override
  public boolean next() {
    if (closed) {
      return false;
    }
    if (cancel.cancelled()) {
      throw SqlErrors.canceled(cancel);
    }
    try {
      if (!reader.loadNextBatch()) {
        batch.setRowCount(0);
        return false;
      }
      int rows = reader.getVectorSchemaRoot().getRowCount();
      batch.setRowCount(rows);
      count += rows;
      return true;
    } catch (IOException e) {
      throw DuckDbSession.engineError(cancel, new SQLException(engineMessage(e), e));
    }
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  public Dictionary lookup(long id) {
    return reader.lookup(id);
  }

  @Override
  public Set<Long> getDictionaryIds() {
    return reader.getDictionaryIds();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeQuietly(reader); // releases the batch and the engine's stream (its query result)
    allocator.close();
  }

  /**
   * The engine's error in a failure of the C stream: {@code [errno -1] CDataJniException{errno=-1,
   * message={"exception_type": …}}} holds DuckDB's error as JSON ({@code errors_as_json}), which
   * {@link SqlErrors#fromEngine} classifies.
   */
  static String engineMessage(Exception e) {
    String text = String.valueOf(e.getMessage());
    int message = text.indexOf("message={");
    if (message >= 0) {
      String json = text.substring(message + "message=".length()).strip();
      return json.endsWith("}}") ? json.substring(0, json.length() - 1) : json;
    }
    return text;
  }

  private static void closeQuietly(ArrowReader reader) {
    if (reader == null) {
      return;
    }
    try {
      reader.close();
    } catch (IOException | RuntimeException e) {
      // the allocator's close below reports memory still held
    }
  }
}

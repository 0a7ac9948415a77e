package io.lakestream.maintenance.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.convert.AvroSchemas;
import io.lakestream.writer.internal.PrimaryKeys;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * A streaming k-way merge by primary key of data files that are each sorted by it: yields every row
 * of every file once, in key order.
 *
 * <p>Files are opened lazily, in the order of their smallest key, only once the merge reaches that
 * key, and closed when read to the end, so only the files whose key ranges overlap the current key
 * are open at once (for files flushed one after the other, a handful), each holding one row group.
 * A file whose rows turn out not to be in key order stops the merge with an {@link
 * IllegalStateException} naming it: its rows could not be merged without sorting them.
 */
public final class SortedFileMerge implements Iterator<GenericRecord>, Closeable {
  /** A data file to merge: its path and its smallest key (the AddFile's key tag). */
  public record Input(Path path, long minKey) {
    public Input {
      requireNonNull(path, "path is null");
    }
  }

  private final Configuration conf;
  private final int keyIndex;
  private final ColumnType keyType;
  private final Deque<Input> pending;
  private final PriorityQueue<Cursor> open =
      new PriorityQueue<>(
          Comparator.comparingLong((Cursor c) -> c.key).thenComparingLong(c -> c.order));
  private long opened;
  private long rowsRead;

  /**
   * @param inputs the files to merge, in any order
   * @param table the table type: the rows are read with its Avro row schema
   */
  public SortedFileMerge(List<Input> inputs, TableDefinition table, Configuration conf) {
    Schema rowSchema = AvroSchemas.rowSchema(table);
    this.conf = new Configuration(conf);
    // The projection below is turned into a Parquet schema with lists in the layout the writer
    // writes them (three levels, as DataFileWriter sets): in parquet-avro's default two-level
    // layout no list column of the files matches it, and every list would be read as null.
    this.conf.setBoolean(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, false);
    AvroReadSupport.setAvroReadSchema(this.conf, rowSchema);
    AvroReadSupport.setRequestedProjection(this.conf, rowSchema);
    this.keyIndex = table.columnNames().indexOf(table.primaryKey());
    this.keyType = table.primaryKeyColumn().type();
    List<Input> sorted = new ArrayList<>(inputs);
    sorted.sort(Comparator.comparingLong(Input::minKey).thenComparing(i -> i.path().toString()));
    this.pending = new ArrayDeque<>(sorted);
  }

  /** The primary key of a row of this table, as the learned index encodes it. */
  public long keyOf(GenericRecord row) {
    return PrimaryKeys.encode(keyType, row.get(keyIndex));
  }

  /** Rows yielded so far. */
  public long rowsRead() {
    return rowsRead;
  }

  @Override
  public boolean hasNext() {
    openReachedFiles();
    return !open.isEmpty();
  }

  @Override
  public GenericRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Cursor cursor = open.poll();
    GenericRecord row = cursor.row;
    cursor.advance();
    if (cursor.row != null) {
      open.add(cursor);
    }
    rowsRead++;
    return row;
  }

  /** Opens every pending file whose smallest key is not above the smallest open key. */
  private void openReachedFiles() {
    while (!pending.isEmpty() && (open.isEmpty() || pending.peek().minKey() <= open.peek().key)) {
      Cursor cursor = new Cursor(pending.poll(), opened++);
      if (cursor.row != null) {
        open.add(cursor);
      }
    }
  }

  @Override
  public void close() {
    for (Cursor cursor : open) {
      cursor.close();
    }
    open.clear();
    pending.clear();
  }

  private final class Cursor {
    private final Input input;
    private final long order;
    private final ParquetReader<GenericRecord> reader;
    private GenericRecord row;
    private long key;

    Cursor(Input input, long order) {
      this.input = input;
      this.order = order;
      try {
        this.reader =
            AvroParquetReader.<GenericRecord>builder(HadoopInputFile.fromPath(input.path(), conf))
                .withDataModel(GenericData.get())
                .withConf(conf)
                .build();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot open data file " + input.path(), e);
      }
      this.key = Long.MIN_VALUE;
      advance();
    }

    void advance() {
      try {
        row = reader.read();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read data file " + input.path(), e);
      }
      if (row == null) {
        close();
        return;
      }
      long next = keyOf(row);
      if (next < key) {
        throw new IllegalStateException(
            "data file " + input.path() + " is not sorted by its primary key");
      }
      key = next;
    }

    void close() {
      try {
        reader.close();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot close data file " + input.path(), e);
      }
    }
  }
}

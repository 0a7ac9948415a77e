package io.lakestream.query.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.query.Keys;
import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.functional.FutureIO;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.filter2.columnindex.RowRanges;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopStreams;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Reads row ranges of Parquet data files, decoding only the pages that hold them: for each row
 * group the range touches, a {@link RowRanges} of the wanted rows goes to {@link
 * ParquetFileReader#readFilteredRowGroup(int, RowRanges)}, which uses the offset index to fetch the
 * overlapping pages of the requested columns only and skips the other rows of those pages.
 *
 * <p>Open readers (footer and offset indexes loaded) are kept per file and projection, up to a
 * bound, so a warm read costs the page reads only. A {@link FileReader} is used by one thread at a
 * time; {@link #open} lends one out and {@link FileReader#close()} gives it back.
 */
public final class ParquetFiles implements AutoCloseable {
  private final Configuration conf;
  private final int maxIdleReaders;
  private final LinkedHashMap<PoolKey, ArrayDeque<FileReader>> idle =
      new LinkedHashMap<>(16, 0.75f, true);
  private int idleCount;
  private boolean closed;
  private final DictionaryCache dictionaries = new DictionaryCache(64L << 20);

  /**
   * @param conf how to reach the files (local or s3a)
   * @param maxIdleReaders open readers kept for reuse, at most
   */
  public ParquetFiles(Configuration conf, int maxIdleReaders) {
    this.conf = requireNonNull(conf, "conf is null");
    this.maxIdleReaders = maxIdleReaders;
  }

  private record PoolKey(String location, List<String> columns) {}

  /**
   * A reader of {@code columns} of the file; rows it reads have one slot per column, in this order.
   *
   * @throws IOException when the file cannot be opened or its footer read
   */
  public FileReader open(
      String location, long sizeBytes, TableDefinition table, List<String> columns)
      throws IOException {
    PoolKey key = new PoolKey(location, List.copyOf(columns));
    synchronized (this) {
      ArrayDeque<FileReader> readers = idle.get(key);
      if (readers != null && !readers.isEmpty()) {
        idleCount--;
        FileReader reader = readers.pop();
        if (readers.isEmpty()) {
          idle.remove(key);
        }
        return reader;
      }
    }
    return new FileReader(key, sizeBytes, table);
  }

  /** Closes the idle readers of a file (after it was removed from its table). */
  public void forget(String location) {
    List<FileReader> toClose = new ArrayList<>();
    synchronized (this) {
      for (Iterator<Map.Entry<PoolKey, ArrayDeque<FileReader>>> it = idle.entrySet().iterator();
          it.hasNext(); ) {
        Map.Entry<PoolKey, ArrayDeque<FileReader>> entry = it.next();
        if (entry.getKey().location().equals(location)) {
          toClose.addAll(entry.getValue());
          idleCount -= entry.getValue().size();
          it.remove();
        }
      }
    }
    toClose.forEach(FileReader::closeQuietly);
    dictionaries.forget(location);
  }

  /** Open readers kept for reuse. */
  public synchronized int idleReaders() {
    return idleCount;
  }

  private void giveBack(FileReader reader) {
    List<FileReader> toClose = new ArrayList<>();
    synchronized (this) {
      if (closed || maxIdleReaders <= 0) {
        toClose.add(reader);
      } else {
        idle.computeIfAbsent(reader.key, k -> new ArrayDeque<>()).push(reader);
        idleCount++;
        Iterator<Map.Entry<PoolKey, ArrayDeque<FileReader>>> eldest = idle.entrySet().iterator();
        while (idleCount > maxIdleReaders && eldest.hasNext()) {
          Map.Entry<PoolKey, ArrayDeque<FileReader>> entry = eldest.next();
          toClose.addAll(entry.getValue());
          idleCount -= entry.getValue().size();
          eldest.remove();
        }
      }
    }
    toClose.forEach(FileReader::closeQuietly);
  }

  /** Closes every idle reader; readers lent out are closed when given back. */
  @Override
  public void close() {
    List<FileReader> toClose = new ArrayList<>();
    synchronized (this) {
      closed = true;
      idle.values().forEach(toClose::addAll);
      idle.clear();
      idleCount = 0;
    }
    toClose.forEach(FileReader::closeQuietly);
  }

  /**
   * The file as Parquet reads it: local files through the raw local file system (the checksummed
   * one reads in 512-byte chunks), S3 objects opened for random access with their known length (no
   * HEAD request).
   */
  private InputFile inputFile(Path path, long sizeBytes) throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    FileSystem reading =
        fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
    FileStatus status = new FileStatus(sizeBytes, false, 1, 0, 0, path);
    return new InputFile() {
      @Override
      public long getLength() {
        return sizeBytes;
      }

      @Override
      public SeekableInputStream newStream() throws IOException {
        if (reading == fs && !(fs instanceof org.apache.hadoop.fs.RawLocalFileSystem)) {
          try {
            return HadoopStreams.wrap(
                FutureIO.awaitFuture(
                    fs.openFile(path)
                        .withFileStatus(status)
                        .opt("fs.option.openfile.read.policy", "random")
                        .build()));
          } catch (IOException | RuntimeException e) {
            // fall back to a plain open below
          }
        }
        return HadoopStreams.wrap(reading.open(path));
      }

      @Override
      public String toString() {
        return path.toString();
      }
    };
  }

  /**
   * Reads every key of a file, in row order, from its key column only: for files whose AddFile
   * carries no learned model.
   */
  public long[] readAllKeys(String location, long sizeBytes, TableDefinition table)
      throws IOException {
    try (FileReader reader =
        new FileReader(new PoolKey(location, List.of(table.primaryKey())), sizeBytes, table)) {
      long rows = reader.rowCount();
      long[] keys = new long[Math.toIntExact(rows)];
      ColumnType type = table.primaryKeyColumn().type();
      int[] n = {0};
      reader.read(0, rows, row -> keys[n[0]++] = Keys.encode(type, row[0]));
      if (n[0] != keys.length) {
        throw new IOException("read " + n[0] + " keys of " + keys.length + " rows in " + location);
      }
      return keys;
    }
  }

  /** An open data file with a projection: reads rows by position. */
  public final class FileReader implements Closeable {
    private final PoolKey key;
    private final ParquetFileReader reader;
    private final List<BlockMetaData> blocks;
    private final long[] blockStarts;
    private final boolean[] blockHasOffsetIndex;
    private final long rowCount;
    private final MessageColumnIO columnIO;
    private final RowMaterializer materializer;

    private FileReader(PoolKey key, long sizeBytes, TableDefinition table) throws IOException {
      this.key = key;
      Path path = new Path(key.location());
      InputFile input = inputFile(path, sizeBytes);
      ParquetReadOptions options = HadoopReadOptions.builder(conf, path).build();
      this.reader = ParquetFileReader.open(input, options);
      try {
        MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
        List<Type> fields = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        List<ColumnType> types = new ArrayList<>();
        for (Type field : fileSchema.getFields()) {
          int slot = key.columns().indexOf(field.getName());
          if (slot >= 0) {
            fields.add(field);
            slots.add(slot);
            Column column =
                table
                    .column(field.getName())
                    .orElseThrow(() -> new IllegalStateException("no column " + field));
            types.add(column.type());
          }
        }
        MessageType requested = new MessageType(fileSchema.getName(), fields);
        reader.setRequestedSchema(requested);
        this.columnIO = new ColumnIOFactory().getColumnIO(requested, fileSchema);
        this.materializer =
            new RowMaterializer(
                requested,
                slots.stream().mapToInt(Integer::intValue).toArray(),
                types.toArray(new ColumnType[0]),
                key.columns().size());
        this.blocks = reader.getRowGroups();
        this.blockStarts = new long[blocks.size()];
        this.blockHasOffsetIndex = new boolean[blocks.size()];
        long start = 0;
        for (int i = 0; i < blocks.size(); i++) {
          blockStarts[i] = start;
          start += blocks.get(i).getRowCount();
          boolean offsetIndex = true;
          for (ColumnChunkMetaData chunk : blocks.get(i).getColumns()) {
            offsetIndex &= chunk.getOffsetIndexReference() != null;
          }
          blockHasOffsetIndex[i] = offsetIndex;
        }
        this.rowCount = start;
      } catch (RuntimeException e) {
        closeQuietly();
        throw e;
      }
    }

    /** Rows in the file. */
    public long rowCount() {
      return rowCount;
    }

    /**
     * Reads rows {@code [from, to)} in order. Each row is a new array, one slot per column of the
     * projection (null where the file lacks the column).
     */
    public void read(long from, long to, Consumer<Object[]> sink) throws IOException {
      long end = Math.min(to, rowCount);
      for (int i = 0; i < blocks.size() && from < end; i++) {
        long blockStart = blockStarts[i];
        long blockEnd = blockStart + blocks.get(i).getRowCount();
        if (blockEnd <= from) {
          continue;
        }
        long first = Math.max(from, blockStart) - blockStart;
        long last = Math.min(end, blockEnd) - blockStart; // exclusive
        if (blockHasOffsetIndex[i]) {
          RowRanges ranges = RowRanges.builder().addSelectedRange(first, last - 1).build();
          try (PageReadStore pages =
              dictionaries.wrap(key.location(), i, reader.readFilteredRowGroup(i, ranges))) {
            RecordReader<Object[]> records =
                columnIO.getRecordReader(pages, materializer, FilterCompat.NOOP);
            for (long n = pages.getRowCount(); n > 0; n--) {
              sink.accept(records.read());
            }
          }
        } else {
          try (PageReadStore pages = dictionaries.wrap(key.location(), i, reader.readRowGroup(i))) {
            RecordReader<Object[]> records =
                columnIO.getRecordReader(pages, materializer, FilterCompat.NOOP);
            for (long r = 0; r < last; r++) {
              Object[] row = records.read();
              if (r >= first) {
                sink.accept(row);
              }
            }
          }
        }
        from = blockEnd;
      }
    }

    /**
     * Rows {@code [from, to)} one at a time, in order. Pages are fetched in chunks of rows, the
     * first of {@code firstChunkRows}, each next one twice as long up to {@code maxChunkRows}, so a
     * read that stops early fetches little. The iterator must be used up or released before the
     * next call on this reader.
     */
    public RowIterator iterate(long from, long to, int firstChunkRows, int maxChunkRows) {
      return new RowIterator(from, Math.min(to, rowCount), firstChunkRows, maxChunkRows);
    }

    /** A pull-based read of a row range; see {@link #iterate}. */
    public final class RowIterator {
      private long position;
      private final long end;
      private int block = -1;
      private long blockRowsLeft;
      private PageReadStore pages;
      private RecordReader<Object[]> records;
      private long chunkRows;
      private final long maxChunkRows;

      private RowIterator(long from, long end, int firstChunkRows, int maxChunkRows) {
        this.position = from;
        this.end = end;
        this.chunkRows = Math.max(1, firstChunkRows);
        this.maxChunkRows = Math.max(chunkRows, maxChunkRows);
      }

      /** The position of the row {@link #next()} returns. */
      public long position() {
        return position;
      }

      public boolean hasNext() {
        return position < end;
      }

      /** The next row; call only when {@link #hasNext()}. */
      public Object[] next() throws IOException {
        if (blockRowsLeft == 0) {
          openBlockAt(position);
        }
        Object[] row = records.read();
        blockRowsLeft--;
        position++;
        if (position == end) {
          release();
        }
        return row;
      }

      private void openBlockAt(long from) throws IOException {
        release();
        int i = Math.max(block, 0);
        while (blockStarts[i] + blocks.get(i).getRowCount() <= from) {
          i++;
        }
        block = i;
        long blockStart = blockStarts[i];
        long blockEnd = blockStart + blocks.get(i).getRowCount();
        long first = from - blockStart;
        long last = Math.min(Math.min(end, blockEnd), from + chunkRows) - blockStart;
        chunkRows = Math.min(maxChunkRows, chunkRows * 2);
        if (blockHasOffsetIndex[i]) {
          pages =
              dictionaries.wrap(
                  key.location(),
                  i,
                  reader.readFilteredRowGroup(
                      i, RowRanges.builder().addSelectedRange(first, last - 1).build()));
          records = columnIO.getRecordReader(pages, materializer, FilterCompat.NOOP);
        } else {
          // No offset index: read the row group's rows [0, last) and drop [0, first).
          pages = dictionaries.wrap(key.location(), i, reader.readRowGroup(i));
          records = columnIO.getRecordReader(pages, materializer, FilterCompat.NOOP);
          for (long r = 0; r < first; r++) {
            records.read();
          }
        }
        blockRowsLeft = last - first;
      }

      /** Releases the pages held; the iterator is then done. */
      public void release() {
        if (pages != null) {
          pages.close();
          pages = null;
          records = null;
        }
      }
    }

    /** Gives the reader back to the pool. */
    @Override
    public void close() {
      giveBack(this);
    }

    private void closeQuietly() {
      try {
        reader.close();
      } catch (IOException e) {
        // nothing to do: the reader is dropped either way
      }
    }
  }
}

package io.lakestream.reader.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.index.PositionRange;
import io.lakestream.reader.Keys;
import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.functional.FutureIO;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.bytes.ByteBufferAllocator;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.EncodingStats;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;
import org.apache.parquet.filter2.columnindex.RowRanges;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.util.HadoopCodecs;
import org.apache.parquet.hadoop.util.HadoopStreams;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.internal.filter2.columnindex.ColumnIndexStore;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.ParquetFileRange;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveComparator;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Reads row ranges of Parquet data files, decoding only the pages that hold them: for each row
 * group the range touches, a {@link RowRanges} of the wanted rows goes to {@link
 * ParquetFileReader#readFilteredRowGroup(int, RowRanges)}, which uses the offset index to fetch the
 * overlapping pages of the requested columns only; for a few selected rows ({@link
 * FileReader#readSelected}, and the gathering of an unsorted file's rows) and for an equality's
 * compared column ({@link FileReader#select}) the reader fetches those pages itself, found by a
 * binary search in the offset index ({@link PageLocations}, {@link FetchedPages}), without
 * parquet-mr's walk over every page of each column chunk. Each column is then decoded on its own,
 * straight into a {@link ColumnVector} ({@link ColumnDecoder}: no record assembly), skipping the
 * other rows of those pages; dictionaries come decoded from a cache.
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
  private final BloomFilterCache bloomFilters = new BloomFilterCache(64L << 20);

  /**
   * @param conf how to reach the files (local or s3a)
   * @param maxIdleReaders open readers kept for reuse, at most
   */
  public ParquetFiles(Configuration conf, int maxIdleReaders) {
    this.conf = requireNonNull(conf, "conf is null");
    this.maxIdleReaders = maxIdleReaders;
  }

  /**
   * Rows between two wanted rows of an unsorted file up to which both are read in one run (one
   * filtered read of the row group; the run's vectors span the rows between them).
   */
  static final int GATHER_GAP = 65_536;

  private record PoolKey(String location, List<String> columns) {}

  /**
   * Selected rows of a row group up to which {@code readSelected} (and the gathering of an unsorted
   * file's rows) fetches their pages directly; above, parquet-mr's filtered read, whose walk over
   * every page is then a small part of the work (rows spread over most pages read most pages either
   * way).
   */
  static final int MAX_FETCHED_ROWS = 1_024;

  /** Bytes of contiguous pages read in one range, at most. */
  private static final long MAX_READ_BYTES = 8L << 20;

  private static final PageLocations[] NO_LOCATIONS = new PageLocations[0];

  private static final ByteBufferAllocator HEAP = new HeapByteBufferAllocator();

  /** Byte ranges of a file to read: offsets and lengths, in the order added. */
  private static final class Ranges {
    long[] offsets = new long[32];
    int[] lengths = new int[32];
    int count;

    /** Adds a range; returns its number. */
    int add(long offset, int length) {
      if (count == offsets.length) {
        offsets = Arrays.copyOf(offsets, count * 2);
        lengths = Arrays.copyOf(lengths, count * 2);
      }
      offsets[count] = offset;
      lengths[count] = length;
      return count++;
    }
  }

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
    bloomFilters.forget(location);
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
   * Whether every row group of the file at {@code location} is known to lack {@code value} in
   * {@code column} (from Bloom filters or dictionaries that earlier reads of the file kept): then
   * none of its rows has it, and a scan need not open the file. False when not known.
   */
  public boolean refusesEverywhere(String location, String column, EqualityValue value) {
    return bloomFilters.refusesEverywhere(location, column, value.hash());
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
      ColumnBatch batch = reader.read(0, rows);
      long[] keys = new long[Math.toIntExact(rows)];
      ColumnType type = table.primaryKeyColumn().type();
      for (int i = 0; i < keys.length; i++) {
        if (batch.isNull(0, i)) {
          throw new IllegalArgumentException(
              "the primary key column '"
                  + table.primaryKey()
                  + "' is null in row "
                  + i
                  + " (or missing from the file)");
        }
        keys[i] = Keys.encode(type, batch.value(0, i));
      }
      return keys;
    }
  }

  /**
   * Checks from the footer that every column of {@code table} the file holds can be read as the
   * table's type (a reader of all columns is opened, and kept for reuse).
   *
   * @throws IllegalArgumentException naming the first column that cannot
   * @throws IOException when the file cannot be opened or is not Parquet
   */
  public void checkColumns(String location, long sizeBytes, TableDefinition table)
      throws IOException {
    open(location, sizeBytes, table, table.columnNames()).close();
  }

  /** An open data file with a projection: reads rows by position, column by column. */
  public final class FileReader implements Closeable {
    private final PoolKey key;
    private final ParquetFileReader reader;
    private final List<BlockMetaData> blocks;
    private final long[] blockStarts;
    private final boolean[] blockHasOffsetIndex;
    private final long rowCount;

    /** Per column of the projection, its decoder; null where the file lacks the column. */
    private final ColumnDecoder[] decoders;

    /** Per row group and column of the projection, its page bounds once read (for select). */
    private PageBounds[][] boundsByBlock;

    /**
     * Per row group, where the pages of each column of the projection are, once read ({@link
     * #locations}); {@link #NO_LOCATIONS} where they cannot be used.
     */
    private PageLocations[][] locationsByBlock;

    private final InputFile input;
    private final ParquetReadOptions options;

    /** Whether pages may be fetched directly ({@link #readPages}): not in encrypted files. */
    private final boolean fetchesPages;

    /** The file's stream for the pages fetched directly; opened on first use. */
    private SeekableInputStream pageStream;

    private FileReader(PoolKey key, long sizeBytes, TableDefinition table) throws IOException {
      this.key = key;
      Path path = new Path(key.location());
      this.input = inputFile(path, sizeBytes);
      ParquetReadOptions.Builder builder =
          HadoopReadOptions.builder(conf, path)
              .withCodecFactory(new ZstdPages(HadoopCodecs.newFactory(conf, 0)));
      if ("file".equals(path.getFileSystem(conf).getUri().getScheme())) {
        // Vectored reads of local files hand each range to a thread pool: a few pages are read
        // faster in the calling thread. (On S3 they are parallel ranged GETs: kept.)
        builder.withUseHadoopVectoredIo(false);
      }
      this.options = builder.build();
      this.reader = ParquetFileReader.open(input, options);
      try {
        MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
        String createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
        List<Type> fields = new ArrayList<>();
        this.decoders = new ColumnDecoder[key.columns().size()];
        for (Type field : fileSchema.getFields()) {
          int slot = key.columns().indexOf(field.getName());
          if (slot >= 0) {
            fields.add(field);
            Column column =
                table
                    .column(field.getName())
                    .orElseThrow(() -> new IllegalStateException("no column " + field));
            decoders[slot] = new ColumnDecoder(fileSchema, field, column.type(), createdBy);
          }
        }
        reader.setRequestedSchema(new MessageType(fileSchema.getName(), fields));
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
        this.fetchesPages =
            reader.getFooter().getFileMetaData().getEncryptionType()
                    == FileMetaData.EncryptionType.UNENCRYPTED
                && !options.usePageChecksumVerification();
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
     * Reads rows {@code [from, to)} (to at most the row count), each column decoded from the pages
     * that hold these rows only (the offset index tells which; row groups without one are read
     * whole).
     *
     * @throws IOException when the file cannot be read
     */
    public ColumnBatch read(long from, long to) throws IOException {
      return read(from, to, null, 0, 0);
    }

    /**
     * The rows {@code from + offsets[i]} ({@code i < count > 0}, offsets ascending) of a file: only
     * the pages holding them are read. The batch spans the rows from the first wanted to the last
     * (row {@code from + offsets[i]} at {@code offsets[i] - offsets[0]}), its other rows unset: a
     * trace's few rows in a chunk of 65,536 take vectors of a few rows, not of the chunk (27
     * columns of them were 8 % of a trace lookup's time, allocating and clearing).
     *
     * @throws IOException when the file cannot be read
     */
    public ColumnBatch readSelected(long from, int[] offsets, int count) throws IOException {
      long[] positions = new long[count];
      for (int i = 0; i < count; i++) {
        positions[i] = (from + offsets[i]) << 32;
      }
      return read(from + offsets[0], from + offsets[count - 1] + 1L, positions, 0, count);
    }

    /**
     * The rows of {@code [from, to)} whose value in column {@code slot} of the projection (a bytes
     * column) is {@code equality}'s, as offsets from {@code from}, ascending: a row group whose
     * dictionary or Bloom filter of the column lacks the value is skipped ({@link #chunkMayHold});
     * of the column's pages holding these rows, those whose bounds in the column index admit the
     * value are read (all of them without a column index), their values compared as encoded ({@link
     * ColumnDecoder#select}), none materialized. None when the file lacks the column (every value
     * null). Where {@link #readSelected} fetches pages directly (offset indexes, unencrypted, no
     * checksum verification), so does this: the pages found in the offset index ({@link
     * PageLocations}), their bytes read in one range per run of contiguous pages, the dictionary
     * page only when not cached; else parquet-mr's filtered read, which walks every page of the
     * chunk and reads the dictionary page again.
     *
     * @throws IOException when the file cannot be read
     */
    public int[] select(long from, long to, int slot, BytesEquality equality) throws IOException {
      ColumnDecoder decoder = decoders[slot];
      SelectedRows selected = new SelectedRows();
      long start = from;
      long end = Math.min(to, rowCount);
      for (int i = blockOf(from); decoder != null && i < blocks.size() && from < end; i++) {
        long blockStart = blockStarts[i];
        long blockEnd = blockStart + blocks.get(i).getRowCount();
        if (blockEnd <= from) {
          continue;
        }
        if (!chunkMayHold(i, slot, equality.lookedUp())) {
          from = blockEnd; // the row group's dictionary or Bloom filter lacks the value
          continue;
        }
        long firstRow = Math.max(from, blockStart) - blockStart;
        long lastRow = Math.min(end, blockEnd) - blockStart; // exclusive
        PageBounds bounds = blockHasOffsetIndex[i] ? pageBounds(i, slot) : PageBounds.NONE;
        int offset = (int) (blockStart + firstRow - start);
        PageLocations[] locations = blockHasOffsetIndex[i] && fetchesPages ? locations(i) : null;
        if (locations != null) {
          // the column's pages holding these rows, of them those whose bounds admit the value
          int[][] wanted = new int[decoders.length][];
          wanted[slot] =
              bounds != PageBounds.NONE
                  ? bounds.pagesMayHold(equality.value(), firstRow, lastRow)
                  : locations[slot].pagesOverlapping(firstRow, lastRow);
          if (wanted[slot].length > 0) {
            FetchedPages columnPages = fetchPages(i, locations, wanted)[slot];
            DictionaryCache.Entry dictionary =
                dictionaries.dictionary(key.location(), i, decoder.descriptor(), columnPages);
            decoder.select(columnPages, dictionary, firstRow, lastRow, equality, selected, offset);
          }
          from = blockEnd;
          continue;
        }
        RowRanges rows = RowRanges.builder().addSelectedRange(firstRow, lastRow - 1).build();
        if (bounds != PageBounds.NONE) {
          // only the pages whose bounds in the column index admit the value
          rows = bounds.mayHold(equality.value(), firstRow, lastRow);
          if (rows.rowCount() == 0) {
            from = blockEnd;
            continue;
          }
        }
        try (PageReadStore pages =
            blockHasOffsetIndex[i]
                ? reader.readFilteredRowGroup(i, new PageRowRanges(rows))
                : reader.readRowGroup(i)) {
          PageReader columnPages = pages.getPageReader(decoder.descriptor());
          DictionaryCache.Entry dictionary =
              dictionaries.dictionary(key.location(), i, decoder.descriptor(), columnPages);
          decoder.select(columnPages, dictionary, firstRow, lastRow, equality, selected, offset);
        }
        from = blockEnd;
      }
      return selected.toArray();
    }

    /**
     * The rows of {@code [from, to)} that may hold {@code value} in column {@code slot} of the
     * projection: from the first to the last of their row groups whose dictionary or Bloom filter
     * does not refuse it ({@link #chunkMayHold}), empty when every one does. All of them when
     * neither can tell, and when the file lacks the column ({@link #select} then finds no row).
     *
     * @throws IOException when a filter cannot be read
     */
    public PositionRange rowsMayHold(long from, long to, int slot, EqualityValue value)
        throws IOException {
      long end = Math.min(to, rowCount);
      if (decoders[slot] == null || from >= end) {
        return new PositionRange(from, Math.max(from, end));
      }
      long first = -1;
      long last = -1;
      for (int i = blockOf(from); i < blocks.size() && blockStarts[i] < end; i++) {
        if (blockStarts[i] + rowCount(i) > from && chunkMayHold(i, slot, value)) {
          first = first < 0 ? blockStarts[i] : first;
          last = blockStarts[i] + rowCount(i);
        }
      }
      return first < 0
          ? PositionRange.empty(from)
          : new PositionRange(Math.max(first, from), Math.min(last, end));
    }

    /**
     * Whether the chunk of column {@code slot} of row group {@code block} may hold {@code value}:
     * false when every page is dictionary-encoded and the dictionary (read alone, then cached)
     * lacks it, or when the chunk's Bloom filter refuses it. (Writers keep no Bloom filter of a
     * chunk whose dictionary holds every value: the dictionary answers, and a filter made from it
     * is kept for the next lookups, which may then skip the file without opening it.)
     */
    private boolean chunkMayHold(int block, int slot, EqualityValue value) throws IOException {
      ColumnDescriptor column = decoders[slot].descriptor();
      PrimitiveTypeName stored = column.getPrimitiveType().getPrimitiveTypeName();
      if (!value.fits(stored)) {
        return true; // stored as another type than the table's column now has: not checked
      }
      String name = String.join(".", column.getPath());
      java.util.Optional<Boolean> known =
          bloomFilters.admits(key.location(), block, name, value.hash());
      if (known.isPresent() && !known.get()) {
        return false;
      }
      ColumnChunkMetaData chunk = chunk(block, column);
      EncodingStats encodings = chunk.getEncodingStats();
      if (encodings != null
          && encodings.hasDictionaryPages()
          && !encodings.hasNonDictionaryEncodedPages()) {
        if (known.isPresent() && !dictionaries.has(key.location(), block, column)) {
          return true; // admitted by the filter made from the dictionary: the pages' read checks
        }
        PageLocations[] at = blockHasOffsetIndex[block] && fetchesPages ? locations(block) : null;
        if (at == null) {
          return true; // the dictionary page cannot be read alone: not checked
        }
        FetchedPages dictionaryOnly =
            new FetchedPages(
                column,
                at[slot],
                options.getCodecFactory().getDecompressor(at[slot].codec()),
                at[slot].valueCount(),
                new int[0],
                new ByteBuffer[0],
                null,
                this::readRange);
        DictionaryCache.Entry dictionary =
            dictionaries.dictionary(key.location(), block, column, dictionaryOnly);
        if (dictionary == null) {
          return true;
        }
        if (known.isEmpty()) {
          bloomFilters.keepDictionary(
              key.location(),
              block,
              blocks.size(),
              name,
              id -> EqualityValue.hash(dictionary.dictionary(), stored, id),
              dictionary.size());
        }
        return value.in(dictionary);
      }
      if (known.isPresent()) {
        return true;
      }
      // read once whether there is one or not
      BloomFilter filter = chunk.getBloomFilterOffset() >= 0 ? reader.readBloomFilter(chunk) : null;
      bloomFilters.keep(key.location(), block, blocks.size(), name, filter);
      return filter == null || filter.findHash(value.hash());
    }

    /** The chunk of {@code column} in row group {@code block}. */
    private ColumnChunkMetaData chunk(int block, ColumnDescriptor column) {
      ColumnPath path = ColumnPath.get(column.getPath());
      for (ColumnChunkMetaData chunk : blocks.get(block).getColumns()) {
        if (chunk.getPath().equals(path)) {
          return chunk;
        }
      }
      throw new IllegalStateException("no chunk of " + path + " in row group " + block);
    }

    /**
     * The page bounds of column {@code slot} in row group {@code block}, read from its column index
     * once per reader; {@link PageBounds#NONE} without one.
     */
    private PageBounds pageBounds(int block, int slot) throws IOException {
      if (boundsByBlock == null) {
        boundsByBlock = new PageBounds[blocks.size()][decoders.length];
      }
      PageBounds known = boundsByBlock[block][slot];
      if (known == null) {
        known = PageBounds.NONE;
        ColumnDescriptor column = decoders[slot].descriptor();
        ColumnPath path = ColumnPath.get(column.getPath());
        ColumnIndexStore store = reader.getColumnIndexStore(block);
        ColumnIndex index = store.getColumnIndex(path);
        if (index != null) {
          try {
            known = PageBounds.of(index, store.getOffsetIndex(path), column, rowCount(block));
          } catch (ColumnIndexStore.MissingOffsetIndexException e) {
            // no page index: every page is read
          }
        }
        boundsByBlock[block][slot] = known;
      }
      return known;
    }

    /**
     * The row group holding row {@code row}: the last whose first row is at most {@code row} (0
     * before the first; a row group without rows may come before it, and is skipped by its reader).
     */
    private int blockOf(long row) {
      int found = Arrays.binarySearch(blockStarts, row);
      return Math.max(0, found >= 0 ? found : -found - 2);
    }

    private long rowCount(int block) {
      return blocks.get(block).getRowCount();
    }

    /** Whether column {@code slot} of the projection is one {@link #select} can compare. */
    public boolean selectable(int slot) {
      return decoders[slot] == null || decoders[slot].kind() == ColumnVector.Kind.BYTES;
    }

    /**
     * Rows {@code [from, to)}; when {@code selected} is given, only the pages holding its rows
     * {@code selected[first, last)} (positions in the high 32 bits, ascending) are read, and the
     * other rows of the batch are left unset.
     */
    private ColumnBatch read(long from, long to, long[] selected, int first, int last)
        throws IOException {
      long start = from;
      long end = Math.min(to, rowCount);
      int size = Math.toIntExact(Math.max(0, end - start));
      ColumnVector[] vectors = new ColumnVector[decoders.length];
      for (int c = 0; c < decoders.length; c++) {
        if (decoders[c] != null) {
          vectors[c] = decoders[c].newVector(size);
        }
      }
      int next = first;
      for (int i = blockOf(from); i < blocks.size() && from < end; i++) {
        int blockFirst = next; // of the selected rows, the first in this row group
        long blockStart = blockStarts[i];
        long blockEnd = blockStart + blocks.get(i).getRowCount();
        if (blockEnd <= from) {
          continue;
        }
        long firstRow = Math.max(from, blockStart) - blockStart;
        long lastRow = Math.min(end, blockEnd) - blockStart; // exclusive
        RowRanges rows;
        if (selected == null) {
          rows = RowRanges.builder().addSelectedRange(firstRow, lastRow - 1).build();
        } else {
          if (next == last || (selected[next] >>> 32) >= blockEnd) {
            from = blockEnd;
            continue;
          }
          firstRow = (selected[next] >>> 32) - blockStart;
          while (next < last && (selected[next] >>> 32) < blockEnd) {
            lastRow = (selected[next++] >>> 32) - blockStart + 1;
          }
          PageLocations[] locations =
              next - blockFirst <= MAX_FETCHED_ROWS && blockHasOffsetIndex[i] && fetchesPages
                  ? locations(i)
                  : null;
          if (locations != null) {
            int offset = (int) (blockStart + firstRow - start);
            readPages(i, locations, selected, blockFirst, next, firstRow, lastRow, vectors, offset);
            from = blockEnd;
            continue;
          }
          // parquet-mr's filtered read: the selected rows as its row ranges
          RowRanges.Builder builder = RowRanges.builder();
          for (int k = blockFirst; k < next; k++) {
            builder.addSelectedRow((selected[k] >>> 32) - blockStart);
          }
          rows = builder.build();
        }
        int offset = (int) (blockStart + firstRow - start);
        try (PageReadStore pages =
            blockHasOffsetIndex[i]
                ? reader.readFilteredRowGroup(i, new PageRowRanges(rows))
                : reader.readRowGroup(i)) {
          for (int c = 0; c < decoders.length; c++) {
            ColumnDecoder decoder = decoders[c];
            if (decoder == null) {
              continue;
            }
            PageReader columnPages = pages.getPageReader(decoder.descriptor());
            DictionaryCache.Entry dictionary =
                dictionaries.dictionary(key.location(), i, decoder.descriptor(), columnPages);
            decoder.decode(columnPages, dictionary, firstRow, lastRow, vectors[c], offset);
          }
        }
        from = blockEnd;
      }
      return new ColumnBatch(vectors, size);
    }

    /**
     * Decodes rows {@code [firstRow, lastRow)} of row group {@code block} into {@code vectors} from
     * {@code offset} on, from the pages holding its selected rows {@code selected[begin, end)}
     * only, fetched directly: each row's page found in the offset index ({@code locations}) by a
     * binary search, and those pages' bytes read, with the dictionary pages not cached yet, in as
     * few range reads as they allow (contiguous ranges in one). The same pages, decoded the same
     * way, as parquet-mr's {@code readFilteredRowGroup} gives, without its walk over every page of
     * each column chunk (for a trace's rows, 809 pages of each of 27 columns, to keep one or two).
     */
    private void readPages(
        int block,
        PageLocations[] locations,
        long[] selected,
        int begin,
        int end,
        long firstRow,
        long lastRow,
        ColumnVector[] vectors,
        int offset)
        throws IOException {
      long blockStart = blockStarts[block];
      int[][] pages = new int[decoders.length][];
      for (int c = 0; c < decoders.length; c++) {
        if (decoders[c] != null) {
          pages[c] = locations[c].pagesHolding(selected, begin, end, blockStart);
        }
      }
      FetchedPages[] fetched = fetchPages(block, locations, pages);
      for (int c = 0; c < decoders.length; c++) {
        ColumnDecoder decoder = decoders[c];
        if (decoder == null) {
          continue;
        }
        DictionaryCache.Entry dictionary =
            dictionaries.dictionary(key.location(), block, decoder.descriptor(), fetched[c]);
        decoder.decode(fetched[c], dictionary, firstRow, lastRow, vectors[c], offset);
      }
    }

    /**
     * Pages {@code pages[c]} (ascending) of each column {@code c} of the projection in row group
     * {@code block}, fetched directly at the offsets {@code locations} gives: their bytes read,
     * with the dictionary pages not cached yet, in as few range reads as they allow (contiguous
     * ranges in one). Columns with no pages given ({@code pages[c] == null}) are not read, and have
     * none.
     */
    private FetchedPages[] fetchPages(int block, PageLocations[] locations, int[][] pages)
        throws IOException {
      int[] dictionaryRange = new int[decoders.length];
      Ranges ranges = new Ranges();
      for (int c = 0; c < decoders.length; c++) {
        dictionaryRange[c] = -1;
        if (decoders[c] == null || pages[c] == null) {
          continue;
        }
        PageLocations at = locations[c];
        if (at.dictionarySize() > 0
            && !dictionaries.has(key.location(), block, decoders[c].descriptor())) {
          dictionaryRange[c] = ranges.add(at.dictionaryOffset(), at.dictionarySize());
        }
        for (int page : pages[c]) {
          ranges.add(at.offset(page), at.size(page));
        }
      }
      ByteBuffer[] fetched = readRanges(ranges);
      FetchedPages[] columns = new FetchedPages[decoders.length];
      int range = 0;
      for (int c = 0; c < decoders.length; c++) {
        if (decoders[c] == null || pages[c] == null) {
          continue;
        }
        PageLocations at = locations[c];
        ByteBuffer dictionaryBytes = null;
        if (dictionaryRange[c] >= 0) {
          dictionaryBytes = fetched[range++];
        }
        ByteBuffer[] pageBytes = Arrays.copyOfRange(fetched, range, range + pages[c].length);
        range += pages[c].length;
        columns[c] =
            new FetchedPages(
                decoders[c].descriptor(),
                at,
                options.getCodecFactory().getDecompressor(at.codec()),
                at.valueCount(),
                pages[c],
                pageBytes,
                dictionaryBytes,
                this::readRange);
      }
      return columns;
    }

    /**
     * Where the pages of each column of the projection are in row group {@code block}, from the
     * offset indexes (read once per reader, by parquet-mr's column index store, as {@link
     * #pageBounds}'s); null when some column's cannot be used (none, encrypted, not matching the
     * chunk): the row group is then read by parquet-mr.
     */
    private PageLocations[] locations(int block) throws IOException {
      if (locationsByBlock == null) {
        locationsByBlock = new PageLocations[blocks.size()][];
      }
      PageLocations[] known = locationsByBlock[block];
      if (known == null) {
        known = NO_LOCATIONS;
        Map<ColumnPath, ColumnChunkMetaData> chunks = new java.util.HashMap<>();
        for (ColumnChunkMetaData chunk : blocks.get(block).getColumns()) {
          chunks.put(chunk.getPath(), chunk);
        }
        ColumnIndexStore store = reader.getColumnIndexStore(block);
        PageLocations[] found = new PageLocations[decoders.length];
        boolean usable = true;
        for (int c = 0; c < decoders.length && usable; c++) {
          if (decoders[c] == null) {
            continue;
          }
          ColumnPath path = ColumnPath.get(decoders[c].descriptor().getPath());
          ColumnChunkMetaData chunk = chunks.get(path);
          OffsetIndex index = null;
          if (chunk != null && !chunk.isEncrypted()) {
            try {
              index = store.getOffsetIndex(path);
            } catch (ColumnIndexStore.MissingOffsetIndexException e) {
              // no offset index: parquet-mr reads the row group
            }
          }
          found[c] = index == null ? null : PageLocations.of(chunk, index, rowCount(block));
          usable = found[c] != null;
        }
        if (usable) {
          known = found;
        }
        locationsByBlock[block] = known;
      }
      return known == NO_LOCATIONS ? null : known;
    }

    /**
     * The bytes of the ranges, each its own buffer (a view of a larger read when contiguous ranges
     * were read in one): on S3 one vectored read (parallel ranged GETs, as parquet-mr's), locally a
     * positioned read each.
     */
    private ByteBuffer[] readRanges(Ranges ranges) throws IOException {
      int count = ranges.count;
      Integer[] order = new Integer[count];
      for (int r = 0; r < count; r++) {
        order[r] = r;
      }
      Arrays.sort(order, (a, b) -> Long.compare(ranges.offsets[a], ranges.offsets[b]));
      List<ParquetFileRange> reads = new ArrayList<>();
      int[] readOf = new int[count];
      long readStart = -1;
      long readEnd = -1;
      for (int k = 0; k < count; k++) {
        int r = order[k];
        long offset = ranges.offsets[r];
        long rangeEnd = offset + ranges.lengths[r];
        if (reads.isEmpty() || offset > readEnd || rangeEnd - readStart > MAX_READ_BYTES) {
          if (!reads.isEmpty()) {
            reads.set(
                reads.size() - 1, new ParquetFileRange(readStart, (int) (readEnd - readStart)));
          }
          reads.add(null);
          readStart = offset;
          readEnd = rangeEnd;
        } else {
          readEnd = Math.max(readEnd, rangeEnd);
        }
        readOf[r] = reads.size() - 1;
      }
      if (!reads.isEmpty()) {
        reads.set(reads.size() - 1, new ParquetFileRange(readStart, (int) (readEnd - readStart)));
      }
      ByteBuffer[] read = new ByteBuffer[reads.size()];
      SeekableInputStream stream = pageStream();
      if (options.useHadoopVectoredIo() && stream.readVectoredAvailable(HEAP)) {
        stream.readVectored(reads, HEAP);
        for (int k = 0; k < read.length; k++) {
          read[k] = FutureIO.awaitFuture(reads.get(k).getDataReadFuture());
        }
      } else {
        for (int k = 0; k < read.length; k++) {
          read[k] = readRange(reads.get(k).getOffset(), reads.get(k).getLength());
        }
      }
      ByteBuffer[] buffers = new ByteBuffer[count];
      for (int r = 0; r < count; r++) {
        ParquetFileRange whole = reads.get(readOf[r]);
        ByteBuffer bytes = read[readOf[r]].duplicate();
        int at = bytes.position() + (int) (ranges.offsets[r] - whole.getOffset());
        buffers[r] = bytes.position(at).limit(at + ranges.lengths[r]).slice();
      }
      return buffers;
    }

    /** {@code length} bytes of the file from {@code offset}, in one read. */
    private ByteBuffer readRange(long offset, int length) throws IOException {
      byte[] bytes = new byte[length];
      SeekableInputStream stream = pageStream();
      stream.seek(offset);
      stream.readFully(bytes);
      return ByteBuffer.wrap(bytes);
    }

    private SeekableInputStream pageStream() throws IOException {
      if (pageStream == null) {
        pageStream = input.newStream();
      }
      return pageStream;
    }

    /**
     * Reads the rows of ranks {@code [from, to)} of a file whose rows are not in key order, in rank
     * order: {@code rowOrder[rank]} is the row of each rank. The rows are read in position order,
     * nearby ones (gaps up to {@value #GATHER_GAP} rows) in one run that reads only the pages
     * holding them, then put in rank order.
     *
     * @throws IOException when the file cannot be read
     */
    public ColumnBatch read(int[] rowOrder, long from, long to) throws IOException {
      int size = Math.toIntExact(Math.max(0, Math.min(to, rowOrder.length) - from));
      long[] byPosition = new long[size]; // row position << 32 | index in the result
      for (int i = 0; i < size; i++) {
        byPosition[i] = ((long) rowOrder[(int) from + i] << 32) | i;
      }
      java.util.Arrays.sort(byPosition);
      ColumnVector[] vectors = new ColumnVector[decoders.length];
      for (int c = 0; c < decoders.length; c++) {
        if (decoders[c] != null) {
          vectors[c] = decoders[c].newVector(size);
        }
      }
      int i = 0;
      while (i < size) {
        int j = i + 1;
        while (j < size && (byPosition[j] >>> 32) - (byPosition[j - 1] >>> 32) <= GATHER_GAP) {
          j++;
        }
        long runFrom = byPosition[i] >>> 32;
        ColumnBatch run = read(runFrom, (byPosition[j - 1] >>> 32) + 1, byPosition, i, j);
        for (int k = i; k < j; k++) {
          int source = (int) ((byPosition[k] >>> 32) - runFrom);
          int target = (int) byPosition[k];
          for (int c = 0; c < vectors.length; c++) {
            if (vectors[c] != null) {
              vectors[c].copyFrom(run.column(c), source, target);
            }
          }
        }
        i = j;
      }
      return new ColumnBatch(vectors, size);
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
      if (pageStream != null) {
        try {
          pageStream.close();
        } catch (IOException e) {
          // likewise
        }
      }
    }
  }

  /**
   * The bounds of the pages of a column chunk, from its column index: each page's first row, and
   * the least and greatest value it holds (or that it holds only nulls). Truncated bounds, as
   * writers store long values, still hold the page's values between them.
   */
  private static final class PageBounds {
    static final PageBounds NONE = new PageBounds(new long[0], null, null, null, null, 0);

    private final long[] firstRows;
    private final Binary[] mins;
    private final Binary[] maxs;
    private final boolean[] nullPages;
    private final PrimitiveComparator<Binary> order;
    private final long rowCount;

    private PageBounds(
        long[] firstRows,
        Binary[] mins,
        Binary[] maxs,
        boolean[] nullPages,
        PrimitiveComparator<Binary> order,
        long rowCount) {
      this.firstRows = firstRows;
      this.mins = mins;
      this.maxs = maxs;
      this.nullPages = nullPages;
      this.order = order;
      this.rowCount = rowCount;
    }

    static PageBounds of(
        ColumnIndex index, OffsetIndex pages, ColumnDescriptor column, long rowCount) {
      int count = pages.getPageCount();
      List<ByteBuffer> min = index.getMinValues();
      List<ByteBuffer> max = index.getMaxValues();
      List<Boolean> onlyNulls = index.getNullPages();
      if (min.size() != count || max.size() != count || onlyNulls.size() != count) {
        return NONE; // an index that does not match the pages: not used
      }
      long[] firstRows = new long[count];
      Binary[] mins = new Binary[count];
      Binary[] maxs = new Binary[count];
      boolean[] nullPages = new boolean[count];
      for (int p = 0; p < count; p++) {
        firstRows[p] = pages.getFirstRowIndex(p);
        nullPages[p] = onlyNulls.get(p);
        mins[p] = Binary.fromConstantByteBuffer(min.get(p));
        maxs[p] = Binary.fromConstantByteBuffer(max.get(p));
      }
      return new PageBounds(
          firstRows, mins, maxs, nullPages, column.getPrimitiveType().comparator(), rowCount);
    }

    /**
     * The pages (ascending) holding rows of {@code [first, last)} whose bounds admit {@code value}.
     */
    int[] pagesMayHold(Binary value, long first, long last) {
      int page = Arrays.binarySearch(firstRows, first);
      page = page >= 0 ? page : -page - 2; // the page holding row first
      int[] pages = new int[firstRows.length - page];
      int count = 0;
      for (; page < firstRows.length && firstRows[page] < last; page++) {
        if (admits(page, value)) {
          pages[count++] = page;
        }
      }
      return Arrays.copyOf(pages, count);
    }

    private boolean admits(int page, Binary value) {
      return !nullPages[page]
          && order.compare(mins[page], value) <= 0
          && order.compare(maxs[page], value) >= 0;
    }

    /** The rows of {@code [first, last)} in pages whose bounds admit {@code value}. */
    RowRanges mayHold(Binary value, long first, long last) {
      RowRanges.Builder rows = RowRanges.builder();
      int page = Arrays.binarySearch(firstRows, first);
      page = page >= 0 ? page : -page - 2; // the page holding row first
      for (; page < firstRows.length && firstRows[page] < last; page++) {
        if (admits(page, value)) {
          long pageEnd = page + 1 < firstRows.length ? firstRows[page + 1] : rowCount;
          rows.addSelectedRange(Math.max(first, firstRows[page]), Math.min(last, pageEnd) - 1);
        }
      }
      return rows.build();
    }
  }
}

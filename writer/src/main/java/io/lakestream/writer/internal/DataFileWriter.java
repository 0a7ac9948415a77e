package io.lakestream.writer.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.convert.AvroSchemas;
import io.lakestream.writer.KeyModelEncoder;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.values.bloomfilter.BlockSplitBloomFilter;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Writes one table's rows, already in primary key order, as one Parquet file laid out for key range
 * reads: small pages (at most {@value #PAGE_ROW_LIMIT} rows), {@value #ROW_GROUP_BYTES}-byte row
 * groups, the page index (column and offset indexes), three-level lists, a Bloom filter per row
 * group of each of the table's {@link TableDefinition#bloomFilterColumns}. Collects Delta
 * statistics and the key model tags on the way.
 */
public final class DataFileWriter {
  /** Rows per page at most, so a range read decodes little more than it returns. */
  public static final int PAGE_ROW_LIMIT = 1_000;

  /** Bytes per page at most. */
  public static final int PAGE_BYTES = 64 * 1024;

  /** Row group size: large enough for scans, small enough to bound the writer's memory. */
  public static final int ROW_GROUP_BYTES = 32 * 1024 * 1024;

  /** The share of absent values a Bloom filter may wrongly admit. */
  static final double BLOOM_FILTER_FPP = 0.01;

  /**
   * A Bloom filter's largest size: enough for about 870,000 distinct values at {@value
   * #BLOOM_FILTER_FPP} (a row group of ids, one each row).
   */
  static final int BLOOM_FILTER_MAX_BYTES = 1 << 20;

  /**
   * How many sizes of Bloom filter are filled while a row group is written (each half the one
   * before, from {@value #BLOOM_FILTER_MAX_BYTES} bytes); the smallest that holds the row group's
   * distinct values at {@value #BLOOM_FILTER_FPP} is kept.
   */
  static final int BLOOM_FILTER_SIZES = 10;

  /** The smallest Bloom filter, in bytes (Parquet's filters are made of 32-byte blocks). */
  static final int MIN_BLOOM_FILTER_BYTES = 32;

  /**
   * Tag holding the smallest key of the file, as a decimal {@code long} ({@link
   * io.lakestream.index.KeyEncoding}).
   */
  public static final String MIN_KEY_TAG = "lakestream.key.min";

  /**
   * Tag holding the largest key of the file, as a decimal {@code long} ({@link
   * io.lakestream.index.KeyEncoding}).
   */
  public static final String MAX_KEY_TAG = "lakestream.key.max";

  private final TableDefinition table;
  private final Schema rowSchema;
  private final Configuration conf;
  private final CompressionCodecName codec;
  private final KeyModelEncoder keyModels;
  private final PageCompressors compressors;
  private final WriteSupport.WriteContext writeContext;
  // Avro write supports initialised once (its init turns the Avro schema into JSON, a tenth of a
  // small file's write) and reused, one file at a time each.
  private final java.util.Queue<AvroWriteSupport<GenericRecord>> idleSupports =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  public DataFileWriter(
      TableDefinition table, Configuration conf, String compression, KeyModelEncoder keyModels) {
    this.table = requireNonNull(table, "table is null");
    this.rowSchema = AvroSchemas.rowSchema(table);
    this.conf = new Configuration(conf);
    this.conf.setBoolean(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, false);
    this.codec =
        compression.equals("snappy") ? CompressionCodecName.SNAPPY : CompressionCodecName.ZSTD;
    this.keyModels = requireNonNull(keyModels, "keyModels is null");
    this.compressors = new PageCompressors(this.conf, PAGE_BYTES);
    AvroWriteSupport<GenericRecord> first =
        new AvroWriteSupport<>(
            new AvroSchemaConverter(this.conf).convert(rowSchema), rowSchema, GenericData.get());
    this.writeContext = first.init(this.conf);
    idleSupports.add(first);
  }

  /** Another write support like the first, for a file written while the others are in use. */
  private AvroWriteSupport<GenericRecord> newWriteSupport() {
    AvroWriteSupport<GenericRecord> support =
        new AvroWriteSupport<>(writeContext.getSchema(), rowSchema, GenericData.get());
    support.init(conf);
    return support;
  }

  /** A fresh data file name, unique across writers. */
  public String newFileName() {
    return "part-00000-"
        + UUID.randomUUID()
        + "-c000."
        + codec.name().toLowerCase(java.util.Locale.ROOT)
        + ".parquet";
  }

  /**
   * Writes the rows to {@code tableRoot/fileName}; never overwrites.
   *
   * @param rows the rows in key order, with the table's Avro row schema
   * @param sortedKeys the rows' keys in the same order, at least one
   * @throws IOException when storage fails; a partial file may remain (it is never referenced)
   */
  public DataFile write(
      Path tableRoot, String fileName, Iterator<GenericRecord> rows, long[] sortedKeys)
      throws IOException {
    if (sortedKeys.length == 0) {
      throw new IllegalArgumentException("a data file needs at least one row");
    }
    return write(tableRoot, fileName, rows, sortedKeys.length, () -> sortedKeys);
  }

  /**
   * Writes the rows to {@code tableRoot/fileName} as {@link #write(Path, String, Iterator, long[])}
   * does, taking each row's key with {@code keyOf} as the row is written: for rows streamed from
   * elsewhere (a merge of files), whose keys are not known before.
   *
   * @param rows the rows in key order, with the table's Avro row schema, at least one
   * @param keyOf the key of a row ({@link PrimaryKeys#encode})
   * @throws IOException when storage fails; a partial file may remain (it is never referenced)
   */
  public DataFile write(
      Path tableRoot,
      String fileName,
      Iterator<GenericRecord> rows,
      java.util.function.ToLongFunction<GenericRecord> keyOf)
      throws IOException {
    long[][] keys = {new long[1024]};
    int[] count = {0};
    Iterator<GenericRecord> keyed =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return rows.hasNext();
          }

          @Override
          public GenericRecord next() {
            GenericRecord row = rows.next();
            if (count[0] == keys[0].length) {
              keys[0] = java.util.Arrays.copyOf(keys[0], keys[0].length * 2);
            }
            keys[0][count[0]++] = keyOf.applyAsLong(row);
            return row;
          }
        };
    if (!rows.hasNext()) {
      throw new IllegalArgumentException("a data file needs at least one row");
    }
    return write(tableRoot, fileName, keyed, -1, () -> java.util.Arrays.copyOf(keys[0], count[0]));
  }

  /** As the public methods; {@code rowCount} is the rows' count, -1 when not known before. */
  private DataFile write(
      Path tableRoot,
      String fileName,
      Iterator<GenericRecord> rows,
      long rowCount,
      java.util.function.Supplier<long[]> keysAfterWriting)
      throws IOException {
    Path path = new Path(tableRoot, fileName);
    CountingOutputFile output = new CountingOutputFile(HadoopOutputFile.fromPath(path, conf));
    FileStatistics statistics = new FileStatistics(table);
    AvroWriteSupport<GenericRecord> support = idleSupports.poll();
    if (support == null) {
      support = newWriteSupport();
    }
    try (ParquetWriter<GenericRecord> writer =
        withBloomFilters(
                new Builder(output, new InitialisedWriteSupport(support, writeContext)),
                table,
                rowCount)
            .withConf(conf)
            .withWriteMode(ParquetFileWriter.Mode.CREATE)
            .withCompressionCodec(codec)
            .withCodecFactory(compressors)
            .withRowGroupSize((long) ROW_GROUP_BYTES)
            .withPageSize(PAGE_BYTES)
            .withPageRowCountLimit(PAGE_ROW_LIMIT)
            .withDictionaryEncoding(true)
            .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
            .build()) {
      while (rows.hasNext()) {
        GenericRecord row = rows.next();
        statistics.add(row);
        writer.write(row);
      }
    } finally {
      idleSupports.add(support);
    }
    long[] sortedKeys = keysAfterWriting.get();
    if (statistics.numRecords() != sortedKeys.length) {
      throw new IllegalStateException(
          "wrote " + statistics.numRecords() + " rows but got " + sortedKeys.length + " keys");
    }
    Map<String, String> tags = new LinkedHashMap<>(keyModels.tags(sortedKeys));
    tags.put(MIN_KEY_TAG, Long.toString(sortedKeys[0]));
    tags.put(MAX_KEY_TAG, Long.toString(sortedKeys[sortedKeys.length - 1]));
    return new DataFile(
        fileName,
        output.length(),
        System.currentTimeMillis(),
        statistics.numRecords(),
        statistics.toJson(),
        tags);
  }

  /**
   * {@code builder} keeping a Bloom filter per row group of each of {@code table}'s {@link
   * TableDefinition#bloomFilterColumns}, sized to the row group's distinct values: the smallest of
   * up to {@value #BLOOM_FILTER_SIZES} sizes (each half the one before) that holds them at {@value
   * #BLOOM_FILTER_FPP}. The writer fills every size while it writes a row group, so the largest is
   * the one {@code rowCount} rows need (distinct values are at most the rows), up to {@value
   * #BLOOM_FILTER_MAX_BYTES} bytes when the count is not known (-1): a tenant's first file of 20
   * rows fills a few bytes of filters, not two megabytes. (A chunk whose every page is
   * dictionary-encoded keeps none: its dictionary answers.)
   */
  public static <B extends ParquetWriter.Builder<?, B>> B withBloomFilters(
      B builder, TableDefinition table, long rowCount) {
    if (table.bloomFilterColumns().isEmpty()) {
      return builder;
    }
    int maxBytes = BLOOM_FILTER_MAX_BYTES;
    if (rowCount >= 0) {
      long needed = BlockSplitBloomFilter.optimalNumOfBits(Math.max(1, rowCount), BLOOM_FILTER_FPP);
      // a power of two, as the filters' sizes are: rounded down, it would hold fewer values
      int bytes = (int) Math.min(maxBytes, Math.max(MIN_BLOOM_FILTER_BYTES, needed / 8));
      maxBytes = Math.min(maxBytes, Integer.highestOneBit(bytes - 1) << 1);
    }
    int sizes = 1;
    while (sizes < BLOOM_FILTER_SIZES && maxBytes >> sizes >= MIN_BLOOM_FILTER_BYTES) {
      sizes++;
    }
    builder.withAdaptiveBloomFilterEnabled(true).withMaxBloomFilterBytes(maxBytes);
    for (String column : table.bloomFilterColumns()) {
      builder
          .withBloomFilterEnabled(column, true)
          .withBloomFilterFPP(column, BLOOM_FILTER_FPP)
          .withBloomFilterCandidateNumber(column, sizes);
    }
    return builder;
  }

  /** A Parquet writer of rows with a write support made beforehand. */
  private static final class Builder extends ParquetWriter.Builder<GenericRecord, Builder> {
    private final WriteSupport<GenericRecord> support;

    Builder(OutputFile file, WriteSupport<GenericRecord> support) {
      super(file);
      this.support = support;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<GenericRecord> getWriteSupport(Configuration conf) {
      return support;
    }

    @Override
    protected WriteSupport<GenericRecord> getWriteSupport(ParquetConfiguration conf) {
      return support;
    }
  }

  /**
   * An Avro write support that was initialised for an earlier file: its write context (the Parquet
   * schema and the Avro schema as JSON in the footer) is the same for every file of the table type.
   */
  private static final class InitialisedWriteSupport extends WriteSupport<GenericRecord> {
    private final AvroWriteSupport<GenericRecord> delegate;
    private final WriteContext context;

    InitialisedWriteSupport(AvroWriteSupport<GenericRecord> delegate, WriteContext context) {
      this.delegate = delegate;
      this.context = context;
    }

    @Override
    public String getName() {
      return delegate.getName();
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return context;
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return context;
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      delegate.prepareForWrite(recordConsumer);
    }

    @Override
    public void write(GenericRecord record) {
      delegate.write(record);
    }

    @Override
    public FinalizedWriteContext finalizeWrite() {
      return delegate.finalizeWrite();
    }
  }

  /** Remembers how many bytes the Parquet writer wrote, to skip a stat call after the upload. */
  private static final class CountingOutputFile implements OutputFile {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final OutputFile delegate;
    private long length = -1;

    CountingOutputFile(OutputFile delegate) {
      this.delegate = delegate;
    }

    long length() {
      if (length < 0) {
        throw new IllegalStateException("the data file was not closed");
      }
      return length;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
      return wrap(delegate.create(blockSizeHint));
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
      return wrap(delegate.createOrOverwrite(blockSizeHint));
    }

    @Override
    public boolean supportsBlockSize() {
      return delegate.supportsBlockSize();
    }

    @Override
    public long defaultBlockSize() {
      return delegate.defaultBlockSize();
    }

    @Override
    public String getPath() {
      return delegate.getPath();
    }

    /**
     * {@code out} behind a buffer: the footer is written a byte or two at a time (Thrift), and each
     * write went down through four streams and the checksum of a local warehouse.
     */
    private PositionOutputStream wrap(PositionOutputStream out) {
      return new PositionOutputStream() {
        private final byte[] buffer = new byte[BUFFER_BYTES];
        private int buffered;

        @Override
        public long getPos() throws IOException {
          return out.getPos() + buffered;
        }

        @Override
        public void write(int b) throws IOException {
          if (buffered == buffer.length) {
            drain();
          }
          buffer[buffered++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          if (len > buffer.length - buffered) {
            drain();
            if (len >= buffer.length) {
              out.write(b, off, len);
              return;
            }
          }
          System.arraycopy(b, off, buffer, buffered, len);
          buffered += len;
        }

        @Override
        public void flush() throws IOException {
          drain();
          out.flush();
        }

        @Override
        public void close() throws IOException {
          drain();
          long position = out.getPos();
          out.close();
          length = position;
        }

        private void drain() throws IOException {
          if (buffered > 0) {
            out.write(buffer, 0, buffered);
            buffered = 0;
          }
        }
      };
    }
  }
}

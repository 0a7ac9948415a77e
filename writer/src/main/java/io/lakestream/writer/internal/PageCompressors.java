package io.lakestream.writer.internal;

import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * The page compressors of the data files one {@link DataFileWriter} writes, shared by all of them.
 *
 * <p>ZSTD pages are compressed in one call on a native context taken from a pool, instead of
 * parquet-mr's stream per page, which creates and frees a native context for every page of every
 * column: for the small files of new and quiet tables (28 columns, one page each) that was about
 * half of writing the file. The frames are the same standard ZSTD frames at the same level, read by
 * every Parquet reader. Other codecs go to parquet-mr's own {@link CodecFactory}.
 *
 * <p>Thread-safe: a context is used by one page at a time. The pool is the process's, shared by
 * every writer (the writer keeps one per table type, maintenance makes one per compaction), and
 * keeps at most {@link #MAX_IDLE} idle contexts per level: a context's native memory is freed only
 * when it is closed, never by the garbage collector.
 */
final class PageCompressors implements CompressionCodecFactory {
  /** parquet-mr's key for the ZSTD level, and its default. */
  private static final String ZSTD_LEVEL = "parquet.compression.codec.zstd.level";

  private static final int DEFAULT_ZSTD_LEVEL = 3;

  /** Idle contexts kept per level: more than pages are compressed at once in a process. */
  static final int MAX_IDLE = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

  private static final Map<Integer, Pool> POOLS = new ConcurrentHashMap<>();

  private final CodecFactory others;
  private final Pool pool;
  private final BytesInputCompressor zstd = new Zstd();

  /**
   * @param conf the writer's Hadoop configuration (the ZSTD level; other codecs' settings)
   * @param pageSize the largest page, for the other codecs' buffers
   */
  PageCompressors(Configuration conf, int pageSize) {
    this.others = new CodecFactory(conf, pageSize);
    this.pool = POOLS.computeIfAbsent(conf.getInt(ZSTD_LEVEL, DEFAULT_ZSTD_LEVEL), Pool::new);
  }

  /** How many idle ZSTD contexts the process keeps now, over all levels (for tests). */
  static int idleContexts() {
    int idle = 0;
    for (Pool pool : POOLS.values()) {
      idle += pool.size.get();
    }
    return idle;
  }

  /** The idle native contexts of one ZSTD level. */
  private static final class Pool {
    private final int level;
    private final ConcurrentLinkedQueue<ZstdCompressCtx> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();

    Pool(int level) {
      this.level = level;
    }

    ZstdCompressCtx take() {
      ZstdCompressCtx context = idle.poll();
      if (context != null) {
        size.decrementAndGet();
        return context;
      }
      context = new ZstdCompressCtx();
      context.setLevel(level);
      return context;
    }

    void give(ZstdCompressCtx context) {
      if (size.incrementAndGet() <= MAX_IDLE) {
        idle.add(context);
      } else {
        size.decrementAndGet();
        context.close();
      }
    }
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    return codec == CompressionCodecName.ZSTD ? zstd : others.getCompressor(codec);
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    return others.getDecompressor(codec);
  }

  /**
   * Kept for the next file: a {@link org.apache.parquet.hadoop.ParquetWriter} calls it on close.
   */
  @Override
  public void release() {}

  private final class Zstd implements BytesInputCompressor {
    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
      ZstdCompressCtx context = pool.take();
      try {
        return BytesInput.from(context.compress(bytes.toByteArray()));
      } finally {
        pool.give(context);
      }
    }

    @Override
    public CompressionCodecName getCodecName() {
      return CompressionCodecName.ZSTD;
    }

    @Override
    public void release() {}
  }
}

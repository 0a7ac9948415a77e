package io.lakestream.schema.parquet;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Parquet pages compressed and decompressed with ZSTD in one call each, on native contexts taken
 * from the process's pools, instead of parquet-mr's stream per page, which creates and frees a
 * native context for every page: about half of writing a quiet table's small file (28 columns, one
 * page each), a fifth of reading a timestamp range of the writer's 1,000-row pages. The frames are
 * standard ZSTD frames, read and written by every Parquet tool.
 *
 * <p>Thread-safe: a context serves one page at a time. Each pool (one per compression level, one
 * for decompression) keeps at most {@link #MAX_IDLE} idle contexts: a context's native memory is
 * freed only when it is closed, never by the garbage collector.
 */
public final class ZstdContexts {
  /** Idle contexts kept per pool: more than pages are handled at once in a process. */
  public static final int MAX_IDLE = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

  private static final Map<Integer, Pool<ZstdCompressCtx>> COMPRESSORS = new ConcurrentHashMap<>();
  private static final Pool<ZstdDecompressCtx> DECOMPRESSORS = new Pool<>(ZstdDecompressCtx::new);

  private ZstdContexts() {}

  /** {@code page} compressed at {@code level}. */
  public static byte[] compress(byte[] page, int level) {
    Pool<ZstdCompressCtx> pool =
        COMPRESSORS.computeIfAbsent(
            level,
            l ->
                new Pool<>(
                    () -> {
                      ZstdCompressCtx context = new ZstdCompressCtx();
                      context.setLevel(l);
                      return context;
                    }));
    ZstdCompressCtx context = pool.take();
    try {
      return context.compress(page);
    } finally {
      pool.give(context);
    }
  }

  /**
   * {@code size} bytes decompressed from {@code compressed[offset, offset + length)}.
   *
   * @throws IOException when the bytes are not a ZSTD frame of {@code size} bytes
   */
  public static byte[] decompress(byte[] compressed, int offset, int length, int size)
      throws IOException {
    byte[] page = new byte[size];
    ZstdDecompressCtx context = DECOMPRESSORS.take();
    try {
      int written = context.decompressByteArray(page, 0, size, compressed, offset, length);
      if (written != size) {
        throw new IOException(
            "a ZSTD page decompressed to " + written + " bytes, its header says " + size);
      }
      return page;
    } catch (ZstdException e) {
      throw new IOException("a ZSTD page could not be decompressed: " + e.getMessage(), e);
    } finally {
      DECOMPRESSORS.give(context);
    }
  }

  /** How many idle compression contexts the process keeps now, over all levels (for tests). */
  public static int idleCompressors() {
    int idle = 0;
    for (Pool<ZstdCompressCtx> pool : COMPRESSORS.values()) {
      idle += pool.size.get();
    }
    return idle;
  }

  /** The idle native contexts of one kind (and level). */
  private static final class Pool<C extends AutoCloseable> {
    private final Supplier<C> make;
    private final ConcurrentLinkedQueue<C> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();

    Pool(Supplier<C> make) {
      this.make = make;
    }

    C take() {
      C context = idle.poll();
      if (context == null) {
        return make.get();
      }
      size.decrementAndGet();
      return context;
    }

    void give(C context) {
      if (size.incrementAndGet() <= MAX_IDLE) {
        idle.add(context);
        return;
      }
      size.decrementAndGet();
      try {
        context.close();
      } catch (Exception e) {
        // a native context: closing frees its memory and cannot fail
      }
    }
  }
}

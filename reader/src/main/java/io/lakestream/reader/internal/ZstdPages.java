package io.lakestream.reader.internal;

import static java.util.Objects.requireNonNull;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Parquet's codecs, with ZSTD pages decompressed in one call into an array of the page's known
 * size, with a decompression context taken from a small pool. Parquet's own ZSTD codec opens a
 * streaming decompressor for every page (a native context allocated and freed, its buffers filled
 * through a stream): for the writer's small pages (1,000 rows) that was a fifth of a range scan's
 * time. Other codecs, and compression, are Parquet's.
 */
final class ZstdPages implements CompressionCodecFactory {
  /** Contexts kept for reuse; more are made while more pages are decompressed at once. */
  private static final int MAX_IDLE = 2 * Runtime.getRuntime().availableProcessors();

  private static final ConcurrentLinkedDeque<ZstdDecompressCtx> IDLE =
      new ConcurrentLinkedDeque<>();
  private static final AtomicInteger IDLE_COUNT = new AtomicInteger();

  private final CompressionCodecFactory parquet;
  private final BytesInputDecompressor zstd = new Decompressor();

  /**
   * @param parquet Parquet's codecs, for every other codec
   */
  ZstdPages(CompressionCodecFactory parquet) {
    this.parquet = requireNonNull(parquet, "parquet is null");
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    return parquet.getCompressor(codec);
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    return codec == CompressionCodecName.ZSTD ? zstd : parquet.getDecompressor(codec);
  }

  @Override
  public void release() {
    parquet.release();
  }

  /** {@code size} bytes decompressed from {@code compressed[offset, offset + length)}. */
  static byte[] decompress(byte[] compressed, int offset, int length, int size) throws IOException {
    byte[] page = new byte[size];
    ZstdDecompressCtx context = IDLE.pollFirst();
    if (context == null) {
      context = new ZstdDecompressCtx();
    } else {
      IDLE_COUNT.decrementAndGet();
    }
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
      if (IDLE_COUNT.incrementAndGet() <= MAX_IDLE) {
        IDLE.offerFirst(context);
      } else {
        IDLE_COUNT.decrementAndGet();
        context.close();
      }
    }
  }

  private static final class Decompressor implements BytesInputDecompressor {
    @Override
    public BytesInput decompress(BytesInput bytes, int size) throws IOException {
      ByteBuffer compressed = bytes.toByteBuffer();
      if (compressed.hasArray()) {
        return BytesInput.from(
            ZstdPages.decompress(
                compressed.array(),
                compressed.arrayOffset() + compressed.position(),
                compressed.remaining(),
                size));
      }
      byte[] copy = new byte[compressed.remaining()];
      compressed.get(copy);
      return BytesInput.from(ZstdPages.decompress(copy, 0, copy.length, size));
    }

    @Override
    public void decompress(ByteBuffer input, int length, ByteBuffer output, int size)
        throws IOException {
      byte[] compressed = new byte[length];
      input.duplicate().get(compressed);
      output.put(ZstdPages.decompress(compressed, 0, length, size));
    }

    @Override
    public void release() {
      // the contexts are shared: kept in the pool
    }
  }
}

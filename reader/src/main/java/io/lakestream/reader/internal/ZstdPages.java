package io.lakestream.reader.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.parquet.ZstdContexts;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Parquet's codecs, with ZSTD pages decompressed in one call into an array of the page's known size
 * on a pooled native context ({@link ZstdContexts}): parquet-mr's own ZSTD codec opens a streaming
 * decompressor for every page, a fifth of a range scan's time with the writer's 1,000-row pages.
 * Other codecs, and compression, are Parquet's.
 */
final class ZstdPages implements CompressionCodecFactory {
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

  private static final class Decompressor implements BytesInputDecompressor {
    @Override
    public BytesInput decompress(BytesInput bytes, int size) throws IOException {
      ByteBuffer compressed = bytes.toByteBuffer();
      if (compressed.hasArray()) {
        return BytesInput.from(
            ZstdContexts.decompress(
                compressed.array(),
                compressed.arrayOffset() + compressed.position(),
                compressed.remaining(),
                size));
      }
      byte[] copy = new byte[compressed.remaining()];
      compressed.get(copy);
      return BytesInput.from(ZstdContexts.decompress(copy, 0, copy.length, size));
    }

    @Override
    public void decompress(ByteBuffer input, int length, ByteBuffer output, int size)
        throws IOException {
      byte[] compressed = new byte[length];
      input.duplicate().get(compressed);
      output.put(ZstdContexts.decompress(compressed, 0, length, size));
    }

    @Override
    public void release() {
      // the contexts are the process's: kept in the pool
    }
  }
}

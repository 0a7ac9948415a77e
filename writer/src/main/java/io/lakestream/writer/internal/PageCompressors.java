package io.lakestream.writer.internal;

import io.lakestream.schema.parquet.ZstdContexts;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * The page compressors of the data files one {@link DataFileWriter} writes: ZSTD pages compressed
 * in one call on a pooled native context ({@link ZstdContexts}: parquet-mr's stream per page was
 * about half of writing a quiet table's small file), other codecs by parquet-mr's own {@link
 * CodecFactory}. Thread-safe.
 */
final class PageCompressors implements CompressionCodecFactory {
  /** parquet-mr's key for the ZSTD level, and its default. */
  private static final String ZSTD_LEVEL = "parquet.compression.codec.zstd.level";

  private static final int DEFAULT_ZSTD_LEVEL = 3;

  private final CodecFactory others;
  private final int level;
  private final BytesInputCompressor zstd = new Zstd();

  /**
   * @param conf the writer's Hadoop configuration (the ZSTD level; other codecs' settings)
   * @param pageSize the largest page, for the other codecs' buffers
   */
  PageCompressors(Configuration conf, int pageSize) {
    this.others = new CodecFactory(conf, pageSize);
    this.level = conf.getInt(ZSTD_LEVEL, DEFAULT_ZSTD_LEVEL);
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
      return BytesInput.from(ZstdContexts.compress(bytes.toByteArray(), level));
    }

    @Override
    public CompressionCodecName getCodecName() {
      return CompressionCodecName.ZSTD;
    }

    @Override
    public void release() {}
  }
}

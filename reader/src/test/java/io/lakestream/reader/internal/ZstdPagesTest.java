package io.lakestream.reader.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.schema.parquet.ZstdContexts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputDecompressor;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopCodecs;
import org.junit.jupiter.api.Test;

/** ZSTD pages decompressed with pooled contexts: the bytes written, from any thread. */
class ZstdPagesTest {
  private final ZstdPages codecs = new ZstdPages(HadoopCodecs.newFactory(0));

  @Test
  void pagesComeBackAsWrittenFromManyThreadsAtOnce() throws Exception {
    BytesInputDecompressor zstd = codecs.getDecompressor(CompressionCodecName.ZSTD);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int seed = t;
        done.add(
            threads.submit(
                () -> {
                  Random random = new Random(seed);
                  int pages = 0;
                  for (int i = 0; i < 300; i++) {
                    byte[] page = new byte[i == 0 ? 0 : random.nextInt(70_000)];
                    for (int b = 0; b < page.length; b++) {
                      page[b] = (byte) (random.nextInt(8) == 0 ? random.nextInt() : b / 100);
                    }
                    byte[] compressed = ZstdContexts.compress(page, 3);
                    byte[] back =
                        zstd.decompress(BytesInput.from(compressed), page.length).toByteArray();
                    assertThat(back).isEqualTo(page);
                    pages++;
                  }
                  return pages;
                }));
      }
      for (Future<Integer> pages : done) {
        assertThat(pages.get()).isEqualTo(300);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aDamagedPageOrAWrongSizeIsAnIoErrorThatSaysSo() {
    BytesInputDecompressor zstd = codecs.getDecompressor(CompressionCodecName.ZSTD);
    byte[] compressed = ZstdContexts.compress(new byte[1000], 3);
    assertThatThrownBy(() -> zstd.decompress(BytesInput.from(compressed), 999))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("ZSTD page");
    compressed[compressed.length / 2] ^= 0x5a;
    compressed[4] ^= 0x7f;
    assertThatThrownBy(() -> zstd.decompress(BytesInput.from(compressed), 1000))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("ZSTD page");
  }

  @Test
  void otherCodecsAreParquetsOwn() throws IOException {
    byte[] page =
        "a page of text, a page of text".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] compressed =
        codecs
            .getCompressor(CompressionCodecName.SNAPPY)
            .compress(BytesInput.from(page))
            .toByteArray();
    assertThat(
            codecs
                .getDecompressor(CompressionCodecName.SNAPPY)
                .decompress(BytesInput.from(compressed), page.length)
                .toByteArray())
        .isEqualTo(page);
    assertThat(codecs.getDecompressor(CompressionCodecName.SNAPPY))
        .isNotSameAs(codecs.getDecompressor(CompressionCodecName.ZSTD));
  }
}

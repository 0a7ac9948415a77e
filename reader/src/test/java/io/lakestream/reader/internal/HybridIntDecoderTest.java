package io.lakestream.reader.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.io.ParquetDecodingException;
import org.junit.jupiter.api.Test;

/**
 * The bulk RLE / bit-packing hybrid decoder reads what parquet-mr's encoder writes: every bit
 * width, runs of repeats and of mixed values, in any mix of bulk reads, skips and single reads.
 */
class HybridIntDecoderTest {
  @Test
  void decodesWhatParquetEncodesAtEveryBitWidth() throws IOException {
    Random random = new Random(17);
    for (int bitWidth = 0; bitWidth <= 32; bitWidth++) {
      for (int attempt = 0; attempt < 20; attempt++) {
        int[] values = values(random, bitWidth, 1 + random.nextInt(3000));
        byte[] encoded = encode(bitWidth, values);
        int padding = random.nextInt(5);
        byte[] page = new byte[encoded.length + 2 * padding];
        System.arraycopy(encoded, 0, page, padding, encoded.length);
        HybridIntDecoder decoder =
            new HybridIntDecoder(page, padding, padding + encoded.length, bitWidth);
        int[] decoded = new int[values.length];
        int position = 0;
        while (position < values.length) {
          int n = Math.min(values.length - position, 1 + random.nextInt(200));
          switch (random.nextInt(3)) {
            case 0 -> decoder.read(decoded, position, n);
            case 1 -> {
              decoder.skip(n);
              System.arraycopy(values, position, decoded, position, n);
            }
            default -> {
              for (int i = 0; i < n; i++) {
                decoded[position + i] = decoder.next();
              }
            }
          }
          position += n;
        }
        assertThat(decoded).as("bit width %d", bitWidth).isEqualTo(values);
      }
    }
  }

  @Test
  void refusesToReadPastTheEnd() throws IOException {
    byte[] encoded = encode(3, new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
    HybridIntDecoder decoder = new HybridIntDecoder(encoded, 0, encoded.length, 3);
    decoder.skip(10);
    assertThatThrownBy(() -> decoder.skip(100))
        .isInstanceOf(ParquetDecodingException.class)
        .hasMessageContaining("end early");
  }

  private static int[] values(Random random, int bitWidth, int count) {
    int[] values = new int[count];
    long bound = 1L << bitWidth;
    int i = 0;
    while (i < count) {
      int run = Math.min(count - i, 1 + random.nextInt(random.nextBoolean() ? 4 : 60));
      if (random.nextBoolean()) {
        Arrays.fill(values, i, i + run, (int) (random.nextLong() & (bound - 1)));
      } else {
        for (int j = i; j < i + run; j++) {
          values[j] = (int) (random.nextLong() & (bound - 1));
        }
      }
      i += run;
    }
    return values;
  }

  private static byte[] encode(int bitWidth, int[] values) throws IOException {
    try (RunLengthBitPackingHybridEncoder encoder =
        new RunLengthBitPackingHybridEncoder(
            bitWidth, 64, 1 << 20, new HeapByteBufferAllocator())) {
      for (int value : values) {
        encoder.writeInt(value);
      }
      return encoder.toBytes().toByteArray();
    }
  }
}

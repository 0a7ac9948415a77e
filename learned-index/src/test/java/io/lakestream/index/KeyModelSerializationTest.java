package io.lakestream.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class KeyModelSerializationTest {
  private static final long SEED = 99L;

  /** A model with a few segments over keys that need every byte width. */
  private static KeyModel sample() {
    return KeyModel.buildWithEpsilon(TestKeys.extremesWithRuns(new Random(SEED)), 64);
  }

  @Test
  void bytesAndTagRoundTripOnEveryKeySet() {
    Random random = new Random(SEED);
    for (Map.Entry<String, long[]> set : TestKeys.all(SEED).entrySet()) {
      for (KeyModel model :
          new KeyModel[] {
            KeyModel.build(set.getValue()), KeyModel.buildWithEpsilon(set.getValue(), 4)
          }) {
        KeyModel fromBytes = KeyModel.fromBytes(model.toBytes());
        KeyModel fromTag = KeyModel.fromTag(model.toTag());
        assertThat(fromBytes).as(set.getKey()).isEqualTo(model);
        assertThat(fromTag).as(set.getKey()).isEqualTo(model);
        assertThat(model.toBytes()).hasSize(model.serializedSize());
        for (long probe : TestKeys.probes(set.getValue(), random, 100)) {
          assertThat(fromTag.lowerBoundWindow(probe)).isEqualTo(model.lowerBoundWindow(probe));
          assertThat(fromTag.upperBoundWindow(probe)).isEqualTo(model.upperBoundWindow(probe));
        }
      }
    }
  }

  @Test
  void formatStartsWithMagicVersionAndLength() {
    byte[] bytes = sample().toBytes();
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    assertThat(buffer.getInt()).isEqualTo(0x4C534B4D);
    assertThat(buffer.get()).isEqualTo((byte) 1);
    assertThat(buffer.getInt()).isEqualTo(bytes.length);
  }

  @Test
  void rejectsBadMagic() {
    byte[] bytes = sample().toBytes();
    bytes[0] = 'X';
    assertThatThrownBy(() -> KeyModel.fromBytes(bytes))
        .isInstanceOf(IndexFormatException.class)
        .hasMessage(
            "Cannot read key model: bad magic 0x58534B4D, expected 0x4C534B4D ('LSKM'): the bytes"
                + " are not a Lakestream key model");
  }

  @Test
  void rejectsUnknownVersion() {
    byte[] bytes = sample().toBytes();
    bytes[4] = 2;
    assertThatThrownBy(() -> KeyModel.fromBytes(bytes))
        .isInstanceOf(IndexFormatException.class)
        .hasMessage(
            "Cannot read key model: unknown format version 2 (this library reads version 1);"
                + " upgrade the reader or rebuild the model from the keys");
  }

  @Test
  void rejectsWrongChecksumOnAnyFlippedByte() {
    byte[] original = sample().toBytes();
    for (int i = 9; i < original.length; i++) {
      byte[] bytes = original.clone();
      bytes[i] ^= 0x10;
      assertThatThrownBy(() -> KeyModel.fromBytes(bytes))
          .as("byte %d flipped", i)
          .isInstanceOf(IndexFormatException.class)
          .hasMessageStartingWith("Cannot read key model: checksum mismatch (stored CRC32 0x")
          .hasMessageEndingWith("): the bytes are corrupt");
    }
  }

  @Test
  void rejectsTruncatedInputAtEveryLength() {
    byte[] original = sample().toBytes();
    for (int length = 0; length < original.length; length++) {
      byte[] bytes = Arrays.copyOf(original, length);
      String expected =
          length < 9
              ? "Cannot read key model: truncated: "
                  + length
                  + " bytes, fewer than the 32 of the smallest model; rebuild the model from the"
                  + " keys"
              : "Cannot read key model: truncated: the header declares "
                  + original.length
                  + " bytes but only "
                  + length
                  + " are present; rebuild the model from the keys";
      assertThatThrownBy(() -> KeyModel.fromBytes(bytes))
          .as("length %d", length)
          .isInstanceOf(IndexFormatException.class)
          .hasMessage(expected);
    }
  }

  @Test
  void rejectsTrailingBytes() {
    byte[] original = sample().toBytes();
    byte[] bytes = Arrays.copyOf(original, original.length + 3);
    assertThatThrownBy(() -> KeyModel.fromBytes(bytes))
        .isInstanceOf(IndexFormatException.class)
        .hasMessage(
            "Cannot read key model: inconsistent sizes: the header declares "
                + original.length
                + " bytes but "
                + bytes.length
                + " are present (3 trailing bytes)");
  }

  @Test
  void rejectsSegmentCountThatDoesNotMatchTheBytes() {
    KeyModel model = KeyModel.buildWithEpsilon(TestKeys.sequential(100, 0), 4);
    assertThat(model.segmentCount()).isOne();
    byte[] bytes = model.toBytes();
    // Layout: header (9), row count 100 (1 byte), epsilon 4 (1), segment count (1) at offset 11.
    bytes[11] = 50;
    assertThatThrownBy(() -> KeyModel.fromBytes(withChecksum(bytes)))
        .isInstanceOf(IndexFormatException.class)
        .hasMessage(
            "Cannot read key model: inconsistent sizes: segment count 50 needs at least 300 bytes"
                + " but the model has 6 left");
    bytes[11] = 0;
    assertThatThrownBy(() -> KeyModel.fromBytes(withChecksum(bytes)))
        .isInstanceOf(IndexFormatException.class)
        .hasMessage(
            "Cannot read key model: inconsistent sizes: segment count 0 is not in [1, 2 * row"
                + " count 100]");
  }

  @Test
  void rejectsRowCountSmallerThanAnIntercept() {
    KeyModel model = KeyModel.buildWithEpsilon(TestKeys.twoFarClusters(new Random(SEED), 100), 1);
    assertThat(model.segmentCount()).isGreaterThan(1);
    byte[] bytes = model.toBytes();
    bytes[9] = 2; // row count 100 -> 2
    assertThatThrownBy(() -> KeyModel.fromBytes(withChecksum(bytes)))
        .isInstanceOf(IndexFormatException.class)
        .hasMessageStartingWith("Cannot read key model: inconsistent sizes: segment count ");
    bytes[9] =
        (byte) (model.segmentCount() / 2 + 1); // above half the segments, below most intercepts
    assertThatThrownBy(() -> KeyModel.fromBytes(withChecksum(bytes)))
        .isInstanceOf(IndexFormatException.class)
        .hasMessageMatching(
            "Cannot read key model: inconsistent sizes: intercept of segment \\d+ is beyond the"
                + " row count \\d+");
  }

  @Test
  void rejectsMinimumAboveMaximum() {
    KeyModel model = KeyModel.buildWithEpsilon(TestKeys.sequential(100, 0), 4);
    byte[] bytes = model.toBytes();
    // Minimum key at 12..19 (0), maximum key at 20..27 (99): make the minimum 1000.
    ByteBuffer.wrap(bytes).putLong(12, 1_000);
    assertThatThrownBy(() -> KeyModel.fromBytes(withChecksum(bytes)))
        .isInstanceOf(IndexFormatException.class)
        .hasMessage("Cannot read key model: invalid content: minimum key 1000 > maximum key 99");
  }

  @Test
  void rejectsTagThatIsNotBase64() {
    assertThatThrownBy(() -> KeyModel.fromTag("not base64!"))
        .isInstanceOf(IndexFormatException.class)
        .hasMessageStartingWith("Cannot read key model tag: not valid base64 (");
    assertThatThrownBy(() -> KeyModel.fromTag(""))
        .isInstanceOf(IndexFormatException.class)
        .hasMessage(
            "Cannot read key model: truncated: 0 bytes, fewer than the 32 of the smallest model;"
                + " rebuild the model from the keys");
  }

  /** Rewrites the checksum so that a deliberately inconsistent body gets past it. */
  private static byte[] withChecksum(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 4);
    byte[] fixed = bytes.clone();
    ByteBuffer.wrap(fixed).putInt(bytes.length - 4, (int) crc.getValue());
    return fixed;
  }
}

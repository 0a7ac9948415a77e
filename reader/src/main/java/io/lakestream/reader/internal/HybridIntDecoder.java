package io.lakestream.reader.internal;

import java.util.Arrays;
import org.apache.parquet.column.values.bitpacking.BytePacker;
import org.apache.parquet.column.values.bitpacking.Packer;
import org.apache.parquet.io.ParquetDecodingException;

/**
 * Parquet's RLE / bit-packing hybrid encoding (definition and repetition levels, dictionary ids),
 * decoded in runs into {@code int} arrays rather than one value per call: the framing is read here
 * (a varint header per run: a repeated value, or groups of 8 bit-packed values), the bits are
 * unpacked by parquet-mr's {@link BytePacker}. Reads as parquet-mr's {@code
 * RunLengthBitPackingHybridDecoder} does, a truncated last bit-packed run included (missing bytes
 * are zeros).
 */
final class HybridIntDecoder {
  private final byte[] in;
  private final int end;
  private final int bitWidth;
  private final BytePacker packer;
  private int position;

  /** Values left in the current run. */
  private int runLeft;

  private boolean repeated;
  private int repeatedValue;
  private int[] unpacked = new int[64];
  private int unpackedIndex;

  /**
   * @param in the encoded bytes {@code [offset, end)}
   * @param bitWidth bits per value, 0 to 32
   */
  HybridIntDecoder(byte[] in, int offset, int end, int bitWidth) {
    if (bitWidth < 0 || bitWidth > 32) {
      throw new ParquetDecodingException("bit width " + bitWidth + " is not in [0, 32]");
    }
    this.in = in;
    this.position = offset;
    this.end = end;
    this.bitWidth = bitWidth;
    this.packer = Packer.LITTLE_ENDIAN.newBytePacker(bitWidth);
  }

  /** The next value. */
  int next() {
    if (runLeft == 0) {
      nextRun();
    }
    runLeft--;
    return repeated ? repeatedValue : unpacked[unpackedIndex++];
  }

  /** Decodes the next {@code count} values into {@code out} from {@code offset} on. */
  void read(int[] out, int offset, int count) {
    while (count > 0) {
      if (runLeft == 0) {
        nextRun();
      }
      int n = Math.min(runLeft, count);
      if (repeated) {
        Arrays.fill(out, offset, offset + n, repeatedValue);
      } else {
        System.arraycopy(unpacked, unpackedIndex, out, offset, n);
        unpackedIndex += n;
      }
      runLeft -= n;
      offset += n;
      count -= n;
    }
  }

  /** Skips the next {@code count} values. */
  void skip(int count) {
    while (count > 0) {
      if (runLeft == 0) {
        // A run skipped whole is stepped over, not unpacked.
        int header = position;
        int run = readUnsignedVarInt();
        boolean packed = (run & 1) != 0;
        int values = packed ? (run >>> 1) * 8 : run >>> 1;
        if (values <= count && values > 0) {
          position += packed ? (run >>> 1) * bitWidth : (bitWidth + 7) / 8;
          count -= values;
          continue;
        }
        position = header;
        nextRun();
      }
      int n = Math.min(runLeft, count);
      if (!repeated) {
        unpackedIndex += n;
      }
      runLeft -= n;
      count -= n;
    }
  }

  private void nextRun() {
    int header = readUnsignedVarInt();
    int count = header >>> 1;
    if ((header & 1) == 0) {
      repeated = true;
      int value = 0;
      for (int i = 0, bytes = (bitWidth + 7) / 8; i < bytes; i++) {
        value |= (at(position++) & 0xFF) << (8 * i);
      }
      repeatedValue = value;
      runLeft = count;
    } else {
      repeated = false;
      int values = count * 8;
      if (unpacked.length < values) {
        unpacked = new int[Math.max(values, unpacked.length * 2)];
      }
      int bytes = count * bitWidth;
      byte[] source = in;
      int from = position;
      if (position + bytes > end) { // a truncated last run: pad with zeros
        source = Arrays.copyOfRange(in, position, position + bytes);
        Arrays.fill(source, Math.max(0, end - position), bytes, (byte) 0);
        from = 0;
      }
      for (int group = 0; group < count; group++) {
        packer.unpack8Values(source, from + group * bitWidth, unpacked, group * 8);
      }
      position = Math.min(end, position + bytes);
      unpackedIndex = 0;
      runLeft = values;
    }
    if (runLeft == 0 && position >= end) {
      throw new ParquetDecodingException("RLE / bit-packed values end early");
    }
  }

  private int readUnsignedVarInt() {
    int value = 0;
    int shift = 0;
    int b;
    do {
      b = at(position++);
      value |= (b & 0x7F) << shift;
      shift += 7;
    } while ((b & 0x80) != 0);
    return value;
  }

  private int at(int index) {
    if (index >= end) {
      throw new ParquetDecodingException("RLE / bit-packed values end early");
    }
    return in[index];
  }
}

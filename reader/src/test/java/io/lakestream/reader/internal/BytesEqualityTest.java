package io.lakestream.reader.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.reader.ByteSlice;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.values.dictionary.PlainValuesDictionary;
import org.junit.jupiter.api.Test;

/**
 * A column's values against one wanted value, as a scan's equality compares them: values from two
 * dictionaries (one repeating the wanted value under two ids, as another writer may), plain values
 * of the same length differing anywhere, an empty value and nulls.
 */
class BytesEqualityTest {
  @Test
  void findsExactlyTheRowsHoldingTheValueWhateverTheirEncoding() throws IOException {
    String wanted = "trace-0042";
    DictionaryCache.Entry first = dictionary("trace-0041", wanted, "trace-0043", wanted);
    DictionaryCache.Entry second = dictionary("trace-0042x", "", "trace-0040");
    List<String> expected = new ArrayList<>();
    ColumnVector column = new ColumnVector(ColumnVector.Kind.BYTES, 13);
    int row = 0;
    for (int id : new int[] {0, 1, 2, 3}) { // from the first dictionary: ids 1 and 3 are wanted
      column.setFromDictionary(row++, first, id);
    }
    for (int id : new int[] {0, 1, 2}) { // none of the second's
      column.setFromDictionary(row++, second, id);
    }
    for (String plain : new String[] {wanted, "trace-0043", "Trace-0042", "trace-0042 ", ""}) {
      column.setObject(row++, ByteSlice.of(plain.getBytes(StandardCharsets.UTF_8)));
    }
    column.setNull(row++);
    BytesEquality equality = new BytesEquality(wanted.getBytes(StandardCharsets.UTF_8));
    for (int r = 0; r < row; r++) {
      if (equality.test(column, r)) {
        expected.add(r + ": " + column.bytesAt(r));
      }
    }
    assertThat(expected).containsExactly("1: " + wanted, "3: " + wanted, "7: " + wanted);
    // The same rows kept by one pass over all of them, and over a subset (as a second equality
    // filters what a first kept), with a fresh matcher and the one used above.
    for (BytesEquality matcher :
        List.of(equality, new BytesEquality(wanted.getBytes(StandardCharsets.UTF_8)))) {
      int[] rows = new int[row];
      for (int r = 0; r < row; r++) {
        rows[r] = r;
      }
      int kept = matcher.select(column, rows, row);
      assertThat(java.util.Arrays.copyOf(rows, kept)).containsExactly(1, 3, 7);
      int[] some = {0, 3, 5, 7, 12};
      kept = matcher.select(column, some, some.length);
      assertThat(java.util.Arrays.copyOf(some, kept)).containsExactly(3, 7);
    }
    // the empty value is found too
    BytesEquality empty = new BytesEquality(new byte[0]);
    assertThat(empty.test(column, 5)).isTrue();
    assertThat(empty.test(column, 11)).isTrue();
    assertThat(empty.test(column, 12)).isFalse();
  }

  @Test
  void aLargeDictionaryFindsEveryValuesIdsThroughItsIndex() throws IOException {
    String[] values = new String[5000];
    for (int i = 0; i < values.length; i++) {
      values[i] = i % 1000 == 999 ? "repeated" : "value-" + i;
    }
    DictionaryCache.Entry dictionary = dictionary(values);
    for (int i = 0; i < values.length; i++) {
      if (!values[i].equals("repeated")) {
        assertThat(dictionary.idsOf(org.apache.parquet.io.api.Binary.fromString(values[i])))
            .containsExactly(i);
      }
    }
    assertThat(dictionary.idsOf(org.apache.parquet.io.api.Binary.fromString("repeated")))
        .containsExactlyInAnyOrder(999, 1999, 2999, 3999, 4999);
    assertThat(dictionary.idsOf(org.apache.parquet.io.api.Binary.fromString("value-5000")))
        .isEmpty();
    assertThat(dictionary.idsOf(org.apache.parquet.io.api.Binary.fromString(""))).isEmpty();
  }

  /** A binary dictionary holding the values in this order (ids from 0). */
  private static DictionaryCache.Entry dictionary(String... values) throws IOException {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    for (String value : values) {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      BytesUtils.writeIntLittleEndian(plain, bytes.length);
      plain.write(bytes);
    }
    DictionaryPage page =
        new DictionaryPage(BytesInput.from(plain.toByteArray()), values.length, Encoding.PLAIN);
    return new DictionaryCache.Entry(
        new PlainValuesDictionary.PlainBinaryDictionary(page), true, plain.size());
  }
}

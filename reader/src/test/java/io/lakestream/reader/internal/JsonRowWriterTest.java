package io.lakestream.reader.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.reader.ByteSlice;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinition.ColumnSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The byte-writing JSON writer against Jackson's generator on the values a random file rarely
 * holds: extreme and non-finite numbers, negative zero, escapes, invalid json, long values that do
 * not fit its buffer, empty and null arrays, no rows at all.
 */
class JsonRowWriterTest {
  private static final TableDefinition TABLE =
      TableDefinition.validate(
          "test",
          "values",
          "",
          List.of(
              new ColumnSpec("i", "int", true, null),
              new ColumnSpec("l", "bigint", false, null),
              new ColumnSpec("f", "float", true, null),
              new ColumnSpec("d", "double", true, null),
              new ColumnSpec("b", "boolean", true, null),
              new ColumnSpec("s", "string", true, null),
              new ColumnSpec("j", "json", true, null),
              new ColumnSpec("bin", "binary", true, null),
              new ColumnSpec("al", "array<long>", true, null),
              new ColumnSpec("ad", "array<double>", true, null),
              new ColumnSpec("as", "array<string>", true, null),
              new ColumnSpec("dt", "date", true, null),
              new ColumnSpec("ts", "timestamp", true, null)),
          "l",
          List.of(),
          List.of());

  @Test
  void writesWhatJacksonWrote() {
    List<Object[]> rows = new ArrayList<>();
    int[] ints = {0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1_000_000};
    long[] longs = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1_795_000_000_000_000L, -999_999_999L};
    float[] floats = {
      0f,
      -0f,
      1.5f,
      Float.NaN,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      Float.MIN_VALUE,
      Float.MAX_VALUE,
      0.1f,
      1e-10f
    };
    double[] doubles = {
      0d,
      -0d,
      0.1,
      Double.NaN,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      Double.MIN_VALUE,
      Double.MAX_VALUE,
      1e21,
      123456.789,
      -1e-7
    };
    String[] strings = {
      "",
      "plain",
      "quote \" backslash \\ slash /",
      "\u0000\u0001\u001f\u007f",
      "\n\r\t\b\f",
      "ünïcødé 😀 \u2028",
      "x".repeat(100_000)
    };
    String[] jsons = {
      "{\"a\":[1,2,{\"b\":null}]}", "[1, 2 ,3]", " true ", "not json", "{\"a\":", "\"s\"", "1e5"
    };
    for (int r = 0; r < 40; r++) {
      rows.add(
          new Object[] {
            r % 7 == 6 ? null : ints[r % ints.length],
            longs[r % longs.length],
            r % 5 == 4 ? null : floats[r % floats.length],
            doubles[r % doubles.length],
            r % 3 == 2 ? null : r % 2 == 0,
            r % 9 == 8 ? null : slice(strings[r % strings.length]),
            slice(jsons[r % jsons.length]),
            r % 4 == 3 ? null : ByteSlice.of(new byte[] {(byte) r, 0, -1}),
            r % 6 == 5 ? null : r % 2 == 0 ? List.of() : List.of((long) r, Long.MIN_VALUE),
            List.of(doubles[r % doubles.length], 2.5),
            Arrays.asList(slice("a\"b"), slice(strings[r % strings.length])),
            r % 8 == 7 ? null : 19_000 + r,
            longs[(r + 3) % longs.length]
          });
    }
    List<String> columns = TABLE.columnNames().subList(0, 13);
    for (boolean lines : new boolean[] {false, true}) {
      for (int count : new int[] {0, 1, rows.size()}) {
        List<Object[]> some = rows.subList(0, count);
        assertThat(write(columns, some, lines))
            .as("%d rows, lines %s", count, lines)
            .isEqualTo(JacksonRows.json(TABLE, columns, some, lines));
      }
    }
    List<String> reordered = List.of("s", "l", "j");
    List<Object[]> projected = new ArrayList<>();
    for (Object[] row : rows) {
      projected.add(new Object[] {row[5], row[1], row[6], "ignored extra slot"});
    }
    assertThat(write(reordered, projected, false))
        .isEqualTo(JacksonRows.json(TABLE, reordered, projected, false));
  }

  private static String write(List<String> columns, List<Object[]> rows, boolean lines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonRowWriter writer = new JsonRowWriter(TABLE, columns, out, lines);
    try {
      writer.begin();
      for (Object[] row : rows) {
        writer.accept(row);
      }
      writer.end();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static ByteSlice slice(String text) {
    return ByteSlice.of(text.getBytes(StandardCharsets.UTF_8));
  }
}

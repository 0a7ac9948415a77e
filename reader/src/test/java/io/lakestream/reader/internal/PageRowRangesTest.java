package io.lakestream.reader.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.apache.parquet.filter2.columnindex.RowRanges;
import org.junit.jupiter.api.Test;

/**
 * The ranges given to a filtered read answer whether a page's rows overlap them as parquet-mr's own
 * do: for pages asked in order (as the read asks), for pages asked out of order, for single rows,
 * ranges and empty ranges.
 */
class PageRowRangesTest {
  @Test
  void answersEveryPageAsParquetsRangesDo() {
    Random random = new Random(16);
    for (int round = 0; round < 200; round++) {
      RowRanges.Builder builder = RowRanges.builder();
      long row = random.nextInt(5);
      int count = random.nextInt(6);
      for (int i = 0; i < count; i++) {
        long length = random.nextInt(3) == 0 ? 1 : 1 + random.nextInt(40);
        if (length == 1) {
          builder.addSelectedRow(row);
        } else {
          builder.addSelectedRange(row, row + length - 1);
        }
        row += length + 1 + random.nextInt(60);
      }
      RowRanges parquet = builder.build();
      PageRowRanges ours = new PageRowRanges(parquet);
      assertThat(ours.rowCount()).isEqualTo(parquet.rowCount());
      assertThat(ours.getRanges()).isEqualTo(parquet.getRanges());
      int pageRows = 1 + random.nextInt(30);
      for (long first = 0; first < row + 40; first += pageRows) { // pages in order
        long last = first + pageRows - 1;
        assertThat(ours.isOverlapping(first, last))
            .as("%s against [%s, %s]", parquet, first, last)
            .isEqualTo(parquet.isOverlapping(first, last));
      }
      for (int i = 0; i < 50; i++) { // in any order
        long first = random.nextInt((int) row + 40);
        long last = first + random.nextInt(30);
        assertThat(ours.isOverlapping(first, last))
            .as("%s against [%s, %s]", parquet, first, last)
            .isEqualTo(parquet.isOverlapping(first, last));
      }
    }
  }
}

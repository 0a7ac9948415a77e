package io.lakestream.reader.internal;

/**
 * A run of consecutive rows of one data file, column by column: one {@link ColumnVector} per column
 * of a projection, in its order ({@code null} where the file lacks the column: all nulls).
 */
public final class ColumnBatch {
  private final ColumnVector[] columns;
  private final int rowCount;

  ColumnBatch(ColumnVector[] columns, int rowCount) {
    this.columns = columns;
    this.rowCount = rowCount;
  }

  public int rowCount() {
    return rowCount;
  }

  /** The values of a column of the projection; {@code null} when the file lacks it. */
  public ColumnVector column(int slot) {
    return columns[slot];
  }

  /** Whether a value is null (or the file lacks the column). */
  public boolean isNull(int slot, int row) {
    ColumnVector column = columns[slot];
    return column == null || column.isNull(row);
  }

  /** The value of a column at a row, boxed as {@link io.lakestream.reader.RowSink} has it. */
  public Object value(int slot, int row) {
    ColumnVector column = columns[slot];
    return column == null ? null : column.value(row);
  }

  /** A row as a new array, one slot per column of the projection. */
  public Object[] row(int row) {
    Object[] values = new Object[columns.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = value(i, row);
    }
    return values;
  }
}

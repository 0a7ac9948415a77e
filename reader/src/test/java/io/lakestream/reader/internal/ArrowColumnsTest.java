package io.lakestream.reader.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.junit.jupiter.api.Test;

/** Decoded values into Arrow vectors: every value and null where it belongs. */
class ArrowColumnsTest {
  private static final int ROWS = 100;

  @Test
  void runsOfFixedWidthValuesLandWithTheirNullsAtAnyOffset() {
    Random random = new Random(3);
    try (BufferAllocator allocator = new RootAllocator()) {
      for (ColumnType type :
          List.of(
              ColumnType.LONG,
              ColumnType.TIMESTAMP,
              ColumnType.INT,
              ColumnType.DATE,
              ColumnType.FLOAT,
              ColumnType.DOUBLE)) {
        ColumnVector.Kind kind =
            switch (type) {
              case LONG, TIMESTAMP -> ColumnVector.Kind.LONG;
              case INT, DATE -> ColumnVector.Kind.INT;
              case FLOAT -> ColumnVector.Kind.FLOAT;
              default -> ColumnVector.Kind.DOUBLE;
            };
        ColumnVector source = new ColumnVector(kind, ROWS);
        for (int row = 0; row < ROWS; row++) {
          if (row % 7 == 3 || row % 11 == 0) {
            source.setNull(row);
            continue;
          }
          switch (kind) {
            case LONG -> source.setLong(row, random.nextLong());
            case INT -> source.setInt(row, random.nextInt());
            case FLOAT -> source.setFloat(row, random.nextFloat());
            default -> source.setDouble(row, random.nextDouble());
          }
        }
        try (FieldVector target =
            ArrowColumns.schema(List.of(new Column("c", type, true, null)))
                .getFields()
                .get(0)
                .createVector(allocator)) {
          target.setInitialCapacity(ROWS);
          target.allocateNew();
          // Runs that start and end inside a validity byte, one of a single value, one across
          // several whole bytes; rows 0..2 of the target are left unwritten (null).
          ArrowColumns.write(source, null, 5, 1, target, type, 3);
          ArrowColumns.write(source, null, 6, 40, target, type, 4);
          ArrowColumns.write(source, null, 46, 54, target, type, 44);
          target.setValueCount(98);
          for (int at = 0; at < 98; at++) {
            Object value = target.getObject(at);
            if (at < 3) {
              assertThat(value).as("%s row %d", type, at).isNull();
              continue;
            }
            int row = at + 2;
            if (source.isNull(row)) {
              assertThat(value).as("%s row %d", type, at).isNull();
            } else {
              Object expected =
                  switch (type) {
                    case TIMESTAMP -> source.longAt(row);
                    case DATE -> source.intAt(row);
                    default -> source.value(row);
                  };
              Object actual =
                  switch (type) {
                    case TIMESTAMP -> ((TimeStampMicroTZVector) target).get(at);
                    case DATE -> ((DateDayVector) target).get(at);
                    default -> value;
                  };
              assertThat(actual).as("%s row %d", type, at).isEqualTo(expected);
            }
          }
        }
      }
    }
  }
}

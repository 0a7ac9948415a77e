package io.lakestream.query.http;

import io.lakestream.sql.ResultColumn;
import io.lakestream.sql.SqlType;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.ValueVector;

/**
 * What the writers of answers straight from the engine's Arrow batches ({@link SqlBatchWriter}, the
 * PostgreSQL protocol's text rows) share: which columns they read, and how.
 */
public final class ArrowColumns {
  /** The engine's scalar types (DuckDB's names) read from the batches, besides decimals. */
  public static final Set<String> SCALAR_TYPES =
      Set.of(
          "BOOLEAN",
          "TINYINT",
          "SMALLINT",
          "INTEGER",
          "BIGINT",
          "HUGEINT",
          "FLOAT",
          "DOUBLE",
          "VARCHAR",
          "JSON",
          "BLOB",
          "DATE",
          "TIMESTAMP",
          "TIMESTAMP WITH TIME ZONE");

  /** The element types of lists read from the batches. */
  private static final Set<String> ELEMENT_TYPES =
      Set.of("BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "FLOAT", "DOUBLE", "VARCHAR");

  /** 0001-01-01T00:00:00Z: the first timestamp of four-digit years, formatted by hand. */
  public static final long FIRST_FAST_MICROS = -62_135_596_800_000_000L;

  /** 9999-12-31T23:59:59.999999Z: the last one. */
  public static final long LAST_FAST_MICROS = 253_402_300_799_999_999L;

  private ArrowColumns() {}

  /**
   * The civil date of {@code days} since 1970-01-01 (proleptic Gregorian, H. Hinnant's algorithm),
   * as {@code year * 10_000 + month * 100 + day}: for years 1 to 9999, those the writers format by
   * hand ({@link #FIRST_FAST_MICROS} to {@link #LAST_FAST_MICROS}).
   */
  public static long civilDate(long days) {
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long shiftedMonth = (5 * dayOfYear + 2) / 153;
    long day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
    long month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    return year * 10_000 + month * 100 + day;
  }

  /**
   * Whether every one of {@code columns} is read from the batches: a scalar whose engine type
   * {@code scalar} accepts, or a list of a simple type. False for no columns.
   */
  public static boolean readsAll(List<ResultColumn> columns, Predicate<String> scalar) {
    if (columns.isEmpty()) {
      return false;
    }
    for (ResultColumn column : columns) {
      String type = column.engineType().strip();
      boolean known =
          column.type() == SqlType.ARRAY
              ? type.endsWith("[]") && ELEMENT_TYPES.contains(type.substring(0, type.length() - 2))
              : scalar.test(type);
      if (!known) {
        return false;
      }
    }
    return true;
  }

  /** The value of a signed integer vector (8 to 64 bits) at {@code row}. */
  public static long integer(ValueVector vector, int row) {
    if (vector instanceof BigIntVector v) {
      return v.get(row);
    }
    if (vector instanceof IntVector v) {
      return v.get(row);
    }
    if (vector instanceof SmallIntVector v) {
      return v.get(row);
    }
    return ((TinyIntVector) vector).get(row);
  }
}

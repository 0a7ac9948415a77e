package io.lakestream.writer.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;

/**
 * Collects Delta per-file statistics while rows are written: {@code numRecords}, and per column
 * {@code nullCount} and, where Delta defines them, {@code minValues}/{@code maxValues}.
 *
 * <p>As Delta writers do: min/max for int, long, float, double, date, timestamp, string and json
 * columns; none for boolean, bytes and arrays (null counts only). Timestamps are ISO-8601 UTC with
 * millisecond precision ({@code 2024-05-01T12:00:00.123Z}), the minimum rounded down and the
 * maximum rounded up to the millisecond so both stay true bounds. Strings longer than {@value
 * #STRING_PREFIX} characters are truncated: the minimum to a prefix, the maximum to a prefix plus
 * U+FFFD (a tie-breaker larger than the truncated rest), in code point (= UTF-8 byte) order. Float
 * and double columns holding NaN or infinities get no min/max.
 */
public final class FileStatistics {
  /** Characters of a string kept in its min/max statistic, as in Delta. */
  public static final int STRING_PREFIX = 32;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final List<Column> columns;
  private final ColumnStatistics[] statistics;
  private long numRecords;

  public FileStatistics(TableDefinition table) {
    this.columns = table.columns();
    this.statistics = new ColumnStatistics[columns.size()];
    for (int i = 0; i < statistics.length; i++) {
      statistics[i] = new ColumnStatistics(columns.get(i).type());
    }
  }

  /** Adds one row; {@code row} has the table's Avro row schema, fields in column order. */
  public void add(GenericRecord row) {
    numRecords++;
    for (int i = 0; i < statistics.length; i++) {
      statistics[i].add(row.get(i));
    }
  }

  public long numRecords() {
    return numRecords;
  }

  /** The statistics as Delta's {@code stats} JSON object. */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("numRecords", numRecords);
    ObjectNode min = root.putObject("minValues");
    ObjectNode max = root.putObject("maxValues");
    ObjectNode nulls = root.putObject("nullCount");
    for (int i = 0; i < statistics.length; i++) {
      String name = columns.get(i).name();
      statistics[i].writeTo(name, min, max);
      nulls.put(name, statistics[i].nullCount);
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class ColumnStatistics {
    private final ColumnType type;
    private long nullCount;
    private boolean seen;
    private long minLong;
    private long maxLong;
    private double minDouble;
    private double maxDouble;
    private boolean nonFinite;
    private byte[] minBytes;
    private byte[] maxBytes;

    ColumnStatistics(ColumnType type) {
      this.type = type;
    }

    void add(Object value) {
      if (value == null) {
        nullCount++;
        return;
      }
      switch (type) {
        case INT, DATE -> addLong(((Integer) value).longValue());
        case LONG, TIMESTAMP -> addLong((Long) value);
        case FLOAT -> addDouble(((Float) value).doubleValue());
        case DOUBLE -> addDouble((Double) value);
        case STRING, JSON -> addString(value);
        default -> {}
      }
    }

    private void addLong(long value) {
      if (!seen) {
        minLong = value;
        maxLong = value;
        seen = true;
      } else if (value < minLong) {
        minLong = value;
      } else if (value > maxLong) {
        maxLong = value;
      }
    }

    private void addDouble(double value) {
      if (!Double.isFinite(value)) {
        nonFinite = true;
        return;
      }
      if (!seen) {
        minDouble = value;
        maxDouble = value;
        seen = true;
      } else {
        // -0.0 and 0.0 compare equal here, as in Delta.
        minDouble = Math.min(minDouble, value);
        maxDouble = Math.max(maxDouble, value);
      }
    }

    private void addString(Object value) {
      byte[] bytes;
      int length;
      if (value instanceof Utf8 utf8) {
        bytes = utf8.getBytes();
        length = utf8.getByteLength();
      } else {
        bytes = value.toString().getBytes(StandardCharsets.UTF_8);
        length = bytes.length;
      }
      if (!seen) {
        minBytes = java.util.Arrays.copyOf(bytes, length);
        maxBytes = minBytes;
        seen = true;
        return;
      }
      if (java.util.Arrays.compareUnsigned(bytes, 0, length, minBytes, 0, minBytes.length) < 0) {
        minBytes = java.util.Arrays.copyOf(bytes, length);
      }
      if (java.util.Arrays.compareUnsigned(bytes, 0, length, maxBytes, 0, maxBytes.length) > 0) {
        maxBytes = java.util.Arrays.copyOf(bytes, length);
      }
    }

    void writeTo(String name, ObjectNode min, ObjectNode max) {
      if (!seen) {
        return;
      }
      switch (type) {
        case INT -> {
          min.put(name, (int) minLong);
          max.put(name, (int) maxLong);
        }
        case LONG -> {
          min.put(name, minLong);
          max.put(name, maxLong);
        }
        case FLOAT, DOUBLE -> {
          if (!nonFinite) {
            min.put(name, minDouble);
            max.put(name, maxDouble);
          }
        }
        case DATE -> {
          min.put(name, LocalDate.ofEpochDay(minLong).toString());
          max.put(name, LocalDate.ofEpochDay(maxLong).toString());
        }
        case TIMESTAMP -> {
          min.put(name, TIMESTAMP.format(Instant.ofEpochMilli(Math.floorDiv(minLong, 1000))));
          max.put(name, TIMESTAMP.format(Instant.ofEpochMilli(-Math.floorDiv(-maxLong, 1000))));
        }
        case STRING, JSON -> {
          min.put(name, truncatedMin(new String(minBytes, StandardCharsets.UTF_8)));
          max.put(name, truncatedMax(new String(maxBytes, StandardCharsets.UTF_8)));
        }
        default -> {}
      }
    }
  }

  static String truncatedMin(String value) {
    if (value.codePointCount(0, value.length()) <= STRING_PREFIX) {
      return value;
    }
    return value.substring(0, value.offsetByCodePoints(0, STRING_PREFIX));
  }

  static String truncatedMax(String value) {
    if (value.codePointCount(0, value.length()) <= STRING_PREFIX) {
      return value;
    }
    int end = value.offsetByCodePoints(0, STRING_PREFIX);
    // Extend past code points at or above the tie-breaker, so prefix + U+FFFD stays above them.
    while (end < value.length() && value.codePointAt(end) >= 0xFFFD) {
      end = value.offsetByCodePoints(end, 1);
    }
    if (end == value.length()) {
      return value;
    }
    return value.substring(0, end) + '\uFFFD';
  }
}

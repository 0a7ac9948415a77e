package io.lakestream.reader;

import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.convert.AvroSchemas;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Random rows of any table type, with the keys a test chooses: every column filled by its type
 * (nulls in nullable columns, strings with commas, quotes and newlines, JSON objects and arrays,
 * lists), {@code project_id} set to the project.
 */
public final class TestRows {
  private static final String[] WORDS = {
    "alpha", "beta", "gamma", "delta, with comma", "quote \"q\"", "line\nbreak", "ünïcødé", "x"
  };

  private final TableDefinition table;
  private final Schema schema;
  private final Random random;

  public TestRows(TableDefinition table, long seed) {
    this.table = table;
    this.schema = AvroSchemas.rowSchema(table);
    this.random = new Random(seed);
  }

  public TableDefinition table() {
    return table;
  }

  /** Rows with these keys (any order), sorted by key (stable). */
  public List<GenericRecord> rows(String project, long[] keys) {
    List<GenericRecord> rows = new ArrayList<>();
    for (long key : keys) {
      rows.add(row(project, key));
    }
    rows.sort(Comparator.comparingLong(this::key));
    return rows;
  }

  /** {@code count} rows with keys in {@code [start, start + count * step)}, many duplicates. */
  public List<GenericRecord> rowsWithDuplicates(String project, long start, int count, long step) {
    long[] keys = new long[count];
    for (int i = 0; i < count; i++) {
      keys[i] = start + (random.nextInt(Math.max(1, count / 3))) * step;
    }
    return rows(project, keys);
  }

  /** The primary key of a row (timestamps, longs; ints and dates widened). */
  public long key(GenericRecord row) {
    Object value = row.get(table.primaryKey());
    return Keys.encode(table.primaryKeyColumn().type(), value);
  }

  /** One random row with this key. */
  public GenericRecord row(String project, long key) {
    GenericRecord row = new GenericData.Record(schema);
    for (Column column : table.columns()) {
      Object value;
      if (column.name().equals(TableDefinition.PROJECT_COLUMN)) {
        value = project;
      } else if (column.name().equals(table.primaryKey())) {
        value = keyValue(column.type(), key);
      } else if (column.nullable() && random.nextInt(5) == 0) {
        value = null;
      } else {
        value = value(column.type());
      }
      row.put(column.name(), value);
    }
    return row;
  }

  private static Object keyValue(ColumnType type, long key) {
    return switch (type) {
      case INT, DATE -> (int) key;
      case LONG, TIMESTAMP -> key;
      default -> throw new IllegalArgumentException("unsupported key type " + type);
    };
  }

  private Object value(ColumnType type) {
    return switch (type) {
      case BOOLEAN -> random.nextBoolean();
      case INT -> random.nextInt(2000) - 1000;
      case LONG -> random.nextLong() >> random.nextInt(60);
      case FLOAT -> random.nextFloat();
      case DOUBLE -> Math.round(random.nextGaussian() * 1e6) / 1000.0;
      case STRING -> WORDS[random.nextInt(WORDS.length)] + random.nextInt(100);
      case BYTES -> ByteBuffer.wrap(new byte[] {(byte) random.nextInt(), 1, 2});
      case TIMESTAMP -> 1_700_000_000_000_000L + random.nextInt(1_000_000_000);
      case DATE -> 19_000 + random.nextInt(1000);
      case JSON ->
          random.nextBoolean()
              ? "{\"k\":\""
                  + WORDS[random.nextInt(3)]
                  + "\",\"n\":"
                  + random.nextInt(100)
                  + ",\"nested\":{\"a\":[1,2,{\"b\":null}]}}"
              : "[{\"name\":\"e" + random.nextInt(10) + "\"},true,1.5]";
      case ARRAY_LONG -> {
        List<Long> values = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          values.add((long) random.nextInt(1000));
        }
        yield values;
      }
      case ARRAY_DOUBLE -> {
        List<Double> values = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          values.add(random.nextInt(1000) / 8.0);
        }
        yield values;
      }
      case ARRAY_STRING -> {
        List<String> values = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
          values.add(WORDS[random.nextInt(WORDS.length)]);
        }
        yield values;
      }
    };
  }
}

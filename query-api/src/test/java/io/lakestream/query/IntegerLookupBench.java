package io.lakestream.query;

import io.lakestream.index.KeyModel;
import io.lakestream.reader.ArrowScan;
import io.lakestream.reader.IndexedFile;
import io.lakestream.reader.KeyRange;
import io.lakestream.reader.Keys;
import io.lakestream.reader.RangeReader;
import io.lakestream.reader.TableId;
import io.lakestream.reader.TableSnapshot;
import io.lakestream.reader.internal.ParquetFiles;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinition.ColumnSpec;
import io.lakestream.schema.convert.AvroSchemas;
import io.lakestream.writer.internal.DataFileWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;

/**
 * A lookup of one integer among many ({@code WHERE order_id = 42}, no key range) over a table of
 * {@code orders} whose {@code bloom_filter_columns} name {@code order_id}: random 64-bit order
 * numbers, four rows each, so that no page's bounds exclude one. The files are written with the
 * writer's settings ({@link DataFileWriter#withBloomFilters}, its page and row group sizes); each
 * lookup is a scan through the reader (no SQL engine), with the sidecar's 256 readers kept open.
 *
 * <pre>
 * java … io.lakestream.query.IntegerLookupBench DIR FILES ROWS_PER_FILE write
 * java … io.lakestream.query.IntegerLookupBench DIR FILES ROWS_PER_FILE read LOOKUPS
 * </pre>
 *
 * With more than 10 files the filters are sized to each file's rows, as the writer sizes them; with
 * fewer, as compaction does (at most 1 MB).
 */
public final class IntegerLookupBench {
  private static final TableDefinition ORDERS =
      TableDefinition.validate(
              "bench",
              "orders",
              "orders looked up by number",
              List.of(
                  new ColumnSpec("id", "bigint", false, null),
                  new ColumnSpec("order_id", "bigint", true, null),
                  new ColumnSpec("body", "string", true, null)),
              "id",
              List.of(),
              List.of())
          .withBloomFilterColumns("bench", List.of("order_id"));

  private IntegerLookupBench() {}

  /** The order number of rows {@code 4n} to {@code 4n + 3}. */
  private static long order(long n) {
    return new Random(n * 17 + 3).nextLong();
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int files = Integer.parseInt(args[1]);
    int rows = Integer.parseInt(args[2]);
    if (args[3].equals("write")) {
      write(dir, files, rows);
    } else {
      read(dir, files, rows, Integer.parseInt(args[4]));
    }
  }

  private static void write(Path dir, int files, int rows) throws Exception {
    Files.createDirectories(dir);
    Schema schema = AvroSchemas.rowSchema(ORDERS);
    for (int f = 0; f < files; f++) {
      Configuration conf = new Configuration();
      AvroParquetWriter.Builder<GenericRecord> builder =
          AvroParquetWriter.<GenericRecord>builder(
                  HadoopOutputFile.fromPath(
                      new org.apache.hadoop.fs.Path(dir.resolve(f + ".parquet").toUri()), conf))
              .withSchema(schema)
              .withDataModel(GenericData.get())
              .withConf(conf)
              .withCompressionCodec(CompressionCodecName.ZSTD)
              .withRowGroupSize((long) DataFileWriter.ROW_GROUP_BYTES)
              .withPageSize(DataFileWriter.PAGE_BYTES)
              .withPageRowCountLimit(DataFileWriter.PAGE_ROW_LIMIT)
              .withDictionaryEncoding(true);
      builder = DataFileWriter.withBloomFilters(builder, ORDERS, files > 10 ? rows : -1L);
      try (ParquetWriter<GenericRecord> writer = builder.build()) {
        for (int r = 0; r < rows; r++) {
          long id = (long) f * rows + r;
          GenericRecord row = new GenericData.Record(schema);
          row.put(TableDefinition.PROJECT_COLUMN, "bench");
          row.put("id", id);
          row.put("order_id", order(id / 4));
          row.put("body", "body of row " + id);
          writer.write(row);
        }
      }
    }
  }

  private static void read(Path dir, int files, int rows, int lookups) throws Exception {
    List<IndexedFile> indexed = new ArrayList<>();
    for (int f = 0; f < files; f++) {
      Path path = dir.resolve(f + ".parquet");
      long[] keys = new long[rows];
      for (int i = 0; i < rows; i++) {
        keys[i] = Keys.encode(ColumnType.LONG, (long) f * rows + i);
      }
      indexed.add(
          new IndexedFile(
              f + ".parquet",
              path.toUri().toString(),
              Files.size(path),
              1,
              KeyModel.buildWithEpsilon(keys, 40),
              true));
    }
    TableSnapshot snapshot =
        TableSnapshot.of(new TableId("bench", ORDERS.name()), ORDERS, 1, 1000, indexed);
    Random random = new Random(42);
    long traces = (long) files * rows / 4;
    double[] ms = new double[lookups];
    try (ParquetFiles parquet = new ParquetFiles(new Configuration(), 256);
        BufferAllocator allocator = new RootAllocator()) {
      RangeReader reader = new RangeReader(parquet);
      for (int round = -10; round < lookups; round++) { // 10 to warm up
        long wanted = order(Math.floorMod(random.nextLong(), traces));
        long start = System.nanoTime();
        int found = 0;
        try (ArrowScan scan =
            reader.scan(
                snapshot,
                KeyRange.ALL,
                List.of("id", "order_id", "body"),
                Map.of("order_id", wanted),
                allocator)) {
          while (scan.loadNextBatch()) {
            found += scan.getVectorSchemaRoot().getRowCount();
          }
        }
        if (found != 4) {
          throw new IllegalStateException("found " + found + " rows of order " + wanted);
        }
        if (round >= 0) {
          ms[round] = (System.nanoTime() - start) / 1e6;
        }
      }
    }
    Arrays.sort(ms);
    System.out.printf(
        "%d files x %d rows: a lookup p50 %.1f ms, p90 %.1f ms (%d lookups)%n",
        files, rows, ms[lookups / 2], ms[lookups * 9 / 10], lookups);
  }
}

package io.lakestream.query;

import io.lakestream.query.ForeignParquetWriter.TimestampEncoding;
import io.lakestream.query.spi.RegistrationStore;
import io.lakestream.reader.KeyRange;
import io.lakestream.reader.ReadPlan;
import io.lakestream.reader.RowFormat;
import io.lakestream.reader.RowQuery;
import io.lakestream.reader.TableSnapshot;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinition.ColumnSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a file written out of key order costs the sidecar against the same rows sorted: index load
 * time and memory, and the latency of range reads. A plain main, not a test (classpath as in {@link
 * RangeReadBench}):
 *
 * <pre>
 * java -Xmx2g -Dlogback.configurationFile=query-api/src/test/resources/logback-test.xml \
 *   -cp query-api/target/classes:query-api/target/test-classes:$CP \
 *   io.lakestream.query.UnsortedFileBench [rows=1000000]
 * </pre>
 *
 * <p>Data: one file of {@code rows} rows (timestamp key 10 µs apart, a string, a double, the
 * project), three ways: sorted with the key model tag (as Lakestream writes it); 8 sorted runs
 * concatenated out of order, INT96 timestamps, no tag or stats (as a compaction by another engine
 * leaves it); fully shuffled, INT96, no tag or stats. Reads: in-process plan + fetch + JSON into a
 * discarding stream, warm reader pool, random ranges of 100 and 10,000 rows, and a limit-100 page
 * of the whole table.
 */
public final class UnsortedFileBench {
  private static final Logger log = LoggerFactory.getLogger(UnsortedFileBench.class);
  private static final long BASE = 1_800_000_000_000_000L;
  private static final TableDefinition SAMPLES =
      TableDefinition.validate(
          "bench",
          "samples",
          "bench rows",
          List.of(
              new ColumnSpec("timestamp", "timestamp", false, null),
              new ColumnSpec("name", "string", true, null),
              new ColumnSpec("value", "double", true, null),
              new ColumnSpec("project_id", "string", false, null)),
          "timestamp",
          List.of(),
          List.of());

  private UnsortedFileBench() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    List<GenericRecord> sorted = new ArrayList<>(rows);
    TestRows generator = new TestRows(SAMPLES, 1);
    for (int i = 0; i < rows; i++) {
      sorted.add(generator.row("bench", BASE + 10L * i));
    }
    List<GenericRecord> runs = new ArrayList<>(rows);
    int runLength = (rows + 7) / 8;
    for (int run : new int[] {5, 2, 7, 0, 3, 6, 1, 4}) {
      runs.addAll(
          sorted.subList(Math.min(rows, run * runLength), Math.min(rows, (run + 1) * runLength)));
    }
    List<GenericRecord> shuffled = new ArrayList<>(sorted);
    Collections.shuffle(shuffled, new Random(2));

    measure("sorted", rows, (fixture, table) -> table.append(sorted, true));
    measure("runs", rows, (fixture, table) -> writeForeign(table, fixture, runs));
    measure("shuffled", rows, (fixture, table) -> writeForeign(table, fixture, shuffled));
  }

  /** Writes one table in a warehouse of its own, loads it, reads it. */
  private static void measure(
      String variant,
      int rows,
      java.util.function.BiConsumer<DeltaFixture, DeltaFixture.Table> write)
      throws Exception {
    Path dir = Files.createTempDirectory("unsorted-bench");
    QueryConfig config = QueryConfig.builder().warehouse(dir.toUri()).open(true).build();
    DeltaFixture fixture = DeltaFixture.of(config).pageRows(1_000).keepRows(false);
    DeltaFixture.Table table = fixture.table("bench", SAMPLES);
    write.accept(fixture, table);
    try (QueryRole role =
        QueryRole.create(
            config,
            new SimpleMeterRegistry(),
            (e, r, b, a, s) -> {},
            io.lakestream.catalog.Catalog.inMemory(java.util.Map.of("samples", SAMPLES)),
            (t, r) -> r.size(),
            RegistrationStore.inMemory())) {
      role.tables().discover();
      long started = System.nanoTime();
      role.tables().pollAll();
      long loadMillis = (System.nanoTime() - started) / 1_000_000;
      TableSnapshot snapshot = role.tables().snapshot(table.id()).orElseThrow();
      log.info(
          "{}: {} rows, index {} bytes, loaded in {} ms",
          variant,
          snapshot.rows(),
          snapshot.indexBytes(),
          loadMillis);
      for (int size : new int[] {100, 10_000}) {
        Random random = new Random(9);
        long[] micros = new long[20];
        for (int i = -5; i < micros.length; i++) {
          long from = BASE + 10L * random.nextInt(rows - size);
          long took = read(role, snapshot, new KeyRange(from, from + 10L * size - 1), 100_000);
          if (i >= 0) {
            micros[i] = took;
          }
        }
        log.info("{}: range of {} rows: {}", variant, size, percentiles(micros));
      }
      long[] firstPage = new long[20];
      for (int i = -5; i < firstPage.length; i++) {
        long took = read(role, snapshot, KeyRange.ALL, 100);
        if (i >= 0) {
          firstPage[i] = took;
        }
      }
      log.info("{}: first 100 rows of the table: {}", variant, percentiles(firstPage));
    }
  }

  private static void writeForeign(
      DeltaFixture.Table table, DeltaFixture fixture, List<GenericRecord> rows) {
    String name = "part-00000-" + UUID.randomUUID() + "-c000.snappy.parquet";
    ForeignParquetWriter.write(
        fixture.conf(),
        new org.apache.hadoop.fs.Path(table.path(), name),
        SAMPLES,
        TimestampEncoding.INT96,
        rows,
        20_000); // Spark's default page row limit
    table.commit(List.of(table.foreignFile(name, List.of())), List.of());
  }

  private static long read(QueryRole role, TableSnapshot snapshot, KeyRange range, int limit)
      throws Exception {
    long started = System.nanoTime();
    RowQuery query = new RowQuery(range, false, limit, SAMPLES.columnNames(), null);
    ReadPlan plan = role.service().plan(snapshot, query);
    role.service().stream(plan, query, RowFormat.JSON, OutputStream.nullOutputStream());
    return (System.nanoTime() - started) / 1_000;
  }

  private static String percentiles(long[] micros) {
    long[] sorted = micros.clone();
    Arrays.sort(sorted);
    return String.format(
        "p50 %.2f ms, p90 %.2f ms",
        sorted[sorted.length / 2] / 1000.0, sorted[sorted.length * 9 / 10] / 1000.0);
  }
}

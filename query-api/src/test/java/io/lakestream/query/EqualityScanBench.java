package io.lakestream.query;

import io.lakestream.reader.ArrowScan;
import io.lakestream.reader.KeyRange;
import io.lakestream.reader.TableSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;

/**
 * The range scans under {@link SqlBench}'s statements, without the SQL engine: the hour's {@code
 * timestamp} alone, and a trace by {@code trace_id} within the hour (every column but {@code
 * project_id}), through {@code QueryService.scan} on rows {@link SqlBench} kept ({@code
 * -Dbench.dir}, its 3 days). A plain main, not a test:
 *
 * <pre>
 * java --add-opens=java.base/java.nio=ALL-UNNAMED \
 *   -Dlogback.configurationFile=query-api/src/test/resources/logback-test.xml \
 *   [-Dbench.randomTraceIds=true, as the rows were written] \
 *   -cp query-api/target/classes:query-api/target/test-classes:$CP \
 *   io.lakestream.query.EqualityScanBench DIR [warmup=100] [repeats=400]
 * </pre>
 */
public final class EqualityScanBench {
  private EqualityScanBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 400;
    long end = Long.parseLong(Files.readString(dir.resolve("end-micros")).trim());
    long span = 3 * 86_400_000_000L;
    long first = end - span;
    long hour = first + span / 2 / 3_600_000_000L * 3_600_000_000L; // as SqlBench's
    try (QueryRole role =
            QueryRole.start(SqlBench.config(dir).pgPort(-1).build(), new SimpleMeterRegistry());
        RootAllocator allocator = new RootAllocator()) {
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofMinutes(2))
          .until(() -> !role.tables().snapshots().isEmpty());
      TableSnapshot snapshot = role.tables().snapshots().get(0);
      long step = span / snapshot.rows();
      String trace = SqlBench.traceId((hour + 1_800_000_000L - first) / step / 6);
      KeyRange range = new KeyRange(hour, hour + 3_600_000_000L - 1);
      List<String> columns =
          snapshot.definition().columnNames().stream()
              .filter(n -> !n.equals("project_id"))
              .toList();
      for (String scan : List.of("the hour's timestamp", "a trace by trace_id in the hour")) {
        boolean lookup = scan.startsWith("a trace");
        long[] took = new long[repeats];
        long rows = 0;
        for (int i = -warmup; i < repeats; i++) {
          long start = System.nanoTime();
          rows = 0;
          try (ArrowScan batches =
              lookup
                  ? role.service()
                      .scan(snapshot, range, columns, Map.of("trace_id", trace), allocator)
                  : role.service()
                      .scan(snapshot, range, List.of("timestamp"), Map.of(), allocator)) {
            while (batches.loadNextBatch()) {
              rows += batches.getVectorSchemaRoot().getRowCount();
            }
          }
          if (i >= 0) {
            took[i] = System.nanoTime() - start;
          }
        }
        Arrays.sort(took);
        System.out.printf(
            "%s: %d rows, p50 %.2f ms, p90 %.2f ms%n",
            scan, rows, took[repeats / 2] / 1e6, took[repeats * 9 / 10] / 1e6);
      }
    }
  }
}

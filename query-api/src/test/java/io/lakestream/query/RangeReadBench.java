package io.lakestream.query;

import io.delta.standalone.DeltaLog;
import io.delta.standalone.Operation;
import io.delta.standalone.OptimisticTransaction;
import io.delta.standalone.actions.Action;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.actions.Metadata;
import io.lakestream.index.KeyModel;
import io.lakestream.query.internal.HadoopStorage;
import io.lakestream.reader.KeyRange;
import io.lakestream.reader.ReadPlan;
import io.lakestream.reader.RowFormat;
import io.lakestream.reader.RowQuery;
import io.lakestream.reader.TableSnapshot;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.convert.DeltaSchemas;
import io.lakestream.tables.internal.FileIndexer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;

/**
 * Range read latency of the query sidecar against DuckDB on the same Parquet files, and index
 * rebuild time. A plain main, not a test:
 *
 * <pre>
 * mvn -o -q -B -pl query-api -am test-compile
 * mvn -o -q -B -pl query-api dependency:build-classpath \
 *   -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * CP=$(tr ':' '\n' < query-api/target/cp.txt \
 *   | sed -E 's#.*&#47;io/lakestream/lakestream-([a-z-]+)/.*#\1/target/classes#' | paste -sd:)
 * java --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx2g -Dbench.sizes=1,100,1000,10000,point \
 *   -Dlogback.configurationFile=query-api/src/test/resources/logback-test.xml \
 *   -cp query-api/target/classes:query-api/target/test-classes:$CP \
 *   io.lakestream.query.RangeReadBench [files=10] [rowsPerFile=100000] [dictionary=true]
 * </pre>
 *
 * <p>Data: {@code otel_logs_and_spans} (27 columns), files of consecutive timestamps (100 µs apart,
 * every fifth row repeating the previous key), written as the writer writes them (pages of at most
 * 1000 rows, ZSTD, page index, key model tag). Lakestream in-process = plan + fetch + JSON encoding
 * into a discarding stream; HTTP = the same over loopback with Java's HTTP client reading the whole
 * body; DuckDB = {@code SELECT * FROM read_parquet([all files]) WHERE timestamp >= ? AND timestamp
 * < ? ORDER BY timestamp}, every value read with {@code getObject}. Warm: open files and metadata
 * cached (Lakestream reader pool; DuckDB object cache, one connection). Cold: no reader pool (each
 * read opens the files and reads footer and offset index) / a new DuckDB connection per query
 * without object cache. The OS page cache is warm in every case.
 */
public final class RangeReadBench {
  private static final TableDefinition LOGS = TableDefinitions.builtIn("otel_logs_and_spans");
  private static final long BASE = 1_795_000_000_000_000L;
  private static final OutputStream DISCARD = OutputStream.nullOutputStream();

  private RangeReadBench() {}

  public static void main(String[] args) throws Exception {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int rowsPerFile = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    Path dir = Files.createTempDirectory("lakestream-bench");
    System.out.printf(
        "Java %s, %d cores; %d files x %d rows of otel_logs_and_spans in %s%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        files,
        rowsPerFile,
        dir);
    QueryConfig config =
        QueryConfig.builder()
            .warehouse(dir.resolve("warehouse").toUri())
            .open(true)
            .maxLimit(100_000)
            .build();
    DeltaFixture fixture =
        DeltaFixture.of(config).pageRows(1000).rowGroupBytes(32L << 20).keepRows(false);
    DeltaFixture.Table table = fixture.table("bench", LOGS);
    long started = System.nanoTime();
    TestRows generator = new TestRows(LOGS, 1);
    long[] allKeys = new long[files * rowsPerFile];
    for (int f = 0; f < files; f++) {
      List<GenericRecord> rows = new ArrayList<>(rowsPerFile);
      for (int i = 0; i < rowsPerFile; i++) {
        long global = (long) f * rowsPerFile + i;
        long key = BASE + (global - global / 5) * 100; // 100 µs apart, every fifth row a duplicate
        allKeys[(int) global] = key;
        rows.add(generator.row("bench", key));
      }
      table.append(rows, true);
    }
    long bytes = 0;
    List<String> parquetFiles = new ArrayList<>();
    for (DeltaFixture.WrittenFile file : table.liveFiles()) {
      bytes += file.size();
      parquetFiles.add(
          Path.of(new org.apache.hadoop.fs.Path(table.path(), file.path()).toUri()).toString());
    }
    System.out.printf(
        "Wrote %d rows, %.1f MB, in %.1f s%n%n",
        allKeys.length, bytes / 1e6, (System.nanoTime() - started) / 1e9);

    List<Query> queries = new ArrayList<>();
    Random random = new Random(3);
    for (String size : System.getProperty("bench.sizes", "1,100,10000,point").split(",")) {
      if (size.equals("point")) {
        queries.add(Query.point(allKeys, random, Integer.getInteger("bench.repeats", 400)));
      } else {
        int rows = Integer.parseInt(size);
        queries.add(
            Query.range(
                rows,
                allKeys,
                random,
                Integer.getInteger("bench.repeats", rows >= 10_000 ? 100 : 400)));
      }
    }

    System.out.println("| read | engine | p50 ms | p99 ms | rows/query |");
    System.out.println("|---|---|---|---|---|");
    try (QueryRole warm =
            QueryRole.start(
                config.toBuilder().httpHost("127.0.0.1").httpPort(0).build(),
                new SimpleMeterRegistry());
        QueryRole cold =
            QueryRole.create(
                config.toBuilder().maxOpenFiles(0).build(),
                new SimpleMeterRegistry(),
                (e, r, b, a, s) -> {})) {
      warm.tables().discover();
      warm.tables().pollAll();
      cold.tables().discover();
      cold.tables().pollAll();
      TableSnapshot warmSnapshot = warm.tables().snapshot(table.id()).orElseThrow();
      TableSnapshot coldSnapshot = cold.tables().snapshot(table.id()).orElseThrow();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String origin = "http://127.0.0.1:" + warm.port();
      // JIT warm-up of every path.
      for (Query query : queries) {
        query.run(q -> inProcess(warm, warmSnapshot, q), 50);
        query.run(q -> overHttp(http, origin, q), 50);
        query.run(q -> overUrlConnection(origin, q), 50);
        query.run(q -> inProcess(cold, coldSnapshot, q), 20);
      }
      try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
        try (Statement statement = duck.createStatement()) {
          statement.execute("SET threads TO " + Runtime.getRuntime().availableProcessors());
          statement.execute("SET enable_object_cache = true");
        }
        String sql = duckSql(parquetFiles);
        try (PreparedStatement select = duck.prepareStatement(sql)) {
          boolean onlyLakestream = Boolean.getBoolean("bench.onlyLakestream");
          for (Query query : queries) {
            // Engines take turns query by query, so that load from elsewhere hits them alike.
            List<Named> engines = new ArrayList<>();
            engines.add(
                new Named("Lakestream in-process, warm", q -> inProcess(warm, warmSnapshot, q), 1));
            if (!onlyLakestream) {
              engines.add(
                  new Named(
                      "Lakestream HTTP JSON, warm (java.net.http)",
                      q -> overHttp(http, origin, q),
                      1));
              engines.add(
                  new Named(
                      "Lakestream HTTP JSON, warm (HttpURLConnection)",
                      q -> overUrlConnection(origin, q),
                      1));
              engines.add(
                  new Named(
                      "Lakestream in-process, cold files",
                      q -> inProcess(cold, coldSnapshot, q),
                      1));
              engines.add(new Named("DuckDB, warm (object cache)", q -> duckdb(select, q), 2));
              engines.add(new Named("DuckDB, cold (new connection)", q -> duckdbCold(sql, q), 8));
              query.run(q -> duckdb(select, q), 20);
            }
            for (Map.Entry<String, Result> result : query.runInTurns(engines).entrySet()) {
              report(query, result.getKey(), result.getValue());
            }
          }
        }
      }
    }
    System.out.println();
    if (!Boolean.getBoolean("bench.skipRebuild")) {
      indexRebuild(dir, 1_000);
      indexRebuild(dir, 10_000);
    }
  }

  /** A workload: from/to pairs spanning {@code size} rows. */
  private record Query(String name, long[] from, long[] to, int repeats) {
    static Query range(int size, long[] keys, Random random, int repeats) {
      long[] from = new long[repeats];
      long[] to = new long[repeats];
      for (int i = 0; i < repeats; i++) {
        int start;
        do { // a range of exactly `size` rows: no duplicate key across either end
          start = 1 + random.nextInt(keys.length - size - 2);
        } while (keys[start - 1] == keys[start] || keys[start + size - 1] == keys[start + size]);
        from[i] = keys[start];
        to[i] = keys[start + size];
      }
      return new Query(size + (size == 1 ? " row" : " rows"), from, to, repeats);
    }

    static Query point(long[] keys, Random random, int repeats) {
      long[] from = new long[repeats];
      long[] to = new long[repeats];
      for (int i = 0; i < repeats; i++) {
        from[i] = keys[random.nextInt(keys.length)];
        to[i] = from[i] + 1;
      }
      return new Query("point get", from, to, repeats);
    }

    /** Runs the queries once, each engine in turn on each query; results in engine order. */
    Map<String, Result> runInTurns(List<Named> engines) throws Exception {
      Map<String, long[]> nanos = new java.util.LinkedHashMap<>();
      Map<String, Long> rows = new java.util.HashMap<>();
      Map<String, Integer> counts = new java.util.HashMap<>();
      for (Named engine : engines) {
        nanos.put(engine.name(), new long[(from.length + engine.every() - 1) / engine.every()]);
      }
      for (int q = 0; q < from.length; q++) {
        for (Named engine : engines) {
          if (q % engine.every() != 0) {
            continue;
          }
          long start = System.nanoTime();
          long served = engine.engine().read(new long[] {from[q], to[q]});
          long elapsed = System.nanoTime() - start;
          int n = counts.merge(engine.name(), 1, Integer::sum) - 1;
          nanos.get(engine.name())[n] = elapsed;
          rows.merge(engine.name(), served, Long::sum);
        }
      }
      Map<String, Result> results = new java.util.LinkedHashMap<>();
      for (Named engine : engines) {
        long[] sorted = nanos.get(engine.name());
        Arrays.sort(sorted);
        results.put(engine.name(), new Result(sorted, rows.get(engine.name()) / sorted.length));
      }
      return results;
    }

    /** Runs {@code count} queries (cycling), returns nanos per query and rows served in total. */
    Result run(Engine engine, int count) throws Exception {
      long[] nanos = new long[count];
      long rows = 0;
      for (int i = 0; i < count; i++) {
        int q = i % from.length;
        long start = System.nanoTime();
        rows += engine.read(new long[] {from[q], to[q]});
        nanos[i] = System.nanoTime() - start;
      }
      Arrays.sort(nanos);
      return new Result(nanos, rows / Math.max(1, count));
    }
  }

  /** An engine, run on every {@code every}-th query of a workload only (the slow ones). */
  private record Named(String name, Engine engine, int every) {}

  private record Result(long[] sortedNanos, long rowsPerQuery) {
    double percentile(double p) {
      int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(p * sortedNanos.length) - 1);
      return sortedNanos[Math.max(0, index)] / 1e6;
    }
  }

  @FunctionalInterface
  private interface Engine {
    long read(long[] fromTo) throws Exception;
  }

  private static void report(Query query, String engine, Result result) {
    System.out.printf(
        Locale.ROOT,
        "| %s | %s | %.3f | %.3f | %d |%n",
        query.name(),
        engine,
        result.percentile(0.5),
        result.percentile(0.99),
        result.rowsPerQuery());
  }

  private static long inProcess(QueryRole role, TableSnapshot snapshot, long[] fromTo)
      throws Exception {
    RowQuery query =
        new RowQuery(
            new KeyRange(fromTo[0], fromTo[1] - 1), false, 100_000, LOGS.columnNames(), null);
    ReadPlan plan = role.service().plan(snapshot, query);
    role.service().stream(plan, query, RowFormat.JSON, DISCARD);
    return plan.rowCount();
  }

  /**
   * The same request through {@link java.net.HttpURLConnection}: synchronous, keep-alive, the body
   * read into a reused buffer, as curl or most HTTP libraries read it.
   */
  private static long overUrlConnection(String origin, long[] fromTo) throws Exception {
    java.net.HttpURLConnection connection =
        (java.net.HttpURLConnection)
            URI.create(
                    origin
                        + "/v1/projects/bench/tables/otel_logs_and_spans/rows?limit=100000&from="
                        + fromTo[0]
                        + "&to="
                        + fromTo[1])
                .toURL()
                .openConnection();
    if (connection.getResponseCode() != 200) {
      throw new IllegalStateException("status " + connection.getResponseCode());
    }
    try (java.io.InputStream in = connection.getInputStream()) {
      byte[] buffer = new byte[65536];
      while (in.read(buffer) >= 0) {
        // discard
      }
    }
    return Long.parseLong(connection.getHeaderField("Lakestream-Row-Count"));
  }

  /** The request through {@link HttpClient} (HTTP/1.1), the body collected in a byte array. */
  private static long overHttp(HttpClient http, String origin, long[] fromTo) throws Exception {
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        origin
                            + "/v1/projects/bench/tables/otel_logs_and_spans/rows?limit=100000&from="
                            + fromTo[0]
                            + "&to="
                            + fromTo[1]))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(new String(response.body()));
    }
    return Long.parseLong(response.headers().firstValue("Lakestream-Row-Count").orElseThrow());
  }

  private static String duckSql(List<String> files) {
    StringBuilder list = new StringBuilder();
    for (String file : files) {
      list.append(list.length() == 0 ? "" : ", ").append('\'').append(file).append('\'');
    }
    return "SELECT * FROM read_parquet(["
        + list
        + "]) WHERE \"timestamp\" >= make_timestamp(?) AND \"timestamp\" < make_timestamp(?) ORDER BY \"timestamp\"";
  }

  private static long duckdb(PreparedStatement select, long[] fromTo) throws Exception {
    select.setLong(1, fromTo[0]);
    select.setLong(2, fromTo[1]);
    long rows = 0;
    try (ResultSet result = select.executeQuery()) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        for (int c = 1; c <= columns; c++) {
          result.getObject(c);
        }
        rows++;
      }
    }
    return rows;
  }

  private static long duckdbCold(String sql, long[] fromTo) throws Exception {
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        PreparedStatement select = duck.prepareStatement(sql)) {
      return duckdb(select, fromTo);
    }
  }

  /** Index rebuild: a table of {@code files} AddFiles with model tags, loaded from its log. */
  private static void indexRebuild(Path dir, int files) throws Exception {
    Path warehouse = dir.resolve("rebuild-" + files);
    QueryConfig config = QueryConfig.builder().warehouse(warehouse.toUri()).open(true).build();
    HadoopStorage storage = HadoopStorage.of(config);
    org.apache.hadoop.fs.Path tablePath =
        new org.apache.hadoop.fs.Path(storage.root(), "projects/bench/otel_logs_and_spans");
    DeltaLog log = DeltaLog.forTable(storage.conf(), tablePath);
    int perCommit = 100;
    int rowsPerFile = 100_000;
    Random random = new Random(files);
    long writeStart = System.nanoTime();
    for (int commit = 0; commit * perCommit < files; commit++) {
      OptimisticTransaction txn = log.startTransaction();
      if (commit == 0) {
        txn.updateMetadata(
            Metadata.builder()
                .id(UUID.randomUUID().toString())
                .schema(DeltaSchemas.structType(LOGS))
                .build());
      }
      List<Action> actions = new ArrayList<>();
      for (int f = commit * perCommit; f < Math.min(files, (commit + 1) * perCommit); f++) {
        long[] keys = new long[rowsPerFile];
        long key = BASE + (long) f * rowsPerFile * 100;
        for (int i = 0; i < rowsPerFile; i++) {
          key += random.nextInt(200);
          keys[i] = key;
        }
        String stats = DeltaFixture.quoted("{\"numRecords\":" + rowsPerFile + "}");
        actions.add(
            new AddFile(
                "part-" + f + ".parquet",
                Map.of(),
                50_000_000L,
                1_700_000_000_000L + f,
                true,
                stats,
                Map.of(FileIndexer.MODEL_TAG, KeyModel.build(keys).toTag())));
      }
      txn.commit(actions, new Operation(Operation.Name.WRITE), "bench");
    }
    double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
    double[] millis = new double[3];
    long modelBytes = 0;
    for (int round = 0; round < millis.length; round++) {
      try (QueryRole role =
          QueryRole.create(config, new SimpleMeterRegistry(), (e, r, b, a, s) -> {})) {
        long start = System.nanoTime();
        role.tables().discover();
        role.tables().pollAll();
        millis[round] = (System.nanoTime() - start) / 1e6;
        TableSnapshot snapshot = role.tables().snapshots().get(0);
        modelBytes = snapshot.indexBytes();
        if (snapshot.fileCount() != files) {
          throw new IllegalStateException(
              "loaded " + snapshot.fileCount() + " files, not " + files);
        }
      }
    }
    Arrays.sort(millis);
    System.out.printf(
        Locale.ROOT,
        "Index rebuild, %d files (%d commits, checkpoints every 10; written in %.1f s): median %.0f ms (runs %s), model bytes %d (%.0f per file)%n",
        files,
        (files + perCommit - 1) / perCommit,
        writeSeconds,
        millis[1],
        Arrays.toString(millis),
        modelBytes,
        modelBytes / (double) files);
  }
}

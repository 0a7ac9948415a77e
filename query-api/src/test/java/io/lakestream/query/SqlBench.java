package io.lakestream.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.avro.generic.GenericRecord;

/**
 * SQL latency of the query sidecar ({@code POST /v1/sql}: DuckDB over learned-index range reads)
 * against DuckDB reading the same Parquet files directly, in one run. A plain main, not a test:
 *
 * <pre>
 * mvn -o -q -B -pl query-api -am test-compile
 * mvn -o -q -B -pl query-api dependency:build-classpath \
 *   -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * CP=$(tr ':' '\n' < query-api/target/cp.txt \
 *   | sed -E 's#.*&#47;io/lakestream/lakestream-([a-z-]+)/.*#\1/target/classes#' | paste -sd:)
 * java --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx3g \
 *   -Dlogback.configurationFile=query-api/src/test/resources/logback-test.xml \
 *   -cp query-api/target/classes:query-api/target/test-classes:$CP \
 *   io.lakestream.query.SqlBench [files=10] [rowsPerFile=200000] [days=3] [repeats=20]
 * </pre>
 *
 * <p>{@code -Dbench.queries=3} runs only the listed queries (numbered from 1, comma-separated);
 * {@code -Dbench.sql='SQL;;SQL'} runs these statements instead ({@code {hour}} and {@code
 * {hourEnd}} stand for the hour's bounds, {@code {last15}} for 15 minutes before the last row,
 * {@code {trace}} for a trace in the hour), to time variants side by side; {@code -Dbench.dir=DIR}
 * keeps the rows written there for the next run; {@code -Dbench.onlyLakestream=true} leaves DuckDB
 * on the files out of the timed turns; {@code -Dbench.warmup=N} (default 30) untimed turns of each
 * query and engine come first.
 *
 * <p>Data: {@code otel_logs_and_spans} (27 columns), rows evenly spread over {@code days} days
 * ending now, written as the writer writes them (sorted by timestamp, pages of at most 1000 rows,
 * ZSTD, page index, key model tag), 6 rows a trace (ids {@code trace-<n>} in time order, or random
 * ones with {@code -Dbench.randomTraceIds=true}), 1 in 5 logs an ERROR, 4 services. Both engines
 * run the same SQL text; DuckDB sees {@code otel_logs_and_spans} as a view over {@code
 * read_parquet([every file])} (one connection, object cache on, all cores). Lakestream from two
 * sidecars on the same warehouse: one as configured by default (a range holding most of the table
 * read by DuckDB from the snapshot's files, {@code query.sql.file.scan.min.rows}), asked through
 * the PostgreSQL protocol (pgJDBC, one connection kept for the run, as psql or Grafana keep one;
 * every row and column read) and over HTTP on loopback (the whole JSON body read); one reading
 * every range through the learned index, over HTTP. Engines take turns query by query, each going
 * first in a quarter of the turns.
 */
public final class SqlBench {
  private static final TableDefinition LOGS = TableDefinitions.builtIn("otel_logs_and_spans");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] SERVICES = {"api", "db", "web", "auth"};
  private static final String[] ENGINES = {
    "Lakestream (pgwire)", "Lakestream (HTTP)", "Lakestream (HTTP), every range by index", "DuckDB"
  };

  private SqlBench() {}

  public static void main(String[] args) throws Exception {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int rowsPerFile = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    int days = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    long total = (long) files * rowsPerFile;
    // -Dbench.dir=DIR keeps the rows written there and reads them again on the next run (its
    // "now" is then the first run's: the last 15 minutes find no rows)
    String kept = System.getProperty("bench.dir");
    Path dir = kept == null ? Files.createTempDirectory("lakestream-sql-bench") : Path.of(kept);
    Path endFile = dir.resolve("end-micros");
    boolean written = kept != null && Files.exists(endFile);
    long end =
        written
            ? Long.parseLong(Files.readString(endFile).trim())
            : System.currentTimeMillis() * 1000;
    long span = days * 86_400_000_000L;
    long step = span / total;
    long first = end - span;
    System.out.printf(
        "Java %s, %d cores; %d files x %d rows of otel_logs_and_spans over %d days (%d µs apart)%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        files,
        rowsPerFile,
        days,
        step);
    QueryConfig config = config(dir).pgPort(0).build();
    long started = System.nanoTime();
    List<Path> parquet = new ArrayList<>();
    if (written) {
      try (var walk = Files.walk(dir.resolve("warehouse"))) {
        walk.filter(f -> f.toString().endsWith(".parquet") && !f.toString().contains("_delta_log"))
            .sorted()
            .forEach(parquet::add);
      }
    } else {
      Files.createDirectories(dir);
      DeltaFixture.Table table = writeLogs(config, files, rowsPerFile, first, step);
      for (DeltaFixture.WrittenFile file : table.liveFiles()) {
        parquet.add(Path.of(new org.apache.hadoop.fs.Path(table.path(), file.path()).toUri()));
      }
      if (kept != null) {
        Files.writeString(endFile, Long.toString(end));
      }
    }
    long bytes = 0;
    StringBuilder list = new StringBuilder();
    for (Path path : parquet) {
      bytes += Files.size(path);
      list.append(list.length() == 0 ? "" : ", ").append('\'').append(path).append('\'');
    }
    System.out.printf(
        "Wrote %d rows, %.1f MB, in %.1f s%n%n",
        total, bytes / 1e6, (System.nanoTime() - started) / 1e9);

    long hour = first + span / 2 / 3_600_000_000L * 3_600_000_000L; // an hour in the middle
    String hourFrom = iso(hour);
    String hourTo = iso(hour + 3_600_000_000L);
    long traceRow = (hour + 1_800_000_000L - first) / step;
    String traceId = traceId(traceRow / 6);
    List<String[]> queries = new ArrayList<>();
    // -Dbench.sql='SQL;;SQL': these statements instead of the four below ({hour} and {hourEnd}
    // stand for the hour's bounds, {last15} for 15 minutes before the last row, {trace} for a trace
    // in the hour): to time variants
    // of a query side by side
    String custom = System.getProperty("bench.sql", "");
    for (String sql : custom.isEmpty() ? new String[0] : custom.split(";;")) {
      String text =
          sql.strip()
              .replace("{hour}", hourFrom)
              .replace("{hourEnd}", hourTo)
              .replace("{last15}", iso(end - 900_000_000L))
              .replace("{trace}", traceId);
      queries.add(new String[] {text, text});
    }
    List<String[]> builtIn =
        List.of(
            new String[] {
              "1 hour, count(*) per minute",
              "SELECT date_trunc('minute', timestamp) AS minute, count(*) AS n FROM"
                  + " otel_logs_and_spans WHERE project_id = 'bench' AND timestamp >= "
                  + hourFrom
                  + " AND timestamp < "
                  + hourTo
                  + " GROUP BY 1 ORDER BY 1"
            },
            new String[] {
              "last 15 min ERROR logs",
              "SELECT timestamp, service_name, body FROM otel_logs_and_spans WHERE project_id ="
                  + " 'bench' AND timestamp >= now() - interval '15 minutes' AND severity_text ="
                  + " 'ERROR' ORDER BY timestamp DESC"
            },
            new String[] {
              "a trace by trace_id within 1 hour",
              "SELECT * FROM otel_logs_and_spans WHERE project_id = 'bench' AND trace_id = '"
                  + traceId
                  + "' AND timestamp >= "
                  + hourFrom
                  + " AND timestamp < "
                  + hourTo
                  + " ORDER BY timestamp"
            },
            new String[] {
              "full scan: count(*) per service",
              "SELECT service_name, count(*) AS n FROM otel_logs_and_spans WHERE project_id ="
                  + " 'bench' GROUP BY 1 ORDER BY 1"
            });
    if (queries.isEmpty()) {
      queries.addAll(builtIn);
    }

    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (QueryRole role = QueryRole.start(config, new SimpleMeterRegistry());
        QueryRole indexOnlyRole =
            QueryRole.start(
                config.toBuilder().pgPort(-1).sqlFileScanMinRows(Long.MAX_VALUE).build(),
                new SimpleMeterRegistry());
        Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        // The project as the user name, a token as the password (SCRAM), as psql -U bench would.
        Connection pg =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + role.pgPort() + "/lakestream", "bench", "admin")) {
      String origin = "http://127.0.0.1:" + role.port();
      String indexOnlyOrigin = "http://127.0.0.1:" + indexOnlyRole.port();
      awaitReady(http, origin);
      awaitReady(http, indexOnlyOrigin);
      try (Statement s = duck.createStatement()) {
        s.execute("SET threads TO " + Runtime.getRuntime().availableProcessors());
        s.execute("SET enable_object_cache = true");
        s.execute("SET TimeZone = 'UTC'");
        s.execute("CREATE VIEW otel_logs_and_spans AS SELECT * FROM read_parquet([" + list + "])");
      }
      System.out.println(
          "| query | rows out | Lakestream through pgwire, as configured, p50 / p90 ms | Lakestream"
              + " over HTTP, as configured | the same, every range through the index | DuckDB on the"
              + " Parquet files | pgwire ÷ DuckDB (p50) | HTTP ÷ DuckDB (p50) |");
      System.out.println("|---|---|---|---|---|---|---|---|");
      boolean onlyLakestream = Boolean.getBoolean("bench.onlyLakestream");
      // Untimed turns of each query first, every engine: a sidecar in service runs compiled
      // code, and DuckDB's object cache holds the files' metadata.
      int warmup = Integer.getInteger("bench.warmup", 30);
      // -Dbench.queries=3 (or 1,3): only those queries, numbered from 1 as listed
      List<String> only = List.of(System.getProperty("bench.queries", "").split(","));
      for (String[] query : queries) {
        if (!only.get(0).isEmpty() && !only.contains(String.valueOf(queries.indexOf(query) + 1))) {
          continue;
        }
        int engines = ENGINES.length;
        long[][] took = new long[engines][repeats];
        long[] rowsOut = new long[engines];
        for (int i = 0; i < warmup; i++) {
          for (int engine = 0; engine < engines; engine++) {
            rowsOut[engine] = run(engine, query[1], pg, http, origin, indexOnlyOrigin, duck);
          }
        }
        for (int i = 0; i < repeats; i++) {
          // Each engine goes first in a quarter of the turns: the request that follows another
          // engine's pays for it (caches, collection), whichever engine it is.
          for (int turn = 0; turn < engines; turn++) {
            int engine = (i + turn) % engines;
            if (engine == engines - 1 && onlyLakestream) {
              continue;
            }
            long t0 = System.nanoTime();
            rowsOut[engine] = run(engine, query[1], pg, http, origin, indexOnlyOrigin, duck);
            took[engine][i] = System.nanoTime() - t0;
          }
          for (int engine = 1; engine < engines; engine++) {
            boolean skipped = engine == engines - 1 && onlyLakestream;
            if (!skipped && rowsOut[engine] != rowsOut[0] && !query[1].contains("now()")) {
              throw new IllegalStateException(
                  query[0]
                      + ": "
                      + rowsOut[0]
                      + " rows from "
                      + ENGINES[0]
                      + ", "
                      + rowsOut[engine]
                      + " from "
                      + ENGINES[engine]);
            }
          }
        }
        StringBuilder line = new StringBuilder("| " + query[0] + " | " + rowsOut[0] + " |");
        for (long[] times : took) {
          Arrays.sort(times);
          line.append(
              String.format(
                  Locale.ROOT, " %.1f / %.1f |", percentile(times, 0.5), percentile(times, 0.9)));
        }
        double duckP50 = percentile(took[engines - 1], 0.5);
        line.append(String.format(Locale.ROOT, " %.1f× |", percentile(took[0], 0.5) / duckP50));
        line.append(String.format(Locale.ROOT, " %.1f× |", percentile(took[1], 0.5) / duckP50));
        System.out.println(line);
      }
    }
    System.exit(0);
  }

  /** A sidecar on loopback over a warehouse in {@code dir}, with the admin token {@code admin}. */
  static QueryConfig.Builder config(Path dir) {
    return QueryConfig.builder()
        .warehouse(dir.resolve("warehouse").toUri())
        .adminToken("admin")
        .httpHost("127.0.0.1")
        .httpPort(0);
  }

  /**
   * Project {@code bench}'s {@code otel_logs_and_spans}: {@code files} files of {@code rowsPerFile}
   * rows {@code step} µs apart from {@code first}, written as the writer writes them (pages of at
   * most 1000 rows, 32 MiB row groups); 6 rows a trace, a third spans, 1 in 5 logs an ERROR, 4
   * services.
   */
  static DeltaFixture.Table writeLogs(
      QueryConfig config, int files, int rowsPerFile, long first, long step) {
    DeltaFixture.Table table =
        DeltaFixture.of(config)
            .pageRows(1000)
            .rowGroupBytes(32L << 20)
            .keepRows(false)
            .table("bench", LOGS);
    TestRows generator = new TestRows(LOGS, 1);
    for (int f = 0; f < files; f++) {
      List<GenericRecord> rows = new ArrayList<>(rowsPerFile);
      for (int i = 0; i < rowsPerFile; i++) {
        long global = (long) f * rowsPerFile + i;
        GenericRecord row = generator.row("bench", first + global * step);
        boolean spanRow = global % 3 == 0;
        row.put("record_type", spanRow ? "span" : "log");
        row.put("service_name", SERVICES[(int) (global % 4)]);
        row.put("severity_text", spanRow ? null : global % 5 == 0 ? "ERROR" : "INFO");
        row.put("trace_id", traceId(global / 6));
        rows.add(row);
      }
      table.append(rows, true);
    }
    return table;
  }

  /**
   * The id of trace {@code n}: {@code trace-<n>}, ids that grow with time (as ULID- or UUIDv7-like
   * ids do), or with {@code -Dbench.randomTraceIds=true} 32 hex digits that do not (as
   * OpenTelemetry's random 16-byte trace ids): a page's bounds then span most of the ids, and only
   * the key range narrows a lookup.
   */
  static String traceId(long n) {
    if (!Boolean.getBoolean("bench.randomTraceIds")) {
      return "trace-" + n;
    }
    long a = mix(n);
    long b = mix(a ^ 0x9E3779B97F4A7C15L);
    return String.format(Locale.ROOT, "%016x%016x", a, b);
  }

  /** A 64-bit mix (SplitMix64's): distinct inputs, scattered outputs. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Waits until the sidecar answers {@code GET /ready} with 200: every table's log loaded. */
  private static void awaitReady(HttpClient http, String origin) throws Exception {
    HttpRequest ready = HttpRequest.newBuilder(URI.create(origin + "/ready")).build();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofMinutes(2))
        .pollInterval(java.time.Duration.ofMillis(50))
        .until(() -> http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
  }

  private static double percentile(long[] sorted, double p) {
    int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }

  private static String iso(long micros) {
    return "'"
        + java.time.Instant.ofEpochSecond(micros / 1_000_000, micros % 1_000_000 * 1000)
        + "'";
  }

  private static long run(
      int engine,
      String sql,
      Connection pg,
      HttpClient http,
      String origin,
      String indexOnlyOrigin,
      Connection duck)
      throws Exception {
    return switch (engine) {
      case 0 -> readAll(pg, sql);
      case 1 -> overHttp(http, origin, sql);
      case 2 -> overHttp(http, indexOnlyOrigin, sql);
      default -> readAll(duck, sql);
    };
  }

  private static long overHttp(HttpClient http, String origin, String sql) throws Exception {
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(URI.create(origin + "/v1/sql"))
                .header("Authorization", "Bearer admin")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        JSON.createObjectNode().put("sql", sql).toString()))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(new String(response.body()));
    }
    return JSON.readTree(response.body()).get("rows").size();
  }

  /** Every row and column of the answer, through JDBC. */
  private static long readAll(Connection connection, String sql) throws Exception {
    long rows = 0;
    try (Statement s = connection.createStatement();
        ResultSet result = s.executeQuery(sql)) {
      ResultSetMetaData meta = result.getMetaData();
      while (result.next()) {
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          result.getObject(i);
        }
        rows++;
      }
    }
    return rows;
  }
}

package io.lakestream.query;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;

/**
 * Rows per second of a large SQL result streamed by the query sidecar, over HTTP NDJSON ({@code
 * POST /v1/sql}, {@code Accept: application/x-ndjson}), over HTTP as an Arrow IPC stream ({@code
 * Accept: application/vnd.apache.arrow.stream}, read with Arrow Java's {@code ArrowStreamReader})
 * and over the PostgreSQL protocol (pgJDBC with a fetch size: Execute with a row limit, portal by
 * portal; {@code pg}: a plain statement, every column in the text format, each value read with
 * {@code getString}; {@code pgbin}: a server-prepared statement with binary transfer, pgJDBC's
 * binary types in the binary format, each value read with {@code getObject}; {@code copy}: {@code
 * COPY (…) TO STDOUT (FORMAT csv)} read with pgJDBC's {@code CopyManager}, as psql's {@code \copy}
 * sends it), with the time to the first row and the largest heap the sidecar's JVM used meanwhile
 * (sampled every 20 ms: a result that were held whole would show). A plain main, not a test; run
 * with a small heap to show the memory is bounded:
 *
 * <pre>
 * (build the classpath as for SqlBench)
 * java --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx768m \
 *   -Dlogback.configurationFile=query-api/src/test/resources/logback-test.xml \
 *   -cp query-api/target/classes:query-api/target/test-classes:$CP \
 *   io.lakestream.query.StreamFigures [files=5] [rowsPerFile=200000] [repeats=3] [clients=ndjson,arrow,pg,pgbin,copy]
 * </pre>
 *
 * <p>Data as SqlBench's ({@link SqlBench#writeLogs}): {@code otel_logs_and_spans} (27 columns)
 * written as the writer writes it, over one day. The statement: {@code SELECT timestamp,
 * service_name, severity_text, trace_id, body FROM otel_logs_and_spans} (every row of the project),
 * and {@code SELECT *}.
 */
public final class StreamFigures {
  private StreamFigures() {}

  public static void main(String[] args) throws Exception {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int rowsPerFile = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    List<String> clients = List.of((args.length > 3 ? args[3] : "ndjson,arrow,pg").split(","));
    long total = (long) files * rowsPerFile;
    long end = System.currentTimeMillis() * 1000;
    long step = 86_400_000_000L / total;
    long first = end - 86_400_000_000L;
    Path dir = Files.createTempDirectory("lakestream-stream-figures");
    QueryConfig config = SqlBench.config(dir).pgPort(0).build();
    SqlBench.writeLogs(config, files, rowsPerFile, first, step);
    System.out.printf(
        Locale.ROOT,
        "Java %s, %d cores, max heap %d MiB; %,d rows of otel_logs_and_spans in %d files%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        total,
        files);
    List<String[]> statements =
        List.of(
            new String[] {
              "5 columns",
              "SELECT timestamp, service_name, severity_text, trace_id, body FROM"
                  + " otel_logs_and_spans WHERE project_id = 'bench'"
            },
            new String[] {
              "SELECT * (27 columns)",
              "SELECT * FROM otel_logs_and_spans WHERE project_id = 'bench'"
            });
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (QueryRole role = QueryRole.start(config, new SimpleMeterRegistry())) {
      String origin = "http://127.0.0.1:" + role.port();
      Properties user = new Properties();
      user.setProperty("user", "bench");
      user.setProperty("password", "admin");
      String url = "jdbc:postgresql://127.0.0.1:" + role.pgPort() + "/lakestream";
      System.out.println(
          "| result | client | rows | first row ms | all rows s | rows/s | MB/s | largest heap"
              + " used MiB |");
      System.out.println("|---|---|---|---|---|---|---|---|");
      for (String[] statement : statements) {
        for (int i = 0; i < repeats; i++) {
          if (clients.contains("ndjson")) {
            report(
                statement[0], "HTTP NDJSON", total, () -> overNdjson(http, origin, statement[1]));
          }
          if (clients.contains("arrow")) {
            report(statement[0], "HTTP Arrow", total, () -> overArrow(http, origin, statement[1]));
          }
          if (clients.contains("pg")) {
            report(
                statement[0],
                "pgJDBC, fetch 10,000",
                total,
                () -> overPg(url, user, statement[1], false));
          }
          if (clients.contains("pgbin")) {
            report(
                statement[0],
                "pgJDBC binary, fetch 10,000",
                total,
                () -> overPg(url, user, statement[1], true));
          }
          if (clients.contains("copy")) {
            report(
                statement[0],
                "pgJDBC CopyManager, CSV",
                total,
                () -> overCopy(url, user, statement[1]));
          }
        }
      }
    }
    System.exit(0);
  }

  /** What one streamed read took: rows, bytes (NDJSON only), and when the first row came. */
  private record Streamed(long rows, long bytes, long firstRowNanos) {}

  private interface Read {
    Streamed run() throws Exception;
  }

  private static void report(String result, String client, long expected, Read read)
      throws Exception {
    System.gc();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    AtomicLong peak = new AtomicLong(memory.getHeapMemoryUsage().getUsed());
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(
        () -> peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max),
        0,
        20,
        TimeUnit.MILLISECONDS);
    long start = System.nanoTime();
    Streamed streamed;
    try {
      streamed = read.run();
    } finally {
      sampler.shutdownNow();
    }
    long nanos = System.nanoTime() - start;
    if (streamed.rows() != expected) {
      throw new IllegalStateException(client + ": " + streamed.rows() + " rows, not " + expected);
    }
    System.out.printf(
        Locale.ROOT,
        "| %s | %s | %,d | %.0f | %.2f | %,.0f | %s | %d |%n",
        result,
        client,
        streamed.rows(),
        streamed.firstRowNanos() / 1e6,
        nanos / 1e9,
        streamed.rows() / (nanos / 1e9),
        streamed.bytes() > 0
            ? String.format(Locale.ROOT, "%.1f", streamed.bytes() / (nanos / 1e3))
            : "–",
        peak.get() >> 20);
  }

  private static Streamed overNdjson(HttpClient http, String origin, String sql) throws Exception {
    long start = System.nanoTime();
    HttpResponse<InputStream> response = post(http, origin, sql, "application/x-ndjson");
    long rows = 0;
    long bytes = 0;
    long firstRow = -1;
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (firstRow < 0) {
          firstRow = System.nanoTime() - start;
        }
        bytes += line.length() + 1;
        if (line.startsWith("{")) {
          rows++;
        }
      }
    }
    return new Streamed(rows, bytes, firstRow);
  }

  /**
   * The Arrow IPC stream read batch by batch with Arrow Java's reader (each batch's buffers read
   * into vectors, as a client of the format would); "first row" is when the first batch is loaded.
   */
  private static Streamed overArrow(HttpClient http, String origin, String sql) throws Exception {
    long start = System.nanoTime();
    HttpResponse<InputStream> response =
        post(http, origin, sql, "application/vnd.apache.arrow.stream");
    long rows = 0;
    long firstRow = -1;
    CountingInputStream body = new CountingInputStream(response.body());
    try (RootAllocator allocator = new RootAllocator();
        ArrowStreamReader reader = new ArrowStreamReader(body, allocator)) {
      while (reader.loadNextBatch()) {
        if (firstRow < 0) {
          firstRow = System.nanoTime() - start;
        }
        rows += reader.getVectorSchemaRoot().getRowCount();
      }
    }
    return new Streamed(rows, body.count, firstRow);
  }

  /** Counts the bytes read through it. */
  private static final class CountingInputStream extends java.io.FilterInputStream {
    long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws java.io.IOException {
      int b = super.read();
      count += b < 0 ? 0 : 1;
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws java.io.IOException {
      int n = super.read(buffer, offset, length);
      count += Math.max(n, 0);
      return n;
    }
  }

  private static HttpResponse<InputStream> post(
      HttpClient http, String origin, String sql, String accept) throws Exception {
    HttpResponse<InputStream> response =
        http.send(
            HttpRequest.newBuilder(URI.create(origin + "/v1/sql"))
                .header("Authorization", "Bearer admin")
                .header("Content-Type", "application/json")
                .header("Accept", accept)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        new com.fasterxml.jackson.databind.ObjectMapper()
                            .createObjectNode()
                            .put("sql", sql)
                            .toString()))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "HTTP " + response.statusCode() + ": " + new String(response.body().readAllBytes()));
    }
    return response;
  }

  /**
   * {@code COPY (sql) TO STDOUT (FORMAT csv)} through pgJDBC's {@code CopyManager}, each CopyData
   * message (a line) read and counted; "first row" is when the first line comes.
   */
  private static Streamed overCopy(String url, Properties user, String sql) throws Exception {
    long start = System.nanoTime();
    try (Connection connection = DriverManager.getConnection(url, user)) {
      org.postgresql.copy.CopyOut copy =
          connection
              .unwrap(org.postgresql.PGConnection.class)
              .getCopyAPI()
              .copyOut("COPY (" + sql + ") TO STDOUT (FORMAT csv)");
      long rows = 0;
      long bytes = 0;
      long firstRow = -1;
      byte[] line;
      while ((line = copy.readFromCopy()) != null) {
        if (firstRow < 0) {
          firstRow = System.nanoTime() - start;
        }
        bytes += line.length;
        rows++;
      }
      return new Streamed(rows, bytes, firstRow);
    }
  }

  /**
   * Binary: a statement prepared on the server at once ({@code prepareThreshold=-1}) with binary
   * transfer, so pgJDBC asks for its binary types (integers, floats, timestamps, …) in the binary
   * format and reads each value with {@code getObject}.
   */
  private static Streamed overPg(String url, Properties user, String sql, boolean binary)
      throws Exception {
    long start = System.nanoTime();
    Properties properties = new Properties();
    properties.putAll(user);
    if (binary) {
      properties.setProperty("binaryTransfer", "true");
      properties.setProperty("prepareThreshold", "-1");
    }
    try (Connection connection = DriverManager.getConnection(url, properties)) {
      connection.setAutoCommit(false); // pgJDBC streams with a fetch size only in a transaction
      try (Statement statement =
          binary ? connection.prepareStatement(sql) : connection.createStatement()) {
        statement.setFetchSize(10_000);
        long rows = 0;
        long firstRow = -1;
        try (ResultSet result =
            binary
                ? ((java.sql.PreparedStatement) statement).executeQuery()
                : statement.executeQuery(sql)) {
          int columns = result.getMetaData().getColumnCount();
          while (result.next()) {
            if (firstRow < 0) {
              firstRow = System.nanoTime() - start;
            }
            for (int c = 1; c <= columns; c++) {
              if (binary) {
                result.getObject(c);
              } else {
                result.getString(c);
              }
            }
            rows++;
          }
        }
        return new Streamed(rows, 0, firstRow);
      }
    }
  }
}

package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.lakestream.testkit.EmbeddedKafka;
import io.lakestream.testkit.TestCertificates;
import io.lakestream.writer.WriterRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL protocol of the query sidecar, with pgJDBC and psql, over tables the real writer
 * wrote from Kafka: tokens as passwords (SCRAM), SQL with bind parameters, types from the table
 * definitions, SQLSTATE errors, the catalog, and tenant isolation. Each kind of failure is checked
 * twice, as pgJDBC sees it (its SQLSTATE) and as an HTTP client of {@code POST /v1/sql} sees it
 * (its status and JSON body), since both are mapped from the same kinds.
 */
class PgWireIT {
  static final TableDefinition EVENTS = TableDefinitions.builtIn("events");
  static final long BASE = 1_795_000_000_000_000L;
  static final int ROWS = 300;

  @TempDir static Path warehouse;
  @TempDir static Path tls;
  static EmbeddedKafka kafka;
  static WriterRole writer;
  static QueryRole query;
  static final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  static final HttpClient http = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();
  static final Map<String, List<GenericRecord>> sent = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createTopic(Topics.rows("events"), 2);
    writer =
        WriterRole.start(
            FeedFixtures.devWriter(kafka.bootstrapServers(), warehouse, Duration.ofMillis(200)),
            new SimpleMeterRegistry());
    query =
        QueryRole.start(
            FeedFixtures.pollingSidecar(warehouse)
                .pgPort(0)
                .projectToken("acme", "acme-token")
                .projectToken("globex", "globex-token")
                .adminToken("admin-token")
                .build(),
            registry);
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (String project : List.of("acme", "globex")) {
        long[] keys = new long[ROWS];
        for (int i = 0; i < ROWS; i++) {
          keys[i] = BASE + i * 1_000_000L; // one row a second
        }
        List<GenericRecord> rows = new TestRows(EVENTS, project.hashCode()).rows(project, keys);
        for (GenericRecord row : rows) {
          producer.send(record(project, row));
        }
        sent.put(project, rows);
      }
    }
    for (String project : List.of("acme", "globex")) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count(project, project + "-token") == ROWS);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (query != null) {
        query.close();
      }
      if (writer != null) {
        writer.close();
      }
    } finally {
      if (kafka != null) {
        kafka.close();
      }
      org.apache.hadoop.fs.FileSystem.closeAll();
    }
  }

  static Connection connect(String user, String password) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + query.pgPort() + "/lakestream", properties);
  }

  static long count(String project, String token) {
    try (Connection c = connect(project, token);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT count(*) FROM events WHERE project_id = '" + project + "'")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      return -1;
    }
  }

  @Test
  void aRangeWithBindParametersReturnsTheWrittenRowsWithTheirTypes() throws SQLException {
    List<GenericRecord> acme = sent.get("acme");
    long from = BASE + 100 * 1_000_000L;
    long to = BASE + 149 * 1_000_000L;
    try (Connection c = connect("acme", "acme-token");
        PreparedStatement s =
            c.prepareStatement(
                "SELECT timestamp, event_type, attributes FROM events WHERE project_id = ? AND"
                    + " timestamp >= ? AND timestamp <= ? ORDER BY timestamp")) {
      // pgJDBC sends OffsetDateTime as timestamptz; the engine compares it with the key.
      s.setString(1, "acme");
      s.setObject(2, micros(from).atOffset(java.time.ZoneOffset.UTC));
      s.setObject(3, micros(to).atOffset(java.time.ZoneOffset.UTC));
      List<String> read = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.getMetaData().getColumnTypeName(1)).isEqualTo("timestamptz");
        assertThat(rs.getMetaData().getColumnTypeName(2)).isEqualTo("text");
        assertThat(rs.getMetaData().getColumnTypeName(3)).isEqualTo("jsonb");
        while (rs.next()) {
          read.add(rs.getObject(1, OffsetDateTime.class).toInstant() + " " + rs.getString(2));
        }
      }
      List<String> expected = new ArrayList<>();
      for (GenericRecord row : acme) {
        long key = (Long) row.get("timestamp");
        if (key >= from && key <= to) {
          expected.add(micros(key) + " " + row.get("event_type"));
        }
      }
      assertThat(read).hasSize(50).containsExactlyElementsOf(expected);

      // The same range with its end given in another time zone.
      s.setObject(3, micros(to).atOffset(java.time.ZoneOffset.ofHours(2)));
      int rows = 0;
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          rows++;
        }
      }
      assertThat(rows).isEqualTo(50);
    }
    // Describe before bind (pgJDBC's getMetaData): the engine's types of the select list.
    try (Connection c = connect("acme", "acme-token");
        PreparedStatement s =
            c.prepareStatement(
                "SELECT timestamp AS ts, event_type, COUNT(*) FROM events WHERE project_id = ? AND"
                    + " timestamp >= ? GROUP BY ts, event_type")) {
      java.sql.ResultSetMetaData columns = s.getMetaData();
      assertThat(columns.getColumnCount()).isEqualTo(3);
      assertThat(columns.getColumnName(1)).isEqualTo("ts");
      assertThat(columns.getColumnTypeName(1)).isEqualTo("timestamptz");
      assertThat(columns.getColumnTypeName(2)).isEqualTo("text");
      assertThat(columns.getColumnTypeName(3)).isEqualTo("int8");
    }
  }

  /**
   * The figure in docs/benchmarks.md: time from starting {@code psql -c 'select 1'} (connect, SCRAM
   * with a project token, query) to its exit, and from a pgJDBC connect to the first row.
   */
  @Test
  void timeFromConnectToFirstRow() throws Exception {
    Path psql = Path.of("/usr/bin/psql");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(psql), "psql is not installed");
    // The same tables and tokens behind a second sidecar that offers TLS (RSA 2048 certificate).
    TestCertificates certificates = TestCertificates.create(tls);
    try (QueryRole withTls =
        QueryRole.start(
            FeedFixtures.pollingSidecar(warehouse)
                .pgPort(0)
                .projectToken("acme", "acme-token")
                .projectToken("globex", "globex-token")
                .adminToken("admin-token")
                .pgTls(certificates.certificate(), certificates.key())
                .build(),
            new SimpleMeterRegistry())) {
      Map<String, String> require = Map.of("PGSSLMODE", "require");
      List<Double> psqlMillis = new ArrayList<>();
      List<Double> psqlTlsMillis = new ArrayList<>();
      List<Double> jdbcMillis = new ArrayList<>();
      List<Double> jdbcTlsMillis = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        long start = System.nanoTime();
        assertThat(psql(psql, "-A", "-t", "-c", "select 1")).isEqualTo("1\n");
        psqlMillis.add((System.nanoTime() - start) / 1e6);
        start = System.nanoTime();
        assertThat(psql(psql, withTls.pgPort(), require, "-A", "-t", "-c", "select 1"))
            .isEqualTo("1\n");
        psqlTlsMillis.add((System.nanoTime() - start) / 1e6);
        jdbcMillis.add(millisToFirstRow(query.pgPort(), "prefer"));
        jdbcTlsMillis.add(millisToFirstRow(withTls.pgPort(), "require"));
      }
      org.slf4j.LoggerFactory.getLogger(PgWireIT.class)
          .info(
              "FIGURE PgWireIT connect to first row of select 1 (SCRAM, project token), 30 runs:"
                  + " psql process {} ; psql sslmode=require {} ; pgJDBC in-process {} ;"
                  + " pgJDBC sslmode=require {}",
              percentiles(psqlMillis),
              percentiles(psqlTlsMillis),
              percentiles(jdbcMillis),
              percentiles(jdbcTlsMillis));
    }
  }

  /** pgJDBC from {@code getConnection} to the first row of {@code select 1}, in milliseconds. */
  static double millisToFirstRow(int port, String sslmode) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", "acme");
    properties.setProperty("password", "acme-token");
    properties.setProperty("sslmode", sslmode);
    long start = System.nanoTime();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/lakestream", properties);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select 1")) {
      assertThat(rs.next()).isTrue();
      return (System.nanoTime() - start) / 1e6;
    }
  }

  static String percentiles(List<Double> millis) {
    List<Double> sorted = new ArrayList<>(millis);
    sorted.sort(null);
    return String.format(
        java.util.Locale.ROOT,
        "median %.1f ms, p90 %.1f ms, min %.1f ms",
        sorted.get(sorted.size() / 2),
        sorted.get((int) (sorted.size() * 0.9)),
        sorted.get(0));
  }

  /**
   * A result read with a fetch size (the portal suspended every 7 rows, inside the engine's batches
   * that the text rows are sent from) gives every row once, in order, with its values; the same in
   * the binary format (a statement server-prepared at once, read from values row by row).
   */
  @Test
  void aResultReadWithAFetchSizeGivesEveryRowOnce() throws SQLException {
    List<String> expected = new ArrayList<>();
    for (GenericRecord row : sent.get("acme")) {
      expected.add(micros((Long) row.get("timestamp")) + " " + row.get("event_type"));
    }
    expected.sort(null);
    for (boolean binary : new boolean[] {false, true}) {
      Properties properties = new Properties();
      properties.setProperty("user", "acme");
      properties.setProperty("password", "acme-token");
      if (binary) {
        properties.setProperty("prepareThreshold", "-1"); // binary results from the first run
      }
      try (Connection c =
          DriverManager.getConnection(
              "jdbc:postgresql://127.0.0.1:" + query.pgPort() + "/lakestream", properties)) {
        c.setAutoCommit(false); // pgJDBC fetches with a row limit only in a transaction
        try (PreparedStatement s =
            c.prepareStatement(
                "SELECT timestamp, event_type, attributes FROM events WHERE project_id = 'acme'"
                    + " ORDER BY timestamp")) {
          s.setFetchSize(7);
          List<String> read = new ArrayList<>();
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              read.add(rs.getObject(1, OffsetDateTime.class).toInstant() + " " + rs.getString(2));
            }
          }
          assertThat(read)
              .as("binary: %s", binary)
              .hasSize(ROWS)
              .containsExactlyElementsOf(expected);
        }
        c.commit();
      }
    }
  }

  /**
   * pgJDBC with binary transfer and every statement server-prepared (prepareThreshold -1) asks for
   * its binary types (integers, floats, numeric, date, timestamptz, bytea, arrays) in the binary
   * format and the rest in text, column by column: the sidecar sends them from the engine's
   * batches, and each value read back through pgJDBC's binary decoding is the one derived from the
   * rows written. A value sent in the wrong format or layout would not decode to it.
   */
  @Test
  void binaryResultsGiveTheWrittenValues() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", "acme");
    properties.setProperty("password", "acme-token");
    properties.setProperty("binaryTransfer", "true");
    properties.setProperty("prepareThreshold", "-1"); // server-prepared, binary from the first run
    String sql =
        "SELECT timestamp, event_type, length(event_type)::SMALLINT AS len2,"
            + " length(event_type)::INTEGER AS len4, epoch_us(timestamp) AS micros,"
            + " (epoch_us(timestamp) % 1000003)::FLOAT AS f4, epoch_us(timestamp)::DOUBLE / 7 AS f8,"
            + " (epoch_us(timestamp) % 100000)::DECIMAL(18,3) - 5000.125 AS num,"
            + " timestamp::DATE AS day, encode(event_type) AS bytes,"
            + " [epoch_us(timestamp), NULL] AS longs, [event_type, ''] AS texts"
            + " FROM events WHERE project_id = 'acme' ORDER BY timestamp";
    List<String> expected = new ArrayList<>();
    for (GenericRecord row : sent.get("acme")) {
      long key = (Long) row.get("timestamp");
      String type = row.get("event_type").toString();
      expected.add(
          String.join(
              " | ",
              micros(key).toString(),
              type,
              Short.toString((short) type.length()),
              Integer.toString(type.length()),
              Long.toString(key),
              Float.toString((float) (key % 1000003)),
              Double.toString((double) key / 7),
              java.math.BigDecimal.valueOf(key % 100000)
                  .subtract(new java.math.BigDecimal("5000.125"))
                  .toPlainString(),
              micros(key).atOffset(java.time.ZoneOffset.UTC).toLocalDate().toString(),
              type,
              "[" + key + ", null]",
              "[" + type + ", ]"));
    }
    expected.sort(null);
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + query.pgPort() + "/lakestream", properties);
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int run = 0; run < 2; run++) {
        List<String> read = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
          org.postgresql.PGResultSetMetaData meta =
              rs.getMetaData().unwrap(org.postgresql.PGResultSetMetaData.class);
          List<Integer> formats = new ArrayList<>();
          for (int i = 1; i <= 12; i++) {
            formats.add(meta.getFormat(i));
          }
          // text: event_type; the rest binary
          assertThat(formats).containsExactly(1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
          while (rs.next()) {
            read.add(
                String.join(
                    " | ",
                    rs.getObject(1, OffsetDateTime.class).toInstant().toString(),
                    rs.getString(2),
                    Short.toString(rs.getShort(3)),
                    Integer.toString(rs.getInt(4)),
                    Long.toString(rs.getLong(5)),
                    Float.toString(rs.getFloat(6)),
                    Double.toString(rs.getDouble(7)),
                    rs.getBigDecimal(8).toPlainString(),
                    rs.getObject(9, java.time.LocalDate.class).toString(),
                    new String(rs.getBytes(10), StandardCharsets.UTF_8),
                    java.util.Arrays.toString((Object[]) rs.getArray(11).getArray()),
                    java.util.Arrays.toString((Object[]) rs.getArray(12).getArray())));
          }
        }
        assertThat(read).as("run %d", run).hasSize(ROWS).containsExactlyElementsOf(expected);
      }
    }
  }

  /**
   * Numerics at the edges of PostgreSQL's binary format (zero with a scale, negatives, more decimal
   * places than digits, 38 digits, {@code hugeint}'s extremes) read through pgJDBC's binary
   * decoding give the engine's values with their scale, from DuckDB's Arrow batches ({@code
   * DECIMAL}) and from values read row by row ({@code HUGEINT}, {@code UBIGINT}).
   */
  @Test
  void binaryNumericsDecodeToTheEnginesValues() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", "acme");
    properties.setProperty("password", "acme-token");
    properties.setProperty("binaryTransfer", "true");
    properties.setProperty("prepareThreshold", "-1");
    List<List<String>> statements =
        List.of(
            List.of(
                "0::DECIMAL(10,2)",
                "(-0.01)::DECIMAL(18,4)",
                "0.0000000001::DECIMAL(38,10)",
                "(-0.00001234)::DECIMAL(18,8)",
                "10000::DECIMAL(18,0)",
                "(-12345678901234.5678)::DECIMAL(18,4)",
                "99999999999999999999999999999999999999::DECIMAL(38,0)",
                "(-9999999999999999999999999999.9999999999)::DECIMAL(38,10)"),
            List.of(
                "170141183460469231731687303715884105727::HUGEINT",
                "(-170141183460469231731687303715884105728)::HUGEINT",
                "0::HUGEINT",
                "18446744073709551615::UBIGINT"));
    List<List<String>> expected =
        List.of(
            List.of(
                "0.00",
                "-0.0100",
                "1E-10",
                "-0.00001234",
                "10000",
                "-12345678901234.5678",
                "99999999999999999999999999999999999999",
                "-9999999999999999999999999999.9999999999"),
            List.of(
                "170141183460469231731687303715884105727",
                "-170141183460469231731687303715884105728",
                "0",
                "18446744073709551615"));
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:postgresql://127.0.0.1:" + query.pgPort() + "/lakestream", properties)) {
      for (int i = 0; i < statements.size(); i++) {
        List<String> values = statements.get(i);
        try (PreparedStatement s = c.prepareStatement("SELECT " + String.join(", ", values));
            ResultSet rs = s.executeQuery()) {
          org.postgresql.PGResultSetMetaData meta =
              rs.getMetaData().unwrap(org.postgresql.PGResultSetMetaData.class);
          assertThat(rs.next()).isTrue();
          List<String> read = new ArrayList<>();
          for (int column = 1; column <= values.size(); column++) {
            assertThat(meta.getFormat(column)).as(values.get(column - 1)).isEqualTo(1);
            read.add(rs.getBigDecimal(column).toString());
          }
          assertThat(read).isEqualTo(expected.get(i));
        }
      }
    }
  }

  /**
   * A statement that fails in the engine after rows were sent (at row 1,000,000, long after the
   * first batch: DuckDB runs ahead of the rows taken, so an earlier row may fail before any is
   * sent): the client gets the error, not a result that looks complete, and the connection runs the
   * next statement, as PostgreSQL does; in the text and the binary format, all rows in one Execute
   * or a few at a time, and over the simple query protocol.
   */
  @Test
  void aFailureAfterRowsWereSentIsAnErrorAndTheConnectionGoesOn() throws SQLException {
    String failing =
        "SELECT i, CASE WHEN i = 1000000 THEN error('row 1000000 is bad') ELSE i * 2 END AS x,"
            + " 'row ' || i AS label FROM range(1100000) t(i)";
    for (String mode : List.of("text", "binary", "simple")) {
      for (int fetchSize : new int[] {0, 1000}) {
        Properties properties = new Properties();
        properties.setProperty("user", "acme");
        properties.setProperty("password", "acme-token");
        if (mode.equals("binary")) {
          properties.setProperty("prepareThreshold", "-1");
        }
        if (mode.equals("simple")) {
          properties.setProperty("preferQueryMode", "simple");
        }
        String what = mode + ", fetch size " + fetchSize;
        try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + query.pgPort() + "/lakestream", properties)) {
          c.setAutoCommit(fetchSize == 0); // pgJDBC fetches with a row limit only in a transaction
          long[] read = {0};
          try (PreparedStatement s = c.prepareStatement(failing)) {
            s.setFetchSize(fetchSize);
            assertThatThrownBy(
                    () -> {
                      try (ResultSet rs = s.executeQuery()) {
                        if (mode.equals("binary")) {
                          assertThat(
                                  rs.getMetaData()
                                      .unwrap(org.postgresql.PGResultSetMetaData.class)
                                      .getFormat(1))
                              .isEqualTo(1);
                        }
                        while (rs.next()) {
                          assertThat(rs.getLong(2)).isEqualTo(rs.getLong(1) * 2);
                          read[0]++;
                        }
                      }
                    })
                .as(what)
                .isInstanceOfSatisfying(
                    SQLException.class,
                    e -> assertThat(e.getSQLState()).isEqualTo("22023")) // as HTTP: 400
                // the engine's message, or when the C stream lost it, the sidecar's own
                .hasMessageMatching(
                    "(?s).*(row 1000000 is bad|The statement failed while the SQL engine ran it).*");
          }
          if (fetchSize > 0 && !mode.equals("simple")) {
            // rows came before the failure: the error followed them on the wire
            assertThat(read[0]).as(what).isBetween(1000L, 999_999L);
          } else {
            assertThat(read[0]).as(what).isZero();
          }
          if (!c.getAutoCommit()) {
            c.rollback();
          }
          try (Statement s = c.createStatement();
              ResultSet rs =
                  s.executeQuery("SELECT count(*) FROM events WHERE project_id = 'acme'")) {
            assertThat(rs.next()).as(what).isTrue();
            assertThat(rs.getLong(1)).as(what).isEqualTo(ROWS);
          }
        }
      }
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(120)
  void aCancelStopsAStatementTheEngineIsWorkingOn() throws Exception {
    // Counting 10^13 numbers would take the engine hours, before its one row.
    try (Connection c = connect("acme", "acme-token");
        Statement s = c.createStatement()) {
      java.util.concurrent.CompletableFuture<ResultSet> counted =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return s.executeQuery("SELECT count(*) FROM range(10000000000000)");
                } catch (SQLException e) {
                  throw new java.util.concurrent.CompletionException(e);
                }
              });
      // pgJDBC's cancel request, on a connection of its own, until the statement ends: one that
      // arrives before the statement starts is dropped by the server, as PostgreSQL drops it.
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                s.cancel();
                return counted.isDone();
              });
      assertThatThrownBy(counted::join)
          .hasCauseInstanceOf(SQLException.class)
          .hasMessageContaining("canceling statement due to user request")
          .extracting(e -> ((SQLException) e.getCause()).getSQLState())
          .isEqualTo("57014");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM events WHERE project_id = 'acme'")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(ROWS); // the connection and the engine go on
      }
      // The same statement past the session's statement_timeout, as psql's users set it.
      s.execute("SET statement_timeout = '500ms'");
      assertThatThrownBy(() -> s.executeQuery("SELECT count(*) FROM range(10000000000000)"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("canceling statement due to statement timeout")
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("57014");
    }
  }

  @Test
  void aggregatesAndTheGrafanaConnectionTest() throws SQLException {
    try (Connection c = connect("acme", "acme-token");
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT 1")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT COUNT(*), MIN(timestamp), MAX(timestamp) FROM events WHERE project_id ="
                  + " 'acme'")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(ROWS);
        assertThat(rs.getObject(2, OffsetDateTime.class).toInstant()).isEqualTo(micros(BASE));
        assertThat(rs.getObject(3, OffsetDateTime.class).toInstant())
            .isEqualTo(micros(BASE + (ROWS - 1) * 1_000_000L));
      }
    }
  }

  @Test
  void copyOutGivesTheWrittenRowsAsCsvToPgJdbcsCopyManager() throws Exception {
    try (Connection c = connect("acme", "acme-token")) {
      org.postgresql.copy.CopyManager copy =
          c.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
      java.io.StringWriter csv = new java.io.StringWriter();
      long copied =
          copy.copyOut(
              "COPY (SELECT epoch_us(timestamp) AS micros, event_type FROM events ORDER BY"
                  + " timestamp) TO STDOUT WITH (FORMAT csv, HEADER)",
              csv);
      List<String> expected = new ArrayList<>();
      expected.add("micros,event_type");
      for (GenericRecord row : sent.get("acme")) {
        String type = row.get("event_type").toString();
        boolean quoted = type.isEmpty() || type.matches("(?s).*[,\"\r\n].*");
        expected.add(
            row.get("timestamp")
                + ","
                + (quoted ? "\"" + type.replace("\"", "\"\"") + "\"" : type));
      }
      assertThat(copied).isEqualTo(ROWS);
      assertThat(csv.toString()).isEqualTo(String.join("\n", expected) + "\n");
      // the connection goes on; a COPY of another project is refused as a SELECT of it is
      assertThatThrownBy(
              () ->
                  copy.copyOut(
                      "COPY (SELECT * FROM events WHERE project_id = 'globex') TO STDOUT",
                      new java.io.StringWriter()))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(ROWS);
      }
    }
  }

  @Test
  void aProjectTokenReadsOnlyItsProject() throws SQLException {
    try (Connection c = connect("acme", "acme-token");
        Statement s = c.createStatement()) {
      assertThatThrownBy(
              () -> s.executeQuery("SELECT count(*) FROM events WHERE project_id = 'globex'"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"))
          .hasMessageContaining("globex");
      // An OR to another project reads the caller's rows only: the engine holds no other's.
      try (ResultSet rs =
          s.executeQuery(
              "SELECT count(*) FROM events WHERE project_id = 'acme' OR project_id = 'globex'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(ROWS);
      }
    }
    try (PreparedStatement s =
        connect("acme", "acme-token")
            .prepareStatement("SELECT count(*) FROM events WHERE project_id = ?")) {
      s.setString(1, "globex' OR project_id = 'acme");
      assertThatThrownBy(s::executeQuery).isInstanceOf(SQLException.class);
      s.setString(1, "GLOBEX");
      assertThatThrownBy(s::executeQuery)
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
    }
    assertThatThrownBy(() -> connect("globex", "acme-token"))
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"))
        .hasMessageContaining("password authentication failed for user \"globex\"");
    assertThatThrownBy(() -> connect("acme", "no-such-token"))
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    assertThat(count("globex", "admin-token")).isEqualTo(ROWS);
  }

  @Test
  void errorsSayWhatToFix() throws SQLException {
    try (Connection c = connect("acme", "acme-token");
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM nowhere WHERE project_id = 'acme'"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42P01"))
          .hasMessageContaining("nowhere");
    }
    // The admin token reads every project: the user name says which, unless the query names one.
    try (Connection c = connect("acme", "admin-token");
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(ROWS);
      }
      try (ResultSet rs =
          s.executeQuery("SELECT count(*) FROM events WHERE project_id = 'globex'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(ROWS);
      }
    }
    // A project with no table here and not registered (a mistyped user name, as Grafana's data
    // source would send it) is an error, not empty tables; a statement reading no table runs.
    try (Connection c = connect("acmee", "admin-token");
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeQuery("SELECT count(*) FROM events"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42P01"))
          .hasMessageContaining("Project 'acmee' has no table here: check the project id.");
      try (ResultSet rs = s.executeQuery("SELECT 1")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
    }
  }

  @Test
  void psqlQueriesAndListsTheTables() throws Exception {
    Path psql = Path.of("/usr/bin/psql");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isExecutable(psql), "psql is not installed (apt-get install postgresql-client)");
    String count =
        psql(psql, "-A", "-t", "-c", "select count(*) from events where project_id = 'acme'");
    assertThat(count).isEqualTo(ROWS + "\n");
    String tables = psql(psql, "-c", "\\dt");
    assertThat(tables)
        .containsPattern("public \\| events\\s+\\| table")
        .containsPattern("public \\| otel_logs_and_spans\\s+\\| table");
    String describe = psql(psql, "-c", "\\d otel_logs_and_spans");
    assertThat(describe)
        .contains("Table \"public.otel_logs_and_spans\"")
        .containsPattern("timestamp\\s+\\| timestamp with time zone \\|\\s+\\| not null");
  }

  static String psql(Path psql, String... arguments) throws Exception {
    return psql(psql, query.pgPort(), Map.of(), arguments);
  }

  /** psql against the PostgreSQL port {@code port}, with more libpq settings in {@code env}. */
  static String psql(Path psql, int port, Map<String, String> env, String... arguments)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                psql.toString(),
                "-X",
                "-w",
                "-h",
                "127.0.0.1",
                "-p",
                String.valueOf(port),
                "-U",
                "acme",
                "-d",
                "lakestream"));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("PGPASSWORD", "acme-token");
    builder.environment().putAll(env);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(err).isEmpty();
    assertThat(process.exitValue()).isZero();
    return out;
  }

  /**
   * Each kind of failure with its SQLSTATE. The undefined table and column have names with a space,
   * which the former mapping, by patterns on the engine's message, took for syntax errors (42601).
   */
  @Test
  void eachKindOfFailureHasItsSqlState() throws SQLException {
    try (Connection c = connect("acme", "acme-token");
        Statement s = c.createStatement()) {
      assertSqlState(s, "SELEC 1 FROM events", "42601", "Cannot parse the SQL");
      assertSqlState(
          s,
          "SELECT * FROM \"no such table\" WHERE project_id = 'acme'",
          "42P01",
          "Table with name no such table does not exist");
      assertSqlState(
          s,
          "SELECT \"no such column\" FROM events WHERE project_id = 'acme'",
          "42703",
          "Referenced column \"no such column\" not found");
      assertSqlState(
          s, "SELECT no_such_function(1)", "42883", "Scalar Function with name no_such_function");
      assertSqlState(
          s, "SELECT * FROM read_csv('/etc/passwd')", "0A000", "disabled by configuration");
      assertSqlState(s, "UPDATE events SET name = 'x'", "0A000", "UPDATE");
      assertSqlState(
          s,
          "SELECT * FROM events WHERE name = '" + "x".repeat(300_000) + "'",
          "54000",
          "characters long");
      assertSqlState(s, "SELECT * FROM events WHERE project_id = 'globex'", "42501", "globex");
      assertSqlState(
          s,
          "SELECT * FROM events WHERE project_id = 'not a project'",
          "22023",
          "not a project id");
    }
    try (Connection c = connect("acme", "admin-token");
        Statement s = c.createStatement()) {
      assertSqlState(s, "CREATE TABLE events (id BIGINT PRIMARY KEY)", "42P07", "events");
      assertSqlState(s, "DROP TABLE no_such_type", "42P01", "no_such_type");
    }
  }

  /**
   * A cast that fails at one of 3,000 rows (acme's 300 events, ten times), past the engine's first
   * vector but before any row is fetched: pgJDBC gets the engine's own error, with the value and
   * the type, as SQLSTATE 22000 (a value that does not convert), over the extended and the simple
   * query protocol, and the connection runs the next statement; HTTP gets a 400 with the same
   * error.
   */
  @Test
  void aValueThatDoesNotConvertGivesTheEnginesError() throws Exception {
    String failing =
        "SELECT e.timestamp, CAST(CASE WHEN r.i = 9 AND e.timestamp = to_timestamp("
            + (BASE / 1_000_000 + 250)
            + ") THEN 'abc' ELSE r.i::VARCHAR END AS INTEGER) AS n FROM events e, range(10) r(i)";
    String conversion = "Conversion Error: Could not convert string 'abc' to INT32";
    for (String mode : List.of("extended", "simple")) {
      Properties properties = new Properties();
      properties.setProperty("user", "acme");
      properties.setProperty("password", "acme-token");
      properties.setProperty("preferQueryMode", mode);
      try (Connection c =
              DriverManager.getConnection(
                  "jdbc:postgresql://127.0.0.1:" + query.pgPort() + "/lakestream", properties);
          Statement s = c.createStatement()) {
        assertSqlState(s, failing, "22000", conversion);
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).as(mode).isEqualTo(ROWS);
        }
      }
    }
    assertHttpError(sql("acme-token", failing), 400, "bad_request", conversion);
  }

  static void assertSqlState(Statement s, String sql, String state, String message) {
    assertThatThrownBy(() -> s.execute(sql))
        .as(sql.length() > 100 ? sql.substring(0, 100) : sql)
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(state))
        .hasMessageContaining(message);
  }

  /**
   * The same kinds over HTTP: a status and a JSON body {"error", "detail"}, in the user's terms.
   */
  @Test
  void eachKindOfFailureHasItsHttpStatus() throws Exception {
    assertHttpError(
        sql("admin-token", "SELECT count(*) FROM events WHERE project_id = 'acmee'"),
        404,
        "not_found",
        "Project 'acmee' has no table here: check the project id.");
    assertHttpError(
        sql("acme-token", "SELECT * FROM \"no such table\" WHERE project_id = 'acme'"),
        400,
        "bad_request",
        "Table with name no such table does not exist");
    assertHttpError(
        sql("acme-token", "SELECT \"no such column\" FROM events"),
        400,
        "bad_request",
        "Referenced column \"no such column\" not found");
    assertHttpError(
        sql("acme-token", "SELECT * FROM read_csv('/etc/passwd')"),
        400,
        "bad_request",
        "disabled by configuration");
    assertHttpError(
        sql("no-such-token", "SELECT 1"), 401, "unauthorized", "The bearer token is not valid");
    assertHttpError(
        sql("acme-token", "SELECT * FROM events WHERE project_id = 'globex'"),
        403,
        "forbidden",
        "globex");
    assertHttpError(
        send("DELETE", "/v1/tables/no_such_type", "admin-token"),
        404,
        "not_found",
        "There is no table 'no_such_type'.");
    assertHttpError(
        sql("admin-token", "CREATE TABLE events (id BIGINT PRIMARY KEY)"),
        409,
        "conflict",
        "events");
  }

  static void assertHttpError(
      HttpResponse<String> response, int status, String error, String detail) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    com.fasterxml.jackson.databind.JsonNode body = JSON.readTree(response.body());
    assertThat(body.fieldNames()).toIterable().containsExactly("error", "detail");
    assertThat(body.get("error").asText()).isEqualTo(error);
    assertThat(body.get("detail").asText()).contains(detail).doesNotContain("Exception", "{");
  }

  /** Project ids are case-insensitive in SQL as everywhere: 'ACME' reads acme's rows. */
  @Test
  void projectIdsInSqlAreCaseInsensitive() throws Exception {
    try (Connection c = connect("globex", "admin-token");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*), min(project_id) FROM events WHERE project_id = 'ACME'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(ROWS);
      assertThat(rs.getString(2)).isEqualTo("acme");
    }
    HttpResponse<String> response =
        sql("admin-token", "SELECT count(*) FROM events WHERE project_id = 'Acme'");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).get("rows").get(0).get(0).asLong()).isEqualTo(ROWS);
    // Case does not open another project: the token of acme still reads acme only.
    try (Connection c = connect("acme", "acme-token");
        Statement s = c.createStatement()) {
      assertSqlState(s, "SELECT * FROM events WHERE project_id = 'GLOBEX'", "42501", "globex");
    }
  }

  /**
   * pgJDBC's getMetaData() of a statement not yet executed sends Describe before Bind: the sidecar
   * answers with the columns and their types without reading a row of the table.
   */
  @Test
  void describeBeforeBindReadsNoRows() throws SQLException {
    try (Connection c = connect("acme", "acme-token");
        PreparedStatement s =
            c.prepareStatement(
                "SELECT date_trunc('minute', timestamp) AS minute, event_type, count(*) AS n"
                    + " FROM events WHERE project_id = ? AND timestamp >= ? GROUP BY ALL")) {
      double before = rowsRead();
      java.sql.ResultSetMetaData columns = s.getMetaData();
      assertThat(rowsRead()).isEqualTo(before);
      assertThat(columns.getColumnCount()).isEqualTo(3);
      assertThat(columns.getColumnTypeName(1)).isEqualTo("timestamptz");
      assertThat(columns.getColumnTypeName(2)).isEqualTo("text");
      assertThat(columns.getColumnTypeName(3)).isEqualTo("int8");

      // Executing it reads the rows, and the counter sees them.
      s.setString(1, "acme");
      s.setObject(2, micros(BASE).atOffset(java.time.ZoneOffset.UTC));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          assertThat(rs.getLong(3)).isPositive();
        }
      }
      assertThat(rowsRead()).isEqualTo(before + ROWS);
    }
    // Without parameters, running the statement to describe it would read the whole table.
    try (Connection c = connect("acme", "acme-token");
        PreparedStatement s =
            c.prepareStatement(
                "SELECT event_type, count(*) AS n, max(timestamp) AS last FROM events GROUP BY"
                    + " ALL")) {
      double before = rowsRead();
      java.sql.ResultSetMetaData columns = s.getMetaData();
      assertThat(columns.getColumnTypeName(1)).isEqualTo("text");
      assertThat(columns.getColumnTypeName(2)).isEqualTo("int8");
      assertThat(columns.getColumnTypeName(3)).isEqualTo("timestamptz");
      assertThat(rowsRead()).isEqualTo(before);
    }
  }

  static double rowsRead() {
    return registry.find("lakestream.query.sql.rows.read").counters().stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count)
        .sum();
  }

  /** query.sql.max.rows (QueryConfig.sqlMaxRows) bounds the rows one statement reads. */
  @Test
  void theEngineLimitsComeFromTheConfiguration() throws Exception {
    try (QueryRole limited =
        QueryRole.start(
            FeedFixtures.pollingSidecar(warehouse)
                .pgPort(0)
                .projectToken("acme", "acme-token")
                .sqlMaxRows(100)
                .sqlMemoryBytes(256L << 20)
                .sqlThreads(1)
                .build(),
            new SimpleMeterRegistry())) {
      Properties properties = new Properties();
      properties.setProperty("user", "acme");
      properties.setProperty("password", "acme-token");
      String url = "jdbc:postgresql://127.0.0.1:" + limited.pgPort() + "/lakestream";
      String firstFifty =
          "SELECT count(*) FROM events WHERE timestamp < to_timestamp("
              + (BASE / 1_000_000 + 50)
              + ")";
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                try (Connection c = DriverManager.getConnection(url, properties);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(firstFifty)) {
                  return rs.next() && rs.getLong(1) == 50;
                }
              });
      String message = "The statement reads more than 100 rows (table events of project acme)";
      try (Connection c = DriverManager.getConnection(url, properties);
          Statement s = c.createStatement()) {
        assertSqlState(s, "SELECT count(*) FROM events", "54000", message);
      }
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + limited.port() + "/v1/sql"))
                  .header("Authorization", "Bearer acme-token")
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          JSON.createObjectNode()
                              .put("sql", "SELECT count(*) FROM events")
                              .toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertHttpError(response, 400, "bad_request", message);
    }
    assertThatThrownBy(
            () -> QueryConfig.builder().warehouse(warehouse.toUri()).sqlThreads(0).build())
        .hasMessage("Invalid query configuration 'sqlThreads': threads must be at least 1, not 0.");
    assertThatThrownBy(
            () ->
                QueryConfig.builder()
                    .warehouse(warehouse.toUri())
                    .sqlTimeout(Duration.ofSeconds(-5))
                    .build())
        .hasMessage(
            "Invalid query configuration 'sqlTimeout': timeout must be zero or more, not PT-5S.");
  }

  static HttpResponse<String> sql(String token, String statement) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + query.port() + "/v1/sql"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    JSON.createObjectNode().put("sql", statement).toString()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> send(String method, String path, String token) throws Exception {
    return ApiRequests.send(
        "http://127.0.0.1:" + query.port(), method, path, token, null, Map.of());
  }

  static Instant micros(long micros) {
    return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    return KafkaToQueryIT.producer(kafka.bootstrapServers());
  }

  private static ProducerRecord<byte[], byte[]> record(String project, GenericRecord row) {
    return KafkaToQueryIT.record(EVENTS, project, row);
  }
}

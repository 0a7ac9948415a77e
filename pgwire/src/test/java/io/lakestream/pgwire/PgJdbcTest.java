package io.lakestream.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The protocol as pgJDBC speaks it, against a fake backend. */
class PgJdbcTest {
  static final FakeBackend backend = new FakeBackend();
  static PgServer scram;
  static PgServer cleartext;
  static PgServer trust;

  @BeforeAll
  static void start() {
    scram = PgServer.start(options(PgAuthentication.SCRAM_SHA_256), backend);
    cleartext = PgServer.start(options(PgAuthentication.CLEARTEXT), backend);
    trust = PgServer.start(options(PgAuthentication.TRUST), backend);
  }

  @AfterAll
  static void stop() {
    for (PgServer server : new PgServer[] {scram, cleartext, trust}) {
      if (server != null) {
        server.close();
      }
    }
  }

  static PgServer.Options options(PgAuthentication authentication) {
    return new PgServer.Options("127.0.0.1", 0, authentication, 16);
  }

  static Connection connect(PgServer server, String user, String password, String... settings)
      throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    properties.setProperty("sslmode", "disable");
    for (int i = 0; i < settings.length; i += 2) {
      properties.setProperty(settings[i], settings[i + 1]);
    }
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + server.port() + "/lakestream", properties);
  }

  static Connection acme(String... settings) throws SQLException {
    return connect(scram, "acme", "acme-secret", settings);
  }

  @Test
  void scramAcceptsTheRightPasswordAndRefusesAWrongOne() throws SQLException {
    try (Connection c = acme();
        Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("select principal");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("acme");
      assertThat(c.getMetaData().getDatabaseProductVersion()).isEqualTo("15.0 (Lakestream)");
    }
    try (Connection c = connect(scram, "acme", "admin-secret");
        Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("select principal");
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("admin");
    }
    assertThatThrownBy(() -> connect(scram, "acme", "wrong"))
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"))
        .hasMessageContaining("password authentication failed for user \"acme\"");
  }

  @Test
  void cleartextAndTrustAuthenticate() throws SQLException {
    try (Connection c = connect(cleartext, "acme", "acme-secret");
        Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("select principal");
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("acme");
    }
    assertThatThrownBy(() -> connect(cleartext, "acme", "nope"))
        .hasMessageContaining("password authentication failed for user \"acme\"");
    try (Connection c = connect(trust, "whoever", "anything");
        Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("select principal");
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("trusted:whoever");
    }
  }

  @Test
  void simpleQueryRunsSeveralStatementsAndAnswersSessionStatements() throws SQLException {
    try (Connection c = acme("preferQueryMode", "simple");
        Statement s = c.createStatement()) {
      assertThat(s.execute("SET application_name = 'grafana'; SELECT 1; SHOW application_name"))
          .isFalse();
      assertThat(s.getMoreResults()).isTrue();
      ResultSet one = s.getResultSet();
      one.next();
      assertThat(one.getInt(1)).isEqualTo(1);
      assertThat(one.getMetaData().getColumnName(1)).isEqualTo("?column?");
      assertThat(s.getMoreResults()).isTrue();
      ResultSet name = s.getResultSet();
      name.next();
      assertThat(name.getString(1)).isEqualTo("grafana");

      assertThat(single(s, "SELECT version()")).startsWith("PostgreSQL 15.0 (Lakestream)");
      // Grafana's check of the server's version, when a data source is saved
      assertThat(rows(s, "SELECT current_setting('server_version_num')::int/100 as version"))
          .containsExactly("1500");
      assertThat(single(s, "select current_schema()")).isEqualTo("public");
      assertThat(single(s, "select current_database()")).isEqualTo("lakestream");
      assertThat(single(s, "SHOW server_version")).isEqualTo("15.0 (Lakestream)");
      assertThat(single(s, "show transaction_isolation")).isEqualTo("read committed");
      assertThat(single(s, "show TimeZone")).isEqualTo("UTC");
      assertThat(s.execute("BEGIN; COMMIT; ROLLBACK; DISCARD ALL")).isFalse();
      assertThat(s.executeUpdate("insert into events values (1)")).isEqualTo(3);
      assertThatThrownBy(() -> s.execute("SHOW no_such_thing"))
          .hasMessageContaining("unrecognized configuration parameter \"no_such_thing\"");
      assertThatThrownBy(() -> s.execute("SET client_encoding = 'LATIN1'"))
          .hasMessageContaining("Lakestream sends text as UTF8");
      assertThatThrownBy(() -> s.execute("SET TIME ZONE 'Europe/Berlin'"))
          .hasMessageContaining("timestamps in UTC");
      assertThat(s.execute("SET TimeZone = 'UTC'")).isFalse();
    }
  }

  @Test
  void transactionsAreNoOpsThatClientsCanUse() throws SQLException {
    try (Connection c = acme()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        assertThat(single(s, "select principal")).isEqualTo("acme");
      }
      c.commit();
      c.rollback();
    }
  }

  static String single(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  @ParameterizedTest(name = "binary results: {0}")
  @ValueSource(booleans = {false, true})
  void everyTypeReadsBackInTextAndBinary(boolean binary) throws SQLException {
    // prepareThreshold -1: named statements from the first use, so pgJDBC asks for binary results.
    String[] settings =
        binary
            ? new String[] {"prepareThreshold", "-1", "binaryTransfer", "true"}
            : new String[] {"binaryTransfer", "false"};
    try (Connection c = acme(settings);
        PreparedStatement s = c.prepareStatement("select * from typed")) {
      for (int run = 0; run < 2; run++) {
        try (ResultSet rs = s.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getBoolean("b")).isTrue();
          assertThat(rs.getShort("i2")).isEqualTo((short) -7);
          assertThat(rs.getInt("i4")).isEqualTo(123_456);
          assertThat(rs.getLong("i8")).isEqualTo(9_007_199_254_740_993L);
          assertThat(rs.getFloat("f4")).isEqualTo(1.5f);
          assertThat(rs.getDouble("f8")).isEqualTo(-2.25e-10);
          assertThat(rs.getBigDecimal("num"))
              .isEqualByComparingTo(new BigDecimal("-12345678.000912"));
          assertThat(rs.getString("t")).isEqualTo("héllo, \"world\"");
          assertThat(rs.getString("vc")).isEqualTo("varchar");
          assertThat(rs.getObject("tstz", OffsetDateTime.class).toInstant())
              .isEqualTo(FakeBackend.TIME);
          assertThat(rs.getObject("ts", LocalDateTime.class))
              .isEqualTo(LocalDateTime.of(2026, 1, 2, 3, 4, 5, 6_000));
          assertThat(rs.getObject("d", LocalDate.class)).isEqualTo(LocalDate.of(2026, 12, 6));
          assertThat(rs.getString("jb")).isEqualTo("{\"http.route\": \"/users\"}");
          assertThat(rs.getString("j")).isEqualTo("{\"a\":1}");
          assertThat(rs.getBytes("bytes")).isEqualTo("bin".getBytes());
          assertThat((Object[]) rs.getArray("longs").getArray()).containsExactly(1L, -2L, 3L);
          Array texts = rs.getArray("texts");
          assertThat((Object[]) texts.getArray()).containsExactly("a b", null, "c,\"d\"");
          assertThat((Object[]) rs.getArray("doubles").getArray()).containsExactly(0.5, 2.0);
          assertThat(rs.next()).isTrue();
          for (int i = 1; i <= FakeBackend.TYPED.size(); i++) {
            assertThat(rs.getObject(i)).as("column %d of the null row", i).isNull();
          }
          assertThat(rs.next()).isFalse();
        }
      }
    }
  }

  /**
   * numeric values read back as PostgreSQL's would be, in text and through pgJDBC's binary
   * decoding: the scale kept, 39 digits, and the NaN and infinities a backend may give as floats.
   */
  @ParameterizedTest(name = "binary results: {0}")
  @ValueSource(booleans = {false, true})
  void numericsReadBackWithTheirScaleNanAndInfinities(boolean binary) throws SQLException {
    String[] settings =
        binary
            ? new String[] {"prepareThreshold", "-1", "binaryTransfer", "true"}
            : new String[] {"binaryTransfer", "false"};
    try (Connection c = acme(settings);
        PreparedStatement s = c.prepareStatement("select numerics");
        ResultSet rs = s.executeQuery()) {
      List<String> texts = new ArrayList<>();
      List<Double> doubles = new ArrayList<>();
      while (rs.next()) {
        assertThat(rs.getMetaData().unwrap(org.postgresql.PGResultSetMetaData.class).getFormat(1))
            .isEqualTo(binary ? 1 : 0);
        texts.add(rs.getString(1));
        doubles.add(rs.getObject(1) == null ? null : rs.getDouble(1));
      }
      assertThat(texts)
          .containsExactly(
              "0.00",
              "-0.00001234",
              "170141183460469231731687303715884105727",
              "100000000000000000000",
              "2.5",
              "NaN",
              "Infinity",
              "-Infinity",
              null);
      assertThat(doubles)
          .containsExactly(
              0.0,
              -0.00001234,
              1.7014118346046923e38,
              1e20,
              2.5,
              Double.NaN,
              Double.POSITIVE_INFINITY,
              Double.NEGATIVE_INFINITY,
              null);
    }
  }

  @ParameterizedTest(name = "binary parameters: {0}")
  @ValueSource(booleans = {false, true})
  void parametersArriveAsTheirJavaTypes(boolean binary) throws SQLException {
    String[] settings =
        binary
            ? new String[] {"prepareThreshold", "-1", "binaryTransfer", "true"}
            : new String[] {"binaryTransfer", "false"};
    try (Connection c = acme(settings);
        PreparedStatement s = c.prepareStatement("select echo(?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setInt(1, 42);
      s.setLong(2, 1L << 40);
      s.setString(3, "it's");
      s.setBoolean(4, true);
      s.setDouble(5, 2.5);
      s.setObject(6, OffsetDateTime.of(2026, 12, 6, 8, 0, 0, 123_000_000, ZoneOffset.ofHours(1)));
      s.setNull(7, java.sql.Types.BIGINT);
      s.setTimestamp(8, Timestamp.from(FakeBackend.TIME));
      List<String> seen = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          seen.add(rs.getString(1) + ":" + rs.getString(2));
        }
      }
      assertThat(seen.subList(0, 7))
          .containsExactly(
              "Integer:42",
              "Long:1099511627776",
              "String:it's",
              "Boolean:true",
              "Double:2.5",
              "Instant:2026-12-06T07:00:00.123Z",
              "null:null");
      // setTimestamp sends text of unspecified type: the backend gets the client's text.
      assertThat(seen.get(7)).startsWith("String:2026-12-06");
    }
  }

  @Test
  void errorsCarryTheirSqlStateAndTheConnectionGoesOn() throws SQLException {
    try (Connection c = acme()) {
      for (String mode : new String[] {"extended", "simple"}) {
        try (Statement s = c.createStatement()) {
          assertSqlState(
              () -> s.executeQuery("select * from missing"), "42P01", "no table 'missing'");
          assertSqlState(
              () -> s.executeQuery("select * from forbidden"), "42501", "does not read project");
          assertSqlState(() -> s.executeQuery("selec oops"), "42601", "does not run: selec oops");
          assertSqlState(() -> s.executeQuery("boom"), "XX000", "disk on fire");
          assertThat(single(s, "select principal")).as(mode).isEqualTo("acme");
        }
      }
    }
    try (Connection c = acme("preferQueryMode", "simple");
        Statement s = c.createStatement()) {
      assertSqlState(
          () -> s.execute("select 1; select * from missing; select 2"), "42P01", "missing");
      assertThat(single(s, "select 3")).isEqualTo("3");
    }
  }

  interface SqlCall {
    void run() throws SQLException;
  }

  static void assertSqlState(SqlCall call, String state, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(state))
        .hasMessageContaining(message);
  }

  @Test
  void aFetchSizeReadsThePortalInBatchesAndTheBackendProducesRowsOnDemand() throws SQLException {
    try (Connection c = acme()) {
      c.setAutoCommit(false); // pgJDBC uses row limits (portals) only inside a transaction
      try (PreparedStatement s = c.prepareStatement("select n from big")) {
        s.setFetchSize(100);
        long before = backend.bigRowsProduced.get();
        try (ResultSet rs = s.executeQuery()) {
          for (int i = 0; i < 250; i++) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(i);
          }
          // Three Execute(100) calls: at most 300 of the 100,000 rows were produced.
          assertThat(backend.bigRowsProduced.get() - before).isBetween(250L, 301L);
        }
      }
      c.commit();
    }
  }

  @Test
  void namedStatementsAndDescribeBeforeBind() throws SQLException {
    try (Connection c = acme("prepareThreshold", "1");
        PreparedStatement s = c.prepareStatement("select n from big limit ?")) {
      assertThat(s.getParameterMetaData().getParameterCount()).isEqualTo(1);
      for (long limit = 1; limit <= 5; limit++) {
        s.setLong(1, limit);
        try (ResultSet rs = s.executeQuery()) {
          int rows = 0;
          while (rs.next()) {
            rows++;
          }
          assertThat(rows).isEqualTo(limit);
          assertThat(rs.getMetaData().getColumnName(1)).isEqualTo("n");
        }
      }
    }
  }

  @Test
  void queryBuildersListTablesAndColumnsFromInformationSchema() throws SQLException {
    try (Connection c = acme();
        Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT quote_ident(table_name) AS \"table\" FROM information_schema.tables WHERE"
                  + " quote_ident(table_schema) NOT IN ('information_schema', 'pg_catalog')"
                  + " AND table_type = 'BASE TABLE' ORDER BY table_name")) {
        while (rs.next()) {
          tables.add(rs.getString("table"));
        }
      }
      assertThat(tables).containsExactly("events", "numbers");
      List<String> columns = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE"
                  + " table_name = 'events' ORDER BY ordinal_position")) {
        while (rs.next()) {
          columns.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
        }
      }
      assertThat(columns)
          .containsExactly(
              "timestamp timestamp with time zone NO",
              "event_type text NO",
              "attributes jsonb YES");
      // JDBC's DatabaseMetaData (DBeaver, IntelliJ, notebooks) lists the tables too.
      List<String> listed = new ArrayList<>();
      try (ResultSet rs = c.getMetaData().getTables(null, "public", "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          listed.add(
              rs.getString("TABLE_SCHEM")
                  + "."
                  + rs.getString("TABLE_NAME")
                  + " "
                  + rs.getString("TABLE_TYPE")
                  + " "
                  + rs.getString("REMARKS"));
        }
      }
      assertThat(listed)
          .containsExactly(
              "public.events TABLE Application events.", "public.numbers TABLE Numbers.");
      try (ResultSet rs = c.getMetaData().getTables(null, null, "num%", null)) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("TABLE_NAME")).isEqualTo("numbers");
        assertThat(rs.next()).isFalse();
      }
      List<String> described = new ArrayList<>();
      try (ResultSet rs = c.getMetaData().getColumns(null, null, "events", "%")) {
        while (rs.next()) {
          described.add(
              rs.getString("COLUMN_NAME")
                  + " "
                  + rs.getString("TYPE_NAME")
                  + " "
                  + rs.getString("IS_NULLABLE"));
        }
      }
      assertThat(described)
          .containsExactly(
              "timestamp timestamptz NO", "event_type text NO", "attributes jsonb YES");
      try (ResultSet rs = c.getMetaData().getColumns(null, null, "events", "event_type")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("REMARKS")).isEqualTo("What happened.");
      }
      // Grafana's query builder lists a table's columns so (postgresMetaQuery's getSchema).
      assertThat(
              rows(
                  s,
                  "select quote_ident(column_name) as \"column\", data_type as \"type\""
                      + " from information_schema.columns"
                      + " where quote_ident(table_name) = 'events'"))
          .containsExactly(
              "timestamp timestamp with time zone", "event_type text", "attributes jsonb");
      assertThat(
              rows(
                  s,
                  "SELECT column_name, ordinal_position FROM information_schema.columns"
                      + " WHERE table_name = 'events' LIMIT 2"))
          .containsExactly("timestamp 1", "event_type 2");
      // Words in a literal are not what a statement reads: this one goes to the tables.
      try (ResultSet rs =
          s.executeQuery(
              "select echo from logs where body not like 'select * from pg_catalog.pg_class%'"
                  + " and body <> 'information_schema.columns'")) {
        assertThat(rs.getMetaData().getColumnName(1)).isEqualTo("class");
      }
      // psql's \d+: each column's description
      assertThat(
              rows(
                  s,
                  "SELECT a.attname, pg_catalog.col_description(a.attrelid, a.attnum)"
                      + " FROM pg_catalog.pg_attribute a WHERE a.attrelid = '16384'"
                      + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"))
          .containsExactly("timestamp null", "event_type What happened.", "attributes null");
      // A catalog query about something Lakestream tables do not have answers no rows.
      try (ResultSet rs =
          s.executeQuery(
              "SELECT c2.relname, i.indisprimary FROM pg_catalog.pg_class c, pg_catalog.pg_class c2,"
                  + " pg_catalog.pg_index i WHERE c.oid = '16384' AND c.oid = i.indrelid")) {
        assertThat(rs.getMetaData().getColumnCount()).isEqualTo(2);
        assertThat(rs.next()).isFalse();
      }
    }
  }

  @Test
  void anEmptyQueryAnswersEmpty() throws SQLException {
    try (Connection c = acme();
        Statement s = c.createStatement()) {
      assertThat(s.execute("")).isFalse();
      assertThat(s.execute(" ; -- nothing")).isFalse();
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(
      value = 30,
      threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void aStatementLongerThanTheSessionsStatementTimeoutIsCancelled() throws Exception {
    try (Connection c = acme();
        Statement s = c.createStatement()) {
      s.execute("SET statement_timeout = '300ms'");
      assertThat(single(s, "SHOW statement_timeout")).isEqualTo("300ms");
      // The slow query waits for a cancel after three rows: the timeout is what sends one.
      assertThatThrownBy(
              () -> {
                try (ResultSet rs = s.executeQuery("select n from slow")) {
                  while (rs.next()) {
                    // read until the server ends the query
                  }
                }
              })
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("canceling statement due to statement timeout")
          .hasMessageContaining("statement_timeout is 300ms")
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("57014"));
      assertThat(single(s, "select principal")).isEqualTo("acme"); // within the timeout
      s.execute("SET statement_timeout = 0");
      assertThat(single(s, "select principal")).isEqualTo("acme");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "-1", "5 weeks", "99999999999"})
  void aStatementTimeoutThatIsNotADurationIsRefused(String value) throws Exception {
    try (Connection c = acme();
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.execute("SET statement_timeout = '" + value + "'"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("invalid value for parameter \"statement_timeout\"")
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22023"));
      assertThat(single(s, "SHOW statement_timeout")).isEqualTo("0");
      s.execute("SET statement_timeout TO '1.5min'");
      assertThat(single(s, "SHOW statement_timeout")).isEqualTo("1.5min");
    }
  }

  @Test
  void cancelStopsARunningQuery() throws Exception {
    try (Connection c = acme();
        Statement s = c.createStatement()) {
      CompletableFuture<Void> query =
          CompletableFuture.runAsync(
              () -> {
                try (ResultSet rs = s.executeQuery("select n from slow")) {
                  while (rs.next()) {
                    // read until the server ends the query
                  }
                } catch (SQLException e) {
                  throw new java.util.concurrent.CompletionException(e);
                }
              });
      await().atMost(Duration.ofSeconds(10)).until(() -> backend.slowRowsProduced.get() >= 3);
      s.cancel();
      assertThatThrownBy(query::join)
          .hasCauseInstanceOf(SQLException.class)
          .hasMessageContaining("canceling statement due to user request")
          .satisfies(
              e -> assertThat(((SQLException) e.getCause()).getSQLState()).isEqualTo("57014"));
      assertThat(backend.slowClosed).isTrue();
      assertThat(single(s, "select principal")).isEqualTo("acme");
    }
  }

  /** One message of a raw protocol conversation: its type and body. */
  record Message(char type, byte[] body) {
    String field(char code) {
      for (int i = 0; i < body.length; ) {
        char c = (char) body[i++];
        int end = i;
        while (body[end] != 0) {
          end++;
        }
        if (c == code) {
          return new String(body, i, end - i, java.nio.charset.StandardCharsets.UTF_8);
        }
        i = end + 1;
      }
      return null;
    }
  }

  /** Sends the messages, then reads until ReadyForQuery. */
  static List<Message> exchange(
      java.io.DataInputStream in, java.io.OutputStream out, byte[]... messages)
      throws java.io.IOException {
    for (byte[] message : messages) {
      out.write(message);
    }
    out.flush();
    List<Message> answers = new ArrayList<>();
    while (true) {
      char type = (char) in.readUnsignedByte();
      byte[] body = new byte[in.readInt() - 4];
      in.readFully(body);
      answers.add(new Message(type, body));
      if (type == 'Z') {
        return answers;
      }
    }
  }

  /** A message of {@code type} whose body is {@code parts} one after another. */
  static byte[] message(char type, byte[]... parts) {
    int length = 4;
    for (byte[] part : parts) {
      length += part.length;
    }
    java.nio.ByteBuffer message = java.nio.ByteBuffer.allocate(length + 1);
    message.put((byte) type).putInt(length);
    for (byte[] part : parts) {
      message.put(part);
    }
    return message.array();
  }

  static byte[] cstring(String text) {
    return (text + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  static byte[] int16(int... values) {
    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(2 * values.length);
    for (int value : values) {
      bytes.putShort((short) value);
    }
    return bytes.array();
  }

  @Test
  void aBindWhoseFormatCodesDoNotFitIsAProtocolErrorAndTheSessionGoesOn() throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", trust.port())) {
      java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
      java.io.OutputStream out = socket.getOutputStream();
      // the startup message has no type byte: drop it from a framed one
      byte[] startup =
          message(
              ' ',
              java.nio.ByteBuffer.allocate(4).putInt(196608).array(),
              cstring("user"),
              cstring("acme"),
              cstring("database"),
              cstring("lakestream"),
              new byte[1]);
      assertThat(exchange(in, out, java.util.Arrays.copyOfRange(startup, 1, startup.length)))
          .extracting(Message::type)
          .contains('R', 'K');

      byte[] parse = message('P', cstring(""), cstring("select principal"), int16(0));
      byte[] execute = message('E', cstring(""), new byte[4]);
      byte[] sync = message('S');
      // a Bind of the unnamed statement, no parameters, these result format codes
      java.util.function.Function<int[], byte[]> bind =
          formats ->
              message(
                  'B',
                  cstring(""),
                  cstring(""),
                  int16(0),
                  int16(0),
                  int16(formats.length),
                  int16(formats));
      // one column, two result format codes: as PostgreSQL, 08P01 naming both counts
      Message error =
          exchange(in, out, parse, bind.apply(new int[] {0, 1}), execute, sync).stream()
              .filter(m -> m.type() == 'E')
              .findFirst()
              .orElseThrow();
      assertThat(error.field('C')).isEqualTo("08P01");
      assertThat(error.field('M'))
          .isEqualTo("bind message has 2 result formats but query has 1 columns");
      Message unsupported =
          exchange(in, out, parse, bind.apply(new int[] {7}), execute, sync).stream()
              .filter(m -> m.type() == 'E')
              .findFirst()
              .orElseThrow();
      assertThat(unsupported.field('C')).isEqualTo("22023");
      assertThat(unsupported.field('M')).isEqualTo("unsupported format code: 7");
      // the session goes on: the same statement with one format code for every column
      assertThat(exchange(in, out, parse, bind.apply(new int[] {0}), execute, sync))
          .extracting(Message::type)
          .containsSubsequence('1', '2', 'D', 'C', 'Z');
    }
  }

  /** The statement's rows, each as its values joined by spaces. */
  private static List<String> rows(Statement statement, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (ResultSet rs = statement.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          values.add(rs.getString(i));
        }
        rows.add(String.join(" ", values));
      }
    }
    return rows;
  }
}

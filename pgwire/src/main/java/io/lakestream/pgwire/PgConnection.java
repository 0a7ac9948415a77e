package io.lakestream.pgwire;

import io.lakestream.pgwire.internal.CatalogQueries;
import io.lakestream.pgwire.internal.CopyOut;
import io.lakestream.pgwire.internal.MessageWriter;
import io.lakestream.pgwire.internal.Scram;
import io.lakestream.pgwire.internal.SessionStatements;
import io.lakestream.pgwire.internal.SqlText;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One client connection: startup, authentication, then the simple and extended query protocols. */
final class PgConnection {
  private static final Logger log = LoggerFactory.getLogger(PgConnection.class);

  private static final int PROTOCOL_3 = 196608;
  private static final int SSL_REQUEST = 80877103;
  private static final int GSSENC_REQUEST = 80877104;
  private static final int CANCEL_REQUEST = 80877102;
  private static final int MAX_STARTUP_LENGTH = 10_000;
  private static final int MAX_MESSAGE_LENGTH = 64 << 20;

  /** Startup parameters that are not kept as settings: the values are the server's. */
  private static final java.util.Set<String> FIXED_AT_START =
      java.util.Set.of("user", "database", "timezone", "datestyle", "client_encoding");

  /** The first byte of a TLS handshake record: a client starting TLS at once (direct TLS). */
  private static final int TLS_HANDSHAKE_RECORD = 0x16;

  /** How long a client has for the TLS handshake. */
  private static final int TLS_HANDSHAKE_TIMEOUT_MILLIS = 30_000;

  private final PgServer server;
  private final Socket socket;
  private final PgBackend backend;
  private final PgAuthentication authentication;
  private final Optional<PgTls> tls;
  private final int processId;
  private final int secretKey;
  private final Map<String, Prepared> statements = new HashMap<>();
  private final Map<String, Portal> portals = new HashMap<>();
  private DataInputStream in;
  private MessageWriter out;
  private PgSession session;
  private boolean inTransaction;
  private boolean skipToSync;
  private SSLSocket tlsSocket; // once the connection runs over TLS
  private boolean directTlsWithoutAlpn;
  private volatile boolean running;

  /** The running statement's {@code statement_timeout}, when the session set one. */
  private java.util.concurrent.ScheduledFuture<?> timeout;

  /** Whether the running statement was cancelled by its {@code statement_timeout}. */
  private volatile boolean timedOut;

  /** A parsed statement. */
  private record Prepared(String sql, List<PgType> parameterTypes) {}

  /** A bound statement and, once run, its result. */
  private static final class Portal {
    final Prepared statement;
    final List<Object> parameters;
    final short[] resultFormats;
    PgResult result;
    long sent;
    boolean done;

    Portal(Prepared statement, List<Object> parameters, short[] resultFormats) {
      this.statement = statement;
      this.parameters = parameters;
      this.resultFormats = resultFormats;
    }

    void close() {
      if (result != null) {
        result.close();
      }
    }
  }

  PgConnection(
      PgServer server,
      Socket socket,
      PgBackend backend,
      PgAuthentication authentication,
      Optional<PgTls> tls,
      int processId,
      int secretKey) {
    this.server = server;
    this.socket = socket;
    this.backend = backend;
    this.authentication = authentication;
    this.tls = tls;
    this.processId = processId;
    this.secretKey = secretKey;
  }

  int processId() {
    return processId;
  }

  int secretKey() {
    return secretKey;
  }

  void cancelRunning() {
    PgSession current = session;
    if (running && current != null) {
      current.requestCancel();
    }
  }

  /** Closes the connection at once (from any thread): the TCP socket, under TLS if any. */
  void closeSocket() {
    try {
      socket.close();
    } catch (IOException e) {
      log.debug("closing a PostgreSQL connection", e);
    }
  }

  /** Closes the connection from its own thread: TLS says goodbye (close_notify) first. */
  private void closeConnection() {
    SSLSocket current = tlsSocket;
    if (current != null && !socket.isClosed()) {
      try {
        current.setSoTimeout(1_000);
        current.close();
      } catch (IOException e) {
        log.debug("closing a PostgreSQL TLS connection", e);
      }
    }
    closeSocket();
  }

  void refuseTooMany(int max) {
    try {
      open();
      readStartupPacket();
      sendError(
          "FATAL",
          new PgException(
              PgErrors.TOO_MANY_CONNECTIONS,
              "sorry, too many clients already (" + max + " connections are served at once)",
              null,
              "Close idle connections or use a connection pool."));
      out.flush();
    } catch (IOException | RuntimeException e) {
      log.debug("refusing a PostgreSQL connection", e);
    } finally {
      closeConnection();
    }
  }

  void run() {
    try {
      open();
      if (startup()) {
        serve();
      }
    } catch (EOFException | SocketException e) {
      log.debug("PostgreSQL connection {} ended: {}", processId, e.getMessage());
    } catch (IOException e) {
      log.info("PostgreSQL connection {} failed: {}", processId, e.getMessage());
    } catch (RuntimeException e) {
      log.warn("PostgreSQL connection {} failed", processId, e);
    } finally {
      portals.values().forEach(Portal::close);
      portals.clear();
      server.closed(this);
      closeConnection();
    }
  }

  /**
   * Opens the streams. A client that starts with a TLS handshake record (PostgreSQL 17's {@code
   * sslnegotiation=direct}) gets TLS at once, without an {@code SSLRequest}.
   */
  private void open() throws IOException {
    InputStream raw = socket.getInputStream();
    int first = raw.read();
    if (first < 0) {
      throw new EOFException("the client closed the connection before its startup message");
    }
    if (first == TLS_HANDSHAKE_RECORD) {
      if (tls.isEmpty()) {
        throw new IOException(
            "the client started a TLS handshake at once (direct TLS), but this server has no TLS"
                + " certificate configured");
      }
      startTls(new byte[] {(byte) first});
      if (!PgTls.ALPN_PROTOCOL.equals(tlsSocket.getApplicationProtocol())) {
        directTlsWithoutAlpn = true;
      }
      return;
    }
    InputStream replayed =
        new SequenceInputStream(new ByteArrayInputStream(new byte[] {(byte) first}), raw);
    in = new DataInputStream(new BufferedInputStream(replayed, 16 << 10));
    out = new MessageWriter(new BufferedOutputStream(socket.getOutputStream(), 64 << 10));
  }

  /** Runs the TLS handshake on the socket; the connection continues over TLS. */
  private void startTls(byte[] consumed) throws IOException {
    socket.setSoTimeout(TLS_HANDSHAKE_TIMEOUT_MILLIS);
    try {
      tlsSocket = tls.orElseThrow().accept(socket, consumed);
    } catch (SocketTimeoutException e) {
      throw new IOException(
          "the client did not finish the TLS handshake within "
              + TLS_HANDSHAKE_TIMEOUT_MILLIS / 1000
              + " s",
          e);
    } catch (SSLException e) {
      throw new IOException("the TLS handshake failed: " + e.getMessage(), e);
    }
    tlsSocket.setSoTimeout(0);
    in = new DataInputStream(new BufferedInputStream(tlsSocket.getInputStream(), 16 << 10));
    out = new MessageWriter(new BufferedOutputStream(tlsSocket.getOutputStream(), 64 << 10));
  }

  // ---- startup and authentication ----

  /** The startup packet's parameters, after answering SSL and GSS requests; null on a cancel. */
  private Map<String, String> readStartupPacket() throws IOException {
    while (true) {
      int length = in.readInt();
      if (length < 8 || length > MAX_STARTUP_LENGTH) {
        throw new IOException("bad startup packet length " + length);
      }
      int code = in.readInt();
      byte[] body = new byte[length - 8];
      in.readFully(body);
      if (directTlsWithoutAlpn) {
        throw PgErrors.protocol(
            "received a direct TLS connection without the ALPN protocol \"postgresql\"");
      }
      if (code == SSL_REQUEST || code == GSSENC_REQUEST) {
        String request = code == SSL_REQUEST ? "SSL" : "GSSAPI encryption";
        if (tlsSocket != null) {
          throw PgErrors.protocol(
              "received a " + request + " request on a connection already encrypted with TLS");
        }
        if (code == SSL_REQUEST && tls.isPresent()) {
          if (in.available() > 0) {
            // Bytes sent before the answer would be taken as if they had come over TLS.
            throw new IOException("the client sent unencrypted data after its SSL request");
          }
          out.raw('S');
          out.flush();
          startTls(new byte[0]);
        } else {
          out.raw('N');
          out.flush();
        }
        continue;
      }
      if (code == CANCEL_REQUEST) {
        ByteBuffer key = ByteBuffer.wrap(body);
        server.cancel(key.getInt(), key.getInt());
        return null;
      }
      if (code >>> 16 != 3) {
        throw new PgException(
            PgErrors.FEATURE_NOT_SUPPORTED,
            "unsupported frontend protocol "
                + (code >>> 16)
                + "."
                + (code & 0xffff)
                + ": Lakestream speaks protocol 3.0",
            null,
            null);
      }
      Map<String, String> parameters = new LinkedHashMap<>();
      int at = 0;
      while (at < body.length && body[at] != 0) {
        int nameEnd = indexOf(body, at);
        int valueEnd = indexOf(body, nameEnd + 1);
        parameters.put(
            new String(body, at, nameEnd - at, StandardCharsets.UTF_8),
            new String(body, nameEnd + 1, valueEnd - nameEnd - 1, StandardCharsets.UTF_8));
        at = valueEnd + 1;
      }
      return parameters;
    }
  }

  private static int indexOf(byte[] body, int from) {
    for (int i = from; i < body.length; i++) {
      if (body[i] == 0) {
        return i;
      }
    }
    return body.length;
  }

  private boolean startup() throws IOException {
    Map<String, String> parameters;
    try {
      parameters = readStartupPacket();
      if (parameters == null) {
        return false; // a cancel request: the connection closes without an answer
      }
      if (tlsSocket == null && tls.isPresent() && tls.get().isRequired()) {
        throw new PgException(
            "28000",
            "TLS is required: this server refuses connections without encryption",
            null,
            "Connect with sslmode=require or verify-full (psql: PGSSLMODE=require; pgJDBC:"
                + " ?sslmode=require).");
      }
      String user = parameters.get("user");
      if (user == null || user.isEmpty()) {
        throw new PgException(
            "28000", "no PostgreSQL user name specified in startup packet", null, null);
      }
      String database = parameters.getOrDefault("database", user);
      if (database.isEmpty()) {
        database = user;
      }
      Object principal = authenticate(user, database);
      session = new PgSession(user, database, principal, processId);
      for (var entry : parameters.entrySet()) {
        if (!FIXED_AT_START.contains(entry.getKey().toLowerCase(java.util.Locale.ROOT))) {
          session.set(entry.getKey(), entry.getValue());
        }
      }
    } catch (PgException e) {
      sendError("FATAL", e);
      out.flush();
      return false;
    }
    out.begin('R').int32(0).end();
    for (String name : SessionStatements.REPORTED) {
      String value =
          name.equals("application_name")
              ? session.setting(name).orElse("")
              : SessionStatements.defaultValue(name).orElseThrow();
      out.begin('S').cstring(name).cstring(value).end();
    }
    out.begin('K').int32(processId).int32(secretKey).end();
    Optional<String> zone = startupTimeZone(parameters);
    if (zone.isPresent() && !SessionStatements.isUtc(zone.get())) {
      // PGTZ, PGOPTIONS='-c TimeZone=…': the connection goes on, in UTC, and says so
      sendNotice(
          "WARNING",
          "01000",
          "TimeZone '"
              + zone.get()
              + "' is not applied: Lakestream writes timestamps in UTC (with their offset, +00)."
              + " For local times write timestamp AT TIME ZONE '"
              + zone.get()
              + "'.");
    }
    readyForQuery();
    out.flush();
    return true;
  }

  /**
   * The time zone the client asked for at startup: the TimeZone parameter (libpq's PGTZ), or {@code
   * -c TimeZone=…} in {@code options} (PGOPTIONS).
   */
  private static Optional<String> startupTimeZone(Map<String, String> parameters) {
    for (var entry : parameters.entrySet()) {
      String name = entry.getKey().toLowerCase(java.util.Locale.ROOT);
      if (name.equals("timezone")) {
        return Optional.of(entry.getValue());
      }
      if (name.equals("options")) {
        java.util.regex.Matcher option = TIME_ZONE_OPTION.matcher(entry.getValue());
        if (option.find()) {
          return Optional.of(option.group(1));
        }
      }
    }
    return Optional.empty();
  }

  private static final java.util.regex.Pattern TIME_ZONE_OPTION =
      java.util.regex.Pattern.compile("(?i)(?:-c\\s*|--)timezone=(\\S+)");

  private void sendNotice(String severity, String sqlState, String message) throws IOException {
    out.begin('N');
    out.int8('S').cstring(severity);
    out.int8('V').cstring(severity);
    out.int8('C').cstring(sqlState);
    out.int8('M').cstring(message);
    out.int8(0).end();
  }

  private Object authenticate(String user, String database) throws IOException {
    switch (authentication) {
      case TRUST -> {
        return backend.authenticate(user, database, "");
      }
      case CLEARTEXT -> {
        out.begin('R').int32(3).end();
        out.flush();
        ByteBuffer message = expect('p');
        return backend.authenticate(user, database, cstring(message));
      }
      default -> {
        out.begin('R').int32(10).cstring(Scram.MECHANISM).int8(0).end();
        out.flush();
        ByteBuffer initial = expect('p');
        String mechanism = cstring(initial);
        if (!mechanism.equals(Scram.MECHANISM)) {
          throw PgErrors.protocol(
              "SASL mechanism " + mechanism + " is not offered; use " + Scram.MECHANISM);
        }
        int length = initial.getInt();
        byte[] first = new byte[Math.max(length, 0)];
        initial.get(first);
        Scram scram = Scram.start(new String(first, StandardCharsets.UTF_8), server.random());
        out.begin('R').int32(11).bytes(scram.serverFirstMessage().getBytes(StandardCharsets.UTF_8));
        out.end();
        out.flush();
        ByteBuffer response = expect('p');
        byte[] clientFinal = new byte[response.remaining()];
        response.get(clientFinal);
        Collection<String> passwords = backend.passwords(user);
        Scram.Verified verified =
            scram
                .verify(new String(clientFinal, StandardCharsets.UTF_8), passwords)
                .orElseThrow(() -> PgErrors.badPassword(user));
        Object principal = backend.authenticate(user, database, verified.password());
        out.begin('R')
            .int32(12)
            .bytes(verified.serverFinalMessage().getBytes(StandardCharsets.UTF_8))
            .end();
        return principal;
      }
    }
  }

  /** Reads the next message, which must be of {@code type}. */
  private ByteBuffer expect(char type) throws IOException {
    int actual = in.read();
    if (actual < 0) {
      throw new EOFException("the client closed the connection during authentication");
    }
    ByteBuffer body = readBody();
    if (actual != type) {
      throw PgErrors.protocol(
          "expected a password message ('" + type + "'), got '" + (char) actual + "'");
    }
    return body;
  }

  private ByteBuffer readBody() throws IOException {
    int length = in.readInt();
    if (length < 4 || length > MAX_MESSAGE_LENGTH) {
      throw PgErrors.protocol(
          "message of " + length + " bytes: messages are limited to " + MAX_MESSAGE_LENGTH);
    }
    byte[] body = new byte[length - 4];
    in.readFully(body);
    return ByteBuffer.wrap(body);
  }

  private static String cstring(ByteBuffer buffer) {
    int start = buffer.position();
    int end = start;
    while (end < buffer.limit() && buffer.get(end) != 0) {
      end++;
    }
    String value = new String(buffer.array(), start, end - start, StandardCharsets.UTF_8);
    buffer.position(Math.min(end + 1, buffer.limit()));
    return value;
  }

  // ---- the query loop ----

  private void serve() throws IOException {
    while (true) {
      int type = in.read();
      if (type < 0) {
        return;
      }
      ByteBuffer body;
      try {
        body = readBody();
      } catch (PgException e) {
        sendError("FATAL", e);
        out.flush();
        return;
      }
      if (type == 'X') {
        return;
      }
      if (skipToSync && type != 'S') {
        continue;
      }
      try {
        switch (type) {
          case 'Q' -> simpleQuery(cstring(body));
          case 'P' -> parse(body);
          case 'B' -> bind(body);
          case 'D' -> describe(body);
          case 'E' -> execute(body);
          case 'C' -> close(body);
          case 'S' -> sync();
          case 'H' -> out.flush();
          case 'd', 'c', 'f' -> throw PgErrors.notSupported("COPY is not supported");
          default -> throw PgErrors.protocol("unknown message type '" + (char) type + "'");
        }
      } catch (RuntimeException failure) {
        PgException e = internal(failure);
        sendError("ERROR", e);
        if (type == 'Q') {
          readyForQuery();
          out.flush();
        } else {
          skipToSync = true;
        }
      }
    }
  }

  private void simpleQuery(String query) throws IOException {
    List<String> statements = SqlText.split(query);
    if (statements.isEmpty()) {
      out.begin('I').end();
    }
    try {
      for (String statement : statements) {
        Optional<CopyOut> copy = CopyOut.parse(statement);
        if (copy.isPresent()) {
          try (PgResult result = run(copy.get().query(), List.of())) {
            if (!(result instanceof PgResult.Rows rows)) {
              throw PgErrors.syntax("COPY's query must return rows: COPY (SELECT …) TO STDOUT");
            }
            commandComplete("COPY " + copyOut(copy.get(), rows));
          } finally {
            running = false;
            endTimeout();
          }
          continue;
        }
        try (PgResult result = run(statement, List.of())) {
          if (result instanceof PgResult.Rows rows) {
            rowDescription(rows.columns(), new short[0]);
            long count = sendRows(rows, new short[0], 0);
            commandComplete("SELECT " + count);
          } else {
            commandComplete(((PgResult.Command) result).tag());
          }
        } finally {
          running = false;
          endTimeout();
        }
      }
    } catch (PgException e) {
      sendError("ERROR", e);
    }
    readyForQuery();
    out.flush();
  }

  /** Runs one statement: a session statement, a catalog query, or the backend's. */
  private PgResult run(String statement, List<Object> parameters) {
    session.clearCancel();
    running = true;
    timedOut = false;
    long timeoutMillis = SessionStatements.statementTimeoutMillis(session);
    if (timeoutMillis > 0) {
      // Until the statement's rows are sent (endTimeout); a cancel of its own otherwise.
      timeout =
          server.after(
              timeoutMillis,
              () -> {
                timedOut = true;
                session.requestCancel();
              });
    }
    try {
      Optional<PgResult> local = SessionStatements.answer(statement, session);
      if (local.isEmpty()) {
        local =
            CatalogQueries.answer(
                statement, parameters, session.database(), () -> backend.tables(session));
      }
      PgResult result = local.orElseGet(() -> backend.execute(session, statement, parameters));
      if (result instanceof PgResult.Command command) {
        switch (command.tag()) {
          case "BEGIN" -> inTransaction = true;
          case "COMMIT", "ROLLBACK" -> inTransaction = false;
          default -> {}
        }
      }
      return result;
    } catch (PgException e) {
      running = false;
      endTimeout();
      throw e;
    } catch (RuntimeException e) {
      running = false;
      endTimeout();
      log.warn("PostgreSQL statement failed: {}", statement, e);
      throw internal(e);
    }
  }

  /** The running statement has ended: its timeout, if any, is off. */
  private void endTimeout() {
    java.util.concurrent.ScheduledFuture<?> pending = timeout;
    if (pending != null) {
      pending.cancel(false);
      timeout = null;
    }
  }

  private static PgException internal(RuntimeException e) {
    if (e instanceof PgException pg) {
      return pg;
    }
    return PgErrors.internal(
        "the statement failed inside Lakestream: "
            + (e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getMessage().lines().findFirst().orElse("")));
  }

  /** Writes up to {@code max} rows (0: all); returns how many. */
  private long sendRows(PgResult.Rows rows, short[] formats, long max) throws IOException {
    Iterator<? extends List<?>> iterator = rows.rows();
    List<PgColumn> columns = rows.columns();
    long count = 0;
    try {
      PgEncodedRows encoded =
          iterator instanceof PgEncodedRows e && e.encodes(binaryColumns(formats, columns.size()))
              ? e
              : null;
      while ((max == 0 || count < max) && iterator.hasNext()) {
        if (session.cancelRequested()) {
          throw PgErrors.cancelled();
        }
        if (encoded != null) {
          encoded.nextEncoded();
          encodedRow(columns.size(), encoded);
        } else {
          dataRow(columns, formats, iterator.next());
        }
        count++;
      }
      if (session.cancelRequested()) {
        throw PgErrors.cancelled();
      }
      return count;
    } catch (PgException e) {
      rows.close();
      throw e;
    } catch (RuntimeException e) {
      rows.close();
      log.warn("PostgreSQL rows failed", e);
      throw internal(e);
    }
  }

  /**
   * Sends {@code rows} as a copy to the client (CopyOutResponse, a CopyData message a line, then
   * CopyDone), each value in the text format of DataRows, written as {@code copy} says; returns how
   * many rows.
   */
  private long copyOut(CopyOut copy, PgResult.Rows rows) throws IOException {
    List<PgColumn> columns = rows.columns();
    Iterator<? extends List<?>> iterator = rows.rows();
    out.begin('H').int8(0).int16(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      out.int16(0);
    }
    out.end();
    if (copy.header()) {
      byte[] header = copy.header(columns.stream().map(PgColumn::name).toList());
      out.begin('d').bytes(header, 0, header.length).end();
    }
    LineBuffer line = new LineBuffer();
    long count = 0;
    try {
      PgEncodedRows encoded =
          iterator instanceof PgEncodedRows e && e.encodes(new boolean[columns.size()]) ? e : null;
      while (iterator.hasNext()) {
        if (session.cancelRequested()) {
          throw PgErrors.cancelled();
        }
        line.reset();
        if (encoded != null) {
          encoded.nextEncoded();
          byte[] bytes = encoded.encodedBytes();
          for (int i = 0; i < columns.size(); i++) {
            copy.append(
                line, bytes, encoded.encodedStart(i), encoded.encodedLength(i), i, columns.size());
          }
        } else {
          List<?> row = iterator.next();
          for (int i = 0; i < columns.size(); i++) {
            Object value = row.get(i);
            byte[] text =
                value == null
                    ? null
                    : columns.get(i).type().text(value).getBytes(StandardCharsets.UTF_8);
            copy.append(line, text, 0, text == null ? -1 : text.length, i, columns.size());
          }
        }
        out.begin('d').bytes(line.array(), 0, line.size()).end();
        count++;
      }
      if (session.cancelRequested()) {
        throw PgErrors.cancelled();
      }
    } catch (PgException e) {
      rows.close();
      throw e;
    } catch (RuntimeException e) {
      rows.close();
      log.warn("PostgreSQL copy failed", e);
      throw internal(e);
    }
    out.begin('c').end();
    return count;
  }

  /** A copy's line, whose bytes are written into the CopyData message where they stand. */
  private static final class LineBuffer extends java.io.ByteArrayOutputStream {
    /** The buffer; its first {@link #size()} bytes are the line. */
    byte[] array() {
      return buf;
    }
  }

  private void dataRow(List<PgColumn> columns, short[] formats, List<?> row) throws IOException {
    if (row.size() != columns.size()) {
      throw PgErrors.internal(
          "a row has " + row.size() + " values for " + columns.size() + " columns");
    }
    out.begin('D').int16(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      Object value = row.get(i);
      if (value == null) {
        out.int32(-1);
        continue;
      }
      PgType type = columns.get(i).type();
      byte[] bytes;
      try {
        bytes =
            format(formats, i) == 1
                ? type.binary(value)
                : type.text(value).getBytes(StandardCharsets.UTF_8);
      } catch (ClassCastException e) {
        throw PgErrors.internal(
            "column "
                + columns.get(i).name()
                + " holds a "
                + value.getClass().getSimpleName()
                + ", which cannot be sent as "
                + type.sqlName());
      }
      out.int32(bytes.length).bytes(bytes);
    }
    out.end();
  }

  /** A row whose values are already encoded in their columns' formats. */
  private void encodedRow(int columns, PgEncodedRows row) throws IOException {
    out.begin('D').int16(columns);
    byte[] bytes = row.encodedBytes();
    for (int i = 0; i < columns; i++) {
      int length = row.encodedLength(i);
      out.int32(length);
      if (length > 0) {
        out.bytes(bytes, row.encodedStart(i), length);
      }
    }
    out.end();
  }

  /** Which columns the client takes in the binary format (format code 1). */
  private static boolean[] binaryColumns(short[] formats, int columns) {
    boolean[] binary = new boolean[columns];
    for (int i = 0; i < columns; i++) {
      binary[i] = format(formats, i) == 1;
    }
    return binary;
  }

  private static short format(short[] formats, int column) {
    if (formats.length == 0) {
      return 0;
    }
    return formats.length == 1 ? formats[0] : formats[column];
  }

  private void rowDescription(List<PgColumn> columns, short[] formats) throws IOException {
    out.begin('T').int16(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      PgColumn column = columns.get(i);
      out.cstring(column.name())
          .int32(0) // table OID
          .int16(0) // column number
          .int32(column.type().oid())
          .int16(column.type().size())
          .int32(-1) // type modifier
          .int16(format(formats, i));
    }
    out.end();
  }

  private void commandComplete(String tag) throws IOException {
    out.begin('C').cstring(tag).end();
  }

  private void readyForQuery() throws IOException {
    out.begin('Z').int8(inTransaction ? 'T' : 'I').end();
  }

  private void sendError(String severity, PgException e) throws IOException {
    if (timedOut && e.sqlState().equals(PgErrors.QUERY_CANCELED)) {
      e =
          PgErrors.statementTimeout(
              SessionStatements.current("statement_timeout", session).orElse(""));
    }
    out.begin('E');
    out.int8('S').cstring(severity);
    out.int8('V').cstring(severity);
    out.int8('C').cstring(e.sqlState());
    out.int8('M').cstring(e.getMessage());
    if (e.detail() != null) {
      out.int8('D').cstring(e.detail());
    }
    if (e.hint() != null) {
      out.int8('H').cstring(e.hint());
    }
    out.int8(0).end();
  }

  // ---- the extended query protocol ----

  private void parse(ByteBuffer body) throws IOException {
    String name = cstring(body);
    String sql = cstring(body);
    int count = body.getShort();
    List<PgType> types = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int oid = body.getInt();
      types.add(oid == 0 ? null : PgType.ofOid(oid).orElseThrow(() -> unknownType(oid)));
    }
    if (SqlText.split(sql).size() > 1) {
      throw PgErrors.syntax("cannot insert multiple commands into a prepared statement");
    }
    if (CopyOut.parse(sql).isPresent()) {
      throw PgErrors.notSupported(
          "COPY … TO STDOUT is answered in the simple query protocol, as psql's \\copy and"
              + " drivers' copy APIs send it, not as a prepared statement");
    }
    if (!name.isEmpty() && statements.containsKey(name)) {
      throw new PgException(
          PgErrors.DUPLICATE_PREPARED_STATEMENT,
          "prepared statement \"" + name + "\" already exists",
          null,
          "Close it first, or use another name.");
    }
    statements.put(name, new Prepared(sql, types));
    out.begin('1').end();
  }

  private static PgException unknownType(int oid) {
    return PgErrors.notSupported(
        "parameters of type OID "
            + oid
            + " are not supported; send them as text (type 0 or 25) and cast in SQL");
  }

  private void bind(ByteBuffer body) throws IOException {
    String portalName = cstring(body);
    String statementName = cstring(body);
    Prepared statement = statements.get(statementName);
    if (statement == null) {
      throw new PgException(
          PgErrors.INVALID_SQL_STATEMENT_NAME,
          "prepared statement \"" + statementName + "\" does not exist",
          null,
          null);
    }
    short[] parameterFormats = shorts(body);
    int count = body.getShort();
    if (parameterFormats.length > 1 && parameterFormats.length != count) {
      throw PgErrors.protocol(
          "bind message has "
              + parameterFormats.length
              + " parameter formats but "
              + count
              + " parameters");
    }
    List<Object> parameters = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int length = body.getInt();
      if (length < 0) {
        parameters.add(null);
        continue;
      }
      byte[] value = new byte[length];
      body.get(value);
      PgType type =
          i < statement.parameterTypes().size() ? statement.parameterTypes().get(i) : null;
      boolean binary = format(parameterFormats, i) == 1;
      if (type == null) {
        if (binary) {
          throw PgErrors.notSupported(
              "parameter $" + (i + 1) + " is binary but has no type; give its type in Parse");
        }
        parameters.add(new String(value, StandardCharsets.UTF_8));
      } else if (binary) {
        parameters.add(type.parseBinary(value, i + 1));
      } else {
        parameters.add(type.parseText(new String(value, StandardCharsets.UTF_8), i + 1));
      }
    }
    short[] resultFormats = shorts(body);
    for (short format : resultFormats) {
      if (format != 0 && format != 1) {
        throw new PgException(
            PgErrors.INVALID_PARAMETER_VALUE, "unsupported format code: " + format, null, null);
      }
    }
    Portal old = portals.remove(portalName);
    if (old != null) {
      old.close();
    }
    portals.put(portalName, new Portal(statement, parameters, resultFormats));
    out.begin('2').end();
  }

  private static short[] shorts(ByteBuffer body) {
    short[] values = new short[body.getShort()];
    for (int i = 0; i < values.length; i++) {
      values[i] = body.getShort();
    }
    return values;
  }

  private void describe(ByteBuffer body) throws IOException {
    char kind = (char) body.get();
    String name = cstring(body);
    if (kind == 'S') {
      Prepared statement = statements.get(name);
      if (statement == null) {
        throw new PgException(
            PgErrors.INVALID_SQL_STATEMENT_NAME,
            "prepared statement \"" + name + "\" does not exist",
            null,
            null);
      }
      out.begin('t').int16(statement.parameterTypes().size());
      for (PgType type : statement.parameterTypes()) {
        out.int32(type == null ? PgType.TEXT.oid() : type.oid());
      }
      out.end();
      List<PgColumn> columns = describe(statement);
      if (columns.isEmpty()) {
        out.begin('n').end();
      } else {
        rowDescription(columns, new short[0]);
      }
      return;
    }
    Portal portal = portal(name);
    if (SqlText.split(portal.statement.sql()).isEmpty()) {
      out.begin('n').end();
      return;
    }
    PgResult result = start(portal);
    if (result instanceof PgResult.Rows rows) {
      rowDescription(rows.columns(), portal.resultFormats);
    } else {
      out.begin('n').end();
    }
  }

  /** The columns of a statement before it is bound. */
  private List<PgColumn> describe(Prepared statement) {
    if (SqlText.split(statement.sql()).isEmpty()) {
      return List.of();
    }
    List<PgType> types = new ArrayList<>();
    statement.parameterTypes().forEach(t -> types.add(t == null ? PgType.TEXT : t));
    boolean local =
        SessionStatements.answer(statement.sql(), session).isPresent()
            || CatalogQueries.isCatalogQuery(statement.sql());
    try {
      if (local) {
        try (PgResult result = run(statement.sql(), List.of())) {
          return result instanceof PgResult.Rows rows ? rows.columns() : List.of();
        }
      }
      return backend.describe(session, statement.sql(), types);
    } finally {
      running = false;
    }
  }

  private Portal portal(String name) {
    Portal portal = portals.get(name);
    if (portal == null) {
      throw new PgException(
          PgErrors.INVALID_CURSOR_NAME, "portal \"" + name + "\" does not exist", null, null);
    }
    return portal;
  }

  private PgResult start(Portal portal) {
    if (portal.result == null) {
      PgResult result = run(portal.statement.sql(), portal.parameters);
      running = false;
      if (result instanceof PgResult.Rows rows) {
        int columns = rows.columns().size();
        int formats = portal.resultFormats.length;
        if (formats > 1 && formats != columns) {
          rows.close();
          throw PgErrors.protocol(
              "bind message has "
                  + formats
                  + " result formats but query has "
                  + columns
                  + " columns");
        }
      }
      portal.result = result;
    }
    return portal.result;
  }

  private void execute(ByteBuffer body) throws IOException {
    String name = cstring(body);
    int maxRows = body.getInt();
    Portal portal = portal(name);
    if (SqlText.split(portal.statement.sql()).isEmpty()) {
      out.begin('I').end();
      return;
    }
    try {
      PgResult result = start(portal);
      if (result instanceof PgResult.Command command) {
        portal.done = true;
        commandComplete(command.tag());
        return;
      }
      PgResult.Rows rows = (PgResult.Rows) result;
      if (portal.done) {
        commandComplete("SELECT 0");
        return;
      }
      running = true; // a cancel that arrived while the statement started is still set
      long count = sendRows(rows, portal.resultFormats, Math.max(maxRows, 0));
      portal.sent += count;
      if (maxRows > 0 && count == maxRows && rows.rows().hasNext()) {
        out.begin('s').end();
      } else {
        portal.done = true;
        rows.close();
        commandComplete("SELECT " + portal.sent);
      }
    } catch (PgException e) {
      portal.done = true;
      portal.close();
      throw e;
    } finally {
      running = false;
      endTimeout();
    }
  }

  private void close(ByteBuffer body) throws IOException {
    char kind = (char) body.get();
    String name = cstring(body);
    if (kind == 'S') {
      statements.remove(name);
    } else {
      Portal portal = portals.remove(name);
      if (portal != null) {
        portal.close();
      }
    }
    out.begin('3').end();
  }

  private void sync() throws IOException {
    skipToSync = false;
    if (!inTransaction) {
      portals.values().forEach(Portal::close);
      portals.clear();
    }
    readyForQuery();
    out.flush();
  }
}

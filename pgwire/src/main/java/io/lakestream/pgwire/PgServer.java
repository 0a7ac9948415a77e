package io.lakestream.pgwire;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL wire protocol (v3) server: psql, pgJDBC, Grafana and other PostgreSQL clients
 * connect to it, and their statements run in a {@link PgBackend}.
 *
 * <pre>
 * try (PgServer server = PgServer.start(new PgServer.Options("0.0.0.0", 5432, SCRAM_SHA_256, 64), backend)) {
 *   ... psql -h localhost -p {server.port()} -U acme
 * }
 * </pre>
 *
 * <p>One thread per connection (daemon threads); a statement's rows are written as the backend
 * produces them. With {@link Options#tls()} an {@code SSLRequest} is answered "yes" and the
 * connection continues over TLS on the same socket (see {@link PgTls}); without it every {@code
 * SSLRequest} is answered "no", so clients that require TLS refuse to connect. A {@code
 * GSSENCRequest} is always answered "no".
 */
public final class PgServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PgServer.class);

  /**
   * How the server listens.
   *
   * @param host the interface to listen on, e.g. {@code 0.0.0.0}
   * @param port the port; 0 picks a free one ({@link #port()} tells which)
   * @param authentication how clients prove who they are
   * @param maxConnections connections served at once; more are refused with SQLSTATE 53300
   * @param tls TLS offered or required, or empty for plain text only
   */
  public record Options(
      String host,
      int port,
      PgAuthentication authentication,
      int maxConnections,
      Optional<PgTls> tls) {
    /** Plain text only. */
    public Options(String host, int port, PgAuthentication authentication, int maxConnections) {
      this(host, port, authentication, maxConnections, Optional.empty());
    }

    public Options {
      requireNonNull(host, "host is null");
      requireNonNull(authentication, "authentication is null");
      requireNonNull(tls, "tls is null");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 to 65535, not " + port);
      }
      if (maxConnections < 1) {
        throw new IllegalArgumentException("maxConnections must be at least 1");
      }
    }

    /** These options with TLS offered or required. */
    public Options withTls(PgTls tls) {
      return new Options(host, port, authentication, maxConnections, Optional.of(tls));
    }
  }

  private final Options options;
  private final PgBackend backend;
  private final ServerSocket socket;
  private final Thread acceptor;
  private final SecureRandom random = new SecureRandom();
  private final AtomicInteger nextProcessId = new AtomicInteger(1000);
  private final Map<Integer, PgConnection> connections = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** Runs the sessions' statement timeouts ({@code SET statement_timeout}); one daemon thread. */
  private final java.util.concurrent.ScheduledThreadPoolExecutor timeouts;

  private PgServer(Options options, PgBackend backend, ServerSocket socket) {
    this.options = options;
    this.backend = backend;
    this.socket = socket;
    this.acceptor = new Thread(this::accept, "lakestream-pgwire-accept-" + socket.getLocalPort());
    acceptor.setDaemon(true);
    this.timeouts =
        new java.util.concurrent.ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread =
                  new Thread(task, "lakestream-pgwire-timeouts-" + socket.getLocalPort());
              thread.setDaemon(true);
              return thread;
            });
    timeouts.setRemoveOnCancelPolicy(true); // a statement that ends in time leaves nothing queued
  }

  /** Runs {@code task} after {@code millis}, unless the returned future is cancelled first. */
  java.util.concurrent.ScheduledFuture<?> after(long millis, Runnable task) {
    return timeouts.schedule(task, millis, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /**
   * Listens and starts accepting connections.
   *
   * @throws UncheckedIOException when the port cannot be bound (the message names host and port)
   */
  public static PgServer start(Options options, PgBackend backend) {
    requireNonNull(options, "options is null");
    requireNonNull(backend, "backend is null");
    ServerSocket socket;
    try {
      socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(
          new InetSocketAddress(InetAddress.getByName(options.host()), options.port()), 128);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot listen for PostgreSQL clients on "
              + options.host()
              + ":"
              + options.port()
              + ": "
              + e.getMessage(),
          e);
    }
    PgServer server = new PgServer(options, backend, socket);
    server.acceptor.start();
    log.info(
        "PostgreSQL protocol listening on {}:{} ({} authentication, {})",
        options.host(),
        server.port(),
        options.authentication(),
        options.tls().map(PgTls::toString).orElse("no TLS"));
    return server;
  }

  /** The port it listens on. */
  public int port() {
    return socket.getLocalPort();
  }

  /** Connections open now. */
  public int connectionCount() {
    return connections.size();
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = socket.accept();
      } catch (IOException e) {
        if (!closed) {
          log.warn("PostgreSQL protocol: accepting a connection failed: {}", e.getMessage());
        }
        continue;
      }
      try {
        client.setTcpNoDelay(true);
      } catch (SocketException e) {
        // keep going: only latency suffers
      }
      int processId = nextProcessId.incrementAndGet();
      PgConnection connection =
          new PgConnection(
              this,
              client,
              backend,
              options.authentication(),
              options.tls(),
              processId,
              random.nextInt());
      boolean tooMany = connections.size() >= options.maxConnections();
      Thread thread =
          new Thread(
              () -> {
                if (tooMany) {
                  connection.refuseTooMany(options.maxConnections());
                } else {
                  connection.run();
                }
              },
              "lakestream-pgwire-" + processId);
      thread.setDaemon(true);
      if (!tooMany) {
        connections.put(processId, connection);
      }
      thread.start();
    }
  }

  void closed(PgConnection connection) {
    connections.remove(connection.processId());
  }

  /** A cancel request: cancels the connection's running statement when the key matches. */
  void cancel(int processId, int secretKey) {
    PgConnection connection = connections.get(processId);
    if (connection != null && connection.secretKey() == secretKey) {
      connection.cancelRunning();
    }
  }

  SecureRandom random() {
    return random;
  }

  /** Stops accepting and closes every connection. */
  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException e) {
      log.debug("closing the PostgreSQL listener", e);
    }
    connections.values().forEach(PgConnection::closeSocket);
    timeouts.shutdownNow();
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("PostgreSQL protocol stopped");
  }
}

package io.lakestream.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * {@code /health} and {@code /metrics} (Prometheus) for the roles that serve no other HTTP: ingest
 * and write. {@code /health} answers 200 while the role works and 503 when it does not.
 */
final class RoleHttpServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  private RoleHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  static RoleHttpServer start(int port, PrometheusMeterRegistry registry, BooleanSupplier healthy) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
      ExecutorService executor =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread thread = new Thread(r, "lakestream-role-http");
                thread.setDaemon(true);
                return thread;
              });
      server.setExecutor(executor);
      server.createContext(
          "/health",
          exchange -> {
            boolean ok = healthy.getAsBoolean();
            respond(
                exchange,
                ok ? 200 : 503,
                "application/json",
                ok ? "{\"status\":\"ok\"}" : "{\"status\":\"unavailable\"}");
          });
      server.createContext(
          "/metrics",
          exchange ->
              respond(
                  exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
      server.createContext(
          "/",
          exchange ->
              respond(
                  exchange,
                  404,
                  "application/json",
                  "{\"error\":\"not_found\",\"detail\":\"This role serves /health and /metrics.\"}"));
      server.start();
      return new RoleHttpServer(server, executor);
    } catch (IOException e) {
      throw new CliException(
          "Cannot serve /health and /metrics on port "
              + port
              + ": "
              + e.getMessage()
              + ". Set role.http.port to a free port.",
          new UncheckedIOException(e));
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}

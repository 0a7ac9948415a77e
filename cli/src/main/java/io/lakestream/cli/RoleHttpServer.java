package io.lakestream.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /health}, {@code /ready} and {@code /metrics} (Prometheus) for the roles that serve no
 * other HTTP: ingest and write. {@code /health} (liveness) and {@code /ready} (readiness) answer
 * 200 {@code {"status":"ok"}} while their check holds and 503 {@code
 * {"status":"unavailable","error":…,"detail":…}} when it does not, naming the reason.
 */
final class RoleHttpServer implements AutoCloseable {
  /** What {@code /health} reports: ok, or a stable error code and a sentence saying why not. */
  record Health(boolean ok, String error, String detail) {
    static Health healthy() {
      return new Health(true, "", "");
    }

    static Health unavailable(String error, String detail) {
      return new Health(false, error, detail);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;

  private RoleHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  static RoleHttpServer start(int port, PrometheusMeterRegistry registry, BooleanSupplier healthy) {
    return start(
        port,
        registry,
        () ->
            healthy.getAsBoolean()
                ? Health.healthy()
                : Health.unavailable("unavailable", "The role is not running."));
  }

  /** Serves {@code health} on both {@code /health} and {@code /ready}. */
  static RoleHttpServer start(int port, PrometheusMeterRegistry registry, Supplier<Health> health) {
    return start(port, registry, health, health);
  }

  /**
   * Serves {@code live} on {@code /health} (whether the process can still work: a liveness probe
   * restarts it when not) and {@code ready} on {@code /ready} (whether it works now).
   */
  static RoleHttpServer start(
      int port, PrometheusMeterRegistry registry, Supplier<Health> live, Supplier<Health> ready) {
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
      for (Map.Entry<String, Supplier<Health>> check :
          Map.of("/health", live, "/ready", ready).entrySet()) {
        Supplier<Health> health = check.getValue();
        server.createContext(
            check.getKey(),
            exchange -> {
              Health now = health.get();
              respond(
                  exchange,
                  now.ok() ? 200 : 503,
                  "application/json",
                  now.ok()
                      ? "{\"status\":\"ok\"}"
                      : "{\"status\":\"unavailable\",\"error\":"
                          + json(now.error())
                          + ",\"detail\":"
                          + json(now.detail())
                          + "}");
            });
      }
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
                  "{\"error\":\"not_found\",\"detail\":\"This role serves /health, /ready and"
                      + " /metrics.\"}"));
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

  /** {@code text} as a JSON string literal. */
  static String json(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
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

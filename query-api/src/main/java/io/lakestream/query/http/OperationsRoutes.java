package io.lakestream.query.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.http.Context;
import io.lakestream.query.internal.AccessPolicy;
import io.lakestream.query.internal.QueryService;
import io.lakestream.reader.QueryErrors;
import io.lakestream.reader.TableId;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * {@code /health}, {@code /ready}, {@code /openapi.json}: open, no token. {@code /metrics}: open
 * for series without a {@code project} label; a project's series need a token that reads it, or the
 * metrics or admin token ({@link AccessPolicy#metricsProjects}).
 */
final class OperationsRoutes {
  /** The hand-written OpenAPI 3 description of every route. */
  static final String OPENAPI_RESOURCE = "/lakestream/query/openapi.json";

  private final QueryService service;
  private final AccessPolicy access;
  private final Optional<PrometheusMeterRegistry> prometheus;
  private final byte[] openApi;

  OperationsRoutes(
      QueryService service, AccessPolicy access, Optional<PrometheusMeterRegistry> prometheus) {
    this.service = service;
    this.access = access;
    this.prometheus = prometheus;
    this.openApi = openApiDocument();
  }

  static byte[] openApiDocument() {
    try (InputStream in = OperationsRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + OPENAPI_RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The answer of {@code GET /health} ({@code ok}) and {@code GET /ready} ({@code ready}). */
  record Health(String status, @JsonInclude(JsonInclude.Include.NON_NULL) Integer tables) {}

  void health(Context ctx) {
    ctx.json(new Health("ok", null));
  }

  void ready(Context ctx) {
    if (!service.ready()) {
      Map<TableId, String> failing = service.failing();
      List<TableId> lagging =
          service.lagging().stream().filter(id -> !failing.containsKey(id)).toList();
      List<String> parts = new ArrayList<>();
      if (!failing.isEmpty()) {
        parts.add(
            failing.size()
                + " table(s) not served: "
                + String.join(
                    "; ",
                    failing.entrySet().stream()
                        .limit(20)
                        .map(e -> e.getKey() + ": " + e.getValue())
                        .toList()));
      }
      if (!lagging.isEmpty()) {
        parts.add(
            lagging.size()
                + " table(s) loading or behind their log: "
                + String.join(", ", lagging.stream().limit(20).map(TableId::toString).toList()));
      }
      if (!service.tailCaughtUp()) {
        parts.add(
            "the live tail is reading the rows not yet in Delta again, from the writers' committed"
                + " offsets");
      }
      throw QueryErrors.notReady(
          parts.isEmpty() ? "the warehouse has not been listed yet" : String.join("; ", parts));
    }
    ctx.json(new Health("ready", service.tableCount()));
  }

  void metrics(Context ctx) {
    if (prometheus.isEmpty()) {
      ErrorResponses.write(
          ctx, 404, "not_found", "Metrics are not exported here: no Prometheus registry.");
      return;
    }
    Predicate<String> visible = access.metricsProjects(ctx.header("Authorization"));
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
    ctx.result(MetricsExposition.withProjects(prometheus.get().scrape(), visible));
  }

  void openApi(Context ctx) {
    ctx.contentType("application/json");
    ctx.result(openApi);
  }
}

package io.lakestream.query.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.lakestream.query.QueryException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become responses: {@code {"error": code, "detail": message}} with
 * the status of the failure's kind. Unexpected exceptions answer 500 with a reference to the log
 * line holding the stack trace; no response ever carries a stack trace.
 */
final class ErrorResponses {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

  private ErrorResponses() {}

  static void register(RoutesConfig routes) {
    routes.exception(QueryException.class, ErrorResponses::queryException);
    routes.exception(HttpResponseException.class, ErrorResponses::httpResponseException);
    routes.exception(Exception.class, ErrorResponses::unexpected);
    routes.error(
        404,
        ctx -> {
          if (ctx.resultInputStream() == null && !ctx.res().isCommitted()) {
            write(
                ctx, 404, "not_found", "No route " + ctx.method().name() + " " + ctx.path() + ".");
          }
        });
    routes.error(
        405,
        ctx -> {
          if (ctx.resultInputStream() == null && !ctx.res().isCommitted()) {
            write(
                ctx,
                405,
                "method_not_allowed",
                "Method " + ctx.method().name() + " is not allowed on " + ctx.path() + ".");
          }
        });
  }

  static int status(QueryException.Kind kind) {
    return switch (kind) {
      case BAD_REQUEST -> 400;
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case NOT_ACCEPTABLE -> 406;
      case UNAVAILABLE -> 503;
      case INTERNAL -> 500;
    };
  }

  private static void queryException(QueryException e, Context ctx) {
    if (e.kind() == QueryException.Kind.INTERNAL) {
      String reference = UUID.randomUUID().toString();
      log.error("{} {} failed [{}]: {}", ctx.method(), ctx.path(), reference, e.getMessage(), e);
      write(ctx, 500, e.kind().code(), e.getMessage() + " (log reference " + reference + ")");
      return;
    }
    if (e.kind() == QueryException.Kind.UNAUTHENTICATED && !ctx.res().isCommitted()) {
      ctx.header("WWW-Authenticate", "Bearer");
    }
    write(ctx, status(e.kind()), e.kind().code(), e.getMessage());
  }

  /** Javalin's own answers (no such route, method not allowed, ...), as JSON errors. */
  private static void httpResponseException(HttpResponseException e, Context ctx) {
    int status = e.getStatus();
    String error =
        switch (status) {
          case 404 -> "not_found";
          case 405 -> "method_not_allowed";
          default -> status >= 500 ? "internal" : "bad_request";
        };
    String detail =
        status == 404 ? "No route " + ctx.method().name() + " " + ctx.path() + "." : e.getMessage();
    write(ctx, status, error, detail);
  }

  private static void unexpected(Exception e, Context ctx) {
    String reference = UUID.randomUUID().toString();
    log.error("{} {} failed [{}]", ctx.method(), ctx.path(), reference, e);
    write(
        ctx,
        500,
        QueryException.Kind.INTERNAL.code(),
        "The server failed to answer; the log has the details under reference " + reference + ".");
  }

  /** Writes an error body, unless the response has already begun (then it cannot change). */
  static void write(Context ctx, int status, String error, String detail) {
    if (ctx.res().isCommitted()) {
      log.warn(
          "{} {}: response already started, cannot send {}: {}",
          ctx.method(),
          ctx.path(),
          status,
          detail);
      return;
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("error", error);
    body.put("detail", detail);
    ctx.status(status);
    ctx.contentType("application/json");
    ctx.result(body.toString());
  }
}

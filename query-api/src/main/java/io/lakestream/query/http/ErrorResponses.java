package io.lakestream.query.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JettyConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.lakestream.reader.QueryErrors;
import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.LakestreamException;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become responses: {@code {"error": code, "detail": message}} with
 * the status of the failure's {@link ErrorKind} ({@link #status}, {@link #code}), whichever module
 * raised it (a {@link LakestreamException}: the catalog's, the SQL engine's, the reader's, …).
 * Unexpected exceptions answer 500 with a reference to the log line holding the stack trace; no
 * response ever carries a stack trace or names an internal class ({@link #userTerms}). Requests
 * Jetty refuses before any route sees them get the same JSON body ({@link JsonErrorHandler}).
 */
final class ErrorResponses {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

  private ErrorResponses() {}

  /** Jetty's own error pages (414, 431, a malformed path) as JSON errors. */
  static void register(JettyConfig jetty) {
    jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
  }

  static void register(RoutesConfig routes) {
    routes.before(ErrorResponses::checkPathEncoding);
    routes.exception(LakestreamException.class, ErrorResponses::lakestreamException);
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

  /**
   * Refuses a path whose percent-encoding is not {@code %XX} (e.g. {@code %uFF0E}): Jetty lets it
   * through, and decoding the path parameters would fail.
   */
  private static void checkPathEncoding(Context ctx) {
    String path = ctx.req().getRequestURI();
    for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
      if (i + 2 >= path.length() || !isHex(path.charAt(i + 1)) || !isHex(path.charAt(i + 2))) {
        throw QueryErrors.badPathEncoding(path.substring(i, Math.min(path.length(), i + 6)));
      }
    }
  }

  private static boolean isHex(char c) {
    return Character.digit(c, 16) >= 0;
  }

  /**
   * The HTTP status of each kind. Every way a statement can be wrong (its syntax, a table or column
   * it names, a construct or a limit) is a bad request to {@code POST /v1/sql}: the route exists,
   * the statement does not fit. 404 is for what a path names.
   */
  static int status(ErrorKind kind) {
    return switch (kind) {
      case BAD_REQUEST,
          SYNTAX_ERROR,
          UNDEFINED_TABLE,
          UNDEFINED_COLUMN,
          UNDEFINED_FUNCTION,
          INVALID_DATA,
          UNSUPPORTED,
          LIMIT_EXCEEDED ->
          400;
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case NOT_ACCEPTABLE -> 406;
      case CANCELED -> 408;
      case CONFLICT -> 409;
      case UNAVAILABLE -> 503;
      case INTERNAL -> 500;
    };
  }

  /** The {@code error} field of the JSON body of each kind: one code per status. */
  static String code(ErrorKind kind) {
    return switch (status(kind)) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 406 -> "not_acceptable";
      case 408 -> "canceled";
      case 409 -> "conflict";
      case 503 -> "unavailable";
      default -> "internal";
    };
  }

  private static void lakestreamException(LakestreamException e, Context ctx) {
    if (e.kind() == ErrorKind.INTERNAL) {
      String reference = UUID.randomUUID().toString();
      log.error("{} {} failed [{}]: {}", ctx.method(), ctx.path(), reference, e.getMessage(), e);
      write(ctx, 500, code(e.kind()), e.getMessage() + " (log reference " + reference + ")");
      return;
    }
    if (e.kind() == ErrorKind.UNAUTHENTICATED && !ctx.res().isCommitted()) {
      ctx.header("WWW-Authenticate", "Bearer");
    }
    write(ctx, status(e.kind()), code(e.kind()), e.getMessage());
  }

  /** Javalin's own answers (no such route, method not allowed, ...), as JSON errors. */
  private static void httpResponseException(HttpResponseException e, Context ctx) {
    int status = e.getStatus();
    String error = JsonErrorHandler.code(status);
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
        code(ErrorKind.INTERNAL),
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
    ctx.status(status);
    ctx.contentType("application/json");
    ctx.result(body(error, detail));
  }

  /** The JSON error body, its detail in the user's terms. */
  static String body(String error, String detail) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", error);
    body.put("detail", userTerms(detail));
    return body.toString();
  }

  /** Qualified Java names such as {@code net.sf.jsqlparser.parser.ParseException: }. */
  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?::\\s*)?");

  /** Simple names of exceptions and errors, such as {@code StackOverflowError: }. */
  private static final Pattern THROWABLE_NAME =
      Pattern.compile("\\b[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b(?::\\s*)?");

  /**
   * The detail without the names of internal classes, which would mean nothing to the user and tell
   * an attacker what runs here. The messages are written in the user's terms where they are made;
   * this is the net under them, for messages that come from libraries.
   */
  static String userTerms(String detail) {
    if (detail == null) {
      return "The request failed.";
    }
    String clean = QUALIFIED_NAME.matcher(detail).replaceAll("");
    clean = THROWABLE_NAME.matcher(clean).replaceAll("").strip();
    return clean.isEmpty() ? "The request failed." : clean;
  }
}

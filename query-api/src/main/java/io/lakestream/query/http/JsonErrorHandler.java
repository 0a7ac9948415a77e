package io.lakestream.query.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's answers to requests that never reach a route (a URI or headers too long, a path with
 * {@code %00} or invalid UTF-8, a bad {@code Content-Length}): the same JSON error body as every
 * other error, {@code {"error": code, "detail": message}}, instead of Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback)
      throws IOException {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(body(code, message)), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    return ByteBuffer.wrap(body(status, reason));
  }

  private static byte[] body(int status, String reason) {
    return ErrorResponses.body(code(status), detail(status, reason))
        .getBytes(StandardCharsets.UTF_8);
  }

  static String code(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "body_too_large";
      case 414 -> "uri_too_long";
      case 431 -> "headers_too_large";
      default -> status >= 500 ? "internal" : "bad_request";
    };
  }

  private static String detail(int status, String reason) {
    return switch (status) {
      case 400 ->
          "The request is malformed"
              + (reason == null || reason.isBlank() || reason.equals("Bad Request")
                  ? ""
                  : " (" + reason + ")")
              + ": check that the path is percent-encoded UTF-8 without %00, encoded '/' or '\\'"
              + " or '..' segments, and that the headers are well-formed.";
      case 404 -> "No such route.";
      case 413 -> "The request body is larger than the server accepts: send a smaller body.";
      case 414 ->
          "The request URI is longer than the server accepts: send fewer or shorter query"
              + " parameters (POST /v1/sql takes long statements in its body).";
      case 431 ->
          "The request headers are larger than the server accepts: send fewer or smaller header"
              + " fields.";
      default ->
          status >= 500
              ? "The server failed to answer the request."
              : "The request was refused (HTTP " + status + ").";
    };
  }
}

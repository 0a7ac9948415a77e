package io.lakestream.query;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/** The requests the query API's ITs send to a running sidecar, through one HTTP client. */
final class ApiRequests {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ApiRequests() {}

  /** {@code GET origin + path} with the bearer {@code token} (none when null). */
  static HttpResponse<String> get(String origin, String path, String token) {
    return send(origin, "GET", path, token, null, Map.of());
  }

  /**
   * A request with the bearer {@code token} (none when null), a body (none when null) and more
   * {@code headers}; a failure to send is unchecked.
   */
  static HttpResponse<String> send(
      String origin,
      String method,
      String path,
      String token,
      String body,
      Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(origin + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    headers.forEach(request::header);
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

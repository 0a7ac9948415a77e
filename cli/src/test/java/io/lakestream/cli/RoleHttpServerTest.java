package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RoleHttpServerTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void healthAndReadyNameTheReasonWhileTheRoleDoesNotWork() throws Exception {
    AtomicReference<RoleHttpServer.Health> health =
        new AtomicReference<>(RoleHttpServer.Health.healthy());
    try (RoleHttpServer server =
        RoleHttpServer.start(
            0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), health::get)) {
      for (String path : new String[] {"/health", "/ready"}) {
        HttpResponse<String> ok = get(server, path);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("{\"status\":\"ok\"}");
      }

      health.set(
          RoleHttpServer.Health.unavailable(
              "stream_thread_failed", "A stream thread failed: \"boom\"\nreplaced."));
      for (String path : new String[] {"/health", "/ready"}) {
        HttpResponse<String> red = get(server, path);
        assertThat(red.statusCode()).isEqualTo(503);
        assertThat(red.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode body = new ObjectMapper().readTree(red.body());
        assertThat(body.get("status").asText()).isEqualTo("unavailable");
        assertThat(body.get("error").asText()).isEqualTo("stream_thread_failed");
        assertThat(body.get("detail").asText())
            .isEqualTo("A stream thread failed: \"boom\"\nreplaced.");
      }

      health.set(RoleHttpServer.Health.healthy());
      assertThat(get(server, "/health").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void livenessAndReadinessAreCheckedApart() throws Exception {
    try (RoleHttpServer server =
        RoleHttpServer.start(
            0,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            RoleHttpServer.Health::healthy,
            () -> RoleHttpServer.Health.unavailable("send_failed", "Cannot write."))) {
      assertThat(get(server, "/health").statusCode()).isEqualTo(200);
      HttpResponse<String> ready = get(server, "/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body())
          .isEqualTo(
              "{\"status\":\"unavailable\",\"error\":\"send_failed\",\"detail\":\"Cannot"
                  + " write.\"}");
    }
  }

  private static HttpResponse<String> get(RoleHttpServer server, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}

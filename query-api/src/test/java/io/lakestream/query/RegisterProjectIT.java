package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.storage.S3Settings;
import io.lakestream.testkit.EmbeddedS3Extension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /register_project} against a real S3 API (S3Proxy): the bucket is checked with a
 * HeadBucket under the given credentials; the secret is stored encrypted, never echoed; the
 * project's tables in its bucket are then discovered and served.
 */
class RegisterProjectIT {
  @RegisterExtension static EmbeddedS3Extension s3 = new EmbeddedS3Extension();
  @TempDir Path warehouse;
  @TempDir Path dataDir;

  @Test
  void registersReachableBucketsOnly() throws Exception {
    s3.createBucket("acme-bucket");
    QueryConfig config =
        QueryConfig.builder()
            .warehouse(warehouse.toUri())
            .adminToken("admin")
            .httpHost("127.0.0.1")
            .httpPort(0)
            .dataDir(dataDir)
            .encryptionKey("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
            .discoveryInterval(java.time.Duration.ofMillis(200))
            .pollInterval(java.time.Duration.ofMillis(100))
            .build();
    try (QueryRole role = QueryRole.start(config, new SimpleMeterRegistry())) {
      String origin = "http://127.0.0.1:" + role.port();
      String body =
          "{\"project_id\":\"acme\",\"bucket\":\"%s\",\"access_key\":\"%s\",\"secret_key\":\"%s\",\"endpoint\":\"%s\",\"table_name\":\"events\"}";
      HttpResponse<String> created =
          post(
              origin, body.formatted("acme-bucket", s3.accessKey(), s3.secretKey(), s3.endpoint()));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      assertThat(created.body()).doesNotContain(s3.secretKey());
      assertThat(Files.readString(dataDir.resolve("registrations.json")))
          .contains("acme-bucket")
          .doesNotContain(s3.secretKey());

      // The registered bucket's tables are discovered and served like the warehouse's.
      QueryConfig bucket =
          QueryConfig.builder()
              .warehouse("s3://acme-bucket")
              .s3(S3Settings.compatible(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey()))
              .open(true)
              .build();
      io.lakestream.schema.TableDefinition events =
          io.lakestream.schema.TableDefinitions.builtIn("events");
      DeltaFixture.Table table = DeltaFixture.of(bucket).table("acme", events);
      table.append(
          new TestRows(events, 8).rowsWithDuplicates("acme", 1_795_000_000_000_000L, 120, 1000),
          true);
      java.util.List<String> expected =
          ExpectedRows.jsonTexts(events, events.columnNames(), table.expectedRows());
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(30))
          .until(() -> get(origin, "/v1/projects/acme/tables/events/rows").statusCode() == 200);
      assertThat(
              ExpectedRows.texts(
                  ExpectedRows.parse(get(origin, "/v1/projects/acme/tables/events/rows").body())))
          .isEqualTo(expected);

      HttpResponse<String> wrongSecret =
          post(
              origin,
              body.formatted("acme-bucket", s3.accessKey(), "not-the-secret", s3.endpoint()));
      assertThat(wrongSecret.statusCode()).isEqualTo(400);
      JsonNode error = ExpectedRows.parse(wrongSecret.body());
      assertThat(error.get("error").asText()).isEqualTo("bad_request");
      assertThat(error.get("detail").asText())
          .startsWith(
              "Cannot register project 'acme': bucket 'acme-bucket' is not reachable at "
                  + s3.endpoint())
          .contains("403")
          .doesNotContain("not-the-secret");

      HttpResponse<String> noBucket =
          post(
              origin,
              body.formatted("missing-bucket", s3.accessKey(), s3.secretKey(), s3.endpoint()));
      assertThat(noBucket.statusCode()).isEqualTo(400);
      assertThat(noBucket.body()).contains("does not exist");

      HttpResponse<String> noServer =
          post(
              origin,
              body.formatted("acme-bucket", s3.accessKey(), s3.secretKey(), "http://127.0.0.1:1"));
      assertThat(noServer.statusCode()).isEqualTo(400);
      assertThat(noServer.body()).contains("no answer");
    }
  }

  private static HttpResponse<String> get(String origin, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(origin + path))
                .header("Authorization", "Bearer admin")
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String origin, String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(origin + "/register_project"))
                .header("Authorization", "Bearer admin")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}

package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.reader.TestRows;
import io.lakestream.storage.S3Settings;
import io.lakestream.testkit.EmbeddedS3Extension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
            .allowPrivateEndpoints(true) // S3Proxy listens on 127.0.0.1
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

      // Every cause of "not reachable" gets the same answer: it never tells what the server can
      // reach (S3 answering 403 or 404, a closed port, a host that does not resolve).
      String unreachable =
          "Cannot register project 'acme': bucket '%s' is not reachable at %s with the given"
              + " credentials. Check the endpoint, region, bucket, access_key and secret_key.";
      HttpResponse<String> wrongSecret =
          post(
              origin,
              body.formatted("acme-bucket", s3.accessKey(), "not-the-secret", s3.endpoint()));
      assertThat(detail(wrongSecret, 400))
          .isEqualTo(unreachable.formatted("acme-bucket", s3.endpoint()));
      assertThat(wrongSecret.body()).doesNotContain("not-the-secret");

      HttpResponse<String> noBucket =
          post(
              origin,
              body.formatted("missing-bucket", s3.accessKey(), s3.secretKey(), s3.endpoint()));
      assertThat(detail(noBucket, 400))
          .isEqualTo(unreachable.formatted("missing-bucket", s3.endpoint()));

      HttpResponse<String> noServer =
          post(
              origin,
              body.formatted("acme-bucket", s3.accessKey(), s3.secretKey(), "http://127.0.0.1:1"));
      assertThat(detail(noServer, 400))
          .isEqualTo(unreachable.formatted("acme-bucket", "http://127.0.0.1:1"));

      HttpResponse<String> ownPort =
          post(origin, body.formatted("acme-bucket", s3.accessKey(), s3.secretKey(), origin));
      assertThat(detail(ownPort, 400)).isEqualTo(unreachable.formatted("acme-bucket", origin));

      HttpResponse<String> noHost =
          post(
              origin,
              body.formatted(
                  "acme-bucket", s3.accessKey(), s3.secretKey(), "http://no-such-host.invalid"));
      assertThat(detail(noHost, 400))
          .isEqualTo(unreachable.formatted("acme-bucket", "http://no-such-host.invalid"));
    }
  }

  @Test
  void refusesPrivateEndpointsAndInvalidFieldsBeforeContactingAnything() throws Exception {
    s3.createBucket("acme-bucket");
    QueryConfig config =
        QueryConfig.builder()
            .warehouse(warehouse.toUri())
            .adminToken("admin")
            .httpHost("127.0.0.1")
            .httpPort(0)
            .dataDir(dataDir)
            .encryptionKey("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
            .build();
    try (QueryRole role = QueryRole.start(config, new SimpleMeterRegistry())) {
      String origin = "http://127.0.0.1:" + role.port();
      String body =
          "{\"project_id\":\"%s\",\"bucket\":\"acme-bucket\",\"access_key\":\"%s\","
              + "\"secret_key\":\"%s\",\"endpoint\":\"%s\",\"table_name\":\"events\""
              + ",\"region\":\"%s\"}";
      // S3Proxy is up on loopback with these credentials, yet it is not contacted.
      for (String endpoint :
          java.util.List.of(
              s3.endpoint(),
              "http://localhost:1",
              "http://169.254.169.254",
              "http://10.1.2.3:9000",
              "http://192.168.0.10",
              "http://[::1]:9000",
              "http://[fd00::1]",
              "http://0.0.0.0:9000")) {
        HttpResponse<String> refused =
            post(
                origin,
                body.formatted("acme", s3.accessKey(), s3.secretKey(), endpoint, "us-east-1"));
        assertThat(detail(refused, 400))
            .as(endpoint)
            .isEqualTo(
                "Cannot register the project: endpoint '"
                    + endpoint
                    + "' is a loopback, link-local, private or unspecified address, which this"
                    + " server does not contact. Use a public endpoint, or set"
                    + " query.register.allow-private-endpoints=true where private endpoints are"
                    + " meant.");
      }
      assertThat(
              detail(
                  post(
                      origin,
                      body.formatted(
                          "acme", s3.accessKey(), s3.secretKey(), "ftp://example.org", "")),
                  400))
          .isEqualTo(
              "Cannot register the project: endpoint 'ftp://example.org' must be an http:// or"
                  + " https:// URL with a host.");
      assertThat(
              detail(
                  post(
                      origin,
                      body.formatted("a.", s3.accessKey(), s3.secretKey(), s3.endpoint(), "")),
                  400))
          .isEqualTo(
              "Cannot register the project: project_id 'a.' is not a project id: use 1 to 64"
                  + " letters, digits, '_' or '-' (case-insensitive, stored in lower case).");
      assertThat(
              detail(
                  post(
                      origin,
                      body.formatted(
                          "acme", s3.accessKey(), s3.secretKey(), s3.endpoint(), "../../x y")),
                  400))
          .isEqualTo(
              "Cannot register the project: region '../../x y' is not a region name: use"
                  + " lower-case letters, digits and '-', e.g. eu-central-1.");
      assertThat(Files.exists(dataDir.resolve("registrations.json"))).isFalse();
    }
  }

  @Test
  void storesTheProjectIdInLowerCase() throws Exception {
    s3.createBucket("acme-bucket");
    QueryConfig config =
        QueryConfig.builder()
            .warehouse(warehouse.toUri())
            .adminToken("admin")
            .httpHost("127.0.0.1")
            .httpPort(0)
            .allowPrivateEndpoints(true)
            .build();
    try (QueryRole role = QueryRole.start(config, new SimpleMeterRegistry())) {
      String origin = "http://127.0.0.1:" + role.port();
      String body =
          "{\"project_id\":\"%s\",\"bucket\":\"acme-bucket\",\"access_key\":\"%s\","
              + "\"secret_key\":\"%s\",\"endpoint\":\"%s\",\"table_name\":\"%s\"}";
      HttpResponse<String> upper =
          post(
              origin,
              body.formatted("ACME", s3.accessKey(), s3.secretKey(), s3.endpoint(), "events"));
      assertThat(upper.statusCode()).as(upper.body()).isEqualTo(201);
      assertThat(ExpectedRows.parse(upper.body()).get("project_id").asText()).isEqualTo("acme");
      HttpResponse<String> lower =
          post(
              origin,
              body.formatted("acme", s3.accessKey(), s3.secretKey(), s3.endpoint(), "metrics"));
      assertThat(ExpectedRows.parse(lower.body()).get("tables").toString())
          .as("one project with both tables, not two")
          .isEqualTo("[\"events\",\"metrics\"]");
    }
  }

  private static String detail(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode error = ExpectedRows.parse(response.body());
    assertThat(error.get("error").asText()).isEqualTo("bad_request");
    return error.get("detail").asText();
  }

  private static HttpResponse<String> get(String origin, String path) {
    return ApiRequests.get(origin, path, "admin");
  }

  private static HttpResponse<String> post(String origin, String body) {
    return ApiRequests.send(
        origin,
        "POST",
        "/register_project",
        "admin",
        body,
        Map.of("Content-Type", "application/json"));
  }
}

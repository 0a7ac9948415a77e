package io.lakestream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.cli.config.Configuration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the tests of {@code lakestream dev} share: its options over a data folder (HTTP and
 * PostgreSQL ports chosen by the system), the calls they make to its query API, and producing a
 * record.
 */
final class DevFixture {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private DevFixture() {}

  /**
   * {@code lakestream dev} over {@code dataDir}, without the demo producer; plus {@code settings}.
   */
  static DevRuntime.Options options(Path dataDir, Map<String, String> settings) {
    return options(dataDir, 0, false, settings);
  }

  /**
   * {@code lakestream dev} over {@code dataDir} on {@code kafkaPort} (0: any), with or without the
   * demo producer; plus {@code settings}.
   */
  static DevRuntime.Options options(
      Path dataDir, int kafkaPort, boolean demo, Map<String, String> settings) {
    Map<String, String> all = new HashMap<>();
    all.put("data.dir", dataDir.toString());
    all.put("query.http.port", "0");
    all.put("query.pg.port", "0");
    all.putAll(settings);
    Configuration config =
        Configuration.resolve(Optional.empty(), Map.of(), all, RoleDefaults.of("dev"));
    return new DevRuntime.Options(config, kafkaPort, 0, demo);
  }

  /** {@code GET path} of the query API. */
  static HttpResponse<String> get(DevRuntime dev, String path) throws Exception {
    return send(dev, "GET", path, null);
  }

  /** {@code POST /v1/sql} with {@code statement}. */
  static HttpResponse<String> sql(DevRuntime dev, String statement) throws Exception {
    JsonNode body = JSON.createObjectNode().put("sql", statement);
    return send(dev, "POST", "/v1/sql", body.toString());
  }

  /** A request to the query API, with a JSON body or none. */
  static HttpResponse<String> send(DevRuntime dev, String method, String path, String body)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base(dev) + path))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The query API's address. */
  static String base(DevRuntime dev) {
    return "http://localhost:" + dev.query().port();
  }

  /** Produces one string record and waits for its acknowledgement. */
  static void produce(String bootstrap, String topic, String value) {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringSerializer(),
            new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, value)).get();
    } catch (Exception e) {
      throw new AssertionError("produce failed", e);
    }
  }
}

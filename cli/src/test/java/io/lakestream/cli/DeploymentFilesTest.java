package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.lakestream.cli.config.Configuration;
import io.lakestream.cli.config.Setting;
import io.lakestream.cli.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The deployment files parse, start roles the CLI has, and set only configuration keys that exist.
 * (No Docker engine runs here, so `docker compose config` cannot; this checks what it would, and
 * more.)
 */
class DeploymentFilesTest {
  private static final Path ROOT = Path.of("..");
  private static final ObjectMapper YAML = new YAMLMapper();

  /** The commands of the production image (cli-dev's are not on this module's class path). */
  private static Set<String> subcommands() {
    return Main.commandLine().getSubcommands().entrySet().stream()
        .filter(e -> !(e.getValue().getCommand() instanceof Main.NotInstalled))
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  private static Set<String> environmentVariables() {
    return Settings.ALL.stream().map(Setting::environmentVariable).collect(Collectors.toSet());
  }

  @Test
  void composeRunsKafkaMinioACollectorAndTheFourRoles() throws Exception {
    // SnakeYAML resolves the anchors and merge keys (<<: *lakestream) the way Compose does.
    Object loaded =
        new org.yaml.snakeyaml.Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
    JsonNode compose = new ObjectMapper().valueToTree(loaded);
    JsonNode services = compose.path("services");
    assertThat(services.path("kafka").path("image").asText()).startsWith("apache/kafka:");
    assertThat(services.path("minio").path("image").asText()).startsWith("minio/minio");
    assertThat(services.path("minio-init").path("command").toString()).contains("mc mb");
    assertThat(services.path("otel-collector").path("image").asText())
        .contains("opentelemetry-collector");
    for (String role : List.of("ingest", "write", "maintain", "query")) {
      JsonNode service = services.path(role);
      assertThat(service.isMissingNode()).as(role).isFalse();
      String command = service.path("command").get(0).asText();
      assertThat(subcommands()).as("compose service %s runs a CLI command", role).contains(command);
      assertThat(service.path("healthcheck").path("test").toString()).contains("/health");
      Iterable<String> names = () -> service.path("environment").fieldNames();
      for (String name : names) {
        assertThat(environmentVariables()).as("%s sets a known key", name).contains(name);
      }
    }
  }

  @Test
  void theCollectorExportsEverySignalToItsTopicAsOtlpProto() throws Exception {
    JsonNode config = YAML.readTree(ROOT.resolve("deploy/compose/otel-collector.yaml").toFile());
    JsonNode kafka = config.path("exporters").path("kafka");
    assertThat(kafka.path("logs").path("topic").asText()).isEqualTo("otlp_logs");
    assertThat(kafka.path("traces").path("topic").asText()).isEqualTo("otlp_spans");
    assertThat(kafka.path("metrics").path("topic").asText()).isEqualTo("otlp_metrics");
    for (String signal : List.of("logs", "traces", "metrics")) {
      assertThat(kafka.path(signal).path("encoding").asText()).isEqualTo("otlp_proto");
      assertThat(config.path("service").path("pipelines").path(signal).path("exporters").toString())
          .contains("kafka");
    }
  }

  @Test
  void kubernetesManifestsHaveTheirRequiredFields() throws Exception {
    List<JsonNode> documents = new ArrayList<>();
    try (Stream<Path> files = Files.list(ROOT.resolve("deploy/k8s"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
          YAML.readValues(parser, JsonNode.class).readAll().forEach(documents::add);
        }
      }
    }
    Map<String, JsonNode> byName = new HashMap<>();
    for (JsonNode doc : documents) {
      assertThat(doc.path("apiVersion").asText()).isNotBlank();
      assertThat(doc.path("kind").asText()).isNotBlank();
      assertThat(doc.path("metadata").path("name").asText()).isNotBlank();
      byName.put(doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText(), doc);
    }
    assertThat(byName)
        .containsKeys(
            "Deployment/lakestream-ingest",
            "Deployment/lakestream-writer",
            "Deployment/lakestream-maintain",
            "Deployment/lakestream-query",
            "Service/lakestream-query",
            "ConfigMap/lakestream",
            "Secret/lakestream");
    for (String name :
        List.of(
            "lakestream-ingest", "lakestream-writer", "lakestream-maintain", "lakestream-query")) {
      JsonNode spec = byName.get("Deployment/" + name).path("spec");
      JsonNode container = spec.path("template").path("spec").path("containers").get(0);
      assertThat(spec.path("selector").path("matchLabels"))
          .isEqualTo(spec.path("template").path("metadata").path("labels"));
      assertThat(subcommands()).contains(container.path("args").get(0).asText());
      assertThat(container.path("livenessProbe").path("httpGet").path("path").asText())
          .isEqualTo("/health");
      assertThat(container.path("readinessProbe").path("httpGet").path("path").asText())
          .isIn("/health", "/ready");
    }
    assertThat(
            byName
                .get("Deployment/lakestream-query")
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0)
                .path("readinessProbe")
                .path("httpGet")
                .path("path")
                .asText())
        .isEqualTo("/ready");
    JsonNode secret = byName.get("Secret/lakestream").path("stringData");
    Iterable<String> secretNames = secret::fieldNames;
    for (String name : secretNames) {
      assertThat(environmentVariables()).as("secret key %s", name).contains(name);
    }
  }

  @Test
  void theConfigMapIsAValidLakestreamConfiguration() throws Exception {
    JsonNode configMap = YAML.readTree(ROOT.resolve("deploy/k8s/configmap.yaml").toFile());
    Path file = Files.createTempFile("lakestream", ".yaml");
    try {
      Files.writeString(file, configMap.path("data").path("lakestream.yaml").asText());
      Configuration config = Configuration.resolve(Optional.of(file), Map.of(), Map.of(), Map.of());
      assertThat(config.string(Settings.WAREHOUSE)).isEqualTo("s3://lakestream/warehouse");
      assertThat(config.string(Settings.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("kafka:9092");
    } finally {
      Files.delete(file);
    }
  }
}

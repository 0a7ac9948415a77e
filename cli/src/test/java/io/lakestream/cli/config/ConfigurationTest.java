package io.lakestream.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationTest {

  @Test
  void laterSourcesWin(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("lakestream.yaml");
    Files.writeString(
        file,
        """
        kafka:
          bootstrap.servers: file-broker:9092
        writer:
          flush:
            age: 10s
            rows: 500
        query.http.port: 9999
        """);
    Configuration config =
        Configuration.resolve(
            Optional.of(file),
            Map.of("LAKESTREAM_WRITER_FLUSH_AGE", "20s", "LAKESTREAM_QUERY_HTTP_PORT", "7777"),
            Map.of("query.http.port", "6666"),
            Map.of(Settings.WRITER_FLUSH_BYTES, "1MiB"));
    assertThat(config.string(Settings.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("file-broker:9092");
    assertThat(config.integer(Settings.WRITER_FLUSH_ROWS)).isEqualTo(500);
    assertThat(config.duration(Settings.WRITER_FLUSH_AGE)).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.integer(Settings.QUERY_HTTP_PORT)).isEqualTo(6666);
    assertThat(config.size(Settings.WRITER_FLUSH_BYTES)).isEqualTo(1L << 20);
    assertThat(config.describe().get("query.http.port").source()).isEqualTo("flag");
    assertThat(config.describe().get("writer.flush.age").source())
        .isEqualTo("environment LAKESTREAM_WRITER_FLUSH_AGE");
    assertThat(config.describe().get("writer.flush.rows").source()).isEqualTo("file " + file);
  }

  @Test
  void propertiesFilesWorkToo(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("lakestream.properties");
    Files.writeString(file, "warehouse=s3://lake/prefix\ns3.endpoint=http://minio:9000\n");
    Configuration config = Configuration.resolve(Optional.of(file), Map.of(), Map.of(), Map.of());
    assertThat(config.string(Settings.WAREHOUSE)).isEqualTo("s3://lake/prefix");
    assertThat(config.string(Settings.S3_ENDPOINT)).isEqualTo("http://minio:9000");
  }

  @Test
  void secretsAreMaskedWhenShown() {
    Configuration config =
        Configuration.resolve(
            Optional.empty(),
            Map.of("LAKESTREAM_S3_SECRET_KEY", "hunter2"),
            Map.of("query.tokens", "acme=t1,globex=t2"),
            Map.of());
    assertThat(config.string(Settings.S3_SECRET_KEY)).isEqualTo("hunter2");
    assertThat(config.describe().get("s3.secret.key").value()).isEqualTo("****");
    assertThat(config.describe().get("query.tokens").value()).isEqualTo("****");
    assertThat(config.describe().toString()).doesNotContain("hunter2", "t1");
    assertThat(config.pairs(Settings.QUERY_TOKENS))
        .containsEntry("acme", "t1")
        .containsEntry("globex", "t2");
  }

  @Test
  void aBadValueNamesTheKeyAndItsSource() {
    assertThatThrownBy(
            () ->
                Configuration.resolve(
                    Optional.empty(),
                    Map.of("LAKESTREAM_WRITER_FLUSH_BYTES", "lots"),
                    Map.of(),
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Configuration key 'writer.flush.bytes' (from environment LAKESTREAM_WRITER_FLUSH_BYTES)"
                + " has value 'lots', which is not a size such as 1048576, 64KiB, 128MiB or 2GiB.");
  }

  @Test
  void portsAreCheckedWhenTheConfigurationIsRead() {
    assertThatThrownBy(
            () ->
                Configuration.resolve(
                    Optional.empty(), Map.of(), Map.of("role.http.port", "-5"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Configuration key 'role.http.port' (from flag) has value '-5', which is not a port"
                + " from 0 (any free port) to 65535.");
    assertThatThrownBy(
            () ->
                Configuration.resolve(
                    Optional.empty(), Map.of(), Map.of("query.http.port", "99999"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Configuration key 'query.http.port' (from flag)");
    assertThat(
            Configuration.resolve(
                    Optional.empty(), Map.of(), Map.of("query.pg.port", "-1"), Map.of())
                .integer(Settings.QUERY_PG_PORT))
        .isEqualTo(-1);
  }

  @Test
  void aMisspeltEnvironmentVariableIsRefusedAsAnUnknownKeyIs() {
    assertThatThrownBy(
            () ->
                Configuration.resolve(
                    Optional.empty(),
                    Map.of("LAKESTREAM_WRITER_FLUSH_AGEE", "5s"),
                    Map.of(),
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Unknown environment variable LAKESTREAM_WRITER_FLUSH_AGEE: it sets no configuration"
                + " key (did you mean LAKESTREAM_WRITER_FLUSH_AGE?). LAKESTREAM_ and a key in upper"
                + " case, its dots as _, set the key; `lakestream config` lists every key.");
    // the variables that are not keys, and Kafka client properties, are taken
    Configuration.resolve(
        Optional.empty(),
        Map.of(
            "LAKESTREAM_HOME", "/opt/lakestream",
            "LAKESTREAM_JAVA_OPTS", "-Xmx1g",
            "LAKESTREAM_LOG_LEVEL", "DEBUG",
            "LAKESTREAM_TOKEN", "t",
            "LAKESTREAM_KAFKA_CLIENT_RACK", "a"),
        Map.of(),
        Map.of());
  }

  @Test
  void aBadSecretIsNotEchoed() {
    assertThatThrownBy(
            () ->
                Configuration.resolve(
                    Optional.empty(), Map.of(), Map.of("query.tokens", "no pairs here"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Configuration key 'query.tokens' (from flag) has an invalid value, which is not a list"
                + " of name=value pairs separated by commas.");
  }

  @Test
  void anUnknownKeyIsRejected(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "writer:\n  flush_age: 1s\n  colour: blue\n");
    assertThatThrownBy(() -> Configuration.resolve(Optional.of(file), Map.of(), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Unknown configuration key 'writer.colour' (from file "
                + file
                + "). `lakestream config` lists every key; docs/configuration.md describes them.");
  }

  @Test
  void aMissingFileIsReported(@TempDir Path dir) {
    Path file = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> Configuration.resolve(Optional.of(file), Map.of(), Map.of(), Map.of()))
        .hasMessage("Configuration file " + file + " does not exist.");
  }

  @Test
  void requiredNamesTheKeyAndHowToSetIt() {
    assertThatThrownBy(
            () ->
                Configuration.defaults()
                    .required(Settings.WAREHOUSE, "the writer needs a warehouse"))
        .hasMessage(
            "Configuration key 'warehouse' is not set: the writer needs a warehouse. Set it in the"
                + " configuration file, with LAKESTREAM_WAREHOUSE, or with a flag.");
  }

  @Test
  void durationsAndSizesParse() {
    assertThat(Configuration.parseDuration("500ms")).contains(Duration.ofMillis(500));
    assertThat(Configuration.parseDuration("2h")).contains(Duration.ofHours(2));
    assertThat(Configuration.parseDuration("2 weeks")).isEmpty();
    assertThat(Configuration.parseSize("128MiB")).contains(128L << 20);
    assertThat(Configuration.parseSize("1000")).contains(1000L);
    assertThat(Configuration.parseSize("1.5GiB")).isEmpty();
  }

  @Test
  void everyDefaultIsValid() {
    Configuration config = Configuration.defaults();
    assertThat(config.describe()).hasSize(Settings.ALL.size());
    assertThat(config.kafkaClientProperties()).isEmpty();
    assertThat(config.duration(Settings.WRITER_FLUSH_AGE)).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.size(Settings.WRITER_FLUSH_BYTES)).isEqualTo(128L << 20);
  }

  @Test
  void kafkaKeysReachTheKafkaClientsFromEverySource(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("lakestream.yaml");
    Files.writeString(file, "kafka:\n  bootstrap.servers: k:9092\n  security.protocol: SASL_SSL\n");

    Configuration config =
        Configuration.resolve(
            Optional.of(file),
            Map.of(
                "LAKESTREAM_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "LAKESTREAM_KAFKA_SASL_JAAS_CONFIG", "ScramLoginModule required password=\"p\";",
                "OTHER_KAFKA_THING", "ignored"),
            Map.of("kafka.client.rack", "eu-1a", "kafka.session.timeout.ms", "30000"),
            Map.of());

    assertThat(config.kafkaClientProperties())
        .containsOnly(
            Map.entry("security.protocol", "SASL_SSL"),
            Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
            Map.entry("sasl.jaas.config", "ScramLoginModule required password=\"p\";"),
            Map.entry("client.rack", "eu-1a"),
            Map.entry("session.timeout.ms", "30000"));
    assertThat(config.string(Settings.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("k:9092");
    assertThat(config.describe().get("kafka.sasl.jaas.config").value()).isEqualTo("****");
    assertThat(config.describe().get("kafka.client.rack").value()).isEqualTo("eu-1a");
  }

  @Test
  void otherUnknownKeysAreStillRejected() {
    assertThatThrownBy(
            () ->
                Configuration.resolve(
                    Optional.empty(), Map.of(), Map.of("kafkaa.x", "1"), Map.of()))
        .hasMessageStartingWith("Unknown configuration key 'kafkaa.x' (from flag)");
  }
}

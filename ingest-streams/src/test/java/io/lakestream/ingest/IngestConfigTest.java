package io.lakestream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.schema.TableDefinitions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class IngestConfigTest {
  @Test
  void everySettingButTheBrokerHasADefault() {
    IngestConfig config = IngestConfig.builder("localhost:9092").build();

    assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(config.applicationId()).isEqualTo("lakestream-ingest");
    assertThat(config.logs()).isEqualTo(OtlpInput.proto("otlp_logs"));
    assertThat(config.spans()).isEqualTo(OtlpInput.proto("otlp_spans"));
    assertThat(config.metrics()).isEqualTo(OtlpInput.proto("otlp_metrics"));
    assertThat(config.tables()).isEqualTo(TableDefinitions.builtIns());
    assertThat(config.projectAttribute()).isEqualTo("project_id");
    assertThat(config.defaultProject()).isEmpty();
    assertThat(config.routedPartitions()).isEqualTo(12);
    assertThat(config.maxRecordBytes()).isEqualTo(1_000_000);
    assertThat(config.minTimestamp()).isEqualTo(Instant.EPOCH);
    assertThat(config.maxFutureSkew()).isEqualTo(Duration.ofDays(1));
    assertThat(config.numStreamThreads()).isEqualTo(1);
    assertThat(config.streamsOverrides()).isEmpty();
  }

  @Test
  void toBuilderKeepsEverySetting() {
    IngestConfig config =
        IngestConfig.builder("b:1")
            .applicationId("app")
            .logs("l", OtlpEncoding.JSON)
            .defaultProject("p")
            .routedPartitions(3)
            .build();

    assertThat(config.toBuilder().build()).isEqualTo(config);
    assertThat(config.toBuilder().defaultProject(null).build().defaultProject())
        .isEqualTo(Optional.empty());
  }

  @Test
  void anInvalidDefaultProjectIsRefused() {
    assertThatThrownBy(() -> IngestConfig.builder("b:1").defaultProject("../x").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid ingest configuration: default project '../x' is not a project id. Use 1 to"
                + " 64 letters, digits, '_' or '-'.");
  }

  @Test
  void oneTopicForTwoSignalsIsRefused() {
    assertThatThrownBy(
            () -> IngestConfig.builder("b:1").spans("otlp_logs", OtlpEncoding.PROTO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid ingest configuration: OTLP topic 'otlp_logs' is used for two signals. Give"
                + " each signal its own topic.");
  }

  @Test
  void lakestreamsOwnTopicsAreNotOtlpInputs() {
    assertThatThrownBy(
            () ->
                IngestConfig.builder("b:1")
                    .logs("lakestream.ingest.events", OtlpEncoding.PROTO)
                    .build())
        .hasMessage(
            "Invalid ingest configuration: OTLP topic 'lakestream.ingest.events' is one of"
                + " Lakestream's own topics. Use another name, e.g. otlp_logs.");
  }

  @Test
  void tablesMustBeKeyedByName() {
    assertThatThrownBy(
            () ->
                IngestConfig.builder("b:1")
                    .tables(Map.of("logs", TableDefinitions.builtIn("events")))
                    .build())
        .hasMessage(
            "Invalid ingest configuration: table key 'logs' differs from the definition's name"
                + " 'events'. Key each definition by its name.");
  }

  @Test
  void numbersOutOfRangeAreRefused() {
    assertThatThrownBy(() -> IngestConfig.builder("b:1").routedPartitions(0).build())
        .hasMessage("Invalid ingest configuration: routed partitions is 0. Use at least 1.");
    assertThatThrownBy(() -> IngestConfig.builder("b:1").maxRecordBytes(10).build())
        .hasMessage(
            "Invalid ingest configuration: max record bytes is 10. Use at least 1024 bytes.");
    assertThatThrownBy(
            () -> IngestConfig.builder("b:1").maxFutureSkew(Duration.ofSeconds(-1)).build())
        .hasMessage(
            "Invalid ingest configuration: max future skew is PT-1S. Use zero or a positive"
                + " duration.");
    assertThatThrownBy(() -> IngestConfig.builder(" ").build())
        .hasMessage(
            "Invalid ingest configuration: bootstrap servers are blank. Give host:port of a"
                + " broker.");
  }

  @Test
  void theProducerRequestSizeFollowsTheRowLimitAndAnOverrideThatLeavesNoRoomIsRefused() {
    IngestConfig config = IngestConfig.builder("b:1").maxRecordBytes(2_000_000).build();
    assertThat(config.maxRequestBytes()).isEqualTo(2_048_588);
    assertThat(config.deadLetterBytes()).isEqualTo(2_048_588);
    Properties props = IngestTopology.streamsProperties(config, 8_000_000);
    assertThat(props.get("producer.max.request.size")).isEqualTo(2_048_588);
    assertThat(props.get("consumer.max.partition.fetch.bytes")).isEqualTo(8_000_000);
    assertThat(props.get("consumer.fetch.max.bytes")).isEqualTo(52_428_800);

    assertThatThrownBy(
            () ->
                IngestConfig.builder("b:1")
                    .streamsOverrides(Map.of("producer.max.request.size", "1010000"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid ingest configuration: the producer's max.request.size (1010000) leaves no"
                + " room for a row of ingest.max.record.bytes (1000000) with its headers. Set"
                + " max.request.size to at least ingest.max.record.bytes + 16384, or leave it"
                + " unset (ingest.max.record.bytes + 48588).");
  }

  @Test
  void encodingsParseByTheirExporterNames() {
    assertThat(OtlpEncoding.parse("otlp_proto")).isEqualTo(OtlpEncoding.PROTO);
    assertThat(OtlpEncoding.parse("JSON")).isEqualTo(OtlpEncoding.JSON);
    assertThat(OtlpEncoding.parse("otlp_json")).isEqualTo(OtlpEncoding.JSON);
    assertThatThrownBy(() -> OtlpEncoding.parse("raw"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unknown OTLP encoding 'raw'. Use otlp_proto (the default) or otlp_json.");
  }
}

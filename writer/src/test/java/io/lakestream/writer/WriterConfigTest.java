package io.lakestream.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.storage.S3Settings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriterConfigTest {
  @Test
  void devDefaultsFlushWithinASecondAndProductionDefaultsMakeLargeFiles() {
    WriterConfig dev = WriterConfig.devDefaults("localhost:9092", URI.create("file:///tmp/lake"));
    WriterConfig production =
        WriterConfig.productionDefaults("kafka:9092", URI.create("s3://bucket/prefix"));

    assertThat(dev.flushAge()).isEqualTo(Duration.ofSeconds(1));
    assertThat(dev.groupId()).isEqualTo("lakestream-writer");
    assertThat(dev.tables()).containsKeys("otel_logs_and_spans", "metrics", "events");
    assertThat(production.flushBytes()).isEqualTo(128L << 20);
    assertThat(production.flushAge()).isEqualTo(Duration.ofMinutes(5));
    assertThat(production.checkpointInterval()).isEqualTo(10);
    assertThat(production.warehouseOnS3()).isTrue();
  }

  @Test
  void flushesOnAtLeastTwoThreadsByDefaultAndRefusesNone() {
    WriterConfig config =
        WriterConfig.builder().bootstrapServers("k:9092").warehouse("/tmp/lake").build();

    assertThat(config.flushThreads())
        .isEqualTo(Math.max(2, Runtime.getRuntime().availableProcessors()));
    assertThatThrownBy(
            () ->
                WriterConfig.builder()
                    .bootstrapServers("k:9092")
                    .warehouse("/tmp/lake")
                    .flushThreads(0)
                    .build())
        .isInstanceOfSatisfying(
            WriterException.class,
            e -> assertThat(e.kind()).isEqualTo(io.lakestream.schema.ErrorKind.BAD_REQUEST))
        .hasMessage("Invalid writer configuration 'flushThreads': must be at least 1.");
  }

  @Test
  void parsesAPlainPathAsALocalWarehouse() {
    WriterConfig config =
        WriterConfig.builder().bootstrapServers("k:9092").warehouse("/no/such/lake").build();

    assertThat(config.warehouse()).isEqualTo(URI.create("file:///no/such/lake"));
  }

  @Test
  void rejectsWhatCannotWork() {
    assertThatThrownBy(
            () ->
                WriterConfig.builder()
                    .bootstrapServers("k:9092")
                    .warehouse(URI.create("hdfs://nn/lake"))
                    .build())
        .isInstanceOf(WriterException.class)
        .hasMessage(
            "Cannot write to warehouse hdfs://nn/lake: scheme 'hdfs' is not supported. Use"
                + " file:///absolute/path or s3://bucket/prefix.");
    assertThatThrownBy(
            () ->
                WriterConfig.builder()
                    .bootstrapServers("k:9092")
                    .warehouse("/tmp/lake")
                    .flushBytes(2L << 30)
                    .build())
        .isInstanceOf(WriterException.class)
        .hasMessageStartingWith("Invalid writer configuration 'memoryCapBytes': must be at least");
  }

  @Test
  void neverShowsTheSecretKey() {
    S3Settings s3 = S3Settings.compatible("http://127.0.0.1:9000", "us-east-1", "id", "hunter2");

    assertThat(s3.toString()).doesNotContain("hunter2").contains("****");
    assertThat(
            WriterConfig.builder()
                .bootstrapServers("k:9092")
                .warehouse("/tmp/x")
                .s3(s3)
                .build()
                .toString())
        .doesNotContain("hunter2");
  }

  @Test
  void aStableInstanceIdMakesTheConsumerAStaticMemberAndKafkaKeysWin() {
    WriterConfig config =
        WriterConfig.builder()
            .bootstrapServers("k:9092")
            .warehouse("/lake")
            .instanceId("writer-0")
            .kafkaProperties(Map.of("security.protocol", "SSL", "session.timeout.ms", "30000"))
            .build();

    Map<String, Object> consumer = WriterRole.consumerProperties(config);
    assertThat(consumer)
        .containsEntry("group.instance.id", "writer-0")
        .containsEntry("security.protocol", "SSL")
        .containsEntry("session.timeout.ms", "30000");
    assertThat(WriterRole.producerProperties(config))
        .containsEntry("security.protocol", "SSL")
        .doesNotContainKey("group.instance.id");
    WriterConfig dynamic = config.toBuilder().instanceId("").kafkaProperties(Map.of()).build();
    assertThat(WriterRole.consumerProperties(dynamic))
        .doesNotContainKey("group.instance.id")
        .containsEntry("session.timeout.ms", 15_000);
  }
}

package io.lakestream.writer;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.Topics;
import io.lakestream.storage.S3Settings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The writer against a real Kafka broker and MinIO in containers, where Docker runs; skipped
 * cleanly elsewhere.
 */
@Testcontainers(disabledWithoutDocker = true)
class WriterContainersIT {
  @Container static KafkaContainer kafka = new KafkaContainer("apache/kafka:3.9.1");

  @Container
  static MinIOContainer minio = new MinIOContainer("minio/minio:RELEASE.2025-04-22T22-12-26Z");

  @Test
  void writesEveryRowExactlyOnceOnMinio() throws Exception {
    Map<String, TableDefinition> tables = TestTables.builtInsPrefixed("tc");
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers()))) {
      List<NewTopic> topics =
          new java.util.ArrayList<>(
              tables.keySet().stream()
                  .map(t -> new NewTopic(Topics.rows(t), 3, (short) 1))
                  .toList());
      topics.add(new NewTopic(Topics.DEAD_LETTER, 1, (short) 1));
      admin.createTopics(topics).all().get();
    }
    try (S3Client s3 =
        S3Client.builder()
            .endpointOverride(URI.create(minio.getS3URL()))
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(minio.getUserName(), minio.getPassword())))
            .build()) {
      s3.createBucket(b -> b.bucket("lake"));
    }
    WriterConfig config =
        WriterConfig.devBuilder()
            .bootstrapServers(kafka.getBootstrapServers())
            .groupId("tc-writer")
            .warehouse(URI.create("s3://lake/warehouse"))
            .s3(
                S3Settings.compatible(
                    minio.getS3URL(), "us-east-1", minio.getUserName(), minio.getPassword()))
            .tables(tables)
            .topicPattern("lakestream\\.rows\\.tc_.*")
            .flushAge(Duration.ofMillis(300))
            .build();
    Workload workload =
        Workload.generate(tables.values(), List.of("acme", "globex"), "otlp_logs", 2, 0, 100, 7);

    try (RoutedProducer producer = new RoutedProducer(kafka.getBootstrapServers());
        WriterRole writer = WriterRole.start(config, new SimpleMeterRegistry())) {
      workload.produce(producer, 40);
      new Lake(config).awaitExactly(workload.expected(), Duration.ofSeconds(120));
    }
  }
}

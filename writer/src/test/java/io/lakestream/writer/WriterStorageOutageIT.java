package io.lakestream.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.Topics;
import io.lakestream.storage.S3Settings;
import io.lakestream.testkit.EmbeddedKafkaExtension;
import io.lakestream.testkit.EmbeddedS3;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** S3 goes away while rows keep coming, then comes back: the writer retries and loses nothing. */
class WriterStorageOutageIT {
  @RegisterExtension static EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @TempDir Path s3Data;

  @Test
  void rowsProducedDuringAnS3OutageLandOnceItIsBack() {
    Map<String, TableDefinition> tables = TestTables.builtInsPrefixed("outage");
    tables.keySet().forEach(table -> kafka.createTopic(Topics.rows(table), 2));
    kafka.createTopic(Topics.DEAD_LETTER, 1);
    EmbeddedS3 s3 = EmbeddedS3.builder().dataDir(s3Data).start();
    int port = s3.port();
    s3.createBucket("outage");
    WriterConfig config =
        WriterConfig.devBuilder()
            .bootstrapServers(kafka.bootstrapServers())
            .groupId("outage-writer")
            .warehouse(URI.create("s3://outage/lake"))
            .s3(S3Settings.compatible(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey()))
            .tables(tables)
            .topicPattern("lakestream\\.rows\\.outage_.*")
            .flushAge(Duration.ofMillis(300))
            .build();
    List<String> projects = List.of("acme", "globex");
    Workload before = Workload.generate(tables.values(), projects, "otlp_logs", 1, 0, 40, 8);
    Workload during = Workload.generate(tables.values(), projects, "otlp_logs", 1, 40, 40, 9);
    Lake lake = new Lake(config);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();

    try (RoutedProducer producer = new RoutedProducer(kafka.bootstrapServers());
        WriterRole writer = WriterRole.start(config, meters)) {
      before.produce(producer, 20);
      lake.awaitExactly(before.expected(), TIMEOUT);

      s3.close();
      during.produce(producer, 20);
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  meters.find("lakestream.writer.flush.failures").counters().stream()
                          .mapToDouble(c -> c.count())
                          .sum()
                      > 0);
      s3 = EmbeddedS3.builder().port(port).dataDir(s3Data).start();

      lake.awaitExactly(union(before, during), TIMEOUT);
      assertThat(writer.isRunning()).isTrue();
    } finally {
      s3.close();
    }
  }

  private static Map<Workload.TableId, Set<String>> union(Workload a, Workload b) {
    Map<Workload.TableId, Set<String>> all = new HashMap<>();
    for (Workload w : List.of(a, b)) {
      w.expected().forEach((t, ids) -> all.computeIfAbsent(t, k -> new TreeSet<>()).addAll(ids));
    }
    return all;
  }
}

package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.convert.AvroSchemas;
import io.lakestream.testkit.EmbeddedKafkaExtension;
import io.opentelemetry.proto.logs.v1.LogsData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ProduceCommandIT {
  @RegisterExtension static EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  @Test
  void ndjsonRowsBecomeAvroRowsOnTheIngestTopic(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("events.ndjson");
    Files.writeString(
        file,
        """
        {"timestamp": "2026-11-21T10:00:00Z", "event_type": "user.signup", "payload": {"plan": "pro"}}

        {"timestamp": 1795255201000000, "event_type": "user.login", "project_id": "globex"}
        """);
    String out =
        run(
            "produce",
            "--format",
            "ndjson",
            "--table",
            "events",
            "--topic",
            "ndjson-events",
            "--project",
            "acme",
            file.toString());
    assertThat(out).contains("sent 2 record(s) to ndjson-events");

    BinaryMessageDecoder<GenericRecord> decoder =
        new BinaryMessageDecoder<>(
            GenericData.get(), AvroSchemas.rowSchema(TableDefinitions.builtIn("events")));
    List<ConsumerRecord<byte[], byte[]>> records = consume("ndjson-events", 2);
    GenericRecord first = decoder.decode(records.get(0).value());
    GenericRecord second = decoder.decode(records.get(1).value());
    assertThat(first.get("project_id").toString()).isEqualTo("acme");
    assertThat(first.get("payload").toString()).isEqualTo("{\"plan\":\"pro\"}");
    assertThat(new String(records.get(0).key())).isEqualTo("acme");
    assertThat(second.get("project_id").toString()).isEqualTo("globex");
    assertThat(second.get("timestamp")).isEqualTo(1795255201000000L);
  }

  @Test
  void aBadLineIsReportedWithItsNumberAndNothingIsSent(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.ndjson");
    Files.writeString(
        file,
        "{\"timestamp\": 1, \"event_type\": \"a\"}\n{\"timestamp\": \"soon\", \"event_type\": \"b\"}\n");
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setErr(new PrintWriter(err));
    int status =
        cli.execute(
            "produce",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--format",
            "ndjson",
            "--project",
            "acme",
            "--topic",
            "bad-events",
            file.toString());
    assertThat(status).isEqualTo(1);
    assertThat(err.toString())
        .contains(
            file + " line 2: Column 'timestamp' of table events (timestamp) cannot hold \"soon\"");
    assertThat(kafka.kafka().topics()).doesNotContain("bad-events");
  }

  @Test
  void otlpProtobufFilesGoToTheirSignalTopicWithTheProjectHeader(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("logs.pb");
    LogsData logs =
        LogsData.newBuilder()
            .addResourceLogs(io.opentelemetry.proto.logs.v1.ResourceLogs.getDefaultInstance())
            .build();
    Files.write(file, logs.toByteArray());
    String out =
        run(
            "produce",
            "--format",
            "otlp_proto",
            "--signal",
            "logs",
            "--project",
            "acme",
            "--topic",
            "my_logs",
            file.toString());
    assertThat(out).contains("sent 1 record(s) to my_logs");
    ConsumerRecord<byte[], byte[]> record = consume("my_logs", 1).get(0);
    assertThat(LogsData.parseFrom(record.value())).isEqualTo(logs);
    assertThat(new String(record.headers().lastHeader("project_id").value())).isEqualTo("acme");
  }

  /**
   * OTLP/JSON files go to the signal's topic as the router reads it: as they are where the topic is
   * otlp_json, as protobuf where it is otlp_proto; both to the configured topic.
   */
  @Test
  void otlpJsonFilesAreSentInTheEncodingTheRouterReads(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("logs.json");
    String json =
        "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":"
            + "\"1700000000000000000\",\"body\":{\"stringValue\":\"hello\"}}]}]}]}";
    Files.writeString(file, json);
    String out =
        run(
            "produce",
            "--set",
            "ingest.otlp.logs.encoding=otlp_json",
            "--set",
            "ingest.otlp.logs.topic=json_logs",
            "--format",
            "otlp_json",
            "--signal",
            "logs",
            file.toString());
    assertThat(out).contains("sent 1 record(s) to json_logs");
    assertThat(new String(consume("json_logs", 1).get(0).value(), StandardCharsets.UTF_8))
        .isEqualTo(json);

    run(
        "produce",
        "--set",
        "ingest.otlp.logs.topic=proto_logs",
        "--format",
        "otlp_json",
        "--signal",
        "logs",
        file.toString());
    LogsData sent = LogsData.parseFrom(consume("proto_logs", 1).get(0).value());
    assertThat(sent.getResourceLogs(0).getScopeLogs(0).getLogRecords(0).getBody().getStringValue())
        .isEqualTo("hello");
  }

  @Test
  void generatedDataReachesEveryInputTopic() {
    String out = run("produce", "--generate", "1");
    assertThat(out)
        .contains("sent 3 record(s) to otlp_logs")
        .contains("sent 3 record(s) to otlp_spans")
        .contains("sent 3 record(s) to otlp_metrics")
        .contains("to lakestream.ingest.events");
  }

  @Test
  void noBrokerAtTheAddressIsSaidAtOnce() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setErr(new PrintWriter(err));
    int status =
        cli.execute("produce", "--bootstrap-servers", "127.0.0.1:" + port, "--generate", "1");
    assertThat(status).isEqualTo(1);
    assertThat(err.toString())
        .contains(
            "No Kafka broker answers at 127.0.0.1:"
                + port
                + ": start one (./lakestream dev starts one at localhost:9092) or name yours with"
                + " --bootstrap-servers host:port.");
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(1, List.of("--bootstrap-servers", kafka.bootstrapServers()));
    int status = cli.execute(all.toArray(String[]::new));
    assertThat(status).as("exit status; stderr: %s", err).isZero();
    return out.toString();
  }

  private static List<ConsumerRecord<byte[], byte[]>> consume(String topic, int expected) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "produce-test-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
              });
    }
    return records;
  }
}

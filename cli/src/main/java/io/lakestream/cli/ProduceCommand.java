package io.lakestream.cli;

import io.lakestream.cli.config.Configuration;
import io.lakestream.cli.config.Setting;
import io.lakestream.cli.config.Settings;
import io.lakestream.cli.demo.DemoData;
import io.lakestream.ingest.OtlpEncoding;
import io.lakestream.ingest.internal.OtlpPayloads;
import io.lakestream.schema.RecordHeaders;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.Topics;
import io.lakestream.schema.convert.AvroSchemas;
import io.lakestream.schema.convert.JsonRows;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lakestream produce}: sends files or generated data to the input topics, for checking a
 * setup end to end.
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = {
      "Send files or generated data to Lakestream's input topics.",
      "  otlp_proto FILE...  one serialized LogsData/TracesData/MetricsData per file → otlp_<signal>",
      "  otlp_json FILE...   OTLP/JSON per file → otlp_<signal>, in the topic's encoding",
      "                      (ingest.otlp.<signal>.encoding: converted to protobuf unless otlp_json)",
      "  ndjson FILE...      one JSON row per line → lakestream.ingest.<table> (Avro)",
      "  avro FILE...        Avro container files of rows → lakestream.ingest.<table>",
      "  --generate N        N rounds of demo data for three projects (OTLP and events)"
    })
final class ProduceCommand implements Callable<Integer> {
  enum Format {
    otlp_proto,
    otlp_json,
    ndjson,
    avro
  }

  enum Signal {
    logs,
    spans,
    metrics
  }

  @Mixin ConfigOptions config;

  @Option(names = "--bootstrap-servers", description = "Kafka brokers (kafka.bootstrap.servers).")
  String bootstrapServers;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--format", description = "otlp_proto, otlp_json, ndjson or avro.")
    Format format;

    @Option(names = "--generate", paramLabel = "N", description = "Send N rounds of demo data.")
    Integer generate;
  }

  @Option(names = "--signal", description = "For OTLP files: logs, spans or metrics.")
  Signal signal;

  @Option(
      names = "--table",
      defaultValue = "events",
      description = "For rows: the table (default: ${DEFAULT-VALUE}).")
  String table;

  @Option(names = "--topic", description = "Send to this topic instead of the default one.")
  String topic;

  @Option(
      names = "--project",
      description =
          "Project: a project_id header on OTLP records, the project_id of rows that have none.")
  String project;

  @Parameters(paramLabel = "FILE", description = "Files to send.")
  List<Path> files = new ArrayList<>();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Map<Setting, String> flags = new HashMap<>();
    flags.put(Settings.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
    Configuration configuration = config.resolve(flags, RoleDefaults.of("ingest"));
    String servers = configuration.string(Settings.KAFKA_BOOTSTRAP_SERVERS);
    requireBroker(servers, configuration);
    List<ProducerRecord<byte[], byte[]>> records =
        source.generate != null
            ? generated(configuration, source.generate)
            : fromFiles(configuration);
    Map<String, Object> properties = new HashMap<>();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
    properties.putAll(configuration.kafkaClientProperties());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (ProducerRecord<byte[], byte[]> record : records) {
        sent.add(producer.send(record));
      }
      producer.flush();
      Map<String, Integer> perTopic = new java.util.TreeMap<>();
      for (Future<RecordMetadata> future : sent) {
        try {
          perTopic.merge(future.get().topic(), 1, Integer::sum);
        } catch (ExecutionException e) {
          throw new CliException(
              "Could not send to " + servers + ": " + e.getCause().getMessage(), e);
        }
      }
      var out = spec.commandLine().getOut();
      perTopic.forEach((t, n) -> out.println("sent " + n + " record(s) to " + t));
      out.flush();
    }
    return 0;
  }

  /**
   * Fails at once, saying what to do, when no broker answers at {@code servers} within a few
   * seconds: a send would wait for the topics' metadata, then time out with a message about a
   * topic.
   */
  private static void requireBroker(String servers, Configuration configuration) {
    Map<String, Object> properties = new HashMap<>(configuration.kafkaClientProperties());
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    Admin admin = Admin.create(properties);
    try {
      admin.describeCluster().nodes().get(6, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new CliException(
          "No Kafka broker answers at "
              + servers
              + ": start one (./lakestream dev starts one at localhost:9092) or name yours with"
              + " --bootstrap-servers host:port.",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("Interrupted while reaching the Kafka broker at " + servers + ".", e);
    } finally {
      admin.close(java.time.Duration.ofSeconds(1));
    }
  }

  /** The router's topic of a signal's OTLP records, and their encoding, as configured. */
  private record OtlpTopic(String name, OtlpEncoding encoding) {}

  private static OtlpTopic otlpTopic(Configuration configuration, Signal signal) {
    Setting topic =
        switch (signal) {
          case logs -> Settings.INGEST_LOGS_TOPIC;
          case spans -> Settings.INGEST_SPANS_TOPIC;
          case metrics -> Settings.INGEST_METRICS_TOPIC;
        };
    Setting encoding =
        switch (signal) {
          case logs -> Settings.INGEST_LOGS_ENCODING;
          case spans -> Settings.INGEST_SPANS_ENCODING;
          case metrics -> Settings.INGEST_METRICS_ENCODING;
        };
    return new OtlpTopic(
        configuration.string(topic), IngestCommand.encoding(configuration, encoding));
  }

  private List<ProducerRecord<byte[], byte[]>> generated(Configuration configuration, int rounds) {
    for (Signal each : Signal.values()) {
      OtlpTopic target = otlpTopic(configuration, each);
      if (target.encoding() != OtlpEncoding.PROTO) {
        throw new CliException(
            "--generate sends OTLP protobuf, and the router reads "
                + target.name()
                + " as otlp_json: send OTLP/JSON files with --format otlp_json --signal "
                + each
                + " instead.");
      }
    }
    String spans = otlpTopic(configuration, Signal.spans).name();
    String logs = otlpTopic(configuration, Signal.logs).name();
    String metrics = otlpTopic(configuration, Signal.metrics).name();
    DemoData data = new DemoData(System.nanoTime());
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      for (String p : DemoData.PROJECTS) {
        DemoData.Batch batch = data.batch(p, Instant.now(), 3);
        records.add(new ProducerRecord<>(spans, batch.traces().toByteArray()));
        records.add(new ProducerRecord<>(logs, batch.logs().toByteArray()));
        records.add(new ProducerRecord<>(metrics, batch.metrics().toByteArray()));
        for (ByteBuffer event : batch.events()) {
          records.add(
              new ProducerRecord<>(
                  Topics.ingest("events"), p.getBytes(StandardCharsets.UTF_8), bytes(event)));
        }
      }
    }
    return records;
  }

  private List<ProducerRecord<byte[], byte[]>> fromFiles(Configuration configuration)
      throws IOException {
    if (files.isEmpty()) {
      throw new CliException("Name at least one FILE to send with --format " + source.format + ".");
    }
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        throw new CliException("File " + file + " does not exist.");
      }
      switch (source.format) {
        case otlp_proto -> records.add(otlp(configuration, file, otlpProto(configuration, file)));
        case otlp_json -> records.add(otlp(configuration, file, otlpJson(configuration, file)));
        case ndjson -> records.addAll(ndjson(configuration, file));
        case avro -> records.addAll(avroFile(configuration, file));
      }
    }
    return records;
  }

  private ProducerRecord<byte[], byte[]> otlp(
      Configuration configuration, Path file, byte[] value) {
    String target = topic != null ? topic : otlpTopic(configuration, signal(file)).name();
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(target, value);
    if (project != null) {
      record.headers().add(RecordHeaders.PROJECT_ID, project.getBytes(StandardCharsets.UTF_8));
    }
    return record;
  }

  private Signal signal(Path file) {
    if (signal == null) {
      throw new CliException("OTLP files need --signal logs, spans or metrics (" + file + ").");
    }
    return signal;
  }

  /**
   * An OTLP/JSON file as the router reads the signal's topic: as it is when the topic is otlp_json
   * (checked first), else converted to protobuf.
   */
  private byte[] otlpJson(Configuration configuration, Path file) throws IOException {
    Signal of = signal(file);
    byte[] json = Files.readAllBytes(file);
    byte[] proto;
    try {
      proto =
          switch (of) {
            case logs -> OtlpPayloads.logs(OtlpEncoding.JSON).decode(json).toByteArray();
            case spans -> OtlpPayloads.traces(OtlpEncoding.JSON).decode(json).toByteArray();
            case metrics -> OtlpPayloads.metrics(OtlpEncoding.JSON).decode(json).toByteArray();
          };
    } catch (RuntimeException e) {
      throw new CliException("File " + file + " is not OTLP/JSON " + of + ": " + e.getMessage(), e);
    }
    return otlpTopic(configuration, of).encoding() == OtlpEncoding.JSON ? json : proto;
  }

  /** An OTLP protobuf file, refused when the router reads the signal's topic as otlp_json. */
  private byte[] otlpProto(Configuration configuration, Path file) throws IOException {
    OtlpTopic target = otlpTopic(configuration, signal(file));
    if (topic == null && target.encoding() == OtlpEncoding.JSON) {
      throw new CliException(
          "The router reads "
              + target.name()
              + " as otlp_json (ingest.otlp."
              + signal
              + ".encoding): send OTLP/JSON files with --format otlp_json.");
    }
    return Files.readAllBytes(file);
  }

  private List<ProducerRecord<byte[], byte[]>> ndjson(Configuration configuration, Path file)
      throws IOException {
    TableDefinition definition = tableDefinition(configuration);
    BinaryMessageEncoder<GenericRecord> encoder =
        new BinaryMessageEncoder<>(GenericData.get(), AvroSchemas.rowSchema(definition));
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file)) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        GenericRecord row;
        try {
          row = JsonRows.toRow(definition, line, project);
        } catch (JsonRows.RowException e) {
          throw new CliException(file + " line " + number + ": " + e.getMessage());
        }
        records.add(rowRecord(definition, row, encoder));
      }
    }
    return records;
  }

  private List<ProducerRecord<byte[], byte[]>> avroFile(Configuration configuration, Path file)
      throws IOException {
    TableDefinition definition = tableDefinition(configuration);
    Schema schema = AvroSchemas.rowSchema(definition);
    BinaryMessageEncoder<GenericRecord> encoder =
        new BinaryMessageEncoder<>(GenericData.get(), schema);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    GenericDatumReader<GenericRecord> datumReader = new GenericDatumReader<>(null, schema);
    try (DataFileReader<GenericRecord> reader = new DataFileReader<>(file.toFile(), datumReader)) {
      for (GenericRecord row : reader) {
        if (row.get(TableDefinition.PROJECT_COLUMN) == null && project != null) {
          row.put(TableDefinition.PROJECT_COLUMN, project);
        }
        records.add(rowRecord(definition, row, encoder));
      }
    } catch (org.apache.avro.AvroTypeException e) {
      throw new CliException(
          "File "
              + file
              + " does not hold rows of table "
              + definition.name()
              + ": "
              + e.getMessage());
    }
    return records;
  }

  private ProducerRecord<byte[], byte[]> rowRecord(
      TableDefinition definition, GenericRecord row, BinaryMessageEncoder<GenericRecord> encoder)
      throws IOException {
    Object rowProject = row.get(TableDefinition.PROJECT_COLUMN);
    byte[] key = rowProject == null ? null : rowProject.toString().getBytes(StandardCharsets.UTF_8);
    return new ProducerRecord<>(
        topic != null ? topic : Topics.ingest(definition.name()), key, bytes(encoder.encode(row)));
  }

  private TableDefinition tableDefinition(Configuration configuration) {
    TableDefinition definition = Tables.load(configuration).get(table);
    if (definition == null) {
      throw new CliException(
          "Unknown table '"
              + table
              + "'. Known tables: "
              + String.join(", ", Tables.load(configuration).keySet())
              + ".");
    }
    return definition;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}

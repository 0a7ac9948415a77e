package io.lakestream.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in this process: one KRaft node acting as broker and controller.
 *
 * <p>It listens on localhost, on the given port or a free one, and keeps its data in the given
 * folder (reused on restart, so topics and records survive) or in a temporary folder deleted on
 * {@link #close()}. Closing stops every thread it started.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final int NODE_ID = 1;

  private final KafkaRaftServer server;
  private final int port;
  private final Path dataDir;
  private final boolean temporary;

  private EmbeddedKafka(KafkaRaftServer server, int port, Path dataDir, boolean temporary) {
    this.server = server;
    this.port = port;
    this.dataDir = dataDir;
    this.temporary = temporary;
  }

  /** Starts a broker on a free port with a temporary data folder. */
  public static EmbeddedKafka start() {
    return builder().start();
  }

  /** A builder for a broker with a chosen port, data folder or broker settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code localhost:<port>}, for clients' {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return "localhost:" + port;
  }

  /** The port clients connect to. */
  public int port() {
    return port;
  }

  /** The folder holding the broker's logs and metadata. */
  public Path dataDir() {
    return dataDir;
  }

  /** Creates a topic with replication factor 1; does nothing if it exists already. */
  public void createTopic(String name, int partitions) {
    createTopic(name, partitions, Map.of());
  }

  /** Creates a topic with replication factor 1 and the given configs, if it does not exist. */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    try (Admin admin = admin()) {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("Cannot create topic " + name, e.getCause());
      }
    } catch (Exception e) {
      throw new IllegalStateException("Cannot create topic " + name, e);
    }
  }

  /** The names of the topics the broker has, internal ones excluded. */
  public Set<String> topics() {
    try (Admin admin = admin()) {
      return admin.listTopics().names().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot list topics", e);
    }
  }

  /** A new admin client for this broker; the caller closes it. */
  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  /** Stops the broker and waits for its threads; deletes a temporary data folder. */
  @Override
  public void close() {
    try {
      server.shutdown();
      server.awaitShutdown();
    } finally {
      if (temporary) {
        TempDirs.deleteQuietly(dataDir);
      }
    }
  }

  /** Settings for an {@link EmbeddedKafka}. */
  public static final class Builder {
    private int port;
    private Path dataDir;
    private final Map<String, String> overrides = new HashMap<>();

    private Builder() {}

    /** The client port; 0 (the default) picks a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Where the broker keeps its data; reused across restarts. Default: a temporary folder. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** A broker setting, e.g. {@code num.partitions}. */
    public Builder brokerProperty(String key, String value) {
      overrides.put(key, value);
      return this;
    }

    /** Formats the data folder if it is new, starts the broker and waits until it serves. */
    public EmbeddedKafka start() {
      boolean temporary = dataDir == null;
      Path dir = temporary ? TempDirs.create("lakestream-kafka-") : dataDir;
      int clientPort = port == 0 ? FreePorts.pick() : port;
      int controllerPort = FreePorts.pick();
      String logDir = dir.resolve("kafka-logs").toAbsolutePath().toString();
      try {
        Files.createDirectories(dir);
        Map<String, Object> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
        props.put(
            "listeners",
            "PLAINTEXT://localhost:" + clientPort + ",CONTROLLER://localhost:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://localhost:" + clientPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir);
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "4");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.partitions", "1");
        props.put("auto.create.topics.enable", "true");
        props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        props.putAll(overrides);
        KafkaConfig config = new KafkaConfig(props, false);

        Formatter formatter =
            new Formatter()
                .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir))
                .setMetadataLogDirectory(Optional.of(logDir))
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setControllerListenerName("CONTROLLER");
        if (!Files.exists(Path.of(logDir, "meta.properties"))) {
          formatter.run();
        }

        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        EmbeddedKafka kafka = new EmbeddedKafka(server, clientPort, dir, temporary);
        kafka.awaitReady();
        log.info("Kafka broker (KRaft) serving at localhost:{}, data in {}", clientPort, dir);
        return kafka;
      } catch (Exception e) {
        if (temporary) {
          TempDirs.deleteQuietly(dir);
        }
        throw new IllegalStateException(
            "Cannot start the embedded Kafka broker on port " + clientPort + " in " + dir, e);
      }
    }
  }

  private void awaitReady() throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try (Admin admin = Admin.create(props)) {
        admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        last = e;
      }
    }
    throw new IllegalStateException("Broker did not answer within 60 s", last);
  }
}

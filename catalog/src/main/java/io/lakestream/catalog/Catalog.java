package io.lakestream.catalog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.ProjectIds;
import io.lakestream.schema.SchemaException;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Table types and project registrations shared by every role.
 *
 * <p>The catalog lives in the compacted topic {@value Topics#CATALOG} (one partition): key {@code
 * table/<name>} holds a table definition, key {@code project/<id>} a registration, and a tombstone
 * removes one. Every role reads the topic to its end at start ({@link #start}) and then follows it,
 * so a table created through any role is usable by all without a restart. A write returns once this
 * catalog has read it back, so a caller sees its own writes.
 *
 * <p>Built-in table types are always present and cannot be replaced or dropped.
 */
public final class Catalog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Catalog.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TABLE_PREFIX = "table/";
  private static final String PROJECT_PREFIX = "project/";
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

  /** Told of every change, on the catalog's follower thread; must return quickly. */
  public interface Listener {
    /** A table type was created. */
    default void tableCreated(TableDefinition table) {}

    /** A table type was dropped. */
    default void tableDropped(String tableName) {}

    /** A project was registered or its registration replaced. */
    default void projectRegistered(ProjectRegistration registration) {}
  }

  private final Map<String, TableDefinition> builtIns;
  private final Map<String, TableDefinition> tables = new ConcurrentHashMap<>();
  private final Map<String, ProjectRegistration> projects = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final KafkaBackend kafka;
  private final Object appliedLock = new Object();
  private long appliedOffset = -1;

  private Catalog(Map<String, TableDefinition> builtIns, KafkaBackend kafka) {
    this.builtIns = Map.copyOf(builtIns);
    this.kafka = kafka;
  }

  /** A catalog kept in memory only, for tests and single-process tools. */
  public static Catalog inMemory(Map<String, TableDefinition> builtIns) {
    return new Catalog(builtIns, null);
  }

  /**
   * Creates the catalog topic if needed, reads it to its end and starts following it.
   *
   * @throws CatalogException UNAVAILABLE when the broker cannot be reached in time
   */
  public static Catalog start(String bootstrapServers, Map<String, TableDefinition> builtIns) {
    return start(bootstrapServers, builtIns, Duration.ofSeconds(30));
  }

  /**
   * Like {@link #start(String, Map)}, giving up when the brokers do not answer within {@code
   * timeout}.
   */
  public static Catalog start(
      String bootstrapServers, Map<String, TableDefinition> builtIns, Duration timeout) {
    return start(bootstrapServers, Map.of(), builtIns, timeout);
  }

  /**
   * Like {@link #start(String, Map, Duration)}, with more Kafka client properties (security,
   * timeouts) applied to the catalog's admin client, producer and consumer over its own.
   */
  public static Catalog start(
      String bootstrapServers,
      Map<String, String> clientProperties,
      Map<String, TableDefinition> builtIns,
      Duration timeout) {
    requireNonNull(bootstrapServers, "bootstrapServers is null");
    requireNonNull(clientProperties, "clientProperties is null");
    createTopicIfMissing(bootstrapServers, clientProperties, timeout);
    KafkaBackend backend = new KafkaBackend(bootstrapServers, clientProperties);
    Catalog catalog = new Catalog(builtIns, backend);
    backend.start(catalog, timeout);
    log.info(
        "Catalog loaded from {}: {} run-time table(s), {} project(s)",
        Topics.CATALOG,
        catalog.tables.size(),
        catalog.projects.size());
    return catalog;
  }

  /** Every table type: the built-ins, then those created at run time, by name. */
  public Map<String, TableDefinition> tables() {
    Map<String, TableDefinition> all = new LinkedHashMap<>(builtIns);
    tables.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> all.putIfAbsent(e.getKey(), e.getValue()));
    return Collections.unmodifiableMap(all);
  }

  /** The table type with this name. */
  public Optional<TableDefinition> table(String name) {
    TableDefinition builtIn = builtIns.get(name);
    return builtIn != null ? Optional.of(builtIn) : Optional.ofNullable(tables.get(name));
  }

  /** Whether the table type is built in (defined by a YAML file shipped with Lakestream). */
  public boolean isBuiltIn(String name) {
    return builtIns.containsKey(name);
  }

  /**
   * Creates a table type; returns once every later read of this catalog sees it.
   *
   * @throws CatalogException CONFLICT when a table of that name exists
   */
  public TableDefinition createTable(TableDefinition table) {
    if (table(table.name()).isPresent()) {
      throw CatalogErrors.tableExists(table.name());
    }
    ObjectNode value = JSON.createObjectNode();
    value.put("kind", "table");
    value.set("definition", readTree(TableDefinitions.toJson(table)));
    write(TABLE_PREFIX + table.name(), value.toString());
    return table;
  }

  /**
   * Drops a run-time table type: routing to it stops; its data stays where it is.
   *
   * @throws CatalogException NOT_FOUND when there is no such table, CONFLICT for a built-in one
   */
  public void dropTable(String name) {
    if (builtIns.containsKey(name)) {
      throw CatalogErrors.builtIn(name);
    }
    if (!tables.containsKey(name)) {
      throw CatalogErrors.noSuchTable(name);
    }
    write(TABLE_PREFIX + name, null);
  }

  /** Every registered project, by id. */
  public Map<String, ProjectRegistration> projects() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(projects));
  }

  /** The registration of a project. */
  public Optional<ProjectRegistration> project(String projectId) {
    return Optional.ofNullable(projects.get(ProjectIds.normalize(projectId)));
  }

  /** Registers a project, or replaces its registration; returns once this catalog sees it. */
  public void registerProject(ProjectRegistration registration) {
    registerProjects(List.of(registration));
  }

  /**
   * Registers projects, or replaces their registrations, in one write of the catalog topic (the
   * records are sent together and read back once); returns once this catalog sees all of them.
   */
  public void registerProjects(List<ProjectRegistration> registrations) {
    Map<String, String> records = new LinkedHashMap<>();
    for (ProjectRegistration registration : registrations) {
      String projectId = ProjectIds.normalize(CatalogProjectIds.require(registration.projectId()));
      records.put(PROJECT_PREFIX + projectId, record(projectId, registration));
    }
    write(records);
  }

  private static String record(String projectId, ProjectRegistration registration) {
    ObjectNode value = JSON.createObjectNode();
    value.put("kind", "project");
    value.put("project_id", projectId);
    registration.bucket().ifPresent(v -> value.put("bucket", v));
    registration.endpoint().ifPresent(v -> value.put("endpoint", v));
    registration.region().ifPresent(v -> value.put("region", v));
    registration.accessKey().ifPresent(v -> value.put("access_key", v));
    registration.encryptedSecretKey().ifPresent(v -> value.put("encrypted_secret_key", v));
    registration.tables().forEach(value.putArray("tables")::add);
    value.put("registered_at", registration.registeredAt().toString());
    if (!registration.retention().isEmpty()) {
      ObjectNode retention = value.putObject("retention");
      registration
          .retention()
          .forEach((table, keep) -> retention.put(table, TableDefinitions.formatRetention(keep)));
    }
    return value.toString();
  }

  /**
   * Sets or removes a project's own retention for some table types, registering the project (in the
   * shared warehouse, at {@code registeredAt}) when it is not registered yet; returns the
   * registration this catalog sees afterwards. Each entry of {@code changes} names a table type and
   * the retention as a user writes it ({@code 7d}, {@code 12h}, {@code 90m}), or null to go back to
   * the type's own retention; table types not named keep their override. Every entry is checked
   * before anything is written, so a refused request changes nothing.
   *
   * <p>The registration is read, changed and written back: a concurrent change of the same
   * project's registration through another sidecar may be lost (the last write wins).
   *
   * @throws CatalogException BAD_REQUEST when the project id is not valid, a table type does not
   *     exist, its primary key is not a timestamp or a date, or a retention is not a positive
   *     duration
   */
  public ProjectRegistration overrideRetention(
      String projectId, Map<String, String> changes, Instant registeredAt) {
    String id = ProjectIds.normalize(CatalogProjectIds.require(projectId));
    requireNonNull(changes, "changes is null");
    Map<String, Duration> overrides = new java.util.TreeMap<>();
    ProjectRegistration current =
        project(id).orElseGet(() -> ProjectRegistration.shared(id, registeredAt));
    overrides.putAll(current.retention());
    for (Map.Entry<String, String> change : new java.util.TreeMap<>(changes).entrySet()) {
      String table = change.getKey();
      TableDefinition type =
          table(table)
              .orElseThrow(() -> CatalogErrors.retentionOfUnknownTable(id, table, tables()));
      if (change.getValue() == null) {
        overrides.remove(table);
        continue;
      }
      String text = change.getValue().strip();
      Duration keep;
      try {
        keep = TableDefinitions.parseRetention(table, text);
      } catch (SchemaException e) {
        throw CatalogErrors.badRetention(id, table, text, "it is not a duration");
      }
      if (keep.isZero()) {
        throw CatalogErrors.badRetention(id, table, text, "it must be positive");
      }
      ColumnType keyType = type.primaryKeyColumn().type();
      if (keyType != ColumnType.TIMESTAMP && keyType != ColumnType.DATE) {
        throw CatalogErrors.badRetention(
            id,
            table,
            text,
            "the primary key '"
                + type.primaryKey()
                + "' of table type '"
                + table
                + "' is a "
                + keyType.typeName()
                + ", not a time");
      }
      overrides.put(table, keep);
    }
    registerProject(current.withRetention(overrides));
    return project(id).orElseThrow(() -> CatalogErrors.notRegistered(id));
  }

  /**
   * Removes a project's registration; returns once this catalog sees it. Its data stays; with
   * {@code projects.registration = required} its rows are no longer routed.
   *
   * @throws CatalogException NOT_FOUND when the project is not registered
   */
  public void unregisterProject(String id) {
    String projectId = ProjectIds.normalize(id);
    if (!projects.containsKey(projectId)) {
      throw CatalogErrors.notRegistered(projectId);
    }
    write(PROJECT_PREFIX + projectId, null);
  }

  /** Adds a listener for later changes. */
  public void addListener(Listener listener) {
    listeners.add(requireNonNull(listener, "listener is null"));
  }

  /** Stops following the topic. */
  @Override
  public void close() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private void write(String key, String value) {
    Map<String, String> record = new LinkedHashMap<>();
    record.put(key, value); // the value may be null: a tombstone
    write(record);
  }

  /** Writes {@code records} (key → value, null: a tombstone) and waits until all are applied. */
  private void write(Map<String, String> records) {
    if (records.isEmpty()) {
      return;
    }
    if (kafka == null) {
      records.forEach((key, value) -> apply(key, value, -1));
      return;
    }
    long offset = kafka.append(records);
    long deadline = System.nanoTime() + WRITE_TIMEOUT.toNanos();
    synchronized (appliedLock) {
      while (appliedOffset < offset) {
        long waitMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (waitMillis <= 0) {
          throw CatalogErrors.writeNotReadBack(WRITE_TIMEOUT);
        }
        try {
          appliedLock.wait(waitMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw CatalogErrors.interrupted();
        }
      }
    }
  }

  /** Applies one catalog record; a record that cannot be read is logged and skipped. */
  void apply(String key, String value, long offset) {
    try {
      if (key.startsWith(TABLE_PREFIX)) {
        applyTable(key.substring(TABLE_PREFIX.length()), value);
      } else if (key.startsWith(PROJECT_PREFIX) && value != null) {
        applyProject(readTree(value));
      } else if (key.startsWith(PROJECT_PREFIX)) {
        projects.remove(key.substring(PROJECT_PREFIX.length()));
      } else {
        log.warn("Skipping catalog record with unknown key '{}' at offset {}", key, offset);
      }
    } catch (RuntimeException e) {
      log.warn(
          "Skipping unreadable catalog record '{}' at offset {}: {}", key, offset, e.getMessage());
    } finally {
      synchronized (appliedLock) {
        appliedOffset = Math.max(appliedOffset, offset);
        appliedLock.notifyAll();
      }
    }
  }

  private void applyTable(String name, String value) {
    if (value == null) {
      if (tables.remove(name) != null) {
        log.info("Table type '{}' dropped", name);
        listeners.forEach(l -> l.tableDropped(name));
      }
      return;
    }
    JsonNode node = readTree(value);
    TableDefinition table;
    try {
      table =
          TableDefinitions.parseRecord(
              Topics.CATALOG + " " + TABLE_PREFIX + name, node.path("definition").toString());
    } catch (SchemaException e) {
      log.warn("Skipping invalid table definition in the catalog: {}", e.getMessage());
      return;
    }
    if (builtIns.containsKey(table.name())) {
      return;
    }
    TableDefinition before = tables.put(table.name(), table);
    if (!table.equals(before)) {
      log.info("Table type '{}' created (primary key {})", table.name(), table.primaryKey());
      listeners.forEach(l -> l.tableCreated(table));
    }
  }

  private void applyProject(JsonNode node) {
    ProjectRegistration registration =
        new ProjectRegistration(
            CatalogProjectIds.require(node.path("project_id").asText(null)),
            optional(node, "bucket"),
            optional(node, "endpoint"),
            optional(node, "region"),
            optional(node, "access_key"),
            optional(node, "encrypted_secret_key"),
            tables(node),
            Instant.parse(node.path("registered_at").asText(Instant.EPOCH.toString())),
            retention(node));
    projects.put(registration.projectId(), registration);
    listeners.forEach(l -> l.projectRegistered(registration));
  }

  private static java.util.Set<String> tables(JsonNode node) {
    java.util.Set<String> tables = new java.util.TreeSet<>();
    node.path("tables").forEach(t -> tables.add(t.asText()));
    return tables;
  }

  /** A registration's retention overrides; one that cannot be read is logged and left out. */
  private static Map<String, Duration> retention(JsonNode node) {
    Map<String, Duration> retention = new java.util.TreeMap<>();
    node.path("retention")
        .fields()
        .forEachRemaining(
            entry -> {
              try {
                retention.put(
                    entry.getKey(),
                    TableDefinitions.parseRetention(entry.getKey(), entry.getValue().asText()));
              } catch (SchemaException e) {
                log.warn(
                    "Skipping an unreadable retention of project '{}' for table '{}': {}",
                    node.path("project_id").asText(),
                    entry.getKey(),
                    e.getMessage());
              }
            });
    return retention;
  }

  private static Optional<String> optional(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
  }

  private static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage());
    }
  }

  private static void createTopicIfMissing(
      String bootstrapServers, Map<String, String> clientProperties, Duration timeout) {
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    try (Admin admin =
        Admin.create(
            with(
                clientProperties,
                Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis)))) {
      if (admin.listTopics().names().get(millis, TimeUnit.MILLISECONDS).contains(Topics.CATALOG)) {
        return;
      }
      admin
          .createTopics(
              List.of(
                  new NewTopic(Topics.CATALOG, 1, (short) -1)
                      .configs(Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0"))))
          .all()
          .get(millis, TimeUnit.MILLISECONDS);
      log.info("Created topic {} (compacted, 1 partition)", Topics.CATALOG);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        // The admin client's own timeout (the same length) may fire before get()'s.
        throw CatalogErrors.kafkaNotReached(bootstrapServers, timeout, e.getCause());
      }
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw CatalogErrors.topicUnavailable(bootstrapServers, e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CatalogErrors.topicUnavailable(bootstrapServers, e);
    } catch (TimeoutException e) {
      throw CatalogErrors.kafkaNotReached(bootstrapServers, timeout, e);
    }
  }

  /** {@code own}, then {@code clientProperties} over it. */
  private static Map<String, Object> with(
      Map<String, String> clientProperties, Map<String, Object> own) {
    Map<String, Object> properties = new HashMap<>(own);
    properties.putAll(clientProperties);
    return properties;
  }

  /** The topic behind the catalog: a producer for writes, a follower thread for reads. */
  private static final class KafkaBackend {
    private final String bootstrapServers;
    private final TopicPartition partition = new TopicPartition(Topics.CATALOG, 0);
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private Thread follower;
    private volatile boolean running = true;

    KafkaBackend(String bootstrapServers, Map<String, String> clientProperties) {
      this.bootstrapServers = bootstrapServers;
      this.producer =
          new KafkaProducer<>(
              with(
                  clientProperties,
                  Map.of(
                      ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                      ProducerConfig.ACKS_CONFIG, "all",
                      ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")),
              new StringSerializer(),
              new StringSerializer());
      this.consumer =
          new KafkaConsumer<>(
              with(
                  clientProperties,
                  Map.of(
                      ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                      ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                      ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
              new StringDeserializer(),
              new StringDeserializer());
    }

    void start(Catalog catalog, Duration timeout) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
      long deadline = System.nanoTime() + timeout.multipliedBy(2).toNanos();
      while (consumer.position(partition) < end) {
        if (System.nanoTime() > deadline) {
          close();
          throw CatalogErrors.topicUnavailable(
              bootstrapServers,
              new TimeoutException(
                  "catalog not read to its end in " + timeout.multipliedBy(2).toSeconds() + " s"));
        }
        pollOnce(catalog);
      }
      follower = new Thread(() -> follow(catalog), "lakestream-catalog");
      follower.setDaemon(true);
      follower.start();
    }

    private void follow(Catalog catalog) {
      try {
        while (running) {
          pollOnce(catalog);
        }
      } catch (WakeupException e) {
        // closing
      } catch (RuntimeException e) {
        log.error("The catalog stopped following {}: {}", Topics.CATALOG, e.getMessage(), e);
      }
    }

    private void pollOnce(Catalog catalog) {
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
        if (record.key() != null) {
          catalog.apply(record.key(), record.value(), record.offset());
        }
      }
    }

    /** Sends the records together; returns the offset of the last. */
    long append(Map<String, String> records) {
      try {
        List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sent =
            new ArrayList<>(records.size());
        records.forEach(
            (key, value) ->
                sent.add(producer.send(new ProducerRecord<>(Topics.CATALOG, 0, key, value))));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long last = -1;
        for (var future : sent) {
          long left = Math.max(0, deadline - System.nanoTime());
          last = Math.max(last, future.get(left, TimeUnit.NANOSECONDS).offset());
        }
        return last;
      } catch (ExecutionException e) {
        throw CatalogErrors.topicUnavailable(bootstrapServers, e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw CatalogErrors.topicUnavailable(bootstrapServers, e);
      } catch (TimeoutException e) {
        throw CatalogErrors.topicUnavailable(bootstrapServers, e);
      }
    }

    void close() {
      running = false;
      consumer.wakeup();
      if (follower != null) {
        try {
          follower.join(10_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      } else {
        consumer.close();
      }
      producer.close(Duration.ofSeconds(5));
      if (follower != null) {
        // the follower thread owns the consumer; close it from here after it stopped
        consumer.close(Duration.ofSeconds(5));
      }
    }
  }
}

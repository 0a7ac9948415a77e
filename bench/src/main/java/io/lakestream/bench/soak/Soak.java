package io.lakestream.bench.soak;

import io.lakestream.testkit.EmbeddedKafka;
import io.lakestream.testkit.KernelTables;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The exactly-once soak: a broker in this process (never killed), two routers and two writers as
 * separate {@code lakestream} processes, OTLP logs with a unique id per log record produced at a
 * steady rate while roles are killed with SIGKILL and started again, all of them at once, and a
 * writer frozen past its session timeout (a zombie); then replays of the input from the beginning.
 * At the end every table is read back with Delta Kernel and every id counted: exit 0 only when no
 * row is lost, none is duplicated and the dead-letter topic is empty.
 *
 * <p>Also measures, for every kill, the time from the kill to the next Delta commit of the tables
 * the killed process was holding up (see {@link KillEvent}).
 *
 * <p>Run: {@code ./lakestream bench soak [options]}, or {@code java -cp 'cli-dev/target/lib-dev/*'
 * io.lakestream.bench.soak.Soak [options]} ({@code --help} lists them).
 */
public final class Soak {
  /** The router's producer max.request.size with the default ingest.max.record.bytes. */
  private static final int ROUTER_REQUEST_BYTES = 1_000_000 + 48_588;

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Soak.class);

  static final String LOGS_TOPIC = "otlp_logs";
  static final String TABLE = "otel_logs_and_spans";
  private static final String SIDECAR_TOKEN = "soak-admin";
  private static final Duration SIDECAR_KILL_EVERY = Duration.ofSeconds(30);
  static final String ROUTED_TOPIC = "lakestream.rows." + TABLE;
  static final String DLQ = "lakestream.dlq";
  static final String WRITER_GROUP = "lakestream-writer";
  static final String ROUTER_GROUP = "lakestream-ingest";
  private static final Pattern PARTITIONS_LINE =
      Pattern.compile("Partitions (assigned|revoked|lost)[^\\[]*\\[([^\\]]*)\\]");
  private static final Pattern ROUTED_PARTITION =
      Pattern.compile(Pattern.quote(ROUTED_TOPIC) + "-(\\d+)");

  private final SoakOptions options;
  private final PrintStream out;
  private final Random chaosRandom;
  private final List<KillEvent> kills = Collections.synchronizedList(new ArrayList<>());
  private final List<String> timeline = Collections.synchronizedList(new ArrayList<>());
  private final long startMillis = System.currentTimeMillis();
  private final AtomicInteger rowsSent = new AtomicInteger();
  private volatile boolean producing;
  private Path work;
  private Path warehouse;
  private EmbeddedKafka kafka;
  private SoakData data;
  private long[] sourceOfRecord;
  private final List<RoleProcess> roles = new ArrayList<>();
  private RoleProcess sidecar;
  private int sidecarPort;
  private volatile boolean pipelineDrained;
  // The routed topic's partitions: --partitions, then --grow-partitions once grown.
  private volatile int routedPartitions;

  private Soak(SoakOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
    this.chaosRandom = new Random(options.seed() * 31 + 7);
    this.routedPartitions = options.partitions();
  }

  /** Runs the soak; exits 0 when exact, 1 when rows were lost or duplicated, 2 on bad usage. */
  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the soak with {@code args} (see {@code --help}); returns 0 when every id landed exactly
   * once, 1 when not, 2 when the arguments are wrong (said on {@code err}).
   *
   * @param out where the progress, the timeline and the verdict go
   */
  public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    SoakOptions options;
    try {
      options = SoakOptions.parse(args);
      if (options.workDir() != null) {
        refusePreviousRun(options.workDir());
      }
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
    return new Soak(options, out).run();
  }

  /**
   * Refuses a work folder with a previous run's broker, warehouse or logs: its rows would be
   * counted again as this run's, and every row would read as duplicated.
   */
  private static void refusePreviousRun(Path work) throws IOException {
    for (String previous : List.of("warehouse", "kafka", "logs")) {
      Path folder = work.resolve(previous);
      if (Files.isDirectory(folder)) {
        try (var entries = Files.list(folder)) {
          if (entries.findAny().isPresent()) {
            throw new IllegalArgumentException(
                "--work "
                    + work
                    + " holds a previous run ("
                    + previous
                    + "/ is not empty): give a new folder, or delete this one first");
          }
        }
      }
    }
  }

  private int run() throws Exception {
    work =
        options.workDir() != null
            ? options.workDir()
            : Files.createTempDirectory("lakestream-soak-");
    Files.createDirectories(work);
    warehouse = work.resolve("warehouse").toAbsolutePath();
    Files.createDirectories(warehouse);
    Path cliJar = options.cliDir().resolve("lakestream-cli.jar").toAbsolutePath();
    if (!Files.isRegularFile(cliJar) || !Files.isDirectory(options.cliDir().resolve("lib"))) {
      throw new IllegalStateException(
          "No "
              + cliJar
              + " with lib/ beside it: build the cli first (mvn -pl cli -am package"
              + " -DskipTests), or give --cli");
    }
    data =
        new SoakData(options.rows(), options.rowsPerRecord(), options.projects(), options.seed());
    sourceOfRecord =
        new long[(options.rows() + options.rowsPerRecord() - 1) / options.rowsPerRecord()];
    say(
        "soak: %,d rows in records of %d, %d projects, %d partitions, %,d rows/s; work folder %s",
        options.rows(),
        options.rowsPerRecord(),
        options.projects(),
        options.partitions(),
        options.rowsPerSecond(),
        work);
    kafka =
        EmbeddedKafka.builder()
            .dataDir(work.resolve("kafka"))
            .brokerProperty("num.partitions", Integer.toString(options.partitions()))
            .start();
    int exit;
    try (Admin admin = kafka.admin();
        CommitWatcher commits = new CommitWatcher(warehouse, TABLE)) {
      kafka.createTopic(LOGS_TOPIC, options.partitions());
      // The router refuses to start when the topics it writes take smaller messages than its
      // producer sends: ingest.max.record.bytes (1,000,000) + 48,588 bytes of headers and framing.
      Map<String, String> routerLimit =
          Map.of("max.message.bytes", Integer.toString(ROUTER_REQUEST_BYTES));
      kafka.createTopic(ROUTED_TOPIC, options.partitions(), routerLimit);
      kafka.createTopic(DLQ, options.partitions(), routerLimit);
      defineRoles(cliJar);
      Thread stopRoles =
          new Thread(
              () -> {
                for (RoleProcess role : roles) {
                  role.kill9();
                }
              },
              "soak-stop-roles");
      Runtime.getRuntime().addShutdownHook(stopRoles);
      roles.forEach(RoleProcess::start);
      awaitHealthy(Duration.ofMinutes(3));
      event("roles healthy");
      long produceStart = System.currentTimeMillis();
      AtomicReference<Throwable> chaosFailure = new AtomicReference<>();
      Thread chaos = new Thread(() -> chaos(admin, commits, chaosFailure), "soak-chaos");
      Thread progress = new Thread(() -> progress(commits), "soak-progress");
      progress.setDaemon(true);
      producing = true;
      if (options.chaos()) {
        chaos.start();
      }
      progress.start();
      SidecarCheck check = null;
      Thread checking = null;
      AtomicReference<Throwable> checkFailure = new AtomicReference<>();
      if (sidecar != null) {
        check =
            new SidecarCheck(
                sidecar, sidecarPort, SIDECAR_TOKEN, data, options.seed(), this::event);
        SidecarCheck reads = check;
        checking =
            new Thread(
                () -> {
                  try {
                    // while rows flow, through the chaos, the replays and the drain
                    reads.whileRunning(
                        () -> !pipelineDrained, options.sidecarKills(), SIDECAR_KILL_EVERY);
                  } catch (Throwable e) {
                    checkFailure.set(e);
                    event("the sidecar check stopped on an error: " + e);
                  }
                },
                "soak-sidecar");
        checking.start();
      }
      produce();
      producing = false;
      long produceEnd = System.currentTimeMillis();
      event(
          String.format(
              "production done: %,d rows in %.1f s",
              rowsSent.get(), (produceEnd - produceStart) / 1000.0));
      if (options.chaos()) {
        chaos.join();
        event("chaos done");
      }
      for (RoleProcess role : roles) {
        if (!role.isAlive()) {
          role.start();
        }
      }
      if (options.replays() >= 1) {
        event("replay 1 (roles running)");
        replay(cliJar, 1);
      }
      if (options.replays() >= 2) {
        event("kill -9 of every role; replay 2 while they are down");
        roles.forEach(RoleProcess::kill9);
        replay(cliJar, 2);
        roles.forEach(RoleProcess::start);
        event("roles started again");
      }
      boolean drained = awaitDrained(admin, commits);
      long drainedAt = System.currentTimeMillis();
      event(drained ? "drained" : "NOT drained within the timeout; verifying what is there");
      pipelineDrained = true;
      SidecarCheck.Result served = null;
      if (check != null) {
        checking.join();
        try {
          served = check.finalRead();
        } catch (RuntimeException e) {
          checkFailure.compareAndSet(null, e);
        }
        event("the query sidecar read");
        sidecar.stop(Duration.ofSeconds(30));
      }
      for (RoleProcess role : roles) {
        role.stop(Duration.ofSeconds(30));
      }
      commits.scan();
      Verification result = verify(admin);
      exit =
          report(result, commits, produceStart, produceEnd, drainedAt, drained, chaosFailure.get());
      if (check != null) {
        exit = Math.max(exit, reportSidecar(served, checkFailure.get()));
      }
    } finally {
      for (RoleProcess role : roles) {
        role.stop(Duration.ofSeconds(10));
      }
      if (sidecar != null) {
        sidecar.kill9();
      }
      kafka.close();
    }
    return exit;
  }

  // ---- roles ----

  private void defineRoles(Path cliJar) throws IOException {
    String bootstrap = kafka.bootstrapServers();
    List<String> java = new ArrayList<>();
    java.add(ProcessHandle.current().info().command().orElse("java"));
    java.add("-Xmx" + options.roleHeap());
    java.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    java.add("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
    java.add("-cp");
    java.add(cliJar + ":" + cliJar.getParent().resolve("lib") + "/*");
    java.add("io.lakestream.cli.Main");
    for (String name : List.of("router-a", "router-b", "writer-a", "writer-b")) {
      boolean writer = name.startsWith("writer");
      int port = freePort();
      List<String> command = new ArrayList<>(java);
      command.add(writer ? "write" : "ingest");
      command.addAll(List.of("--bootstrap-servers", bootstrap));
      if (writer) {
        command.addAll(List.of("--warehouse", warehouse.toUri().toString()));
      }
      command.addAll(commonSettings(name));
      command.addAll(List.of("--set", "role.http.port=" + port));
      if (name.equals("router-a")) {
        command.addAll(List.of("--set", "ingest.threads=2"));
      }
      if (options.instanceIds()) {
        command.addAll(List.of("--set", options.instanceIdKey() + "=" + name));
      }
      roles.add(new RoleProcess(name, command, work.resolve("logs"), port));
    }
    if (options.sidecarKills() > 0) {
      sidecarPort = freePort();
      List<String> command = new ArrayList<>(java);
      command.add("query");
      command.addAll(List.of("--bootstrap-servers", bootstrap));
      command.addAll(List.of("--warehouse", warehouse.toUri().toString()));
      command.addAll(commonSettings("query"));
      command.addAll(List.of("--set", "query.http.port=" + sidecarPort));
      command.addAll(List.of("--set", "query.pg.port=" + freePort()));
      command.addAll(List.of("--set", "query.admin.token=" + SIDECAR_TOKEN));
      sidecar = new RoleProcess("query", command, work.resolve("logs"), sidecarPort);
      sidecar.start();
    }
    Files.writeString(
        work.resolve("commands.txt"),
        String.join("\n", roles.stream().map(r -> r.name()).toList()) + "\n",
        StandardCharsets.UTF_8);
  }

  private List<String> commonSettings(String name) {
    List<String> settings = new ArrayList<>();
    settings.addAll(List.of("--set", "data.dir=" + work.resolve("roles").resolve(name)));
    settings.addAll(List.of("--set", "projects.registration=auto"));
    settings.addAll(List.of("--set", "writer.flush.age=1s"));
    settings.addAll(List.of("--set", "writer.memory.cap=128MiB"));
    settings.addAll(List.of("--set", "ingest.rows.partitions=" + options.partitions()));
    for (String setting : options.roleSettings()) {
      settings.addAll(List.of("--set", setting));
    }
    return settings;
  }

  private void awaitHealthy(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (RoleProcess role : roles) {
      while (!role.isHealthy()) {
        if (!role.isAlive()) {
          throw new IllegalStateException(role + " exited at start; see " + role.log());
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              role + " not healthy after " + timeout + "; see " + role.log());
        }
        Thread.sleep(250);
      }
    }
  }

  private void replay(Path cliJar, int n) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx" + options.roleHeap());
    command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    command.add("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
    command.add("-cp");
    command.add(cliJar + ":" + cliJar.getParent().resolve("lib") + "/*");
    command.add("io.lakestream.cli.Main");
    command.addAll(
        List.of(
            "replay",
            "--topic",
            LOGS_TOPIC,
            "--from-beginning",
            "--timeout",
            "2m",
            "--bootstrap-servers",
            kafka.bootstrapServers()));
    command.addAll(commonSettings("replay-" + n));
    Path log = work.resolve("logs").resolve("replay-" + n + ".log");
    long start = System.currentTimeMillis();
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(20, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("replay " + n + " did not finish in 20 minutes; see " + log);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          "replay " + n + " exited with " + process.exitValue() + "; see " + log);
    }
    List<String> lines = Files.readAllLines(log);
    event(
        String.format(
            "replay %d done in %.1f s: %s",
            n,
            (System.currentTimeMillis() - start) / 1000.0,
            String.join(
                " | ",
                lines.stream()
                    .filter(
                        l -> !l.contains(" INFO ") && !l.contains(" WARN ") && !l.contains(" ETA "))
                    .toList())));
  }

  // ---- production ----

  private void produce() {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            5,
            ProducerConfig.COMPRESSION_TYPE_CONFIG,
            "lz4");
    AtomicReference<Exception> failure = new AtomicReference<>();
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      int record = 0;
      for (int first = 0; first < options.rows(); first += options.rowsPerRecord(), record++) {
        long due = start + (long) (first * 1e9 / options.rowsPerSecond());
        long wait = due - System.nanoTime();
        if (wait > 0) {
          sleepNanos(wait);
        }
        byte[] value = data.batch(first, Instant.now()).toByteArray();
        int index = record;
        producer.send(
            new ProducerRecord<>(LOGS_TOPIC, null, value),
            (metadata, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              } else {
                sourceOfRecord[index] = ((long) metadata.partition() << 48) | metadata.offset();
              }
            });
        rowsSent.set(Math.min(options.rows(), first + options.rowsPerRecord()));
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("Cannot produce to " + LOGS_TOPIC, failure.get());
    }
  }

  private static void sleepNanos(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- chaos ----

  /**
   * Up to {@code --kills} kill -9s of a random role, each restarted 1–3 s later; a zombie (writer-b
   * frozen with SIGSTOP) after the second kill or at 30% of production; a kill-all half way through
   * the kills or at 70% of production. A kill waits until the roles are healthy again and some
   * table has committed since the last restart, then a random pause around {@code --kill-every}: so
   * the pipeline makes progress between kills even on a slow machine, and every kill can be timed
   * to the next commit. Kills go on after production while the routers and writers work through the
   * backlog, and stop once it is written.
   */
  private void chaos(Admin admin, CommitWatcher commits, AtomicReference<Throwable> failure) {
    try {
      RoleProcess zombie = roles.get(3); // the writer frozen: the one holding more partitions
      long zombieUntil = Long.MAX_VALUE;
      boolean zombieDone = false;
      int done = 0;
      long lastRestart = System.currentTimeMillis();
      boolean killAllDone = false;
      while (done < options.kills()) {
        if (!awaitProgress(
            admin, commits, lastRestart, zombieUntil != Long.MAX_VALUE ? zombie : null)) {
          event("the backlog is written: no more kills");
          break;
        }
        long meanMillis = options.killEvery().toMillis();
        sleepNanos(
            TimeUnit.MILLISECONDS.toNanos(
                meanMillis / 2 + chaosRandom.nextInt((int) meanMillis + 1)));
        long now = System.currentTimeMillis();
        if (zombieUntil != Long.MAX_VALUE && now >= zombieUntil) {
          zombie.thaw();
          event("SIGCONT " + zombie + " (zombie resumes)");
          zombieUntil = Long.MAX_VALUE;
        }
        double produced = rowsSent.get() / (double) options.rows();
        List<RoleProcess> writers = roles.stream().filter(RoleProcess::isWriter).toList();
        RoleProcess holder =
            writers.stream()
                .max(java.util.Comparator.comparingInt(w -> ownedPartitions(w).size()))
                .orElseThrow();
        if (!zombieDone && (done == 2 || produced >= 0.3) && !ownedPartitions(holder).isEmpty()) {
          if (options.growPartitions() > 0) {
            growRoutedTopic(admin);
            holder =
                writers.stream()
                    .max(java.util.Comparator.comparingInt(w -> ownedPartitions(w).size()))
                    .orElseThrow();
          }
          zombie = holder;
          List<Integer> owned = ownedPartitions(zombie);
          zombie.freeze();
          zombieUntil = System.currentTimeMillis() + options.zombieFor().toMillis();
          zombieDone = true;
          event(
              "SIGSTOP "
                  + zombie
                  + " for "
                  + options.zombieFor().toSeconds()
                  + " s, owning routed partitions "
                  + owned);
          if (options.growPartitions() > 0) {
            restartRouters(commits);
          }
          continue;
        }
        boolean zombieFrozen = zombieUntil != Long.MAX_VALUE;
        if (!killAllDone && (done >= options.kills() / 2 || produced >= 0.7) && !zombieFrozen) {
          killAllDone = true;
          long at = System.currentTimeMillis();
          Set<String> all = new TreeSet<>();
          for (RoleProcess role : roles) {
            all.addAll(affectedProjects(role, commits, at));
          }
          for (RoleProcess role : roles) {
            role.kill9();
          }
          kills.add(new KillEvent("all", "kill-all", at, all));
          event("kill -9 of every role (" + all.size() + " tables affected)");
          sleepNanos(TimeUnit.SECONDS.toNanos(2));
          roles.forEach(RoleProcess::start);
          lastRestart = System.currentTimeMillis();
          done++;
          continue;
        }
        List<RoleProcess> candidates = new ArrayList<>(roles);
        if (zombieFrozen) {
          candidates.remove(zombie);
        }
        RoleProcess victim = candidates.get(chaosRandom.nextInt(candidates.size()));
        long at = System.currentTimeMillis();
        Set<String> affected = affectedProjects(victim, commits, at);
        victim.kill9();
        kills.add(
            new KillEvent(victim.name(), victim.isWriter() ? "writer" : "router", at, affected));
        event("kill -9 " + victim + " (" + affected.size() + " tables affected)");
        sleepNanos(TimeUnit.MILLISECONDS.toNanos(1000 + chaosRandom.nextInt(2000)));
        victim.start();
        lastRestart = System.currentTimeMillis();
        done++;
      }
      if (zombieUntil != Long.MAX_VALUE) {
        sleepNanos(
            TimeUnit.MILLISECONDS.toNanos(Math.max(0, zombieUntil - System.currentTimeMillis())));
        zombie.thaw();
        event("SIGCONT " + zombie + " (zombie resumes)");
      }
    } catch (Throwable e) {
      failure.set(e);
      LOG.error("The chaos stopped on an error", e);
      out.println("chaos stopped on an error: " + e);
    }
  }

  /**
   * Adds partitions to the routed topic (up to {@code --grow-partitions}) and waits until the
   * writers have taken the new ones (their consumers see new partitions within 5 s). The routers
   * keep routing by the old count until they restart ({@link #restartRouters}): a running producer
   * notices new partitions only at its next metadata refresh.
   */
  private void growRoutedTopic(Admin admin) throws Exception {
    int before = routedPartitions;
    admin
        .createPartitions(
            Map.of(
                ROUTED_TOPIC,
                org.apache.kafka.clients.admin.NewPartitions.increaseTo(options.growPartitions())))
        .all()
        .get(30, TimeUnit.SECONDS);
    routedPartitions = options.growPartitions();
    long moved =
        data.projects().stream()
            .filter(p -> routedPartition(p, before) != routedPartition(p, options.growPartitions()))
            .count();
    event(
        "routed topic grown from "
            + before
            + " to "
            + options.growPartitions()
            + " partitions ("
            + moved
            + " of "
            + data.projects().size()
            + " projects route elsewhere by the new count)");
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline
        && roles.stream()
            .filter(RoleProcess::isWriter)
            .flatMap(w -> ownedPartitions(w).stream())
            .noneMatch(p -> p >= before)) {
      sleepNanos(TimeUnit.MILLISECONDS.toNanos(500));
    }
    for (RoleProcess writer : roles.stream().filter(RoleProcess::isWriter).toList()) {
      event(writer + " owns routed partitions " + ownedPartitions(writer));
    }
  }

  /**
   * Restarts both routers (kill -9) so that they route by the routed topic's new partition count at
   * once: while the zombie holds rows of the old count not yet written, projects' newer rows go to
   * other routed partitions, and those the other writer holds may be committed first.
   */
  private void restartRouters(CommitWatcher commits) {
    for (RoleProcess router : roles.stream().filter(r -> !r.isWriter()).toList()) {
      long at = System.currentTimeMillis();
      Set<String> affected = affectedProjects(router, commits, at);
      router.kill9();
      kills.add(new KillEvent(router.name(), "router", at, affected));
      event("kill -9 " + router + " (to route by the new partition count)");
      sleepNanos(TimeUnit.MILLISECONDS.toNanos(1000));
      router.start();
    }
  }

  /**
   * Waits (up to 5 minutes) until every running role is healthy and a table committed since;
   * returns false when production is over and everything produced is routed and written.
   */
  private boolean awaitProgress(Admin admin, CommitWatcher commits, long since, RoleProcess frozen)
      throws Exception {
    long deadline = System.currentTimeMillis() + 300_000;
    while (System.currentTimeMillis() < deadline) {
      if (!producing && lag(admin).isEmpty()) {
        return false;
      }
      boolean healthy = roles.stream().filter(r -> r != frozen).allMatch(RoleProcess::isHealthy);
      boolean committed =
          data.projects().stream().anyMatch(p -> commits.firstCommitAfter(p, since) > 0);
      if (healthy && committed) {
        return true;
      }
      Thread.sleep(1_000);
    }
    event("no progress within 5 minutes of the last restart; going on");
    return true;
  }

  /**
   * The tables a kill holds up: for a writer, those of the routed partitions it was assigned (its
   * log says which); for a router, every table that committed in the last 60 s, since its open
   * transaction spans the routed partitions of all of them and read_committed consumers stop at it.
   */
  private Set<String> affectedProjects(RoleProcess role, CommitWatcher commits, long at) {
    Set<String> active = new TreeSet<>();
    for (String project : data.projects()) {
      if (commits.committedBetween(project, at - 60_000, at)) {
        active.add(project);
      }
    }
    if (!role.isWriter()) {
      return active;
    }
    Set<Integer> owned = new HashSet<>(ownedPartitions(role));
    Set<String> affected = new TreeSet<>();
    for (String project : active) {
      if (owned.contains(routedPartition(project))) {
        affected.add(project);
      }
    }
    return affected;
  }

  /** The routed partitions a writer holds, from its current log's assignment lines. */
  private List<Integer> ownedPartitions(RoleProcess writer) {
    Set<Integer> owned = new TreeSet<>();
    Path log = writer.log();
    try {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        Matcher m = PARTITIONS_LINE.matcher(line);
        if (!m.find()) {
          continue;
        }
        Matcher p = ROUTED_PARTITION.matcher(m.group(2));
        while (p.find()) {
          int partition = Integer.parseInt(p.group(1));
          if (m.group(1).equals("assigned")) {
            owned.add(partition);
          } else {
            owned.remove(partition);
          }
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // a log being written with a malformed last line: what was read is enough
    }
    return new ArrayList<>(owned);
  }

  int routedPartition(String project) {
    return routedPartition(project, routedPartitions);
  }

  private static int routedPartition(String project, int partitions) {
    return Utils.toPositive(Utils.murmur2(project.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  private void progress(CommitWatcher commits) {
    while (true) {
      sleepNanos(TimeUnit.SECONDS.toNanos(10));
      long versions = commits.versions().values().stream().mapToLong(Long::longValue).sum();
      StringBuilder alive = new StringBuilder();
      for (RoleProcess role : roles) {
        alive
            .append(role.name())
            .append(role.isStopped() ? "=STOPPED " : role.isAlive() ? "=up " : "=down ");
      }
      say(
          "  %6.1f s: %,d rows produced, %,d Delta commits over %d tables; %s",
          (System.currentTimeMillis() - startMillis) / 1000.0,
          rowsSent.get(),
          versions,
          commits.versions().size(),
          alive.toString().trim());
    }
  }

  // ---- drain ----

  private boolean awaitDrained(Admin admin, CommitWatcher commits) throws Exception {
    long deadline = System.nanoTime() + options.drainTimeout().toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      String lag = lag(admin);
      boolean quiet = System.currentTimeMillis() - commits.lastSeenMillis() > 15_000;
      if (lag.isEmpty() && quiet) {
        return true;
      }
      if (!lag.equals(last)) {
        say("  waiting to drain: %s", lag.isEmpty() ? "tables still changing" : lag);
        last = lag;
      }
      Thread.sleep(2_000);
    }
    say("  not drained: %s", lag(admin));
    return false;
  }

  /** What is not yet committed: empty when the routers and the writers are at the end. */
  private String lag(Admin admin) throws Exception {
    StringBuilder lag = new StringBuilder();
    lag.append(groupLag(admin, ROUTER_GROUP, LOGS_TOPIC, options.partitions()));
    lag.append(groupLag(admin, WRITER_GROUP, ROUTED_TOPIC, routedPartitions));
    return lag.toString().trim();
  }

  private String groupLag(Admin admin, String group, String topic, int partitions)
      throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    var ends =
        admin
            .listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
            .all()
            .get(30, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(30, TimeUnit.SECONDS);
    long behind = 0;
    int behindPartitions = 0;
    for (var end : ends.entrySet()) {
      OffsetAndMetadata at = committed.get(end.getKey());
      long position = at == null ? 0 : at.offset();
      if (position < end.getValue().offset()) {
        behind += end.getValue().offset() - position;
        behindPartitions++;
      }
    }
    return behind == 0
        ? ""
        : String.format(
            "%s %,d offsets behind on %d partitions; ", group, behind, behindPartitions);
  }

  // ---- verification ----

  record Verification(
      long rowsRead,
      int lost,
      long duplicated,
      long misplaced,
      long foreign,
      long deadLetters,
      List<Integer> lostIds,
      List<Integer> duplicatedIds,
      Map<String, Long> rowsPerTable) {
    boolean exact() {
      return lost == 0 && duplicated == 0 && misplaced == 0 && foreign == 0 && deadLetters == 0;
    }
  }

  private Verification verify(Admin admin) throws Exception {
    KernelTables reader = new KernelTables(new org.apache.hadoop.conf.Configuration());
    int[] counts = new int[options.rows()];
    long[] misplaced = {0};
    long[] foreign = {0};
    long rowsRead = 0;
    Map<String, Long> perTable = new TreeMap<>();
    for (String project : tablesOnDisk()) {
      String path = tablePath(project);
      long[] n = {0};
      reader.forEachRow(
          reader.snapshot(path),
          List.of("body"),
          (row, file) -> {
            String body = (String) row.get("body");
            n[0]++;
            int id = SoakData.idOf(body);
            if (id < 0 || id >= counts.length) {
              foreign[0]++;
              return;
            }
            counts[id]++;
            if (!data.projectOf(id).equals(project)) {
              misplaced[0]++;
            }
          });
      perTable.put(project, n[0]);
      rowsRead += n[0];
    }
    int lost = 0;
    long duplicated = 0;
    List<Integer> lostIds = new ArrayList<>();
    List<Integer> duplicatedIds = new ArrayList<>();
    for (int id = 0; id < counts.length; id++) {
      if (counts[id] == 0) {
        lost++;
        lostIds.add(id);
      } else if (counts[id] > 1) {
        duplicated += counts[id] - 1;
        duplicatedIds.add(id);
      }
    }
    long deadLetters = countDeadLetters();
    return new Verification(
        rowsRead,
        lost,
        duplicated,
        misplaced[0],
        foreign[0],
        deadLetters,
        lostIds,
        duplicatedIds,
        perTable);
  }

  private List<String> tablesOnDisk() throws IOException {
    List<String> projects = new ArrayList<>();
    Path dir = warehouse.resolve("projects");
    if (!Files.isDirectory(dir)) {
      return projects;
    }
    try (var list = Files.list(dir)) {
      list.filter(p -> Files.isDirectory(p.resolve(TABLE).resolve("_delta_log")))
          .map(p -> p.getFileName().toString())
          .sorted()
          .forEach(projects::add);
    }
    return projects;
  }

  private String tablePath(String project) {
    return warehouse.resolve("projects").resolve(project).resolve(TABLE).toUri().toString();
  }

  private long countDeadLetters() {
    try (KafkaConsumer<byte[], byte[]> consumer = readCommitted()) {
      return readAll(consumer, DLQ, record -> {});
    }
  }

  private KafkaConsumer<byte[], byte[]> readCommitted() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  /** Reads every partition of {@code topic} to its last stable offset; returns the records read. */
  private static long readAll(
      KafkaConsumer<byte[], byte[]> consumer,
      String topic,
      java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(info -> new TopicPartition(topic, info.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    long n = 0;
    long idleSince = System.nanoTime();
    while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
      var records = consumer.poll(Duration.ofMillis(500));
      for (ConsumerRecord<byte[], byte[]> record : records) {
        each.accept(record);
        n++;
      }
      if (!records.isEmpty()) {
        idleSince = System.nanoTime();
      } else if (System.nanoTime() - idleSince > TimeUnit.SECONDS.toNanos(30)) {
        break;
      }
    }
    return n;
  }

  // ---- report ----

  /** A kill during production and the tables it held up (see {@link #affectedProjects}). */
  record KillEvent(String role, String kind, long atMillis, Set<String> affected) {}

  private int report(
      Verification v,
      CommitWatcher commits,
      long produceStart,
      long produceEnd,
      long drainedAt,
      boolean drained,
      Throwable chaosFailure)
      throws IOException {
    say("");
    say("== Exactly-once soak: result ==");
    say(
        "rows produced        %,d (%,d records of otlp_logs)",
        options.rows(), sourceOfRecord.length);
    say(
        "rows in Delta        %,d over %d tables (read with Delta Kernel)",
        v.rowsRead(), v.rowsPerTable().size());
    say("lost                 %,d", v.lost());
    say("duplicated           %,d", v.duplicated());
    say("in the wrong table   %,d", v.misplaced());
    say("not soak rows        %,d", v.foreign());
    say("dead letters         %,d", v.deadLetters());
    long writerKills = kills.stream().filter(k -> k.kind().equals("writer")).count();
    long routerKills = kills.stream().filter(k -> k.kind().equals("router")).count();
    say(
        "kills                %d kill -9 of one role (%d writers, %d routers), %d kill-all%s;"
            + " zombie %s; replays %d",
        writerKills + routerKills,
        writerKills,
        routerKills,
        kills.stream().filter(k -> k.kind().equals("kill-all")).count(),
        options.replays() >= 2 ? " (+1 before replay 2)" : "",
        options.chaos() ? "a writer, SIGSTOP " + options.zombieFor().toSeconds() + " s" : "none",
        options.replays());
    say(
        "wall time            %.1f s (production %.1f s, then drained %.1f s later%s)",
        (drainedAt - startMillis) / 1000.0,
        (produceEnd - produceStart) / 1000.0,
        (drainedAt - produceEnd) / 1000.0,
        drained ? "" : ", NOT drained");
    say("");
    say("Kill to next commit (tables held up: a writer's = those of its assigned");
    say("routed partitions, a router's = every table that committed in the 60 s before):");
    for (String kind : List.of("writer", "router", "kill-all")) {
      reportKillFigures(kind, commits);
    }
    say("");
    say("timeline:");
    synchronized (timeline) {
      timeline.forEach(line -> say("  %s", line));
    }
    synchronized (kills) {
      for (KillEvent kill : kills) {
        long first = Long.MAX_VALUE;
        long all = 0;
        for (String project : kill.affected()) {
          long t = commits.firstCommitAfter(project, kill.atMillis());
          if (t < 0) {
            all = -1;
            continue;
          }
          first = Math.min(first, t - kill.atMillis());
          if (all >= 0) {
            all = Math.max(all, t - kill.atMillis());
          }
        }
        say(
            "  kill %-8s at %7.1f s: %2d tables, first commit after %s, all after %s",
            kill.role(),
            (kill.atMillis() - startMillis) / 1000.0,
            kill.affected().size(),
            first == Long.MAX_VALUE ? "n/a" : String.format("%.1f s", first / 1000.0),
            all < 0 || kill.affected().isEmpty() ? "n/a" : String.format("%.1f s", all / 1000.0));
      }
    }
    if (chaosFailure != null) {
      say("chaos failed: %s", chaosFailure);
    }
    boolean exact = v.exact() && drained && chaosFailure == null;
    if (v.lost() > 0 || v.duplicated() > 0 || v.misplaced() > 0) {
      Path evidence = work.resolve("evidence.txt");
      Evidence.write(evidence, v, this);
      say("EVIDENCE of the lost or duplicated rows: %s", evidence);
    }
    say(exact ? "EXACT: every id landed once" : "NOT EXACT");
    return exact ? 0 : 1;
  }

  /** The query sidecar's part of the result; 0 when it served every row exactly once. */
  private int reportSidecar(SidecarCheck.Result served, Throwable failure) {
    say("");
    say("== The query sidecar (live tail on), read through POST /v1/sql ==");
    if (served == null) {
      say("no final read%s", failure == null ? "" : ": " + failure);
      say("SIDECAR NOT EXACT");
      return 1;
    }
    say(
        "while rows flowed    %d reads of every project (%,d project reads, %d unanswered), %d"
            + " kill -9s, %d first reads after a restart checked against the read before",
        served.cycles(),
        served.projectReads(),
        served.unavailable(),
        served.kills(),
        served.checkedAfterKill());
    say("problems then        %d", served.problems().size());
    served.problems().forEach(line -> say("  %s", line));
    say("after the drain      %,d rows served", served.rows());
    say("missing              %,d", served.missing());
    say("duplicated           %,d", served.duplicated());
    say("not the project's    %,d", served.foreign());
    if (failure != null) {
      say("the check failed: %s", failure);
    }
    boolean exact = served.exact() && failure == null;
    say(
        exact
            ? "SIDECAR EXACT: every read held every row it held before, each once; the last"
                + " exactly the produced rows"
            : "SIDECAR NOT EXACT");
    return exact ? 0 : 1;
  }

  private void reportKillFigures(String kind, CommitWatcher commits) {
    List<Long> firsts = new ArrayList<>();
    List<Long> alls = new ArrayList<>();
    int unmeasured = 0;
    synchronized (kills) {
      for (KillEvent kill : kills) {
        if (!kill.kind().equals(kind)) {
          continue;
        }
        if (kill.affected().isEmpty()) {
          unmeasured++;
          continue;
        }
        long first = Long.MAX_VALUE;
        long all = 0;
        for (String project : kill.affected()) {
          long t = commits.firstCommitAfter(project, kill.atMillis());
          if (t < 0) {
            all = -1;
            continue;
          }
          first = Math.min(first, t - kill.atMillis());
          if (all >= 0) {
            all = Math.max(all, t - kill.atMillis());
          }
        }
        if (first != Long.MAX_VALUE) {
          firsts.add(first);
        }
        if (all >= 0) {
          alls.add(all);
        } else {
          unmeasured++;
        }
      }
    }
    say(
        "  %-8s kills %2d: first affected table commits after p50 %s max %s; every affected table after p50 %s max %s%s",
        kind,
        firsts.size(),
        seconds(percentile(firsts, 50)),
        seconds(percentile(firsts, 100)),
        seconds(percentile(alls, 50)),
        seconds(percentile(alls, 100)),
        unmeasured > 0
            ? " (" + unmeasured + " not measured: nothing held, or no later commit)"
            : "");
  }

  private static long percentile(List<Long> values, int p) {
    if (values.isEmpty()) {
      return -1;
    }
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static String seconds(long millis) {
    return millis < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  private void event(String what) {
    String line =
        String.format(
            Locale.ROOT, "%7.1f s  %s", (System.currentTimeMillis() - startMillis) / 1000.0, what);
    timeline.add(line);
    say("%s", line);
  }

  private synchronized void say(String format, Object... args) {
    out.println(String.format(Locale.ROOT, format, args));
    out.flush();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  // accessors for Evidence
  SoakData data() {
    return data;
  }

  long sourceOf(int id) {
    return sourceOfRecord[id / options.rowsPerRecord()];
  }

  String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  Path warehouse() {
    return warehouse;
  }

  KafkaConsumer<byte[], byte[]> newReadCommittedConsumer() {
    return readCommitted();
  }

  static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  static long readAllOf(
      KafkaConsumer<byte[], byte[]> consumer,
      String topic,
      java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
    return readAll(consumer, topic, each);
  }
}

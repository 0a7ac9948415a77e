package io.lakestream.query;

import static java.util.Objects.requireNonNull;

import io.javalin.Javalin;
import io.lakestream.catalog.Catalog;
import io.lakestream.catalog.SecretBox;
import io.lakestream.pgwire.PgAuthentication;
import io.lakestream.pgwire.PgServer;
import io.lakestream.pgwire.PgTls;
import io.lakestream.query.http.HttpApi;
import io.lakestream.query.internal.AccessPolicy;
import io.lakestream.query.internal.CatalogRegistrationStore;
import io.lakestream.query.internal.FileRegistrationStore;
import io.lakestream.query.internal.HadoopStorage;
import io.lakestream.query.internal.ProjectRegistry;
import io.lakestream.query.internal.ProjectService;
import io.lakestream.query.internal.QueryMetrics;
import io.lakestream.query.internal.QueryService;
import io.lakestream.query.internal.RegisteredTableSource;
import io.lakestream.query.internal.S3BucketValidator;
import io.lakestream.query.internal.SqlService;
import io.lakestream.query.spi.BucketValidator;
import io.lakestream.query.spi.RegistrationStore;
import io.lakestream.reader.QueryErrors;
import io.lakestream.reader.QueryException;
import io.lakestream.reader.RangeReader;
import io.lakestream.reader.internal.ParquetFiles;
import io.lakestream.schema.Topics;
import io.lakestream.tables.CommitFeedFollower;
import io.lakestream.tables.DeltaLogReader;
import io.lakestream.tables.LiveTail;
import io.lakestream.tables.TableData;
import io.lakestream.tables.TableRegistry;
import io.lakestream.tables.internal.StandaloneDeltaLogReader;
import io.lakestream.tables.internal.WarehouseTableSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query sidecar: discovers the warehouse's tables, keeps a learned index of each one current
 * (from the writers' commit feed with {@link QueryConfig#commitFeed()}, else by polling each Delta
 * log), and answers key range reads over HTTP.
 *
 * <pre>
 * try (QueryRole query = QueryRole.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
 *   ... http://localhost:{query.port()}/v1/projects/acme/tables/events/rows?from=...&amp;to=...
 * }
 * </pre>
 *
 * <p>{@link #close()} stops the HTTP server and the tailers. The HTTP server's threads are daemon
 * threads; still, a CLI should exit explicitly after closing (Javalin may keep a non-daemon helper
 * thread alive for a while).
 */
public final class QueryRole implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QueryRole.class);

  private final QueryConfig config;
  private final ScheduledExecutorService executor;
  private final ParquetFiles files;
  private final TableRegistry tables;
  private final BufferAllocator allocator;
  private final HttpApi.Services services;
  private final Javalin app;
  private final Catalog catalog;

  /** The live tail once started: set once, read by {@link QueryService}'s table status. */
  private final AtomicReference<LiveTail> tail;

  private boolean started;
  private PgServer pg;
  private CommitFeedFollower feed;

  private QueryRole(
      QueryConfig config,
      ScheduledExecutorService executor,
      ParquetFiles files,
      TableRegistry tables,
      BufferAllocator allocator,
      HttpApi.Services services,
      Javalin app,
      Catalog catalog,
      AtomicReference<LiveTail> tail) {
    this.config = config;
    this.catalog = catalog;
    this.executor = executor;
    this.files = files;
    this.tables = tables;
    this.allocator = allocator;
    this.services = services;
    this.app = app;
    this.tail = tail;
  }

  /**
   * Starts the role: HTTP server on the configured port, table discovery and tailing in the
   * background ({@code GET /ready} answers 200 once every table is loaded and caught up).
   *
   * @param registry where the meters go; {@code GET /metrics} serves it when it is (or contains) a
   *     {@link PrometheusMeterRegistry}
   * @throws QueryException when the configuration cannot be used
   * @throws RuntimeException when the HTTP port cannot be bound (nothing is left running)
   */
  public static QueryRole start(QueryConfig config, MeterRegistry registry) {
    return run(
        config, create(config, registry, new S3BucketValidator(config.allowPrivateEndpoints())));
  }

  /**
   * Starts the role with a shared catalog (table types created at run time are served as soon as
   * the catalog has them) and a sink for rows that SQL {@code INSERT}s.
   */
  public static QueryRole start(
      QueryConfig config, MeterRegistry registry, Catalog catalog, io.lakestream.sql.RowSink sink) {
    return run(
        config,
        create(
            config,
            registry,
            new S3BucketValidator(config.allowPrivateEndpoints()),
            catalog,
            sink,
            new CatalogRegistrationStore(catalog)));
  }

  private static QueryRole run(QueryConfig config, QueryRole role) {
    try {
      role.app.start(config.httpHost(), config.httpPort());
      role.started = true;
      if (config.pgPort() >= 0) {
        role.pg = startPostgresProtocol(config, role.services);
      }
      role.startFollowing();
      if (config.commitFeed()) {
        log.info(
            "Query API listening on {}:{}, warehouse {}, following {} (fallback sweep {})",
            config.httpHost(),
            role.port(),
            config.warehouse(),
            Topics.COMMITS,
            config.fallbackInterval().isZero() ? "off" : "every " + config.fallbackInterval());
      } else {
        log.info(
            "Query API listening on {}:{}, warehouse {}, polling every {} ms",
            config.httpHost(),
            role.port(),
            config.warehouse(),
            config.pollInterval().toMillis());
      }
      return role;
    } catch (RuntimeException e) {
      role.close();
      throw e;
    }
  }

  /**
   * The PostgreSQL protocol on {@code query.pg.port}: SCRAM-SHA-256 with bearer tokens as
   * passwords, or no password when the role runs open.
   *
   * @throws QueryException when the port cannot be bound, or a TLS file cannot be used (naming the
   *     setting and the file)
   */
  static PgServer startPostgresProtocol(QueryConfig config, HttpApi.Services services) {
    PgAuthentication authentication =
        config.open() ? PgAuthentication.TRUST : PgAuthentication.SCRAM_SHA_256;
    PgServer.Options options =
        new PgServer.Options(
            config.httpHost(),
            config.pgPort(),
            authentication,
            MAX_PG_CONNECTIONS,
            config.pgTls().map(QueryRole::pgTls));
    try {
      return PgServer.start(options, new PgSqlBackend(services.access(), config, services.sql()));
    } catch (java.io.UncheckedIOException e) {
      throw QueryErrors.invalidConfig(
          "pgPort", e.getMessage() + "; set query.pg.port to a free port, or -1 to turn it off");
    }
  }

  /** Reads the PEM files of {@code query.pg.tls.*}; an error names the setting and the file. */
  static PgTls pgTls(QueryConfig.PgTlsFiles files) {
    List<X509Certificate> chain;
    try {
      chain = PgTls.readCertificateChain(files.certificate());
    } catch (IllegalArgumentException e) {
      throw QueryErrors.invalidConfig("query.pg.tls.cert", e.getMessage());
    }
    PrivateKey key;
    try {
      key = PgTls.readPrivateKey(files.key());
    } catch (IllegalArgumentException e) {
      throw QueryErrors.invalidConfig("query.pg.tls.key", e.getMessage());
    }
    try {
      return files.required() ? PgTls.required(chain, key) : PgTls.offered(chain, key);
    } catch (IllegalArgumentException e) {
      throw QueryErrors.invalidConfig(
          "query.pg.tls.key",
          files.key() + " does not go with " + files.certificate() + ": " + e.getMessage());
    }
  }

  /** PostgreSQL connections served at once. */
  static final int MAX_PG_CONNECTIONS = 64;

  /** A sink for a role without Kafka: INSERT is refused with the reason. */
  static final io.lakestream.sql.RowSink NO_INSERTS =
      (table, rows) -> {
        throw QueryErrors.badSql(
            "INSERT needs the Kafka broker: this query API runs without one (start it with"
                + " kafka.bootstrap.servers, as `lakestream query` and `lakestream dev` do).");
      };

  /** Builds every part without starting the HTTP server or the tailers. */
  static QueryRole create(QueryConfig config, MeterRegistry registry, BucketValidator validator) {
    return create(
        config,
        registry,
        validator,
        Catalog.inMemory(config.tables()),
        NO_INSERTS,
        localStore(config));
  }

  /** Registrations in {@code dataDir}, or in memory without one: for a role without Kafka. */
  private static RegistrationStore localStore(QueryConfig config) {
    return config
        .dataDir()
        .<RegistrationStore>map(FileRegistrationStore::new)
        .orElseGet(RegistrationStore::inMemory);
  }

  /** Builds every part without starting the HTTP server or the tailers. */
  static QueryRole create(
      QueryConfig config,
      MeterRegistry registry,
      BucketValidator validator,
      Catalog catalog,
      io.lakestream.sql.RowSink sink,
      RegistrationStore store) {
    requireNonNull(config, "config is null");
    requireNonNull(registry, "registry is null");
    Clock clock = Clock.systemUTC();
    HadoopStorage storage = HadoopStorage.of(config);
    ParquetFiles files = new ParquetFiles(storage.conf(), config.maxOpenFiles());
    ScheduledExecutorService executor =
        Executors.newScheduledThreadPool(2, daemonThreads("lakestream-query-tail-"));
    SecretBox cipher;
    if (config.encryptionKey().isPresent()) {
      cipher = SecretBox.fromBase64Key(config.encryptionKey().get());
    } else {
      cipher = SecretBox.random();
      log.warn(
          "No encryption key configured: secrets of projects registered now cannot be decrypted"
              + " after a restart; set one for deployments");
    }

    ProjectRegistry projects =
        new ProjectRegistry(
            store,
            cipher,
            validator,
            config.allowPrivateEndpoints(),
            config.tables().keySet(),
            clock);
    DeltaLogReader logs = new StandaloneDeltaLogReader(storage.conf());
    TableRegistry tables =
        new TableRegistry(
            catalog::table,
            List.of(
                new WarehouseTableSource(storage.root(), storage.conf()),
                new RegisteredTableSource(projects, storage.conf())),
            logs,
            files,
            executor,
            config.pollInterval(),
            clock);
    QueryMetrics metrics = new QueryMetrics(registry, tables, clock);
    tables.onNewTable(metrics::tableDiscovered);
    AccessPolicy access =
        new AccessPolicy(
            config.projectTokens(), config.adminToken(), config.metricsToken(), config.open());
    if (config.open()) {
      log.warn(
          "Query API running OPEN (development mode): every request may read every project,"
              + " without a token");
    }
    BufferAllocator allocator = new RootAllocator();
    // the tail starts with the role (startFollowing), after the services it serves through
    AtomicReference<LiveTail> tail = new AtomicReference<>();
    QueryService service =
        new QueryService(
            tables,
            new RangeReader(files),
            access,
            projects,
            project -> catalog.project(project).isPresent(),
            allocator,
            metrics,
            () -> Optional.ofNullable(tail.get()),
            clock);
    SqlService sql =
        new SqlService(
            catalog,
            access,
            service,
            metrics,
            new TableData(tables, logs, storage.conf()),
            sink,
            config.sqlLimits(),
            config.maxLimit(),
            config.sqlFileScanMinRows());
    HttpApi.Services services =
        new HttpApi.Services(
            config,
            access,
            metrics,
            service,
            sql,
            new ProjectService(catalog, projects, access, tables, clock));
    Javalin app = HttpApi.create(services, prometheus(registry));
    return new QueryRole(config, executor, files, tables, allocator, services, app, catalog, tail);
  }

  private static Optional<PrometheusMeterRegistry> prometheus(MeterRegistry registry) {
    if (registry instanceof PrometheusMeterRegistry prometheus) {
      return Optional.of(prometheus);
    }
    if (registry instanceof CompositeMeterRegistry composite) {
      for (MeterRegistry member : composite.getRegistries()) {
        Optional<PrometheusMeterRegistry> found = prometheus(member);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** The HTTP port, once started. */
  public int port() {
    return app.port();
  }

  /** The PostgreSQL protocol port, once started; -1 when the role serves none. */
  public int pgPort() {
    return pg == null ? -1 : pg.port();
  }

  /** The configuration the role runs with. */
  public QueryConfig config() {
    return config;
  }

  /** The tables and their indexes. */
  public TableRegistry tables() {
    return tables;
  }

  /** Reads and status, as the routes call them. */
  QueryService service() {
    return services.query();
  }

  /** Everything the routes call. */
  HttpApi.Services services() {
    return services;
  }

  Javalin app() {
    return app;
  }

  /** Starts discovery and tailing without the HTTP server (for in-process tests). */
  void startTailing() {
    startFollowing();
  }

  /**
   * Follows the tables: through the commit feed (one fallback sweep every fallback interval, no
   * timer per table), or by polling every table's log.
   */
  private void startFollowing() {
    if (config.commitFeed()) {
      tables.followFeed(config.fallbackInterval());
      feed =
          CommitFeedFollower.start(
              config.kafkaBootstrapServers().orElseThrow(), config.kafkaClientProperties(), tables);
    } else {
      tables.start(config.discoveryInterval());
    }
    if (config.tailEnabled()) {
      CommitFeedFollower follower = feed;
      tail.set(
          LiveTail.start(
              config.kafkaBootstrapServers().orElseThrow(),
              config.kafkaClientProperties(),
              config.writerGroup(),
              catalog::tables, // built-in types and those created at run time
              tables,
              follower != null ? follower::isPositioned : tables::ready,
              config.tailMaxBytes()));
    }
  }

  /** The live tail, when the role serves it and has started. */
  public Optional<LiveTail> liveTail() {
    return Optional.ofNullable(tail.get());
  }

  /** The commit feed follower, when the role follows the feed and has started. */
  public Optional<CommitFeedFollower> commitFeed() {
    return Optional.ofNullable(feed);
  }

  /**
   * Stops the HTTP server and the PostgreSQL protocol, closes the SQL engine, then stops discovery
   * and tailing, and frees readers and memory.
   */
  @Override
  public void close() {
    try {
      if (pg != null) {
        pg.close();
      }
      if (started) {
        app.stop();
      }
    } finally {
      services.sql().close();
      LiveTail running = tail.get();
      if (running != null) {
        running.close();
      }
      if (feed != null) {
        feed.close();
      }
      tables.close();
      executor.shutdownNow();
      try {
        executor.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      files.close();
      try {
        allocator.close();
      } catch (IllegalStateException e) {
        log.warn("Arrow memory still allocated at close: {}", e.getMessage());
      }
      log.info("Query API stopped");
    }
  }
}

package io.lakestream.query;

import static java.util.Objects.requireNonNull;

import io.lakestream.reader.QueryErrors;
import io.lakestream.reader.QueryException;
import io.lakestream.schema.ProjectIds;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.sql.SqlEngine;
import io.lakestream.storage.S3Settings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything the query role needs. Build with {@link #builder()}; {@link Builder#build()} checks
 * every value.
 *
 * @param warehouse {@code file:///path} or {@code s3://bucket/prefix}; tables are discovered under
 *     {@code {warehouse}/projects/{project}/{table}/}
 * @param s3 how to reach S3 when the warehouse is on S3
 * @param httpHost the interface to listen on (default {@code 0.0.0.0})
 * @param httpPort the port; 0 picks a free one ({@link QueryRole#port()} tells which)
 * @param pollInterval how often each table's Delta log is polled for new commits (default 500 ms)
 * @param discoveryInterval how often the warehouse is listed for new tables (default 5 s)
 * @param defaultLimit rows per response when {@code limit} is not given (default 1000)
 * @param maxLimit the largest {@code limit} accepted (default 100,000)
 * @param projectTokens per project, the bearer tokens that read it
 * @param adminToken the token that reads every project and registers projects
 * @param open whether to admit every request without a token (development only; logged at start)
 * @param encryptionKey the AES key (base64 of 16, 24 or 32 bytes) that encrypts stored secrets;
 *     when empty a random key is used and stored secrets cannot be decrypted after a restart
 * @param dataDir where registrations are stored ({@code registrations.json}); empty keeps them in
 *     memory
 * @param tables the table types served, by name; tables of other types are skipped
 * @param maxOpenFiles Parquet readers kept open for reuse (footer and page index loaded)
 * @param metricsToken a token that reads {@code /metrics} with every project's series (for a
 *     Prometheus scraper); without any token {@code /metrics} serves series without a project
 * @param allowPrivateEndpoints whether {@code POST /register_project} may contact loopback,
 *     link-local and private addresses (development; off by default)
 * @param pgPort the PostgreSQL protocol port (on {@code httpHost}); 0 picks a free one ({@link
 *     QueryRole#pgPort()} tells which), -1 (the builder's default) serves no PostgreSQL protocol
 * @param kafkaBootstrapServers the Kafka cluster whose commit feed the sidecar follows; empty
 *     without Kafka
 * @param kafkaClientProperties more Kafka client properties (security, timeouts)
 * @param commitFeed whether to follow the commit feed ({@code lakestream.commits}) instead of
 *     polling each table (needs {@code kafkaBootstrapServers}); then {@code pollInterval} and
 *     {@code discoveryInterval} are not used
 * @param fallbackInterval with the commit feed, how often one sweep lists the sources and reads
 *     every table's log, for commits no announcement names; zero turns the sweep off
 * @param tailEnabled whether to serve the live tail: rows of the routed-rows topics not yet in a
 *     Delta commit (needs {@code kafkaBootstrapServers}); the builder's default is on with Kafka,
 *     off without
 * @param tailMaxBytes live tail rows kept in memory at most (bytes as read); above it the tail
 *     pauses reading
 * @param writerGroup the writers' consumer group, whose committed offsets the tail starts from
 * @param sqlLimits what the SQL engine may use: rows one statement loads, memory, threads, the
 *     longest a query runs
 * @param smallFileBytes a table's status counts its live files below this size as {@code
 *     small_files} (maintenance's compaction target, {@code maintenance.target.file.bytes})
 * @param sqlFileScanMinRows the fewest rows of a key range (and at least half the table's) for
 *     which the SQL engine reads a local table's Parquet files itself instead of through the
 *     learned index ({@code query.sql.file.scan.min.rows}); {@link Long#MAX_VALUE} turns it off
 * @param pgTls TLS of the PostgreSQL protocol ({@code query.pg.tls.*}), or empty for plain text
 *     only
 */
public record QueryConfig(
    URI warehouse,
    S3Settings s3,
    String httpHost,
    int httpPort,
    Duration pollInterval,
    Duration discoveryInterval,
    int defaultLimit,
    int maxLimit,
    Map<String, Set<String>> projectTokens,
    Optional<String> adminToken,
    boolean open,
    Optional<String> encryptionKey,
    Optional<Path> dataDir,
    Map<String, TableDefinition> tables,
    int maxOpenFiles,
    Optional<String> metricsToken,
    boolean allowPrivateEndpoints,
    int pgPort,
    Optional<String> kafkaBootstrapServers,
    Map<String, String> kafkaClientProperties,
    boolean commitFeed,
    Duration fallbackInterval,
    boolean tailEnabled,
    long tailMaxBytes,
    String writerGroup,
    SqlEngine.Limits sqlLimits,
    long smallFileBytes,
    long sqlFileScanMinRows,
    Optional<PgTlsFiles> pgTls) {

  /**
   * TLS of the PostgreSQL protocol, as PEM files (read when the role starts).
   *
   * @param certificate the server's certificate chain ({@code query.pg.tls.cert})
   * @param key its unencrypted PKCS#8 private key ({@code query.pg.tls.key})
   * @param required whether plain-text clients are refused ({@code query.pg.tls.required})
   */
  public record PgTlsFiles(Path certificate, Path key, boolean required) {
    public PgTlsFiles {
      requireNonNull(certificate, "certificate is null");
      requireNonNull(key, "key is null");
    }
  }

  /** The default of {@link #sqlFileScanMinRows}. */
  public static final long DEFAULT_SQL_FILE_SCAN_MIN_ROWS = 100_000;

  public QueryConfig {
    requireNonNull(warehouse, "warehouse is null");
    requireNonNull(s3, "s3 is null");
    requireNonNull(httpHost, "httpHost is null");
    requireNonNull(pollInterval, "pollInterval is null");
    requireNonNull(discoveryInterval, "discoveryInterval is null");
    requireNonNull(adminToken, "adminToken is null");
    requireNonNull(encryptionKey, "encryptionKey is null");
    requireNonNull(dataDir, "dataDir is null");
    requireNonNull(metricsToken, "metricsToken is null");
    requireNonNull(kafkaBootstrapServers, "kafkaBootstrapServers is null");
    kafkaClientProperties =
        Map.copyOf(requireNonNull(kafkaClientProperties, "kafkaClientProperties is null"));
    requireNonNull(fallbackInterval, "fallbackInterval is null");
    requireNonNull(sqlLimits, "sqlLimits is null");
    requireNonNull(pgTls, "pgTls is null");
    if (sqlFileScanMinRows < 0) {
      throw QueryErrors.invalidConfig(
          "sqlFileScanMinRows", "must be at least 0, not " + sqlFileScanMinRows);
    }
    Map<String, Set<String>> tokens = new TreeMap<>();
    for (var entry : requireNonNull(projectTokens, "projectTokens is null").entrySet()) {
      String project = ProjectIds.normalize(entry.getKey());
      if (!ProjectIds.isValid(project)) {
        throw QueryErrors.invalidConfig(
            "projectTokens",
            "project "
                + ProjectIds.quote(project)
                + " is not a project id (1 to 64 letters,"
                + " digits, '_' or '-')");
      }
      tokens.merge(
          project,
          Set.copyOf(entry.getValue()),
          (a, b) -> {
            Set<String> both = new java.util.HashSet<>(a);
            both.addAll(b);
            return Set.copyOf(both);
          });
    }
    projectTokens = Map.copyOf(tokens);
    tables = Map.copyOf(requireNonNull(tables, "tables is null"));
    String scheme = warehouse.getScheme();
    if (scheme == null || !(scheme.equals("file") || scheme.equals("s3") || scheme.equals("s3a"))) {
      throw QueryErrors.invalidConfig(
          "warehouse", "use file:///absolute/path or s3://bucket/prefix, not " + warehouse);
    }
    if (httpPort < 0 || httpPort > 65535) {
      throw QueryErrors.invalidConfig("httpPort", "use 0 (any free port) to 65535");
    }
    if (pgPort < -1 || pgPort > 65535) {
      throw QueryErrors.invalidConfig(
          "pgPort", "use -1 (no PostgreSQL protocol), 0 (any free port) or 1 to 65535");
    }
    if (pollInterval.toMillis() < 10 || discoveryInterval.toMillis() < 10) {
      throw QueryErrors.invalidConfig(
          "pollInterval/discoveryInterval", "each must be at least 10 ms");
    }
    if (defaultLimit < 1 || maxLimit < defaultLimit) {
      throw QueryErrors.invalidConfig(
          "defaultLimit/maxLimit", "need 1 <= defaultLimit <= maxLimit");
    }
    if (tables.isEmpty()) {
      throw QueryErrors.invalidConfig("tables", "give at least one table definition");
    }
    if (maxOpenFiles < 0) {
      throw QueryErrors.invalidConfig("maxOpenFiles", "must be 0 or more");
    }
    if (!open && projectTokens.isEmpty() && adminToken.isEmpty()) {
      throw QueryErrors.invalidConfig(
          "tokens",
          "give project tokens (query.tokens) or an admin token (query.admin.token), or run open"
              + " (query.open=true, development only)");
    }
    if (commitFeed && kafkaBootstrapServers.isEmpty()) {
      throw QueryErrors.invalidConfig(
          "commitFeed", "following the commit feed needs the Kafka bootstrap servers");
    }
    requireNonNull(writerGroup, "writerGroup is null");
    if (tailEnabled && kafkaBootstrapServers.isEmpty()) {
      throw QueryErrors.invalidConfig(
          "tailEnabled", "the live tail needs the Kafka bootstrap servers");
    }
    if (tailMaxBytes < 1) {
      throw QueryErrors.invalidConfig("tailMaxBytes", "must be at least 1 byte");
    }
    if (fallbackInterval.isNegative()) {
      throw QueryErrors.invalidConfig("fallbackInterval", "use 0 (off) or a positive duration");
    }
    encryptionKey.ifPresent(QueryConfig::decodeKey);
  }

  /** The encryption key's bytes. */
  static byte[] decodeKey(String base64) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw QueryErrors.invalidConfig("encryptionKey", "give base64 of 16, 24 or 32 bytes");
    }
    if (key.length != 16 && key.length != 24 && key.length != 32) {
      throw QueryErrors.invalidConfig(
          "encryptionKey", "give base64 of 16, 24 or 32 bytes, not " + key.length + " bytes");
    }
    return key;
  }

  /** Whether the warehouse is on S3. */
  public boolean warehouseOnS3() {
    return !warehouse.getScheme().equals("file");
  }

  /** A builder with the defaults; set at least the warehouse and tokens (or open). */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  @Override
  public String toString() {
    return "QueryConfig[warehouse="
        + warehouse
        + ", s3="
        + s3
        + ", http="
        + httpHost
        + ":"
        + httpPort
        + ", pg="
        + (pgPort < 0 ? "off" : String.valueOf(pgPort))
        + pgTls
            .map(
                t ->
                    " (TLS "
                        + (t.required() ? "required" : "offered")
                        + ", "
                        + t.certificate()
                        + ")")
            .orElse("")
        + (commitFeed
            ? ", commitFeed="
                + kafkaBootstrapServers.orElse("")
                + ", fallbackInterval="
                + fallbackInterval
            : ", pollInterval=" + pollInterval)
        + ", limits="
        + defaultLimit
        + "/"
        + maxLimit
        + ", projects with tokens="
        + projectTokens.keySet()
        + ", adminToken="
        + (adminToken.isPresent() ? "****" : "none")
        + ", metricsToken="
        + (metricsToken.isPresent() ? "****" : "none")
        + ", allowPrivateEndpoints="
        + allowPrivateEndpoints
        + ", open="
        + open
        + ", tables="
        + new TreeMap<>(tables).keySet()
        + "]";
  }

  /** Builds a {@link QueryConfig}. */
  public static final class Builder {
    private URI warehouse;
    private S3Settings s3 = S3Settings.aws();
    private String httpHost = "0.0.0.0";
    private int httpPort = 8080;
    private Duration pollInterval = Duration.ofMillis(500);
    private Duration discoveryInterval = Duration.ofSeconds(5);
    private int defaultLimit = 1_000;
    private int maxLimit = 100_000;
    private Map<String, Set<String>> projectTokens = new LinkedHashMap<>();
    private Optional<String> adminToken = Optional.empty();
    private boolean open;
    private Optional<String> encryptionKey = Optional.empty();
    private Optional<Path> dataDir = Optional.empty();
    private Map<String, TableDefinition> tables = TableDefinitions.builtIns();
    private int maxOpenFiles = 256;
    private Optional<String> metricsToken = Optional.empty();
    private boolean allowPrivateEndpoints;
    private int pgPort = -1;
    private Optional<String> kafkaBootstrapServers = Optional.empty();
    private Map<String, String> kafkaClientProperties = Map.of();
    private boolean commitFeed;
    private Duration fallbackInterval = Duration.ofSeconds(60);
    private Boolean tailEnabled; // null: on with Kafka, off without
    private long tailMaxBytes = 256L << 20;
    private String writerGroup = "lakestream-writer";
    private long sqlMaxRows = SqlEngine.Limits.DEFAULT.maxRows();
    private long sqlMemoryBytes = SqlEngine.Limits.DEFAULT.memoryBytes();
    private int sqlThreads = SqlEngine.Limits.DEFAULT.threads();
    private Duration sqlTimeout = SqlEngine.Limits.DEFAULT.timeout();
    private long smallFileBytes = 128L << 20;
    private long sqlFileScanMinRows = DEFAULT_SQL_FILE_SCAN_MIN_ROWS;
    private Path pgTlsCertificate;
    private Path pgTlsKey;
    private boolean pgTlsRequired;

    private Builder() {}

    private Builder(QueryConfig c) {
      warehouse = c.warehouse;
      s3 = c.s3;
      httpHost = c.httpHost;
      httpPort = c.httpPort;
      pollInterval = c.pollInterval;
      discoveryInterval = c.discoveryInterval;
      defaultLimit = c.defaultLimit;
      maxLimit = c.maxLimit;
      projectTokens = new LinkedHashMap<>(c.projectTokens);
      adminToken = c.adminToken;
      open = c.open;
      encryptionKey = c.encryptionKey;
      dataDir = c.dataDir;
      tables = c.tables;
      maxOpenFiles = c.maxOpenFiles;
      metricsToken = c.metricsToken;
      allowPrivateEndpoints = c.allowPrivateEndpoints;
      pgPort = c.pgPort;
      kafkaBootstrapServers = c.kafkaBootstrapServers;
      kafkaClientProperties = c.kafkaClientProperties;
      commitFeed = c.commitFeed;
      fallbackInterval = c.fallbackInterval;
      tailEnabled = c.tailEnabled;
      tailMaxBytes = c.tailMaxBytes;
      writerGroup = c.writerGroup;
      sqlMaxRows = c.sqlLimits.maxRows();
      sqlMemoryBytes = c.sqlLimits.memoryBytes();
      sqlThreads = c.sqlLimits.threads();
      sqlTimeout = c.sqlLimits.timeout();
      smallFileBytes = c.smallFileBytes;
      sqlFileScanMinRows = c.sqlFileScanMinRows;
      pgTlsCertificate = c.pgTls.map(PgTlsFiles::certificate).orElse(null);
      pgTlsKey = c.pgTls.map(PgTlsFiles::key).orElse(null);
      pgTlsRequired = c.pgTls.map(PgTlsFiles::required).orElse(false);
    }

    public Builder warehouse(URI warehouse) {
      this.warehouse = warehouse;
      return this;
    }

    /** Parses {@code file:///path}, {@code s3://bucket/prefix}, or a plain local path. */
    public Builder warehouse(String warehouse) {
      requireNonNull(warehouse, "warehouse is null");
      this.warehouse =
          warehouse.contains("://")
              ? URI.create(warehouse)
              : Path.of(warehouse).toAbsolutePath().toUri();
      return this;
    }

    public Builder s3(S3Settings s3) {
      this.s3 = s3;
      return this;
    }

    public Builder httpHost(String httpHost) {
      this.httpHost = httpHost;
      return this;
    }

    public Builder httpPort(int httpPort) {
      this.httpPort = httpPort;
      return this;
    }

    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
      return this;
    }

    public Builder discoveryInterval(Duration discoveryInterval) {
      this.discoveryInterval = discoveryInterval;
      return this;
    }

    public Builder defaultLimit(int defaultLimit) {
      this.defaultLimit = defaultLimit;
      return this;
    }

    public Builder maxLimit(int maxLimit) {
      this.maxLimit = maxLimit;
      return this;
    }

    /** Replaces all project tokens. */
    public Builder projectTokens(Map<String, Set<String>> projectTokens) {
      this.projectTokens = new LinkedHashMap<>(projectTokens);
      return this;
    }

    /** Adds a token of a project. */
    public Builder projectToken(String project, String token) {
      Set<String> tokens =
          new java.util.LinkedHashSet<>(projectTokens.getOrDefault(project, Set.of()));
      tokens.add(token);
      projectTokens.put(project, tokens);
      return this;
    }

    public Builder adminToken(String adminToken) {
      this.adminToken = Optional.ofNullable(adminToken);
      return this;
    }

    /** Admits every request without a token: for development only. */
    public Builder open(boolean open) {
      this.open = open;
      return this;
    }

    /** The AES key encrypting stored secrets: base64 of 16, 24 or 32 bytes. */
    public Builder encryptionKey(String encryptionKey) {
      this.encryptionKey = Optional.ofNullable(encryptionKey);
      return this;
    }

    public Builder dataDir(Path dataDir) {
      this.dataDir = Optional.ofNullable(dataDir);
      return this;
    }

    public Builder tables(Map<String, TableDefinition> tables) {
      this.tables = new LinkedHashMap<>(tables);
      return this;
    }

    public Builder maxOpenFiles(int maxOpenFiles) {
      this.maxOpenFiles = maxOpenFiles;
      return this;
    }

    /** The token that reads every project's series on {@code /metrics}. */
    public Builder metricsToken(String metricsToken) {
      this.metricsToken = Optional.ofNullable(metricsToken).filter(t -> !t.isBlank());
      return this;
    }

    /** Lets {@code POST /register_project} contact loopback and private addresses. */
    public Builder allowPrivateEndpoints(boolean allowPrivateEndpoints) {
      this.allowPrivateEndpoints = allowPrivateEndpoints;
      return this;
    }

    /** The PostgreSQL protocol port: 0 picks a free one, -1 (the default) serves none. */
    public Builder pgPort(int pgPort) {
      this.pgPort = pgPort;
      return this;
    }

    /**
     * TLS for the PostgreSQL protocol: the server's certificate chain and its private key, PEM
     * files (null: none).
     */
    public Builder pgTls(Path certificate, Path key) {
      this.pgTlsCertificate = certificate;
      this.pgTlsKey = key;
      return this;
    }

    /** Refuses PostgreSQL clients that do not use TLS (needs {@link #pgTls}). */
    public Builder pgTlsRequired(boolean pgTlsRequired) {
      this.pgTlsRequired = pgTlsRequired;
      return this;
    }

    /** The Kafka cluster the sidecar follows the commit feed on, with more client properties. */
    public Builder kafka(String bootstrapServers, Map<String, String> clientProperties) {
      this.kafkaBootstrapServers = Optional.ofNullable(bootstrapServers);
      this.kafkaClientProperties = Map.copyOf(clientProperties);
      return this;
    }

    /** Follows the commit feed instead of polling each table (needs {@link #kafka}). */
    public Builder commitFeed(boolean commitFeed) {
      this.commitFeed = commitFeed;
      return this;
    }

    /** With the commit feed: how often the fallback sweep runs; zero turns it off. */
    public Builder fallbackInterval(Duration fallbackInterval) {
      this.fallbackInterval = fallbackInterval;
      return this;
    }

    /**
     * Serves the live tail: rows not yet in a Delta commit (needs {@link #kafka}). Default: on when
     * {@link #kafka} is given, off otherwise.
     */
    public Builder tailEnabled(boolean tailEnabled) {
      this.tailEnabled = tailEnabled;
      return this;
    }

    /** Live tail rows kept in memory at most, in bytes as read (default 256 MiB). */
    public Builder tailMaxBytes(long tailMaxBytes) {
      this.tailMaxBytes = tailMaxBytes;
      return this;
    }

    /** The writers' consumer group (default {@code lakestream-writer}). */
    public Builder writerGroup(String writerGroup) {
      this.writerGroup = writerGroup;
      return this;
    }

    /** The most rows one SQL statement may load from the tables (default 20,000,000). */
    public Builder sqlMaxRows(long sqlMaxRows) {
      this.sqlMaxRows = sqlMaxRows;
      return this;
    }

    /** The SQL engine's memory limit, all statements together, in bytes (default 2 GiB). */
    public Builder sqlMemoryBytes(long sqlMemoryBytes) {
      this.sqlMemoryBytes = sqlMemoryBytes;
      return this;
    }

    /** The SQL engine's threads (default 2). */
    public Builder sqlThreads(int sqlThreads) {
      this.sqlThreads = sqlThreads;
      return this;
    }

    /** The longest a SQL query may run (default 5 minutes; zero: no limit). */
    public Builder sqlTimeout(Duration sqlTimeout) {
      this.sqlTimeout = sqlTimeout;
      return this;
    }

    /**
     * The fewest rows of a key range (and at least half the table's) for which the SQL engine reads
     * a local table's Parquet files itself (default 100,000); {@link Long#MAX_VALUE}: never.
     */
    public Builder sqlFileScanMinRows(long sqlFileScanMinRows) {
      this.sqlFileScanMinRows = sqlFileScanMinRows;
      return this;
    }

    /** Files below this size count as small in a table's status (default 128 MiB). */
    public Builder smallFileBytes(long smallFileBytes) {
      this.smallFileBytes = smallFileBytes;
      return this;
    }

    /**
     * @throws QueryException naming the setting and the fix when a value is missing or invalid
     */
    public QueryConfig build() {
      if (warehouse == null) {
        throw QueryErrors.invalidConfig(
            "warehouse", "give file:///absolute/path or s3://bucket/prefix");
      }
      SqlEngine.Limits sqlLimits;
      try {
        sqlLimits = new SqlEngine.Limits(sqlMaxRows, sqlMemoryBytes, sqlThreads, sqlTimeout);
      } catch (IllegalArgumentException | NullPointerException e) {
        // The limit's message starts with its name (threads, maxRows, …): the builder's is sql….
        String name = e.getMessage().split(" ", 2)[0];
        throw QueryErrors.invalidConfig(
            "sql" + Character.toUpperCase(name.charAt(0)) + name.substring(1), e.getMessage());
      }
      if (pgTlsCertificate != null && pgTlsKey == null) {
        throw QueryErrors.invalidConfig(
            "query.pg.tls.key",
            "query.pg.tls.cert is set to "
                + pgTlsCertificate
                + ": give its private key too (a PEM file, PKCS#8)");
      }
      if (pgTlsKey != null && pgTlsCertificate == null) {
        throw QueryErrors.invalidConfig(
            "query.pg.tls.cert",
            "query.pg.tls.key is set to "
                + pgTlsKey
                + ": give the certificate chain too (a PEM file)");
      }
      if (pgTlsRequired && pgTlsCertificate == null) {
        throw QueryErrors.invalidConfig(
            "query.pg.tls.required",
            "TLS cannot be required without a certificate: set query.pg.tls.cert and"
                + " query.pg.tls.key");
      }
      Optional<PgTlsFiles> pgTls =
          pgTlsCertificate == null
              ? Optional.empty()
              : Optional.of(new PgTlsFiles(pgTlsCertificate, pgTlsKey, pgTlsRequired));
      return new QueryConfig(
          warehouse,
          s3,
          httpHost,
          httpPort,
          pollInterval,
          discoveryInterval,
          defaultLimit,
          maxLimit,
          projectTokens,
          adminToken,
          open,
          encryptionKey,
          dataDir,
          tables,
          maxOpenFiles,
          metricsToken,
          allowPrivateEndpoints,
          pgPort,
          kafkaBootstrapServers,
          kafkaClientProperties,
          commitFeed,
          fallbackInterval,
          tailEnabled != null ? tailEnabled : kafkaBootstrapServers.isPresent(),
          tailMaxBytes,
          writerGroup,
          sqlLimits,
          smallFileBytes,
          sqlFileScanMinRows,
          pgTls);
    }
  }
}

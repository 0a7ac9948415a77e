package io.lakestream.cli.config;

import io.lakestream.cli.config.Setting.Kind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every configuration key Lakestream reads, with its default; the source of docs/configuration.md.
 */
public final class Settings {
  public static final Setting KAFKA_BOOTSTRAP_SERVERS =
      string(
          "kafka.bootstrap.servers", "localhost:9092", "Kafka brokers, host:port[,host:port...].");
  public static final Setting ROLE_INSTANCE_ID =
      string(
          "role.instance.id",
          "",
          "A stable name of this instance (e.g. a StatefulSet pod's name), unique per role: the Kafka"
              + " `group.instance.id` of the router's, the writer's and the maintainer's consumers (static"
              + " membership), so a restarted instance takes its partitions back without a"
              + " rebalance. Empty: dynamic membership.");
  public static final Setting DATA_DIR =
      string(
          "data.dir",
          "./data",
          "Local folder for role state (Kafka Streams state, registrations; `dev`: broker, S3 and"
              + " warehouse). Two roles on one host need two folders.");
  public static final Setting TABLES_DIR =
      string(
          "tables.dir",
          "",
          "A folder of extra table definitions (*.yaml) loaded beside the built-ins.");
  public static final Setting WAREHOUSE =
      string(
          "warehouse",
          "",
          "Where tables live: file:///path or s3://bucket/prefix. Default: `dev` uses <data.dir>/warehouse; other roles require it.");
  public static final Setting S3_ENDPOINT =
      string(
          "s3.endpoint",
          "",
          "S3 API endpoint for s3:// warehouses (MinIO, S3Proxy); empty means AWS.");
  public static final Setting S3_REGION = string("s3.region", "us-east-1", "S3 region.");
  public static final Setting S3_PATH_STYLE =
      bool("s3.path.style", "true", "Path-style S3 requests (needed by MinIO and S3Proxy).");
  public static final Setting S3_ACCESS_KEY = string("s3.access.key", "", "S3 access key.");
  public static final Setting S3_SECRET_KEY = secret("s3.secret.key", "S3 secret key.");

  public static final Setting INGEST_APPLICATION_ID =
      string(
          "ingest.application.id",
          "lakestream-ingest",
          "Kafka Streams application id of the router.");
  public static final Setting INGEST_THREADS =
      integer("ingest.threads", "1", "Kafka Streams threads of the router.");
  public static final Setting INGEST_LOGS_TOPIC =
      string("ingest.otlp.logs.topic", "otlp_logs", "Topic of OTLP logs.");
  public static final Setting INGEST_SPANS_TOPIC =
      string("ingest.otlp.spans.topic", "otlp_spans", "Topic of OTLP spans.");
  public static final Setting INGEST_METRICS_TOPIC =
      string("ingest.otlp.metrics.topic", "otlp_metrics", "Topic of OTLP metrics.");
  public static final Setting INGEST_LOGS_ENCODING =
      string(
          "ingest.otlp.logs.encoding",
          "otlp_proto",
          "Encoding of the OTLP logs topic: otlp_proto or otlp_json.");
  public static final Setting INGEST_SPANS_ENCODING =
      string(
          "ingest.otlp.spans.encoding",
          "otlp_proto",
          "Encoding of the OTLP spans topic: otlp_proto or otlp_json.");
  public static final Setting INGEST_METRICS_ENCODING =
      string(
          "ingest.otlp.metrics.encoding",
          "otlp_proto",
          "Encoding of the OTLP metrics topic: otlp_proto or otlp_json.");
  public static final Setting INGEST_PROJECT_ATTRIBUTE =
      string(
          "ingest.project.attribute",
          "project_id",
          "OTLP resource attribute naming a record's project.");
  public static final Setting INGEST_DEFAULT_PROJECT =
      string(
          "ingest.default.project",
          "",
          "Project of records that name none; empty sends them to the dead-letter topic.");
  public static final Setting PROJECTS_REGISTRATION =
      string(
          "projects.registration",
          "required",
          "`required`: rows of unregistered projects go to the dead-letter topic (register with POST /v1/projects, then replay); `auto`: every valid project is routed and registered on its first row (`dev` default).");
  public static final Setting INGEST_PARTITIONS =
      integer(
          "ingest.rows.partitions",
          "12",
          "Partitions of every topic the router creates when missing: lakestream.rows.<table>, and"
              + " also its inputs (otlp_*, lakestream.ingest.<table>) and lakestream.dlq. Create"
              + " input topics yourself to give them another count.");
  public static final Setting INGEST_MAX_RECORD_BYTES =
      size(
          "ingest.max.record.bytes",
          "1000000",
          "Largest routed row; a record with a larger row goes to the dead-letter topic. The router's producer max.request.size is this + 48,588 bytes (1,048,588 by default: Kafka's default max.message.bytes), and lakestream.rows.* and lakestream.dlq must accept it (max.message.bytes, checked at start).");
  public static final Setting INGEST_MAX_BATCH_BYTES =
      size(
          "ingest.max.batch.bytes",
          "32MiB",
          "Largest source record (OTLP batch or Avro row) the router maps, decompressed; larger ones go to the dead-letter topic. Held with its rows in one stream thread's memory (about 5x at the peak).");
  public static final Setting INGEST_MAX_FUTURE_SKEW =
      duration(
          "ingest.max.future.skew",
          "1d",
          "How far in the future a row's timestamp may be before it is rejected.");

  public static final Setting WRITER_GROUP_ID =
      string("writer.group.id", "lakestream-writer", "Consumer group of the writers.");
  public static final Setting WRITER_FLUSH_ROWS =
      integer("writer.flush.rows", "1000000", "Flush a (project, table) buffer at this many rows.");
  public static final Setting WRITER_FLUSH_BYTES =
      size("writer.flush.bytes", "128MiB", "Flush a (project, table) buffer at this many bytes.");
  public static final Setting WRITER_FLUSH_AGE =
      duration(
          "writer.flush.age",
          "5m",
          "Flush a buffer once its oldest row is this old (`dev`: 1s); large, since the query"
              + " sidecar's live tail serves rows before their flush.");
  public static final Setting WRITER_INCOMPLETE_RECORD_TIMEOUT =
      duration(
          "writer.incomplete.record.timeout",
          "15m",
          "How long rows wait for the rest of their source record before they go to the DLQ as"
              + " `incomplete_record`.");
  public static final Setting WRITER_TABLE_CACHE =
      integer(
          "writer.table.cache",
          "10000",
          "Tables whose state (Delta log object, txn watermarks) a writer keeps, least recently"
              + " used given back first; a table given back is read again from its log.");
  public static final Setting WRITER_FLUSH_THREADS =
      integer(
          "writer.flush.threads",
          "0",
          "Tables flushed at once (Parquet write and Delta commit), off the consuming thread, one"
              + " flush per table at a time; 0: the number of cores, at least 2.");
  public static final Setting WRITER_MEMORY_CAP =
      size(
          "writer.memory.cap",
          "512MiB",
          "Buffered bytes above which the writer pauses its partitions.");
  public static final Setting WRITER_CHECKPOINT_INTERVAL =
      integer(
          "writer.checkpoint.interval",
          "10",
          "Delta checkpoint every this many commits of a table (at most once per"
              + " `writer.checkpoint.spacing`).");
  public static final Setting WRITER_CHECKPOINT_SPACING =
      duration(
          "writer.checkpoint.spacing",
          "30s",
          "Least time between two checkpoints of one table: a checkpoint due sooner is written at the"
              + " table's first commit after it (a checkpoint rewrites the table's whole state; `0s`:"
              + " every `writer.checkpoint.interval` commits).");

  public static final Setting QUERY_HTTP_PORT =
      port("query.http.port", "8080", "Port of the query API (and of /health, /metrics).");
  public static final Setting QUERY_PG_PORT =
      portOrOff(
          "query.pg.port",
          "5432",
          "Port of the PostgreSQL protocol (psql, Grafana, JDBC; user: the project id, password: the"
              + " project's or the admin token); 0 picks a free port, -1 turns it off.");
  public static final Setting QUERY_PG_TLS_CERT =
      string(
          "query.pg.tls.cert",
          "",
          "PEM file of the PostgreSQL protocol's TLS certificate chain, the server's certificate"
              + " first (as PostgreSQL's ssl_cert_file); with query.pg.tls.key, clients that ask for"
              + " TLS (sslmode=require, verify-full) get it on query.pg.port. Empty: no TLS (an"
              + " SSLRequest is answered 'no').");
  public static final Setting QUERY_PG_TLS_KEY =
      string(
          "query.pg.tls.key",
          "",
          "PEM file of the private key of query.pg.tls.cert (as PostgreSQL's ssl_key_file):"
              + " unencrypted PKCS#8 (BEGIN PRIVATE KEY) or PKCS#1 RSA (BEGIN RSA PRIVATE KEY).");
  public static final Setting QUERY_PG_TLS_REQUIRED =
      bool(
          "query.pg.tls.required",
          "false",
          "Refuse PostgreSQL clients that do not use TLS (FATAL, SQLSTATE 28000), as a pg_hba.conf"
              + " of `hostssl` lines only; needs query.pg.tls.cert and query.pg.tls.key.");
  public static final Setting QUERY_SQL_MAX_ROWS =
      integer(
          "query.sql.max.rows",
          "20000000",
          "The most rows one SQL statement may load from the tables (all its tables together); a"
              + " statement that reads more is refused, naming the table and the key range to"
              + " narrow.");
  public static final Setting QUERY_SQL_MEMORY =
      size(
          "query.sql.memory",
          "2GiB",
          "Memory limit of the embedded SQL engine (DuckDB), all statements together; a statement"
              + " that needs more is refused (SQLSTATE 54000).");
  public static final Setting QUERY_SQL_THREADS =
      integer("query.sql.threads", "2", "Threads of the embedded SQL engine (DuckDB).");
  public static final Setting QUERY_SQL_TIMEOUT =
      duration(
          "query.sql.timeout",
          "5m",
          "The longest a SQL query may run, from its start until its last row is sent (HTTP,"
              + " PostgreSQL protocol); then it is cancelled (HTTP 408, SQLSTATE 57014), so that"
              + " no statement holds the engine's threads for long. 0s: no limit. A PostgreSQL"
              + " session may set a shorter statement_timeout.");
  public static final Setting QUERY_SQL_FILE_SCAN_MIN_ROWS =
      integer(
          "query.sql.file.scan.min.rows",
          "100000",
          "A SQL statement whose key range holds at least this many rows of a table on a local"
              + " disk, and at least half the table, runs over DuckDB's own scan of the snapshot's"
              + " Parquet files (plus the live tail rows) instead of rows read through the learned"
              + " index; -1 turns it off.");
  public static final Setting QUERY_POLL_INTERVAL =
      duration(
          "query.poll.interval",
          "500ms",
          "With query.commit.feed=false: how often each table's Delta log is polled for new"
              + " commits.");
  public static final Setting QUERY_COMMIT_FEED =
      bool(
          "query.commit.feed",
          "true",
          "Follow the writers' commit feed (lakestream.commits): each announced commit is applied to"
              + " its table's index without reading the Delta log, and new tables are found from"
              + " their first commit; no table is polled on a timer of its own. `false`: poll every"
              + " table's log every query.poll.interval and list the warehouse every"
              + " query.discovery.interval.");
  public static final Setting QUERY_FALLBACK_INTERVAL =
      duration(
          "query.fallback.interval",
          "60s",
          "With query.commit.feed: how often one sweep lists the warehouse and checks every"
              + " table's log for its next commit, for commits made by other tools (a Spark"
              + " OPTIMIZE, a restore); 0s turns it off.");
  public static final Setting QUERY_TAIL_ENABLED =
      bool(
          "query.tail.enabled",
          "true",
          "Serve the live tail: rows of lakestream.rows.<table> not yet in a Delta commit, read from"
              + " the writers' committed offsets and merged into every read, each row once.");
  public static final Setting QUERY_TAIL_MAX_BYTES =
      size(
          "query.tail.max.bytes",
          "256MiB",
          "With query.tail.enabled: live tail rows kept in memory at most; above it the sidecar"
              + " pauses reading the rows topics (rows then become visible when committed).");
  public static final Setting QUERY_DISCOVERY_INTERVAL =
      duration(
          "query.discovery.interval",
          "5s",
          "With query.commit.feed=false: how often the warehouse is listed for new tables (`dev`:"
              + " 1s).");
  public static final Setting QUERY_MAX_LIMIT =
      integer("query.max.limit", "100000", "Largest `limit` a range read accepts.");
  public static final Setting QUERY_OPEN =
      bool(
          "query.open",
          "false",
          "Serve without tokens (`dev` default: true). Never in production.");
  public static final Setting QUERY_TOKENS =
      secretPairs("query.tokens", "Bearer tokens per project: project=token[,project=token...].");
  public static final Setting QUERY_ADMIN_TOKEN =
      secret("query.admin.token", "Bearer token that reads every project and registers projects.");
  public static final Setting QUERY_METRICS_TOKEN =
      secret(
          "query.metrics.token",
          "Bearer token that reads /metrics with every project's series (for Prometheus), nothing"
              + " else; without a token /metrics serves series without a project label only.");
  public static final Setting QUERY_REGISTER_ALLOW_PRIVATE_ENDPOINTS =
      bool(
          "query.register.allow-private-endpoints",
          "false",
          "Let POST /register_project contact loopback, link-local and private addresses (`dev`"
              + " default: true).");
  public static final Setting QUERY_ENCRYPTION_KEY =
      secret(
          "query.encryption.key",
          "Base64 AES key (16 or 32 bytes) encrypting stored project secrets; `maintain` needs the"
              + " same key to maintain projects' own buckets (`dev`: a key kept in its data"
              + " folder).");

  public static final Setting MAINTENANCE_INTERVAL =
      duration(
          "maintenance.interval",
          "5m",
          "How often `lakestream maintain` maintains each table (compaction, vacuum, log cleanup);"
              + " tables take turns, the longest unmaintained first (`dev` default: 30s).");
  public static final Setting MAINTENANCE_QUIET_INTERVAL =
      duration(
          "maintenance.quiet.interval",
          "1h",
          "How often a quiet table is maintained (its last turn found nothing to do and it has had"
              + " no commit since: each `maintenance.interval` costs it one existence check);"
              + " retention and vacuum of such a table happen up to this much after they fall"
              + " due.");
  public static final Setting MAINTENANCE_TARGET_FILE_BYTES =
      size(
          "maintenance.target.file.bytes",
          "128MiB",
          "Data files below this size are merged by primary key into files of about this size;"
              + " the query sidecar's table status counts them as `small_files`.");
  public static final Setting MAINTENANCE_MAX_REWRITE_BYTES =
      size(
          "maintenance.max.rewrite.bytes",
          "1GiB",
          "The most bytes of small files one table's compaction rewrites in one turn; the rest"
              + " waits for its next turn, so a large backlog does not hold other tables up.");
  public static final Setting MAINTENANCE_VACUUM_GRACE =
      duration(
          "maintenance.vacuum.grace",
          "1d",
          "How long a data file removed from a table's log (by compaction), or written and never"
              + " committed (a crash), is kept before vacuum deletes it: readers on an older"
              + " snapshot keep reading it meanwhile. Keep it above the longest read and the"
              + " longest write-to-commit time.");
  public static final Setting MAINTENANCE_THREADS =
      integer(
          "maintenance.threads", "1", "How many tables `lakestream maintain` works on at once.");
  public static final Setting MAINTENANCE_GROUP =
      string(
          "maintenance.group",
          "lakestream-maintenance",
          "The Kafka consumer group (over `lakestream.commits`) through which `lakestream maintain`"
              + " instances split the tables: each maintains the tables of the feed partitions it"
              + " is assigned, never two on one table at once. Not used by `--once` and `dev`"
              + " (one instance, every table).");
  public static final Setting MAINTENANCE_SESSION_TIMEOUT =
      duration(
          "maintenance.session.timeout",
          "45s",
          "How long the maintenance group waits for a silent (crashed) `maintain` instance before"
              + " its tables move to the others; one that stops cleanly hands them over at once.");

  public static final Setting ROLE_HTTP_PORT =
      port(
          "role.http.port",
          "8081",
          "Port of /health, /ready and /metrics for the ingest, write and maintain roles. Two roles on one"
              + " host need two ports (and two `data.dir`s).");

  /** Every key, in documentation order. */
  public static final List<Setting> ALL =
      List.of(
          KAFKA_BOOTSTRAP_SERVERS,
          DATA_DIR,
          TABLES_DIR,
          WAREHOUSE,
          S3_ENDPOINT,
          S3_REGION,
          S3_PATH_STYLE,
          S3_ACCESS_KEY,
          S3_SECRET_KEY,
          INGEST_APPLICATION_ID,
          INGEST_THREADS,
          INGEST_LOGS_TOPIC,
          INGEST_SPANS_TOPIC,
          INGEST_METRICS_TOPIC,
          INGEST_LOGS_ENCODING,
          INGEST_SPANS_ENCODING,
          INGEST_METRICS_ENCODING,
          INGEST_PROJECT_ATTRIBUTE,
          INGEST_DEFAULT_PROJECT,
          PROJECTS_REGISTRATION,
          INGEST_PARTITIONS,
          INGEST_MAX_RECORD_BYTES,
          INGEST_MAX_BATCH_BYTES,
          INGEST_MAX_FUTURE_SKEW,
          WRITER_GROUP_ID,
          WRITER_FLUSH_ROWS,
          WRITER_FLUSH_BYTES,
          WRITER_FLUSH_AGE,
          WRITER_INCOMPLETE_RECORD_TIMEOUT,
          WRITER_TABLE_CACHE,
          WRITER_FLUSH_THREADS,
          WRITER_MEMORY_CAP,
          WRITER_CHECKPOINT_INTERVAL,
          WRITER_CHECKPOINT_SPACING,
          QUERY_HTTP_PORT,
          QUERY_PG_PORT,
          QUERY_PG_TLS_CERT,
          QUERY_PG_TLS_KEY,
          QUERY_PG_TLS_REQUIRED,
          QUERY_SQL_MAX_ROWS,
          QUERY_SQL_MEMORY,
          QUERY_SQL_THREADS,
          QUERY_SQL_TIMEOUT,
          QUERY_SQL_FILE_SCAN_MIN_ROWS,
          QUERY_POLL_INTERVAL,
          QUERY_DISCOVERY_INTERVAL,
          QUERY_COMMIT_FEED,
          QUERY_FALLBACK_INTERVAL,
          QUERY_TAIL_ENABLED,
          QUERY_TAIL_MAX_BYTES,
          QUERY_MAX_LIMIT,
          QUERY_OPEN,
          QUERY_TOKENS,
          QUERY_ADMIN_TOKEN,
          QUERY_METRICS_TOKEN,
          QUERY_REGISTER_ALLOW_PRIVATE_ENDPOINTS,
          QUERY_ENCRYPTION_KEY,
          MAINTENANCE_INTERVAL,
          MAINTENANCE_QUIET_INTERVAL,
          MAINTENANCE_TARGET_FILE_BYTES,
          MAINTENANCE_MAX_REWRITE_BYTES,
          MAINTENANCE_VACUUM_GRACE,
          MAINTENANCE_THREADS,
          MAINTENANCE_GROUP,
          MAINTENANCE_SESSION_TIMEOUT,
          ROLE_INSTANCE_ID,
          ROLE_HTTP_PORT);

  private static final Map<String, Setting> BY_KEY = new LinkedHashMap<>();

  static {
    for (Setting setting : ALL) {
      BY_KEY.put(setting.key(), setting);
    }
  }

  private Settings() {}

  /** The setting with this key, if there is one. */
  public static Optional<Setting> find(String key) {
    return Optional.ofNullable(BY_KEY.get(key));
  }

  private static Setting string(String key, String defaultValue, String description) {
    return new Setting(key, Kind.STRING, defaultValue, description, false);
  }

  private static Setting port(String key, String defaultValue, String description) {
    return new Setting(key, Kind.PORT, defaultValue, description, false);
  }

  private static Setting portOrOff(String key, String defaultValue, String description) {
    return new Setting(key, Kind.PORT_OR_OFF, defaultValue, description, false);
  }

  private static Setting integer(String key, String defaultValue, String description) {
    return new Setting(key, Kind.INT, defaultValue, description, false);
  }

  private static Setting bool(String key, String defaultValue, String description) {
    return new Setting(key, Kind.BOOLEAN, defaultValue, description, false);
  }

  private static Setting duration(String key, String defaultValue, String description) {
    return new Setting(key, Kind.DURATION, defaultValue, description, false);
  }

  private static Setting size(String key, String defaultValue, String description) {
    return new Setting(key, Kind.SIZE, defaultValue, description, false);
  }

  private static Setting secret(String key, String description) {
    return new Setting(key, Kind.STRING, "", description, true);
  }

  private static Setting secretPairs(String key, String description) {
    return new Setting(key, Kind.PAIRS, "", description, true);
  }
}

package io.lakestream.schema;

/** Names of Lakestream's Kafka topics, shared by every role. */
public final class Topics {
  /** OTLP log records as the Collector's Kafka exporter writes them. */
  public static final String OTLP_LOGS = "otlp_logs";

  /** OTLP spans as the Collector's Kafka exporter writes them. */
  public static final String OTLP_SPANS = "otlp_spans";

  /** OTLP metrics as the Collector's Kafka exporter writes them. */
  public static final String OTLP_METRICS = "otlp_metrics";

  /** Records that could not be routed: original key and bytes, reason in headers. */
  public static final String DEAD_LETTER = "lakestream.dlq";

  /** Table definitions and project registrations (compacted). */
  public static final String CATALOG = "lakestream.catalog";

  /** The commit feed: one {@link CommitAnnouncement} per Delta commit the writers make. */
  public static final String COMMITS = "lakestream.commits";

  private static final String INGEST_PREFIX = "lakestream.ingest.";
  private static final String ROWS_PREFIX = "lakestream.rows.";

  private Topics() {}

  /** Where applications produce Avro rows of a table: {@code lakestream.ingest.<table>}. */
  public static String ingest(String table) {
    return INGEST_PREFIX + table;
  }

  /** Where the router writes a table's rows, keyed by project: {@code lakestream.rows.<table>}. */
  public static String rows(String table) {
    return ROWS_PREFIX + table;
  }

  /** The table of an ingest topic, or null when the topic is not one. */
  public static String tableOfIngest(String topic) {
    return topic.startsWith(INGEST_PREFIX) ? topic.substring(INGEST_PREFIX.length()) : null;
  }

  /** The table of a routed-rows topic, or null when the topic is not one. */
  public static String tableOfRows(String topic) {
    return topic.startsWith(ROWS_PREFIX) ? topic.substring(ROWS_PREFIX.length()) : null;
  }

  /** A regular expression matching every routed-rows topic, for the writer's subscription. */
  public static String rowsPattern() {
    return "lakestream\\.rows\\..+";
  }
}

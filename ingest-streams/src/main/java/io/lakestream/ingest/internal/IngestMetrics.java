package io.lakestream.ingest.internal;

import io.lakestream.ingest.DeadLetterReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The router's counters: {@code lakestream.ingest.records.in} and {@code
 * lakestream.ingest.rows.out} tagged {@code table}, {@code lakestream.ingest.dlq} tagged {@code
 * reason}. Records of an unknown table count under table {@value #UNKNOWN_TABLE}. Under
 * exactly-once a retried transaction counts its records again; the counters are for rates, not for
 * reconciliation.
 */
public final class IngestMetrics {
  /** The counter of source records read. */
  public static final String RECORDS_IN = "lakestream.ingest.records.in";

  /** The counter of rows routed. */
  public static final String ROWS_OUT = "lakestream.ingest.rows.out";

  /** The counter of records set aside in the dead-letter topic. */
  public static final String DEAD_LETTERS = "lakestream.ingest.dlq";

  /** The table tag of records whose table is not configured. */
  public static final String UNKNOWN_TABLE = "_unknown";

  private final MeterRegistry registry;
  private final Map<String, Counter> recordsIn = new ConcurrentHashMap<>();
  private final Map<String, Counter> rowsOut = new ConcurrentHashMap<>();
  private final Map<DeadLetterReason, Counter> deadLetters = new EnumMap<>(DeadLetterReason.class);

  public IngestMetrics(MeterRegistry registry, Iterable<String> tables) {
    this.registry = registry;
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      deadLetters.put(
          reason,
          Counter.builder(DEAD_LETTERS)
              .description("Source records set aside in the dead-letter topic")
              .tag("reason", reason.code())
              .register(registry));
    }
    for (String table : tables) {
      recordsIn(table);
      rowsOut(table);
    }
    recordsIn(UNKNOWN_TABLE);
  }

  /** Counts one source record read for {@code table} (null when unknown). */
  public void recordIn(String table) {
    recordsIn(table == null ? UNKNOWN_TABLE : table).increment();
  }

  /** Counts rows routed to {@code table}. */
  public void rowsOut(String table, int rows) {
    rowsOut(table).increment(rows);
  }

  /** Counts one record set aside. */
  public void deadLetter(DeadLetterReason reason) {
    deadLetters.get(reason).increment();
  }

  private Counter recordsIn(String table) {
    return recordsIn.computeIfAbsent(
        table,
        t ->
            Counter.builder(RECORDS_IN)
                .description("Source records read by the ingest router")
                .tag("table", t)
                .register(registry));
  }

  private Counter rowsOut(String table) {
    return rowsOut.computeIfAbsent(
        table,
        t ->
            Counter.builder(ROWS_OUT)
                .description("Rows routed to lakestream.rows.<table>")
                .tag("table", t)
                .register(registry));
  }
}
